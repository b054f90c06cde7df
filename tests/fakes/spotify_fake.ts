/**
 * A local fake of the Spotify Web API and accounts service, seeded with real
 * recorded answers (tests/fixtures/recorded/spotify/catalog.json). It speaks
 * both API generations:
 *
 * - "pre2026": the recorded shapes. Batch reads (`/v1/tracks?ids=`,
 *   `/v1/albums?ids=`, `/v1/artists?ids=`), `/v1/artists/{id}/top-tracks`,
 *   `/v1/playlists/{id}/tracks` (rows hold `track`), playlists embed `tracks`,
 *   search limit up to 50 (default 20), `popularity`/`available_markets`
 *   present. `/v1/playlists/{id}/items` does not exist yet (404).
 * - "2026" (Development Mode apps since Feb/Mar 2026): batch reads and
 *   top-tracks answer 403; `/v1/playlists/{id}/tracks` answers 403;
 *   `/v1/playlists/{id}/items` (rows hold `item`, limit up to 50) and the
 *   embedded `items` page only for playlists the token's user owns or
 *   collaborates on (a client-credentials token has no user, so metadata only
 *   and 403 on `/items`); search limit above 10 answers 400 (default 5);
 *   `popularity` and `available_markets` are stripped from tracks and albums;
 *   without Premium (`premium: false`) every API call answers 403 with
 *   Spotify's Premium message.
 *
 * Every paged endpoint answers any `limit`/`offset` with correct `total`,
 * absolute `next`/`previous` links (the fake's own origin, or `linkOrigin`)
 * and 400 on out-of-range limits. `maxPageSize` makes pages smaller than asked
 * (reporting the real `limit`), so small fixtures still exercise paging.
 * `omitFirstPages` sends album and playlist objects without their embedded
 * first page, so a client must read `/tracks` or `/items` from the start.
 *
 * The token endpoint (POST /api/token) checks the client id/secret (Basic auth
 * or form fields) and issues expiring bearer tokens; the API checks them (401
 * when missing, unknown or expired). Token issuing lives in `FakeTokenIssuer`.
 *
 * User logins (Authorization Code + PKCE, as Spotify runs it for public
 * clients): GET /authorize checks client_id (else 400 "INVALID_CLIENT: Invalid
 * client"), the redirect_uri against the registered ones (`redirectUris`;
 * default any http://127.0.0.1:<port>/callback; else 400 "INVALID_CLIENT:
 * Invalid redirect URI"), response_type=code, code_challenge_method=S256 and
 * known scopes, then approves at once as `currentUserId` (or declines with
 * `denyLogin`) by a 302 to redirect_uri?code=...&state=... . POST /api/token
 * with grant_type=authorization_code verifies the code (once, same client and
 * redirect_uri) and the code_verifier against the S256 challenge, and answers
 * an access token plus a refresh token; grant_type=refresh_token rotates the
 * refresh token (the old one stops working). `revokeUserTokens()` makes every
 * user token and refresh token invalid (invalid_grant, like a user removing
 * the app). GET /v1/me and GET /v1/me/tracks (Liked Songs: `likedTrackIds`,
 * default the first five catalog tracks; needs user-library-read) answer only
 * user tokens; an app token gets 401. `issueToken({ userId })` still mints a
 * user token directly.
 *
 * Faults are scripted per request: `{ path: /regex/, status: 503, times: 2 }`
 * answers the next two matching requests with 503 before behaving normally;
 * `429` sends Retry-After, `"drop"` cuts the connection mid-body,
 * `"malformed-json"` sends a truncated JSON body with status 200.
 *
 * Usage:
 *   await using fake = await startFakeSpotify({ mode: "2026" });
 *   const client = new SpotifyClient({ apiUrl: fake.url, accountsUrl: fake.accountsUrl,
 *     clientId: fake.clientId, clientSecret: fake.clientSecret });
 */
import { fixtureUrl } from "./fixtures.ts";

/** A JSON object as the real API sends it. */
export type RawObject = Record<string, unknown>;

/** The recorded catalog: the same shape as tests/fixtures/recorded/spotify/catalog.json. */
export interface SpotifyCatalog {
  /** Full track objects by id. */
  tracks: Record<string, RawObject>;
  /** Full album objects by id (with an embedded `tracks` page). */
  albums: Record<string, RawObject>;
  /** Album id -> every simplified track in album order. */
  album_tracks: Record<string, RawObject[]>;
  /** Full artist objects by id. */
  artists: Record<string, RawObject>;
  /** Artist id -> simplified albums with `album_group`. */
  artist_albums: Record<string, RawObject[]>;
  /** Playlist objects by id. */
  playlists: Record<string, RawObject>;
  /** Playlist id -> rows (`{added_at, added_by, is_local, track}`). */
  playlist_items: Record<string, RawObject[]>;
}

/** Which API generation the fake imitates. */
export type FakeApiMode = "pre2026" | "2026";

/** What a scripted fault answers. */
export type FakeFaultKind = 429 | 500 | 502 | 503 | 504 | "drop" | "malformed-json";

/** A scripted failure for matching requests. */
export interface FakeFault {
  /** Matched against path + query ("/v1/tracks/abc?market=DE"); a string matches as a substring. */
  path: RegExp | string;
  /** Only this method (default: any). */
  method?: string;
  status: FakeFaultKind;
  /** Seconds for the Retry-After header of a 429 (default 1). */
  retryAfter?: number;
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
  /** Fail only every n-th matching request (the n-th, 2n-th, ...; default every one). */
  everyNth?: number;
}

