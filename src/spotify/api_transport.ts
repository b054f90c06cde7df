/**
 * One authenticated GET against the Web API, done carefully: bearer token
 * (renewed once on 401), a cap on requests in flight, the proactive rate
 * limiter, 429 Retry-After, backoff on 5xx / network errors / malformed JSON,
 * and request counting. Everything above this speaks in parsed JSON.
 */
import { NetworkError } from "../errors/mod.ts";
import type { SpotifyClientStats } from "./catalog_model.ts";
import {
  isPremiumRequiredMessage,
  premiumRequiredError,
  RateLimitedError,
  SpotifyHttpError,
  tokenRefusedError,
} from "./errors.ts";
import type { SlidingWindowRateLimiter } from "./rate_limiter.ts";
import { backoffDelay, parseRetryAfter, type RetryPolicy } from "./retry_policy.ts";
import { type Sleep, type TaskPool } from "../util/mod.ts";
import { cancelled, type Clock, throwIfAborted } from "./timing.ts";
import type { TokenProvider } from "./token_provider.ts";

/** Collaborators and settings of the transport. */
export interface ApiTransportOptions {
  /** Origin (optionally with a path prefix) every request goes to. */
  apiUrl: string;
  fetch: typeof fetch;
  tokenProvider: TokenProvider;
  policy: RetryPolicy;
  limiter: SlidingWindowRateLimiter;
  pool: TaskPool;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
}

type Outcome =
  | { kind: "answer"; status: number; retryAfter: string | null; text: string }
  | { kind: "network"; error: unknown };

/** Authenticated, retrying, rate-limited JSON GETs against the Web API. */
export class ApiTransport {
  readonly #options: ApiTransportOptions;
  readonly #base: string;
  #stats: SpotifyClientStats = emptyStats();

  constructor(options: ApiTransportOptions) {
    this.#options = options;
    this.#base = options.apiUrl.replace(/\/+$/, "");
  }

