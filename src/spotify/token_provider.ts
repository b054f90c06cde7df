/**
 * Access tokens for the Web API. The client only sees the TokenProvider
 * interface; the default is the app's client-credentials grant, a user login
 * (Authorization Code + PKCE with refresh) can plug in the same way.
 */
import { AuthError, NetworkError, ServiceUnreachableError, TunedlError } from "../errors/mod.ts";
import {
  abortableSleep,
  displayText,
  failureReason,
  fetchBounded,
  type Sleep,
} from "../util/mod.ts";
import {
  badCredentialsError,
  DEFAULT_CREDENTIALS_ORIGIN,
  missingCredentialsError,
  RateLimitedError,
} from "./errors.ts";
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_ACCOUNTS_ANSWER_BYTES,
  requestLimits,
  spotifyUnreachableError,
  unansweredDeadline,
} from "./http_limits.ts";
import {
  backoffDelay,
  MAX_RATE_LIMITED_WAITS,
  maxRetryAfterOf,
  parseRetryAfter,
  type RetryPolicy,
} from "./retry_policy.ts";
import { cancelled, type Clock, systemClock, throwIfAborted } from "./timing.ts";

/** Without a token no request can be made: a failing token endpoint is a service down. */
export const TOKEN_ENDPOINT_HINT = "Spotify may be having problems; try again later.";

/** Hands out a bearer token for the Web API. */
export interface TokenProvider {
  /** A token that is valid now (cached when possible). */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Forgets the cached token, e.g. after Spotify answered 401. */
  invalidate(): void;
  /**
   * Starts getting a token now, for a caller that knows requests follow; a failure is kept for
   * the next getToken (one request, one error). Optional.
   */
  prefetch?(): void;
}

/** Settings of the client-credentials token provider. */
export interface ClientCredentialsOptions extends Partial<RetryPolicy> {
  /** The Spotify app's client id. */
  clientId: string;
  /** The Spotify app's client secret; never printed. */
  clientSecret: string;
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
  /** Called once per HTTP request to the token endpoint (request counting). */
  onRequest?: () => void;
  /** Time limit for an answer to start or to pause (default 10 s; 2x for the whole). */
  requestTimeoutMs?: number;
  /** Where the credentials came from, for hints (see DEFAULT_CREDENTIALS_ORIGIN). */
  credentialsOrigin?: string;
}

/** Default origin of Spotify's accounts service. */
export const DEFAULT_ACCOUNTS_URL = "https://accounts.spotify.com";

interface PendingToken {
  promise: Promise<string>;
  controller: AbortController;
  waiters: number;
}

/** Client-credentials grant (app-only token, no user), cached until shortly before expiry. */
export class ClientCredentialsTokenProvider implements TokenProvider {
  readonly #options: ClientCredentialsOptions;
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #policy: RetryPolicy;
  #token?: { value: string; refreshAt: number };
  #pending?: PendingToken;
  /** A prefetch's failure, for the getToken that follows it. */
  #prefetchFailure?: { error: unknown };

