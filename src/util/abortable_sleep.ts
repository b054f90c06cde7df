/** The one way tunedl waits: a timer that a signal cancels (and that never outlives it). */
import { CancelledError } from "../errors/mod.ts";

/** Waits `ms` milliseconds; rejects with CancelledError when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Waits `ms` milliseconds; rejects with CancelledError as soon as `signal` aborts. */
export const abortableSleep: Sleep = (ms, signal) => {
  if (signal?.aborted) return Promise.reject(cancellation(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      // Deno's test sanitizers fail a test that leaves a timer behind.
      clearTimeout(timer);
      reject(cancellation(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
};

/** The error an aborted wait rejects with: the signal's own CancelledError when it carries one. */
export function cancellation(signal: AbortSignal): CancelledError {
  const reason = signal.reason;
  if (reason instanceof CancelledError) return reason;
  return new CancelledError("cancelled", { cause: reason });
}