  /**
   * The URL to request for a path ("/v1/tracks/x") or an absolute URL from a
   * `next` link. Absolute URLs keep only path and query: a fake or proxy may
   * answer with the real hostname, and requests must stay on the configured API.
   */
  resolve(pathOrUrl: string): string {
    if (/^https?:\/\//i.test(pathOrUrl)) {
      const url = new URL(pathOrUrl);
      const basePath = new URL(this.#base).pathname.replace(/\/+$/, "");
      const path = basePath && url.pathname.startsWith(basePath + "/")
        ? url.pathname.slice(basePath.length)
        : url.pathname;
      return `${this.#base}${path}${url.search}`;
    }
    return `${this.#base}${pathOrUrl.startsWith("/") ? "" : "/"}${pathOrUrl}`;
  }

  /** Counters since creation (or the last `resetStats`). */
  stats(): SpotifyClientStats {
    return { ...this.#stats, byEndpoint: { ...this.#stats.byEndpoint } };
  }

  /** Sets all counters back to zero. */
  resetStats(): void {
    this.#stats = emptyStats();
  }

  /** Counts one request to the token endpoint. */
  countTokenRequest(): void {
    this.#stats.tokenRequests++;
  }

  /** GETs a path or URL and returns the parsed JSON body (null for an empty body). */
  async getJson(pathOrUrl: string, signal?: AbortSignal): Promise<unknown> {
    const { policy, tokenProvider } = this.#options;
    const url = this.resolve(pathOrUrl);
    const shown = pathAndQuery(url);
    let renewedToken = false;
    let retriesUsed = 0;
    for (let attempt = 0;; attempt++) {
      throwIfAborted(signal);
      if (attempt > 0) this.#stats.retries++;
      const token = await tokenProvider.getToken(signal);
      const outcome = await this.#send(url, token, signal);

      // Backoff for a transient failure, or the final error once retries are used up.
      const backoff = async (finalError: Error) => {
        if (retriesUsed >= policy.maxRetries) throw finalError;
        await this.#options.sleep(
          backoffDelay(retriesUsed++, policy, this.#options.random),
          signal,
        );
      };

      if (outcome.kind === "network") {
        await backoff(
          new NetworkError(`could not reach the Spotify Web API for GET ${shown}`, {
            hint: "Check your internet connection (and TUNEDL_SPOTIFY_API_URL if set); " +
              "then run tunedl again.",
            cause: outcome.error,
          }),
        );
        continue;
      }
      const { status, text } = outcome;
      if (status >= 200 && status < 300) {
        if (text.trim() === "") return null;
        try {
          return JSON.parse(text);
        } catch (error) {
          await backoff(
            new NetworkError(`Spotify sent malformed JSON for GET ${shown}`, {
              hint: "Spotify may be having problems; try again later.",
              cause: error,
            }),
          );
          continue;
        }
      }
      if (status === 429) {
        this.#stats.rateLimited++;
        const now = this.#options.clock();
        const waitMs = parseRetryAfter(outcome.retryAfter, now) ??
          backoffDelay(retriesUsed, policy, this.#options.random);
        if (waitMs > policy.retryMaxDelayMs || retriesUsed >= policy.maxRetries) {
          throw new RateLimitedError(waitMs, now);
        }
        retriesUsed++;
        // Everyone waits, not just this request: the limit is per app.
        this.#options.limiter.pauseUntil(now + waitMs);
        await this.#options.sleep(waitMs, signal);
        continue;
      }
      if (status >= 500) {
        await backoff(
          new NetworkError(`Spotify answered ${status} for GET ${shown}`, {
            hint: "Spotify may be having problems; try again later.",
          }),
        );
        continue;
      }
      const apiMessage = errorMessageOf(text);
      if (status === 401) {
        if (renewedToken) throw tokenRefusedError(apiMessage);
        renewedToken = true;
        tokenProvider.invalidate();
        continue;
      }
      if (status === 403 && isPremiumRequiredMessage(apiMessage)) {
        throw premiumRequiredError(apiMessage);
      }
      throw new SpotifyHttpError(status, apiMessage, shown);
    }
  }

  async #send(url: string, token: string, signal?: AbortSignal): Promise<Outcome> {
    const { pool, limiter } = this.#options;
    return await pool.run(async () => {
      // Take the rate-limit slot last, right before sending, so the recorded
      // start times are the real ones.
      await limiter.acquire(signal);
      this.#count(url);
      try {
        const response = await this.#options.fetch(url, {
          headers: { "Authorization": `Bearer ${token}`, "Accept": "application/json" },
          signal,
        });
        // Reading the body inside the slot: a dropped connection shows up here.
        const text = await response.text();
        return {
          kind: "answer",
          status: response.status,
          retryAfter: response.headers.get("retry-after"),
          text,
        } satisfies Outcome;
      } catch (error) {
        if (signal?.aborted) throw cancelled(signal);
        return { kind: "network", error } satisfies Outcome;
      }
    }, { signal });
  }

  #count(url: string): void {
    this.#stats.requests++;
    const key = endpointKey(url);
    this.#stats.byEndpoint[key] = (this.#stats.byEndpoint[key] ?? 0) + 1;
  }
}

function emptyStats(): SpotifyClientStats {
  return { requests: 0, tokenRequests: 0, retries: 0, rateLimited: 0, byEndpoint: {} };
}

/** "GET /v1/tracks/{id}" for any track id; query strings dropped. */
export function endpointKey(url: string): string {
  const path = new URL(url, "http://x").pathname
    .split("/")
    .map((segment) => /^[0-9A-Za-z]{22}$/.test(segment) ? "{id}" : segment)
    .join("/");
  return `GET ${path}`;
}

function pathAndQuery(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

/** Spotify's message from an error body ({"error":{"status":403,"message":"..."}}). */
export function errorMessageOf(text: string): string {
  try {
    const body = JSON.parse(text);
    if (typeof body?.error?.message === "string") return body.error.message;
    if (typeof body?.error_description === "string") return body.error_description;
    if (typeof body?.error === "string") return body.error;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 200);
}
