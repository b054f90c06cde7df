/** Pure pieces of the retry policy: backoff delays and Retry-After parsing. */
import { backoffDelayMs } from "../util/mod.ts";

/** How hard to retry transient failures. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = try once). */
  maxRetries: number;
  retryBaseDelayMs: number;
  /** Longest backoff between retries. */
  retryMaxDelayMs: number;
  /**
   * Longest Retry-After (ms) waited out; a longer one stops with RateLimitedError.
   * Default: `retryMaxDelayMs`.
   */
  maxRetryAfterMs?: number;
}

/** How many 429s one request waits out before giving up, however short each wait. */
export const MAX_RATE_LIMITED_WAITS = 20;

/** The longest Retry-After a policy waits out. */
export function maxRetryAfterOf(policy: RetryPolicy): number {
  return policy.maxRetryAfterMs ?? policy.retryMaxDelayMs;
}

/** The shared backoff formula in the policy's terms; `attempt` is 0 for the first retry. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  return backoffDelayMs(attempt + 1, {
    baseDelayMs: policy.retryBaseDelayMs,
    maxDelayMs: policy.retryMaxDelayMs,
    random,
  });
}

/**
 * Reads a Retry-After header (delta seconds or HTTP date) as milliseconds from
 * `now`; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
