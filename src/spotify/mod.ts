/** Spotify Web API: links, catalog client, tokens, normalized models. */
export type * from "./catalog_model.ts";
export {
  type ApiGeneration,
  type ArtistAlbumsOptions,
  DEFAULT_API_URL,
  DEFAULT_SPOTIFY_CLIENT_SETTINGS,
  type PagedOptions,
  type RequestOptions,
  SpotifyClient,
  type SpotifyClientOptions,
} from "./catalog_client.ts";
export {
  type ClientCredentialsOptions,
  ClientCredentialsTokenProvider,
  DEFAULT_ACCOUNTS_URL,
  type TokenProvider,
} from "./token_provider.ts";
export {
  PlaylistWithheldError,
  RateLimitedError,
  SPOTIFY_DASHBOARD_URL,
  SpotifyHttpError,
  type WithheldPlaylistInfo,
} from "./errors.ts";
export {
  type ClassifiedRow,
  classifyPlaylistRow,
  classifyPlaylistRows,
  largestImageUrl,
  normalizeAlbum,
  normalizeAlbumSummary,
  normalizeArtist,
  normalizeTrack,
  type RawObject,
} from "./normalize.ts";
export { toTrackMetadata } from "./track_metadata.ts";
export { describeUnreadPage, type PagedRead, type PageFailure } from "./paged_read.ts";
export { burstSize, type RateLimitSettings, SPOTIFY_ROLLING_WINDOW_MS } from "./rate_limiter.ts";
export type { Clock } from "./timing.ts";
export type { RetryPolicy } from "./retry_policy.ts";
export {
  type AccountsOptions,
  authorizationUrl,
  type AuthorizeProbe,
  createLoginRequest,
  exchangeAuthorizationCode,
  fetchCurrentUser,
  LOGIN_SCOPES,
  type LoginRequest,
  loopbackRedirectUri,
  probeAuthorizeUrl,
  readAuthorizationCallback,
  type SpotifyUser,
  type UserTokens,
} from "./user_auth.ts";
export { UserTokenProvider, type UserTokenProviderOptions } from "./user_token_provider.ts";
export {
  CODE_VERIFIER_LENGTH,
  codeChallengeS256,
  createCodeVerifier,
  createState,
  type RandomBytes,
} from "./pkce.ts";
export {
  likedSongsNeedLoginError,
  LoginExpiredError,
  loginExpiredError,
  redirectUriMismatchError,
  withheldFromOtherUserError,
} from "./login_errors.ts";
export * from "./login_store.ts";