  /** Defaults: 3 retries, 500 ms first backoff, 30 s longest; fetches no token yet. */
  constructor(options: ClientCredentialsOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#policy = {
      maxRetries: options.maxRetries ?? 3,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
      maxRetryAfterMs: options.maxRetryAfterMs,
    };
  }

  /** Starts fetching a token unless one is cached or on its way (see TokenProvider.prefetch). */
  prefetch(): void {
    if (this.#token && this.#clock() < this.#token.refreshAt) return;
    if (this.#pending) return;
    const pending = this.#startFetch();
    this.#pending = pending;
    this.#prefetchFailure = undefined;
    pending.promise.catch((error) => {
      // Nobody was waiting yet: the next getToken hears it instead of asking again.
      if (pending.waiters === 0) this.#prefetchFailure = { error };
    });
  }

  /** Returns the cached token or fetches one; concurrent callers share one request. */
  async getToken(signal?: AbortSignal): Promise<string> {
    throwIfAborted(signal);
    const failure = this.#prefetchFailure;
    if (failure !== undefined) {
      this.#prefetchFailure = undefined;
      throw failure.error;
    }
    if (this.#token && this.#clock() < this.#token.refreshAt) return this.#token.value;
    if (!this.#pending) this.#pending = this.#startFetch();
    const pending = this.#pending;
    pending.waiters++;
    try {
      return await raceAbort(pending.promise, signal);
    } finally {
      pending.waiters--;
      // Nobody wants the token any more: stop the request instead of leaking it.
      if (signal?.aborted && pending.waiters === 0) pending.controller.abort(signal.reason);
    }
  }

  /** Drops the cached token so the next call fetches a new one. */
  invalidate(): void {
    this.#token = undefined;
  }

  #startFetch(): PendingToken {
    const controller = new AbortController();
    const pending: PendingToken = {
      controller,
      waiters: 0,
      promise: this.#fetchToken(controller.signal).finally(() => {
        if (this.#pending === pending) this.#pending = undefined;
      }),
    };
    pending.promise.catch(() => {}); // rejection is delivered to waiters, if any remain
    return pending;
  }

  async #fetchToken(signal: AbortSignal): Promise<string> {
    const { clientId, clientSecret } = this.#options;
    if (!clientId || !clientSecret) throw missingCredentialsError();
    const url = `${
      (this.#options.accountsUrl ?? DEFAULT_ACCOUNTS_URL).replace(/\/+$/, "")
    }/api/token`;
    let failures = 0;
    let unanswered = 0;
    let rateLimitedWaits = 0;
    const timeoutMs = this.#options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const giveUpAt = unansweredDeadline(this.#clock(), timeoutMs);
    for (let attempt = 0;; attempt++) {
      throwIfAborted(signal);
      const retryIn = (reason: unknown, giveUp = false): number => {
        if (giveUp || failures >= this.#policy.maxRetries) throw reason;
        return backoffDelay(failures++, this.#policy, this.#options.random ?? Math.random);
      };
      let status: number;
      let text: string;
      let retryAfterHeader: string | null = null;
      try {
        this.#options.onRequest?.();
        const response = await fetchBounded(url, {
          method: "POST",
          headers: {
            "Authorization": `Basic ${btoa(`${clientId}:${clientSecret}`)}`,
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: "grant_type=client_credentials",
        }, {
          fetch: this.#fetch,
          limits: requestLimits(timeoutMs, MAX_ACCOUNTS_ANSWER_BYTES),
          what: `Spotify's accounts service at ${url}`,
          signal,
        });
        status = response.status;
        retryAfterHeader = response.headers.get("retry-after");
        text = response.text();
      } catch (error) {
        if (signal.aborted) throw cancelled(signal);
        if (error instanceof TunedlError && !error.retryable) throw error;
        unanswered++;
        const neverAnswered = unanswered === attempt + 1;
        const giveUp = neverAnswered && this.#clock() >= giveUpAt;
        await this.#sleep(
          retryIn(
            neverAnswered
              ? spotifyUnreachableError(
                `Spotify's accounts service at ${url}`,
                failureReason(error, `Spotify's accounts service at ${url}`),
                {
                  attempts: attempt + 1,
                  envVar: "TUNEDL_SPOTIFY_ACCOUNTS_URL",
                  cause: error,
                },
              )
              : new NetworkError(`could not reach Spotify's accounts service at ${url}`, {
                hint: "Check your internet connection (and TUNEDL_SPOTIFY_ACCOUNTS_URL if set).",
                cause: error,
              }),
            giveUp,
          ),
          signal,
        );
        continue;
      }
      if (status === 200) {
        const token = parseTokenBody(text);
        if (token) {
          const now = this.#clock();
          const lifetimeMs = token.expiresIn * 1000;
          // Renew a little early so a token never expires mid-request.
          this.#token = {
            value: token.accessToken,
            refreshAt: now + lifetimeMs - Math.min(60_000, lifetimeMs / 2),
          };
          return token.accessToken;
        }
        await this.#sleep(
          retryIn(
            new ServiceUnreachableError(
              `Spotify's token endpoint ${url} sent an unreadable answer`,
              {
                hint: TOKEN_ENDPOINT_HINT,
                retryable: true,
              },
            ),
          ),
          signal,
        );
        continue;
      }
      if (status === 429) {
        const now = this.#clock();
        const waitMs = parseRetryAfter(retryAfterHeader, now) ?? 1000;
        if (
          waitMs > maxRetryAfterOf(this.#policy) || rateLimitedWaits++ >= MAX_RATE_LIMITED_WAITS
        ) {
          throw new RateLimitedError(waitMs, now);
        }
        await this.#sleep(waitMs, signal);
        continue;
      }
      if (status >= 500) {
        await this.#sleep(
          retryIn(
            new ServiceUnreachableError(`Spotify's token endpoint ${url} answered ${status}`, {
              retryable: true,
              hint: "Spotify may be having problems; try again later.",
            }),
          ),
          signal,
        );
        continue;
      }
      const error = parseOAuthError(text);
      if (status === 400 || status === 401) {
        if (
          error.code === "invalid_client" || error.code === "unauthorized_client" || status === 401
        ) {
          throw badCredentialsError(
            error.description || error.code,
            undefined,
            this.#options.credentialsOrigin,
          );
        }
      }
      throw new AuthError(
        `Spotify's token endpoint refused the request (${status} ${error.code}: ${error.description})`,
        { hint: `Check ${this.#options.credentialsOrigin ?? DEFAULT_CREDENTIALS_ORIGIN}.` },
      );
    }
  }
}

function parseTokenBody(text: string): { accessToken: string; expiresIn: number } | undefined {
  try {
    const body = JSON.parse(text);
    if (typeof body?.access_token !== "string" || body.access_token === "") return undefined;
    const expiresIn = typeof body.expires_in === "number" && body.expires_in > 0
      ? body.expires_in
      : 3600;
    return { accessToken: body.access_token, expiresIn };
  } catch {
    return undefined;
  }
}

/** Reads an OAuth error body: {"error": "...", "error_description": "..."}. */
export function parseOAuthError(text: string): { code: string; description: string } {
  try {
    const body = JSON.parse(text);
    if (typeof body?.error === "string") {
      return {
        code: displayText(body.error, { max: 100 }),
        description: displayText(String(body.error_description ?? "")),
      };
    }
    if (typeof body?.error?.message === "string") {
      return {
        code: displayText(String(body.error.status ?? "error"), { max: 100 }),
        description: displayText(body.error.message),
      };
    }
  } catch {
    // not JSON: fall through
  }
  return { code: "error", description: displayText(text.slice(0, 1000), { max: 200 }) };
}

/** Resolves like `promise`, or rejects with CancelledError as soon as `signal` aborts. */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelled(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
