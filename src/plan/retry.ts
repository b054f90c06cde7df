/**
 * Backoff for retrying a failed stage: exponential, capped, with jitter so many
 * tracks that failed together (a dropped connection) do not retry in lockstep.
 */
import { CancelledError } from "../errors/mod.ts";

/** Options of retryDelayMs. */
export interface RetryDelayOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Returns a number in [0, 1); Math.random by default. */
  random?: () => number;
}

/** The wait before retry number `attempt` (1-based): half fixed, half random ("equal jitter"). */
export function retryDelayMs(attempt: number, options: RetryDelayOptions): number {
  const random = options.random ?? Math.random;
  const exponential = options.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(options.maxDelayMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}

/** Waits `ms` milliseconds; rejects with CancelledError as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new CancelledError("Cancelled.", { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError("Cancelled.", { cause: signal.reason }));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
