/**
 * One POST to the accounts service's token endpoint for the user-login grants
 * (authorization_code, refresh_token), retried on network failures, 5xx and
 * short 429s. A refusal (4xx) comes back as data: what it means depends on the
 * grant, so the caller turns it into the right error.
 */
import { NetworkError, ServiceUnreachableError, TunedlError } from "../errors/mod.ts";
import { failureReason, fetchBounded, type Sleep } from "../util/mod.ts";
import { RateLimitedError } from "./errors.ts";
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
import { cancelled, type Clock, throwIfAborted } from "./timing.ts";
import { DEFAULT_ACCOUNTS_URL, parseOAuthError, TOKEN_ENDPOINT_HINT } from "./token_provider.ts";

/** Collaborators and settings of a token request. */
export interface TokenRequestOptions {
  accountsUrl?: string;
  fetch: typeof fetch;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  policy: RetryPolicy;
  signal?: AbortSignal;
  /** Called once per HTTP request (request counting). */
  onRequest?: () => void;
  /** Time limit for an answer to start or to pause (default 10 s; 2x for the whole). */
  requestTimeoutMs?: number;
}

/** A token endpoint's successful answer, read. */
export interface TokenAnswer {
  accessToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
  /** Absent when the server keeps the old refresh token. */
  refreshToken?: string;
  /** Granted scopes (space-separated in the answer). */
  scope?: string[];
}

/** What the token endpoint said: a token, or an OAuth refusal. */
export type TokenOutcome =
  | { ok: true; answer: TokenAnswer }
  | { ok: false; status: number; code: string; description: string };

/** The token endpoint's URL for an accounts origin. */
export function tokenEndpointUrl(accountsUrl?: string): string {
  return `${(accountsUrl ?? DEFAULT_ACCOUNTS_URL).replace(/\/+$/, "")}/api/token`;
}

/** POSTs `form` to the token endpoint; retries transient failures, returns the outcome. */
export async function postTokenForm(
  form: URLSearchParams,
  options: TokenRequestOptions,
): Promise<TokenOutcome> {
  const url = tokenEndpointUrl(options.accountsUrl);
  const { policy, signal } = options;
  let failures = 0;
  let unanswered = 0;
  let rateLimitedWaits = 0;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const giveUpAt = unansweredDeadline(options.clock(), timeoutMs);
  for (let attempt = 0;; attempt++) {
    throwIfAborted(signal);
    const backoff = async (finalError: Error, giveUp = false) => {
      if (giveUp || failures >= policy.maxRetries) throw finalError;
      await options.sleep(backoffDelay(failures++, policy, options.random), signal);
    };
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      options.onRequest?.();
      const response = await fetchBounded(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      }, {
        fetch: options.fetch,
        limits: requestLimits(timeoutMs, MAX_ACCOUNTS_ANSWER_BYTES),
        what: `Spotify's accounts service at ${url}`,
        signal,
      });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      text = response.text();
    } catch (error) {
      if (signal?.aborted) throw cancelled(signal);
      if (error instanceof TunedlError && !error.retryable) throw error;
      unanswered++;
      const neverAnswered = unanswered === attempt + 1;
      await backoff(
        neverAnswered
          ? spotifyUnreachableError(
            `Spotify's accounts service at ${url}`,
            failureReason(error, `Spotify's accounts service at ${url}`),
            { attempts: attempt + 1, envVar: "TUNEDL_SPOTIFY_ACCOUNTS_URL", cause: error },
          )
          : new NetworkError(`could not reach Spotify's accounts service at ${url}`, {
            hint: "Check your internet connection (and TUNEDL_SPOTIFY_ACCOUNTS_URL if set).",
            cause: error,
          }),
        neverAnswered && options.clock() >= giveUpAt,
      );
      continue;
    }
    if (status === 200) {
      const answer = parseTokenAnswer(text);
      if (answer) return { ok: true, answer };
      await backoff(
        new ServiceUnreachableError(`Spotify's token endpoint ${url} sent an unreadable answer`, {
          hint: TOKEN_ENDPOINT_HINT,
          retryable: true,
        }),
      );
      continue;
    }
    if (status === 429) {
      const now = options.clock();
      const waitMs = parseRetryAfter(retryAfter, now) ?? 1000;
      if (waitMs > maxRetryAfterOf(policy) || rateLimitedWaits++ >= MAX_RATE_LIMITED_WAITS) {
        throw new RateLimitedError(waitMs, now);
      }
      await options.sleep(waitMs, signal);
      continue;
    }
    if (status >= 500) {
      await backoff(
        new ServiceUnreachableError(`Spotify's token endpoint ${url} answered ${status}`, {
          retryable: true,
          hint: "Spotify may be having problems; try again later.",
        }),
      );
      continue;
    }
    return { ok: false, status, ...parseOAuthError(text) };
  }
}

/** Reads a token answer; undefined when it has no access token. */
export function parseTokenAnswer(text: string): TokenAnswer | undefined {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body?.access_token !== "string" || body.access_token === "") return undefined;
  const answer: TokenAnswer = {
    accessToken: body.access_token,
    expiresIn: typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3600,
  };
  if (typeof body.refresh_token === "string" && body.refresh_token !== "") {
    answer.refreshToken = body.refresh_token;
  }
  if (typeof body.scope === "string") answer.scope = body.scope.split(/\s+/).filter(Boolean);
  return answer;
}