/** Options of `startFakeSpotify`. */
export interface FakeSpotifyOptions {
  /** Default: the recorded catalog.json (tests/fixtures/recorded/). */
  catalog?: SpotifyCatalog;
  /** Default "pre2026". */
  mode?: FakeApiMode;
  /** Delay before every answer (default 0). */
  latencyMs?: number;
  /** Default "fake-client-id" / "fake-client-secret". */
  clientId?: string;
  clientSecret?: string;
  /** Whether the app owner has Premium (only matters in 2026 mode; default true). */
  premium?: boolean;
  /** The user a user token belongs to (default "fake-user"). */
  currentUserId?: string;
  /** Playlists the current user owns or collaborates on, besides those whose owner id is theirs. */
  ownedPlaylistIds?: string[];
  /** Display name of the current user (default "Fake User"). */
  currentUserName?: string;
  /** Registered redirect URIs (default: any http://127.0.0.1:<port>/callback). */
  redirectUris?: string[];
  /** The user declines on the authorize page (redirect with error=access_denied). */
  denyLogin?: boolean;
  /** The current user's Liked Songs, newest first (default: the first five catalog tracks). */
  likedTrackIds?: string[];
  faults?: FakeFault[];
  /** Lifetime of issued tokens (default 3600 s). */
  tokenTtlSeconds?: number;
  /** Largest page the fake returns, whatever `limit` asks (default: no cap). */
  maxPageSize?: number;
  /** Album and playlist objects come without their embedded first page of tracks/items. */
  omitFirstPages?: boolean;
  /** Origin used in `href`/`next`/`previous` links (default: the fake's own origin). */
  linkOrigin?: string;
  /** Serve /api/token on a second server with its own origin (default: same server). */
  separateAccountsServer?: boolean;
  /** Time source for token expiry (default Date.now). */
  clock?: () => number;
}

/** One request the fake answered. */
export interface FakeRequestRecord {
  method: string;
  path: string;
  /** Query string without "?". */
  query: string;
  /** Status sent; 0 when the connection was dropped. */
  status: number;
  /** Name of the scripted fault that answered, if any. */
  fault?: string;
  /** When the request arrived (epoch ms). */
  receivedAt: number;
  /** When its answer was ready to send, after the latency (epoch ms; unset while pending). */
  answeredAt?: number;
}

