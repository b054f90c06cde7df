/**
 * The pieces of Spotify's Authorization Code flow with PKCE, for a command-line
 * app with a loopback redirect: the authorize URL, reading the browser's
 * answer, trading the code for tokens, and learning who logged in. The CLI
 * wires them to a local HTTP server and a browser.
 */
import { abortableSleep, type Sleep } from "../util/mod.ts";
import { AuthError } from "../errors/mod.ts";
import { fetchBounded } from "../util/mod.ts";
import { DEFAULT_REQUEST_TIMEOUT_MS, MAX_API_ANSWER_BYTES, requestLimits } from "./http_limits.ts";
import { badCredentialsError } from "./errors.ts";
import {
  codeExchangeRefusedError,
  loginDeclinedError,
  loginStateMismatchError,
  redirectUriMismatchError,
  unknownClientError,
} from "./login_errors.ts";
import { codeChallengeS256, createCodeVerifier, createState, type RandomBytes } from "./pkce.ts";
import type { RetryPolicy } from "./retry_policy.ts";
import { type Clock, systemClock } from "./timing.ts";
import { postTokenForm, type TokenRequestOptions } from "./token_request.ts";
import { DEFAULT_ACCOUNTS_URL } from "./token_provider.ts";

/**
 * What tunedl asks the user to allow: reading their playlists (private and
 * collaborative ones too) and their saved tracks. Nothing that writes.
 */
export const LOGIN_SCOPES: readonly string[] = [
  "playlist-read-private",
  "playlist-read-collaborative",
  "user-library-read",
];

/** A user's tokens; `expiresAt` is when the access token stops working (epoch ms). */
export interface UserTokens {
  /** Bearer token for Web API requests; never printed. */
  accessToken: string;
  /** Long-lived token that buys new access tokens; Spotify may rotate it on refresh. */
  refreshToken: string;
  /** When the access token stops working, in epoch milliseconds. */
  expiresAt: number;
  /** The scopes Spotify granted (see LOGIN_SCOPES). */
  scope: string[];
}

/** Who logged in. */
export interface SpotifyUser {
  /** Spotify user id. */
  id: string;
  /** The user's display name; undefined when they have none. */
  displayName?: string;
}

/** One login attempt: the URL to open and what must stay in this process. */
export interface LoginRequest {
  /** The authorize URL for the browser. */
  url: string;
  /** The loopback URI the browser is sent back to; must match the app's registered one. */
  redirectUri: string;
  /** Random value echoed in the callback, checked to reject forged answers. */
  state: string;
  /** The PKCE secret; never leaves this process except to the token endpoint. */
  codeVerifier: string;
}

/** Collaborators of the calls to the accounts service. */
export interface AccountsOptions extends Partial<RetryPolicy> {
  /** Origin of the accounts service; default "https://accounts.spotify.com". */
  accountsUrl?: string;
  /** HTTP client; global fetch by default. */
  fetch?: typeof fetch;
  /** Clock for token expiry and backoff; Date.now by default. */
  clock?: Clock;
  /** How retries wait; abortableSleep by default. */
  sleep?: Sleep;
  /** Jitter source in [0, 1); Math.random by default. */
  random?: () => number;
  /** Aborting it cancels the request and its retries. */
  signal?: AbortSignal;
  /** Time limit for an answer to start or to pause (default 10 s; 2x for the whole). */
  requestTimeoutMs?: number;
  /** Where the credentials came from, for hints (see DEFAULT_CREDENTIALS_ORIGIN). */
  credentialsOrigin?: string;
}

/** The redirect URI of the loopback callback server on `port`. */
export function loopbackRedirectUri(port: number): string {
  return `http://127.0.0.1:${port}/callback`;
}

/** Creates a login attempt: fresh verifier and state, and the authorize URL. */
export async function createLoginRequest(
  clientId: string,
  options: {
    redirectUri: string;
    accountsUrl?: string;
    scopes?: readonly string[];
    randomBytes?: RandomBytes;
  },
): Promise<LoginRequest> {
  const codeVerifier = createCodeVerifier({ randomBytes: options.randomBytes });
  const state = createState({ randomBytes: options.randomBytes });
  const url = authorizationUrl(clientId, {
    redirectUri: options.redirectUri,
    codeChallenge: await codeChallengeS256(codeVerifier),
    state,
    accountsUrl: options.accountsUrl,
    scopes: options.scopes,
  });
  return { url, redirectUri: options.redirectUri, state, codeVerifier };
}

/** The authorize URL (response_type=code, S256 challenge, the login scopes). */
export function authorizationUrl(
  clientId: string,
  options: {
    redirectUri: string;
    codeChallenge: string;
    state: string;
    accountsUrl?: string;
    scopes?: readonly string[];
  },
): string {
  const params = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    redirect_uri: options.redirectUri,
    code_challenge_method: "S256",
    code_challenge: options.codeChallenge,
    state: options.state,
    scope: (options.scopes ?? LOGIN_SCOPES).join(" "),
  });
  return `${(options.accountsUrl ?? DEFAULT_ACCOUNTS_URL).replace(/\/+$/, "")}/authorize?${params}`;
}

