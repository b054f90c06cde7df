/**
 * One authenticated GET against the Web API, done carefully: bearer token
 * (renewed once on 401), a cap on requests in flight, the proactive rate
 * limiter, 429 Retry-After, backoff on 5xx / network errors / malformed JSON,
 * and request counting. Everything above this speaks in parsed JSON.
 */
import { NetworkError, TunedlError } from "../errors/mod.ts";
import { displayText, failureReason, fetchBounded, type FetchLimits } from "../util/mod.ts";
import type { SpotifyClientStats } from "./catalog_model.ts";
import {
  isPremiumRequiredMessage,
  premiumRequiredError,
  RateLimitedError,
  SpotifyHttpError,
  tokenRefusedError,
} from "./errors.ts";
import type { TokenBucketRateLimiter } from "./rate_limiter.ts";
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_API_ANSWER_BYTES,
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
import type { AdaptiveThrottle } from "./throttle.ts";
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
  limiter: TokenBucketRateLimiter;
  pool: TaskPool;
  /** Slows request starts down after 429s (optional). */
  throttle?: AdaptiveThrottle;
  /** Time and size limits of one request (default: 10 s answer/stall, 20 s whole, 4 MB). */
  limits?: FetchLimits;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  /** Where the credentials came from, for hints. */
  credentialsOrigin?: string;
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
    let rateLimitedWaits = 0;
    // Attempts that got no answer at all; when all did, Spotify is unreachable.
    let unanswered = 0;
    const giveUpAt = unansweredDeadline(this.#options.clock(), this.#limits().answerMs);
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
        const error = outcome.error;
        if (error instanceof TunedlError && !error.retryable) throw error;
        unanswered++;
        const detail = `GET ${shown}: ${failureReason(error, `Spotify Web API, GET ${shown}`)}`;
        const neverAnswered = unanswered === attempt + 1;
        const finalError = neverAnswered
          ? spotifyUnreachableError(`the Spotify Web API at ${this.#base}`, detail, {
            attempts: attempt + 1,
            envVar: "TUNEDL_SPOTIFY_API_URL",
            cause: error,
          })
          : new NetworkError(`could not reach the Spotify Web API for GET ${shown}`, {
            hint: "Check your internet connection (and TUNEDL_SPOTIFY_API_URL if set); " +
              "then run tunedl again.",
            cause: error,
          });
        if (neverAnswered && this.#options.clock() >= giveUpAt) throw finalError;
        await backoff(finalError);
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
          backoffDelay(rateLimitedWaits, policy, this.#options.random);
        // A 429 is Spotify asking to slow down, not a failure: it does not use
        // up the retries. Only a wait longer than allowed, or a request that
        // keeps being refused, ends the run.
        if (waitMs > maxRetryAfterOf(policy) || rateLimitedWaits >= MAX_RATE_LIMITED_WAITS) {
          throw new RateLimitedError(waitMs, now);
        }
        rateLimitedWaits++;
        this.#options.throttle?.onRateLimited();
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
        if (renewedToken) throw tokenRefusedError(apiMessage, this.#options.credentialsOrigin);
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
      await this.#options.throttle?.acquire(signal);
      this.#count(url);
      try {
        // Reading the body inside the permit: a dropped connection shows up here.
        const response = await fetchBounded(url, {
          headers: { "Authorization": `Bearer ${token}`, "Accept": "application/json" },
        }, {
          fetch: this.#options.fetch,
          limits: this.#limits(),
          what: `Spotify Web API, GET ${pathAndQuery(url)}`,
          signal,
        });
        return {
          kind: "answer",
          status: response.status,
          retryAfter: response.headers.get("retry-after"),
          text: response.text(),
        } satisfies Outcome;
      } catch (error) {
        if (signal?.aborted) throw cancelled(signal);
        return { kind: "network", error } satisfies Outcome;
      }
    }, { signal });
  }

  #limits(): FetchLimits {
    return this.#options.limits ?? requestLimits(DEFAULT_REQUEST_TIMEOUT_MS, MAX_API_ANSWER_BYTES);
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
    if (typeof body?.error?.message === "string") return displayText(body.error.message);
    if (typeof body?.error_description === "string") return displayText(body.error_description);
    if (typeof body?.error === "string") return displayText(body.error);
  } catch {
    // not JSON
  }
  return displayText(text.slice(0, 1000).trim(), { max: 200 });
}
