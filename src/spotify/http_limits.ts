/**
 * Time and size limits of the requests to Spotify, and the error for a
 * service that keeps not answering within them.
 */
import { ServiceUnreachableError } from "../errors/mod.ts";
import { type FetchLimits, limitsFromTimeout } from "../util/mod.ts";

/** Default time limit (ms) for an answer to start, and for a pause inside it. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Largest Web API answer read: a 100-track playlist page is ~300 KB. */
export const MAX_API_ANSWER_BYTES = 4_000_000;

/** Largest accounts-service answer read: a token answer is a few hundred bytes. */
export const MAX_ACCOUNTS_ANSWER_BYTES = 64_000;

/** Limits for one request from a single timeout (see limitsFromTimeout). */
export function requestLimits(timeoutMs: number, maxBytes: number): FetchLimits {
  return limitsFromTimeout(timeoutMs, maxBytes);
}

/**
 * When a request whose attempts all went unanswered stops retrying, even with
 * retries left: 4.5 timeouts after it started (45 s by default). Without it a
 * trickling server (each attempt cut at twice the timeout) would keep a run
 * waiting for minutes before it is called unreachable.
 */
export function unansweredDeadline(startedAt: number, timeoutMs: number): number {
  return startedAt + 4.5 * timeoutMs;
}

/** A Spotify service did not answer on any attempt: the run cannot go on without it. */
export function spotifyUnreachableError(
  service: string,
  detail: string,
  options: { attempts: number; envVar: string; cause?: unknown },
): ServiceUnreachableError {
  const tries = options.attempts === 1 ? "1 attempt" : `${options.attempts} attempts`;
  return new ServiceUnreachableError(`${service} is not answering (${detail}; ${tries})`, {
    hint: `Check your internet connection (and ${options.envVar} if set); if Spotify is ` +
      "down, run tunedl again later: what was already read is cached.",
    cause: options.cause,
  });
}