/**
 * The authorization code from the browser's request to the redirect URI.
 * Throws when the state is not this attempt's, or when Spotify sent an error
 * (access_denied when the user declined).
 */
export function readAuthorizationCallback(
  callbackUrl: string | URL,
  expectedState: string,
): string {
  const params = new URL(callbackUrl).searchParams;
  if (params.get("state") !== expectedState) throw loginStateMismatchError();
  const error = params.get("error");
  if (error) throw loginDeclinedError(error, params.get("error_description") ?? undefined);
  const code = params.get("code");
  if (!code) {
    throw new AuthError("Spotify's login answer has no authorization code", {
      hint: "Run `tunedl login` again.",
    });
  }
  return code;
}

/** Trades an authorization code for tokens (public-client PKCE: client id + verifier, no secret). */
export async function exchangeAuthorizationCode(
  code: string,
  options: AccountsOptions & { clientId: string; codeVerifier: string; redirectUri: string },
): Promise<UserTokens> {
  const clock = options.clock ?? systemClock;
  const outcome = await postTokenForm(
    new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: options.redirectUri,
      client_id: options.clientId,
      code_verifier: options.codeVerifier,
    }),
    accountsRequestOptions(options, clock),
  );
  if (!outcome.ok) {
    if (outcome.code === "invalid_client" || outcome.code === "unauthorized_client") {
      throw badCredentialsError(
        outcome.description || outcome.code,
        undefined,
        options.credentialsOrigin,
      );
    }
    throw codeExchangeRefusedError(outcome.code, outcome.description);
  }
  const { answer } = outcome;
  if (!answer.refreshToken) {
    throw new AuthError("Spotify's login answer has no refresh token", {
      hint: "Run `tunedl login` again; report it if it keeps happening.",
    });
  }
  return {
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken,
    expiresAt: clock() + answer.expiresIn * 1000,
    scope: answer.scope ?? [...LOGIN_SCOPES],
  };
}

/** The logged-in user, from GET /v1/me. */
export async function fetchCurrentUser(
  client: { getJson(path: string, options: { signal?: AbortSignal }): Promise<unknown> },
  options: { signal?: AbortSignal } = {},
): Promise<SpotifyUser> {
  const body = await client.getJson("/v1/me", { signal: options.signal }) as
    | Record<string, unknown>
    | null;
  if (typeof body?.id !== "string" || body.id === "") {
    throw new AuthError("Spotify did not say who logged in (GET /v1/me has no user id)", {
      hint: "Run `tunedl login` again; report it if it keeps happening.",
    });
  }
  const user: SpotifyUser = { id: body.id };
  if (typeof body.display_name === "string" && body.display_name !== "") {
    user.displayName = body.display_name;
  }
  return user;
}

/** What a request to the authorize URL tells before anyone logs in. */
export type AuthorizeProbe =
  | { ok: true }
  | { ok: false; error: AuthError };

/**
 * Requests the authorize URL without a browser session. Spotify answers a
 * page that starts with "INVALID_CLIENT" when the client id or the redirect
 * URI is not registered; otherwise it redirects (to its login page, or, when
 * it approves at once, to the redirect URI). Network failures propagate.
 */
export async function probeAuthorizeUrl(
  url: string,
  options: {
    fetch?: typeof fetch;
    signal?: AbortSignal;
    requestTimeoutMs?: number;
    credentialsOrigin?: string;
  } = {},
): Promise<AuthorizeProbe> {
  const response = await fetchBounded(url, { redirect: "manual" }, {
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    limits: requestLimits(
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      MAX_API_ANSWER_BYTES,
    ),
    what: "Spotify's authorize page",
    signal: options.signal,
    readBody: (status) => status < 300 || status >= 400,
  });
  const text = response.text();
  const params = new URL(url).searchParams;
  if (/invalid redirect uri/i.test(text)) {
    return { ok: false, error: redirectUriMismatchError(params.get("redirect_uri") ?? "") };
  }
  if (/INVALID_CLIENT/i.test(text)) {
    return {
      ok: false,
      error: unknownClientError(params.get("client_id") ?? "", options.credentialsOrigin),
    };
  }
  return { ok: true };
}

/** The token-request settings for AccountsOptions, with the defaults filled in. */
export function accountsRequestOptions(
  options: AccountsOptions,
  clock: Clock,
): TokenRequestOptions {
  return {
    accountsUrl: options.accountsUrl,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    clock,
    sleep: options.sleep ?? abortableSleep,
    random: options.random ?? Math.random,
    policy: {
      maxRetries: options.maxRetries ?? 3,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
    },
    signal: options.signal,
    requestTimeoutMs: options.requestTimeoutMs,
  };
}
