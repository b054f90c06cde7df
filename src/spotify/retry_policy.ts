/** Pure pieces of the retry policy: backoff delays and Retry-After parsing. */

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

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed,
 * half random, so retries from parallel requests spread out but never hammer.
 * `attempt` is 0 for the first retry; `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(
    policy.retryMaxDelayMs,
    policy.retryBaseDelayMs * 2 ** Math.max(0, attempt),
  );
  return Math.round(exponential / 2 + random() * (exponential / 2));
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

/** Formats epoch ms as local "YYYY-MM-DD HH:MM:SS" for messages people read. */
export function formatClockTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Formats a duration for messages: "45 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
