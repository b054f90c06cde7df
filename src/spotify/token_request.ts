/**
 * One POST to the accounts service's token endpoint for the user-login grants
 * (authorization_code, refresh_token), retried on network failures, 5xx and
 * short 429s. A refusal (4xx) comes back as data: what it means depends on the
 * grant, so the caller turns it into the right error.
 */
import { type Sleep } from "../util/mod.ts";
import { NetworkError } from "../errors/mod.ts";
import { RateLimitedError } from "./errors.ts";
import { backoffDelay, parseRetryAfter, type RetryPolicy } from "./retry_policy.ts";
import { cancelled, type Clock, throwIfAborted } from "./timing.ts";
import { DEFAULT_ACCOUNTS_URL, parseOAuthError } from "./token_provider.ts";

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
  for (let attempt = 0;; attempt++) {
    throwIfAborted(signal);
    const backoff = async (finalError: Error) => {
      if (attempt >= policy.maxRetries) throw finalError;
      await options.sleep(backoffDelay(attempt, policy, options.random), signal);
    };
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      options.onRequest?.();
      const response = await options.fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: form.toString(),
        signal,
      });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw cancelled(signal);
      await backoff(
        new NetworkError(`could not reach Spotify's accounts service at ${url}`, {
          hint: "Check your internet connection (and TUNEDL_SPOTIFY_ACCOUNTS_URL if set).",
          cause: error,
        }),
      );
      continue;
    }
    if (status === 200) {
      const answer = parseTokenAnswer(text);
      if (answer) return { ok: true, answer };
      await backoff(new NetworkError(`Spotify's token endpoint ${url} sent an unreadable answer`));
      continue;
    }
    if (status === 429) {
      const now = options.clock();
      const waitMs = parseRetryAfter(retryAfter, now) ?? 1000;
      if (waitMs > policy.retryMaxDelayMs || attempt >= policy.maxRetries) {
        throw new RateLimitedError(waitMs, now);
      }
      await options.sleep(waitMs, signal);
      continue;
    }
    if (status >= 500) {
      await backoff(
        new NetworkError(`Spotify's token endpoint ${url} answered ${status}`, {
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