/** A running fake; close it (or `await using`) at the end of the test. */
export interface FakeSpotify {
  /** Origin of the Web API, e.g. "http://127.0.0.1:40123". */
  readonly url: string;
  /** Origin of the accounts service (same as `url` unless separateAccountsServer). */
  readonly accountsUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly catalog: SpotifyCatalog;
  readonly mode: FakeApiMode;
  /** Every request answered since start or the last `reset()`, in order. */
  readonly requests: FakeRequestRecord[];
  /** Requests per endpoint since start/reset: { "GET /v1/tracks/{id}": 3, "POST /api/token": 1 }. */
  counts(): Record<string, number>;
  /** Requests whose path + query matches (a string matches as a substring). */
  count(pattern: RegExp | string): number;
  setMode(mode: FakeApiMode): void;
  setPremium(premium: boolean): void;
  addFault(fault: FakeFault): void;
  /** Mints an access token directly (a user token when `userId` is given). */
  issueToken(grant?: { userId?: string; scopes?: string[] }): string;
  /** Makes every token issued so far expired. */
  expireTokens(): void;
  /** Revokes every user login: user access tokens and refresh tokens stop working. */
  revokeUserTokens(): void;
  /** Replaces the registered redirect URIs (undefined: any loopback /callback). */
  setRedirectUris(uris: string[] | undefined): void;
  /** Whether the user declines on the authorize page from now on. */
  setDenyLogin(deny: boolean): void;
  /** The current user's Liked Songs (track ids, newest first). */
  readonly likedTrackIds: readonly string[];
  /** Clears the request log, the counts and any faults not yet used. */
  reset(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Ids in the recorded catalog that tests commonly need. */
export const FIXTURE_IDS = {
  /** "Top 10 NCS Songs Episode 2": 10 rows, the first one a removed track. */
  playlist: "5LkNhFidYyyjRWwnkcMbQs",
  /** Owner of the fixture playlist. */
  playlistOwner: "w19j0mt7brffcom023smtwpop",
  /** Kontinuum: 8 singles in artist_albums. */
  artist: "1FPC2zwfMHhrP3frOfaai6",
  /** A single track with ISRC. */
  track: "1t2qKa8K72IBC8yQlhD9bU",
  /** "How To Train Your Dragon (Music from the Motion Picture)": 25 tracks. */
  album25: "1kTnC045mQqurTQvGMGpmU",
  /** "NCS: The Best of 2016": 16 tracks. */
  album16: "1r07Izb8tOjwqYP6iTICH7",
  /** "Yeezus": 10 tracks. */
  album10: "7D2NdGvBHIavgLhmcwhluK",
  /** The removed first row of the fixture playlist. */
  removedTrack: "4YhITuwINLCfXYB2WCXbCZ",
} as const;

/** Spotify's Premium refusal, as sent since 2026. */
export const PREMIUM_REQUIRED_MESSAGE =
  "Active premium subscription required for the owner of the app.";

const FIXTURE_CATALOG_URL = fixtureUrl("spotify/catalog.json");
let fixtureCatalog: Promise<SpotifyCatalog> | undefined;

/** The recorded catalog (read once per process; treat it as read-only). */
export function loadFixtureCatalog(): Promise<SpotifyCatalog> {
  fixtureCatalog ??= Deno.readTextFile(FIXTURE_CATALOG_URL).then((text) =>
    JSON.parse(text) as SpotifyCatalog
  );
  return fixtureCatalog;
}

// ---------------------------------------------------------------------------
// Tokens: the one place that issues and checks them.

/** Who a token was issued to. */
export interface TokenGrant {
  clientId: string;
  /** Set for user tokens (a later Authorization Code flow); absent for client credentials. */
  userId?: string;
  scopes?: string[];
}

interface IssuedToken {
  grant: TokenGrant;
  expiresAt: number;
}

/** A token endpoint answer for a user login. */
export interface UserTokenAnswer {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** Issues opaque bearer tokens and checks them; also refresh tokens for user logins. */
export class FakeTokenIssuer {
  readonly #tokens = new Map<string, IssuedToken>();
  /** Refresh token -> the grant it renews; deleted when rotated or revoked. */
  readonly #refreshTokens = new Map<string, TokenGrant>();
  #serial = 0;

  constructor(private readonly ttlSeconds: number, private readonly clock: () => number) {}

  /** A new access token for `grant`, in the token endpoint's answer shape. */
  issue(grant: TokenGrant): { access_token: string; token_type: "Bearer"; expires_in: number } {
    const token = `fake-token-${++this.#serial}-${crypto.randomUUID()}`;
    this.#tokens.set(token, { grant, expiresAt: this.clock() + this.ttlSeconds * 1000 });
    return { access_token: token, token_type: "Bearer", expires_in: this.ttlSeconds };
  }

  /** The grant behind a bearer token, or why it is refused. */
  check(token: string): { grant: TokenGrant } | { refused: string } {
    const issued = this.#tokens.get(token);
    if (!issued) return { refused: "Invalid access token" };
    if (this.clock() >= issued.expiresAt) return { refused: "The access token expired" };
    return { grant: issued.grant };
  }

  /** Expires every token issued so far. */
  expireAll(): void {
    for (const issued of this.#tokens.values()) issued.expiresAt = -Infinity;
  }

  /** An access token and a new refresh token for a user grant. */
  issueUser(grant: TokenGrant & { userId: string }): UserTokenAnswer {
    const refresh = `fake-refresh-${++this.#serial}-${crypto.randomUUID()}`;
    this.#refreshTokens.set(refresh, grant);
    return {
      ...this.issue(grant),
      refresh_token: refresh,
      scope: (grant.scopes ?? []).join(" "),
    };
  }

  /**
   * Renews a user login: a new access token and a rotated refresh token (the
   * old one stops working), or why the refresh token is refused.
   */
  refresh(refreshToken: string, clientId: string): UserTokenAnswer | { refused: string } {
    const grant = this.#refreshTokens.get(refreshToken);
    if (!grant) return { refused: "Invalid refresh token" };
    if (grant.clientId !== clientId) return { refused: "Invalid refresh token" };
    this.#refreshTokens.delete(refreshToken);
    return this.issueUser(grant as TokenGrant & { userId: string });
  }

  /** Revokes every user login: user access tokens and all refresh tokens. */
  revokeUsers(): void {
    this.#refreshTokens.clear();
    for (const [token, issued] of this.#tokens) {
      if (issued.grant.userId) this.#tokens.delete(token);
    }
  }
}

/** BASE64URL(SHA-256(verifier)): the S256 code challenge (RFC 7636). */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
  );
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Scopes the fake's authorize page knows (a subset of Spotify's). */
const KNOWN_SCOPES = new Set([
  "playlist-read-private",
  "playlist-read-collaborative",
  "playlist-modify-private",
  "playlist-modify-public",
  "user-library-read",
  "user-library-modify",
  "user-read-private",
  "user-read-email",
]);

/** An authorization code waiting to be traded for tokens. */
interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scopes: string[];
  userId: string;
  expiresAt: number;
}

// ---------------------------------------------------------------------------
// Catalog views: entities the recorded data implies but does not list directly.

const ID_PATTERN = /^[0-9A-Za-z]{22}$/;
const ALBUM_SUMMARY_KEYS = [
  "album_type",
  "total_tracks",
  "available_markets",
  "external_urls",
  "href",
  "id",
  "images",
  "name",
  "release_date",
  "release_date_precision",
  "type",
  "uri",
  "artists",
];

function clone<T>(value: T): T {
  return structuredClone(value);
}

function pick(raw: RawObject, keys: string[]): RawObject {
  const out: RawObject = {};
  for (const key of keys) if (key in raw) out[key] = raw[key];
  return out;
}

function objectsOf(value: unknown): RawObject[] {
  return Array.isArray(value)
    ? value.filter((v): v is RawObject => typeof v === "object" && v !== null)
    : [];
}

/** Indexes over the catalog, built once per fake. */
class CatalogView {
  /** Track id -> album id, for tracks only known from album track lists. */
  readonly #albumOfTrack = new Map<string, string>();
  /** Album summaries from every source (albums, tracks' albums, artist albums). */
  readonly #albumSummaries = new Map<string, RawObject>();
  readonly #artistRefs = new Map<string, RawObject>();

  constructor(readonly catalog: SpotifyCatalog) {
    for (const [albumId, tracks] of Object.entries(catalog.album_tracks)) {
      for (const track of tracks) {
        if (typeof track.id === "string") this.#albumOfTrack.set(track.id, albumId);
      }
    }
    const noteArtists = (raw: RawObject) => {
      for (const artist of objectsOf(raw.artists)) {
        if (typeof artist.id === "string" && !this.#artistRefs.has(artist.id)) {
          this.#artistRefs.set(artist.id, artist);
        }
      }
    };
    for (const track of Object.values(catalog.tracks)) {
      const album = track.album as RawObject | undefined;
      if (album && typeof album.id === "string" && !this.#albumSummaries.has(album.id)) {
        this.#albumSummaries.set(album.id, pick(album, ALBUM_SUMMARY_KEYS));
      }
      noteArtists(track);
    }
    for (const albums of Object.values(catalog.artist_albums)) {
      for (const album of albums) {
        if (typeof album.id === "string" && !this.#albumSummaries.has(album.id)) {
          this.#albumSummaries.set(album.id, pick(album, ALBUM_SUMMARY_KEYS));
        }
      }
    }
    for (const album of Object.values(catalog.albums)) {
      // Full album objects are the best source: they win.
      this.#albumSummaries.set(album.id as string, pick(album, ALBUM_SUMMARY_KEYS));
      noteArtists(album);
    }
    for (const tracks of Object.values(catalog.album_tracks)) tracks.forEach(noteArtists);
  }

