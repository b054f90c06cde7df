/**
 * Time as a collaborator: the client never reads the real clock or sleeps on
 * its own, so tests can drive time and observe every wait.
 */
import { CancelledError } from "../errors/mod.ts";

/** Milliseconds since the epoch, like `Date.now`. */
export type Clock = () => number;

/** Waits `ms` milliseconds; rejects with CancelledError when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real clock. */
export const systemClock: Clock = () => Date.now();

/** A real sleep that clears its timer when cancelled (Deno's sanitizers check timers). */
export const systemSleep: Sleep = (ms, signal) => {
  if (signal?.aborted) return Promise.reject(cancelled(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
};

/** Turns an aborted signal's reason into the CancelledError tunedl reports. */
export function cancelled(signal: AbortSignal): CancelledError {
  const reason = signal.reason;
  if (reason instanceof CancelledError) return reason;
  return new CancelledError("Cancelled while talking to Spotify.", { cause: reason });
}

/** Throws CancelledError if the signal has already aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelled(signal);
}
