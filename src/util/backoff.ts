/**
 * The one backoff formula for retries (Spotify requests and pipeline stages):
 * exponential, capped, with jitter so many requests that failed together (a
 * dropped connection) do not retry in lockstep.
 */

/** Options of backoffDelayMs. */
export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Returns a number in [0, 1); Math.random by default. */
  random?: () => number;
}

/** The wait before retry number `attempt` (1-based): half fixed, half random ("equal jitter"). */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const exponential = options.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(options.maxDelayMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}