  albumSummary(id: string): RawObject | undefined {
    const summary = this.#albumSummaries.get(id);
    return summary ? clone(summary) : undefined;
  }

  /** Every simplified track of an album, in order. */
  albumTracks(id: string): RawObject[] | undefined {
    const listed = this.catalog.album_tracks[id];
    if (listed) return clone(listed);
    const embedded = (this.catalog.albums[id]?.tracks as RawObject | undefined)?.items;
    return Array.isArray(embedded) ? clone(objectsOf(embedded)) : undefined;
  }

  /** A full album object without its `tracks` page (the caller adds it). */
  album(id: string): RawObject | undefined {
    const full = this.catalog.albums[id];
    if (full) {
      const copy = clone(full);
      delete copy.tracks;
      return copy;
    }
    const summary = this.albumSummary(id);
    if (!summary || !this.albumTracks(id)) return undefined;
    return { ...summary, copyrights: [], external_ids: {}, genres: [], label: "", popularity: 0 };
  }

  /** A full track object, synthesized from its album when only the album lists it. */
  track(id: string): RawObject | undefined {
    const full = this.catalog.tracks[id];
    if (full) return clone(full);
    const albumId = this.#albumOfTrack.get(id);
    const album = albumId ? this.albumSummary(albumId) : undefined;
    const simplified = albumId ? this.albumTracks(albumId)?.find((t) => t.id === id) : undefined;
    if (!album || !simplified) return undefined;
    return {
      ...simplified,
      album,
      available_markets: album.available_markets ?? [],
      external_ids: {},
      popularity: 0,
    };
  }

  /** Ids of every track the fake can answer for. */
  trackIds(): string[] {
    return [...new Set([...Object.keys(this.catalog.tracks), ...this.#albumOfTrack.keys()])];
  }

  albumIds(): string[] {
    return [...this.#albumSummaries.keys()].filter((id) => this.album(id) !== undefined);
  }

  artist(id: string): RawObject | undefined {
    const full = this.catalog.artists[id];
    if (full) return clone(full);
    const ref = this.#artistRefs.get(id);
    if (!ref) return undefined;
    return { ...clone(ref), followers: { href: null, total: 0 }, genres: [], images: [] };
  }

  artistIds(): string[] {
    return [...new Set([...Object.keys(this.catalog.artists), ...this.#artistRefs.keys()])];
  }

  /** An artist's albums with `album_group`; derived from album credits when not recorded. */
  artistAlbums(id: string): RawObject[] {
    const listed = this.catalog.artist_albums[id];
    if (listed) return clone(listed);
    return this.albumIds()
      .map((albumId) => this.albumSummary(albumId)!)
      .filter((album) => objectsOf(album.artists).some((a) => a.id === id))
      .map((album) => ({ ...album, album_group: album.album_type }));
  }
}

// ---------------------------------------------------------------------------
// Answers.

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

function apiError(status: number, message: string): Response {
  return json({ error: { status, message } }, status);
}

/**
 * Spotify's `fields` filter for a list of top-level names ("snapshot_id" or
 * "name,snapshot_id"): only those keys are answered. Nested selections
 * ("tracks.items(track(name))") are not modelled: the whole object comes back.
 */
export function withFields(object: RawObject, fields: string | null): RawObject {
  if (fields === null || !/^[a-z_]+(,[a-z_]+)*$/.test(fields)) return object;
  const wanted = fields.split(",");
  return Object.fromEntries(Object.entries(object).filter(([key]) => wanted.includes(key)));
}

/** Removes fields the 2026 API no longer sends from tracks and albums (in place). */
function strip2026(value: unknown): unknown {
  if (Array.isArray(value)) {
    value.forEach(strip2026);
  } else if (typeof value === "object" && value !== null) {
    const raw = value as RawObject;
    if (raw.type === "track" || raw.type === "album") {
      delete raw.popularity;
      delete raw.available_markets;
    }
    Object.values(raw).forEach(strip2026);
  }
  return value;
}

interface PageRules {
  defaultLimit: number;
  maxLimit: number;
}

type PageResult = { page: RawObject } | { error: Response };

function readInt(text: string | null): number | undefined {
  if (text === null) return undefined;
  return /^\d+$/.test(text) ? Number(text) : NaN;
}

/** Starts the fake on 127.0.0.1 (random ports). */
export async function startFakeSpotify(options: FakeSpotifyOptions = {}): Promise<FakeSpotify> {
  const catalog = options.catalog ?? await loadFixtureCatalog();
  const view = new CatalogView(catalog);
  const clientId = options.clientId ?? "fake-client-id";
  const clientSecret = options.clientSecret ?? "fake-client-secret";
  const clock = options.clock ?? (() => Date.now());
  const currentUserId = options.currentUserId ?? "fake-user";
  const owned = new Set(options.ownedPlaylistIds ?? []);
  const tokens = new FakeTokenIssuer(options.tokenTtlSeconds ?? 3600, clock);
  const currentUserName = options.currentUserName ?? "Fake User";
  let redirectUris = options.redirectUris;
  let denyLogin = options.denyLogin ?? false;
  const likedTrackIds = options.likedTrackIds ?? Object.keys(catalog.tracks).slice(0, 5);
  const pendingCodes = new Map<string, PendingCode>();
  let mode: FakeApiMode = options.mode ?? "pre2026";
  let premium = options.premium ?? true;
  let faults: Array<FakeFault & { left: number; seen: number }> = [];
  const requests: FakeRequestRecord[] = [];
  const addFault = (fault: FakeFault) => faults.push({ ...fault, left: fault.times ?? 1, seen: 0 });
  (options.faults ?? []).forEach(addFault);

  const takeFault = (method: string, target: string) => {
    let fired: (typeof faults)[number] | undefined;
    for (const f of faults) {
      const matches = f.left > 0 && (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.path === "string" ? target.includes(f.path) : f.path.test(target));
      if (!matches) continue;
      // Every matching request counts toward every-n-th faults, even when another fault fires.
      f.seen++;
      if (fired || (f.everyNth && f.seen % f.everyNth !== 0)) continue;
      fired = f;
    }
    if (fired) fired.left--;
    return fired;
  };

  const faultResponse = (fault: FakeFault): Response => {
    switch (fault.status) {
      case 429:
        return json({ error: { status: 429, message: "API rate limit exceeded" } }, 429, {
          "retry-after": String(fault.retryAfter ?? 1),
        });
      case "drop":
        // Headers go out, then the connection dies mid-body.
        return new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"id": "'));
              controller.error(new DOMException("connection dropped by fake", "AbortError"));
            },
          }),
          { headers: { "content-type": "application/json; charset=utf-8" } },
        );
      case "malformed-json":
        return new Response('{"album": {"name": "Trunc', {
          headers: { "content-type": "application/json; charset=utf-8" },
        });
      default: {
        const messages: Record<number, string> = {
          500: "Server error",
          502: "Bad gateway",
          503: "Service unavailable",
          504: "Gateway timeout",
        };
        return apiError(fault.status, messages[fault.status] ?? "Server error");
      }
    }
  };

  const linkBase = (url: URL) => options.linkOrigin?.replace(/\/+$/, "") ?? url.origin;

  /** Slices `items` per limit/offset into a paging object whose links point at `path`. */
  const paginate = (
    items: unknown[],
    url: URL,
    path: string,
    rules: PageRules,
    extraParams: URLSearchParams = new URLSearchParams(),
  ): PageResult => {
    const limitAsked = readInt(url.searchParams.get("limit")) ?? rules.defaultLimit;
    const offset = readInt(url.searchParams.get("offset")) ?? 0;
    if (!Number.isInteger(limitAsked) || limitAsked < 1 || limitAsked > rules.maxLimit) {
      return { error: apiError(400, "Invalid limit") };
    }
    if (!Number.isInteger(offset) || offset < 0) return { error: apiError(400, "Invalid offset") };
    const limit = Math.min(limitAsked, options.maxPageSize ?? Infinity);
    const link = (at: number) => {
      const params = new URLSearchParams({ offset: String(at), limit: String(limit) });
      for (const [key, value] of extraParams) params.append(key, value);
      return `${linkBase(url)}${path}?${params}`;
    };
    const total = items.length;
    return {
      page: {
        href: link(offset),
        items: items.slice(offset, offset + limit),
        limit,
        next: offset + limit < total ? link(offset + limit) : null,
        offset,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        total,
      },
    };
  };

  /** Query parameters other than limit/offset, kept in paging links. */
  const otherParams = (url: URL, keep: string[]) => {
    const params = new URLSearchParams();
    for (const key of keep) {
      const value = url.searchParams.get(key);
      if (value !== null) params.set(key, value);
    }
    return params;
  };

  const canReadContents = (grant: TokenGrant, playlist: RawObject, id: string) => {
    if (!grant.userId) return false;
    const ownerId = (playlist.owner as RawObject | undefined)?.id;
    return ownerId === grant.userId || (grant.userId === currentUserId && owned.has(id));
  };

  /** Rows of a playlist in the current generation's shape. */
  const playlistRows = (id: string): RawObject[] => {
    const rows = clone(catalog.playlist_items[id] ?? []);
    if (mode === "pre2026") return rows;
    return rows.map((row) => {
      const { track, ...rest } = row;
      return { ...rest, item: track };
    });
  };

  const isRegisteredRedirect = (uri: string) =>
    redirectUris
      ? redirectUris.includes(uri)
      : /^http:\/\/127\.0\.0\.1:\d{1,5}\/callback$/.test(uri);

  /** GET /authorize: validates the request, then approves (or declines) at once. */
  const authorizeEndpoint = (url: URL): Response => {
    const params = url.searchParams;
    const page = (text: string) =>
      new Response(`<!doctype html><html><body><p>${text}</p></body></html>`, {
        status: 400,
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    if (params.get("client_id") !== clientId) return page("INVALID_CLIENT: Invalid client");
    const redirectUri = params.get("redirect_uri") ?? "";
    if (!isRegisteredRedirect(redirectUri)) return page("INVALID_CLIENT: Invalid redirect URI");
    const back = (answer: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [key, value] of Object.entries(answer)) target.searchParams.set(key, value);
      const state = params.get("state");
      if (state !== null) target.searchParams.set("state", state);
      return new Response(null, { status: 302, headers: { location: target.toString() } });
    };
    if (params.get("response_type") !== "code") {
      return back({ error: "unsupported_response_type" });
    }
    const challenge = params.get("code_challenge") ?? "";
    if (
      params.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43,128}$/.test(challenge)
    ) {
      return back({ error: "invalid_request", error_description: "code_challenge must be S256" });
    }
    const scopes = (params.get("scope") ?? "").split(/\s+/).filter((scope) => scope !== "");
    if (scopes.some((scope) => !KNOWN_SCOPES.has(scope))) return back({ error: "invalid_scope" });
    if (denyLogin) return back({ error: "access_denied" });
    const code = `fake-code-${crypto.randomUUID()}`;
    pendingCodes.set(code, {
      clientId,
      redirectUri,
      challenge,
      scopes,
      userId: currentUserId,
      expiresAt: clock() + 10 * 60 * 1000,
    });
    return back({ code });
  };

  /** grant_type=authorization_code: the code once, its redirect_uri, and the PKCE verifier. */
  const codeGrant = async (form: URLSearchParams, id: string): Promise<Response> => {
    const invalid = (description: string) =>
      json({ error: "invalid_grant", error_description: description }, 400);
    const code = form.get("code") ?? "";
    const pending = pendingCodes.get(code);
    pendingCodes.delete(code);
    if (!pending || pending.expiresAt <= clock()) return invalid("Invalid authorization code");
    if (pending.clientId !== id) return invalid("Invalid authorization code");
    if (form.get("redirect_uri") !== pending.redirectUri) return invalid("Invalid redirect URI");
    const verifier = form.get("code_verifier") ?? "";
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
      return json({ error: "invalid_request", error_description: "code_verifier is invalid" }, 400);
    }
    if (await s256Challenge(verifier) !== pending.challenge) {
      return invalid("code_verifier was incorrect");
    }
    return json(tokens.issueUser({ clientId: id, userId: pending.userId, scopes: pending.scopes }));
  };

  const tokenEndpoint = async (request: Request): Promise<Response> => {
    if (request.method !== "POST") return apiError(405, "Method not allowed");
    const form = new URLSearchParams(await request.text());
    let id = form.get("client_id") ?? "";
    let secret = form.get("client_secret") ?? "";
    const basic = /^Basic\s+(.+)$/i.exec(request.headers.get("authorization") ?? "");
    if (basic) {
      try {
        const decoded = atob(basic[1]);
        const colon = decoded.indexOf(":");
        id = decoded.slice(0, colon);
        secret = decoded.slice(colon + 1);
      } catch {
        return json({ error: "invalid_client", error_description: "Invalid client" }, 400);
      }
    }
    const grantType = form.get("grant_type");
    // PKCE clients are public: the user-login grants need no secret, but a
    // secret that is sent must be right.
    const publicGrant = grantType === "authorization_code" || grantType === "refresh_token";
    if (id !== clientId || (secret !== clientSecret && !(publicGrant && secret === ""))) {
      return json(
        {
          error: "invalid_client",
          error_description: id === clientId ? "Invalid client secret" : "Invalid client",
        },
        400,
      );
    }
    if (grantType === "authorization_code") return await codeGrant(form, id);
    if (grantType === "refresh_token") {
      const renewed = tokens.refresh(form.get("refresh_token") ?? "", id);
      if ("refused" in renewed) {
        return json({ error: "invalid_grant", error_description: renewed.refused }, 400);
      }
      return json(renewed);
    }
    if (grantType !== "client_credentials") {
      return json({
        error: "unsupported_grant_type",
        error_description: `grant_type must be client_credentials, authorization_code or ` +
          `refresh_token, got ${grantType}`,
      }, 400);
    }
    return json(tokens.issue({ clientId }));
  };

  const idList = (url: URL, max: number): string[] | Response => {
    const ids = (url.searchParams.get("ids") ?? "").split(",").filter((s) => s !== "");
    if (ids.length === 0) return apiError(400, "invalid request: missing ids");
    if (ids.length > max) return apiError(400, "Too many ids requested");
    return ids;
  };

  const albumWithPage = (id: string, url: URL): RawObject | undefined => {
    const album = view.album(id);
    const tracks = view.albumTracks(id);
    if (!album || !tracks) return undefined;
    const paged = paginate(tracks, new URL(`${url.origin}/`), `/v1/albums/${id}/tracks`, {
      defaultLimit: 50,
      maxLimit: 50,
    }) as { page: RawObject };
    if (options.omitFirstPages) delete album.tracks;
    else album.tracks = paged.page;
    return album;
  };

  const searchAnswer = (url: URL): Response => {
    const q = url.searchParams.get("q");
    const types = (url.searchParams.get("type") ?? "").split(",").filter((t) => t !== "");
    if (!q) return apiError(400, "No search query");
    if (types.length === 0) return apiError(400, "Missing parameter type");
    const rules = mode === "2026"
      ? { defaultLimit: 5, maxLimit: 10 }
      : { defaultLimit: 20, maxLimit: 50 };
    const matcher = searchMatcher(q);
    const body: RawObject = {};
    const extra = otherParams(url, ["query", "q", "type", "market"]);
    if (!extra.has("query")) extra.set("query", q);
    extra.delete("q");
    extra.set("type", types.join(","));
    for (const type of types) {
      let found: RawObject[];
      if (type === "track") {
        found = view.trackIds().map((id) => view.track(id)!).filter((t) => matcher(t));
      } else if (type === "album") {
        found = view.albumIds().map((id) => view.albumSummary(id)!).filter((a) => matcher(a));
      } else if (type === "artist") {
        found = view.artistIds().map((id) => view.artist(id)!).filter((a) => matcher(a));
      } else if (type === "playlist") {
        found = Object.values(catalog.playlists).map((p) => {
          const copy = clone(p);
          delete copy.tracks;
          return copy;
        }).filter((p) => matcher(p));
      } else {
        return apiError(400, `Bad search type field ${type}`);
      }
      const paged = paginate(found, url, "/v1/search", rules, extra);
      if ("error" in paged) return paged.error;
      body[`${type}s`] = paged.page;
    }
    return json(body);
  };

  const api = (url: URL, grant: TokenGrant): Response => {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const answer = (body: RawObject) => json(mode === "2026" ? strip2026(body) : body);
    const notFound = () => apiError(404, "Resource not found");
    const removed = () => apiError(403, "Forbidden");
    let m: RegExpExecArray | null;
    const checkId = (id: string) =>
      ID_PATTERN.test(id) ? undefined : apiError(400, "Invalid base62 id");

    if (path === "/v1/tracks") {
      if (mode === "2026") return removed();
      const ids = idList(url, 50);
      if (ids instanceof Response) return ids;
      return answer({ tracks: ids.map((id) => view.track(id) ?? null) });
    }
    if ((m = /^\/v1\/tracks\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      const track = view.track(id);
      return checkId(id) ?? (track ? answer(track) : notFound());
    }
    if (path === "/v1/albums") {
      if (mode === "2026") return removed();
      const ids = idList(url, 20);
      if (ids instanceof Response) return ids;
      return answer({ albums: ids.map((id) => albumWithPage(id, url) ?? null) });
    }
    if ((m = /^\/v1\/albums\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      const album = albumWithPage(id, url);
      return checkId(id) ?? (album ? answer(album) : notFound());
    }
    if ((m = /^\/v1\/albums\/([^/]+)\/tracks$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      const tracks = view.albumTracks(id);
      if (checkId(id)) return checkId(id)!;
      if (!tracks) return notFound();
      const paged = paginate(tracks, url, `/v1/albums/${id}/tracks`, {
        defaultLimit: 20,
        maxLimit: 50,
      });
      return "error" in paged ? paged.error : answer(paged.page);
    }
    if (path === "/v1/artists") {
      if (mode === "2026") return removed();
      const ids = idList(url, 50);
      if (ids instanceof Response) return ids;
      return answer({ artists: ids.map((id) => view.artist(id) ?? null) });
    }
    if ((m = /^\/v1\/artists\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      const artist = view.artist(id);
      return checkId(id) ?? (artist ? answer(artist) : notFound());
    }
    if ((m = /^\/v1\/artists\/([^/]+)\/albums$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      if (checkId(id)) return checkId(id)!;
      if (!view.artist(id)) return notFound();
      const groups = (url.searchParams.get("include_groups") ?? "")
        .split(",").filter((g) => g !== "");
      const albums = view.artistAlbums(id).filter((a) =>
        groups.length === 0 || groups.includes(String(a.album_group))
      );
      const paged = paginate(
        albums,
        url,
        `/v1/artists/${id}/albums`,
        { defaultLimit: 20, maxLimit: 50 },
        otherParams(url, ["include_groups", "market"]),
      );
      return "error" in paged ? paged.error : answer(paged.page);
    }
    if ((m = /^\/v1\/artists\/([^/]+)\/top-tracks$/.exec(path))) {
      if (mode === "2026") return removed();
      const id = decodeURIComponent(m[1]);
      if (checkId(id)) return checkId(id)!;
      if (!view.artist(id)) return notFound();
      const top = view.trackIds().map((t) => view.track(t)!)
        .filter((t) => objectsOf(t.artists).some((a) => a.id === id))
        .sort((a, b) => Number(b.popularity ?? 0) - Number(a.popularity ?? 0))
        .slice(0, 10);
      return answer({ tracks: top });
    }
    if ((m = /^\/v1\/playlists\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      const stored = catalog.playlists[id];
      if (!stored) return notFound();
      const playlist = clone(stored);
      delete playlist.tracks;
      delete playlist.items;
      if (options.omitFirstPages) {
        // Metadata only: the rows come from /tracks or /items.
      } else if (mode === "pre2026") {
        playlist.tracks = (paginate(
          playlistRows(id),
          new URL(`${url.origin}/`),
          `/v1/playlists/${id}/tracks`,
          { defaultLimit: 100, maxLimit: 100 },
        ) as { page: RawObject }).page;
      } else if (canReadContents(grant, stored, id)) {
        playlist.items = (paginate(
          playlistRows(id),
          new URL(`${url.origin}/`),
          `/v1/playlists/${id}/items`,
          { defaultLimit: 50, maxLimit: 50 },
        ) as { page: RawObject }).page;
      }
      return answer(withFields(playlist, url.searchParams.get("fields")));
    }
    if ((m = /^\/v1\/playlists\/([^/]+)\/(tracks|items)$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      const endpoint = m[2];
      if (mode === "pre2026" && endpoint === "items") return apiError(404, "Service not found");
      if (mode === "2026" && endpoint === "tracks") return removed();
      const stored = catalog.playlists[id];
      if (!stored) return notFound();
      if (mode === "2026" && !canReadContents(grant, stored, id)) return removed();
      const paged = paginate(
        playlistRows(id),
        url,
        `/v1/playlists/${id}/${endpoint}`,
        endpoint === "items" ? { defaultLimit: 50, maxLimit: 50 } : {
          defaultLimit: 100,
          maxLimit: 100,
        },
        otherParams(url, ["additional_types", "market"]),
      );
      return "error" in paged ? paged.error : answer(paged.page);
    }
    if (path === "/v1/search") return searchAnswer(url);
    if (path === "/v1/me" || path.startsWith("/v1/me/")) {
      // An app token has no user: Spotify answers 401 to every /me endpoint.
      if (!grant.userId) return apiError(401, "Unauthorized.");
      if (path === "/v1/me") {
        const name = grant.userId === currentUserId ? currentUserName : grant.userId;
        return answer({
          display_name: name,
          external_urls: { spotify: `https://open.spotify.com/user/${grant.userId}` },
          href: `https://api.spotify.com/v1/users/${grant.userId}`,
          id: grant.userId,
          type: "user",
          uri: `spotify:user:${grant.userId}`,
        });
      }
      if (path === "/v1/me/tracks") {
        if (!(grant.scopes ?? []).includes("user-library-read")) {
          return apiError(403, "Insufficient client scope");
        }
        const ids = grant.userId === currentUserId ? likedTrackIds : [];
        const rows = ids.map((id, i) => ({
          added_at: new Date(Date.UTC(2026, 0, 1) - i * 86_400_000).toISOString(),
          track: view.track(id) ?? null,
        }));
        const paged = paginate(
          rows,
          url,
          "/v1/me/tracks",
          { defaultLimit: 20, maxLimit: 50 },
          otherParams(url, ["market"]),
        );
        return "error" in paged ? paged.error : answer(paged.page);
      }
      return apiError(404, "Service not found");
    }
    return apiError(404, "Service not found");
  };

  const authorize = (request: Request): { grant: TokenGrant } | { refused: Response } => {
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "");
    if (!bearer) return { refused: apiError(401, "No token provided") };
    const checked = tokens.check(bearer[1].trim());
    return "refused" in checked ? { refused: apiError(401, checked.refused) } : checked;
  };

  const makeHandler = (role: "both" | "api" | "accounts") => async (request: Request) => {
    const url = new URL(request.url);
    const record: FakeRequestRecord = {
      method: request.method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      status: 0,
      receivedAt: Date.now(),
    };
    requests.push(record);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const fault = takeFault(request.method, url.pathname + url.search);
    let response: Response;
    if (fault) {
      record.fault = String(fault.status);
      response = faultResponse(fault);
      record.status = fault.status === "drop" ? 0 : response.status;
      await request.body?.cancel();
      record.answeredAt = Date.now();
      return response;
    }
    const isTokenPath = url.pathname === "/api/token";
    if (isTokenPath && role !== "api") {
      response = await tokenEndpoint(request);
    } else if (url.pathname === "/authorize" && role !== "api") {
      response = request.method === "GET"
        ? authorizeEndpoint(url)
        : apiError(405, "Method not allowed");
    } else if (url.pathname.startsWith("/v1/") && role !== "accounts") {
      if (request.method !== "GET") {
        response = apiError(405, "Method not allowed");
      } else {
        const auth = authorize(request);
        if ("refused" in auth) response = auth.refused;
        else if (mode === "2026" && !premium) response = apiError(403, PREMIUM_REQUIRED_MESSAGE);
        else response = api(url, auth.grant);
      }
    } else {
      response = apiError(404, "Service not found");
    }
    record.status = response.status;
    record.answeredAt = Date.now();
    return response;
  };

  const serve = (role: "both" | "api" | "accounts") =>
    Deno.serve({
      port: 0,
      hostname: "127.0.0.1",
      onListen() {},
      onError: () => apiError(500, "Server error"),
    }, makeHandler(role));

  const separate = options.separateAccountsServer ?? false;
  const apiServer = serve(separate ? "api" : "both");
  const accountsServer = separate ? serve("accounts") : undefined;
  const origin = (server: Deno.HttpServer<Deno.NetAddr>) => `http://127.0.0.1:${server.addr.port}`;
  let closed = false;

  const countsOf = () => {
    const counts: Record<string, number> = {};
    for (const r of requests) {
      const key = `${r.method} ${endpointOf(r.path)}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  };

  const fake: FakeSpotify = {
    url: origin(apiServer),
    accountsUrl: accountsServer ? origin(accountsServer) : origin(apiServer),
    clientId,
    clientSecret,
    catalog,
    get mode() {
      return mode;
    },
    requests,
    counts: countsOf,
    count(pattern) {
      return requests.filter((r) => {
        const target = r.query ? `${r.path}?${r.query}` : r.path;
        return typeof pattern === "string" ? target.includes(pattern) : pattern.test(target);
      }).length;
    },
    setMode(next) {
      mode = next;
    },
    setPremium(next) {
      premium = next;
    },
    addFault,
    issueToken(grant = {}) {
      return tokens.issue({ clientId, ...grant }).access_token;
    },
    expireTokens() {
      tokens.expireAll();
    },
    revokeUserTokens() {
      tokens.revokeUsers();
    },
    setRedirectUris(uris) {
      redirectUris = uris;
    },
    setDenyLogin(deny) {
      denyLogin = deny;
    },
    likedTrackIds,
    reset() {
      requests.length = 0;
      faults = [];
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([apiServer.shutdown(), accountsServer?.shutdown()]);
    },
    [Symbol.asyncDispose]() {
      return fake.close();
    },
  };
  return fake;
}

/** "/v1/tracks/{id}" for any 22-character Spotify id. */
function endpointOf(path: string): string {
  return path.replace(/\/+$/, "").split("/")
    .map((segment) => ID_PATTERN.test(segment) ? "{id}" : segment)
    .join("/") || "/";
}

/**
 * A small version of Spotify's search syntax: free words must all appear in
 * the name, an artist's name or the album name; `track:`, `artist:`,
 * `album:`, `isrc:` and `year:` filter fields ("quoted values" allowed).
 */
function searchMatcher(query: string): (raw: RawObject) => boolean {
  const filters: Array<[string, string]> = [];
  const words: string[] = [];
  const pattern = /(\w+):(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+)/g;
  for (const m of query.matchAll(pattern)) {
    if (m[1]) filters.push([m[1].toLowerCase(), (m[2] ?? m[3] ?? "").toLowerCase()]);
    else words.push((m[4] ?? m[5] ?? "").toLowerCase());
  }
  const names = (value: unknown) => objectsOf(value).map((a) => String(a.name ?? "").toLowerCase());
  return (raw) => {
    const name = String(raw.name ?? "").toLowerCase();
    const artists = names(raw.artists);
    if (raw.type === "artist") artists.push(name);
    const album = raw.type === "album"
      ? name
      : String((raw.album as RawObject | undefined)?.name ?? "").toLowerCase();
    const releaseDate = String(
      raw.release_date ?? (raw.album as RawObject | undefined)?.release_date ?? "",
    );
    const isrc = String((raw.external_ids as RawObject | undefined)?.isrc ?? "").toLowerCase();
    for (const [field, value] of filters) {
      const ok = field === "track"
        ? raw.type === "track" && name.includes(value)
        : field === "artist"
        ? artists.some((a) => a.includes(value))
        : field === "album"
        ? album.includes(value)
        : field === "isrc"
        ? isrc === value
        : field === "year"
        ? releaseDate.startsWith(value)
        : true;
      if (!ok) return false;
    }
    const haystack = [name, album, ...artists].join(" ");
    return words.every((word) => haystack.includes(word));
  };
}
