/**
 * Time as a collaborator: the client never reads the real clock or sleeps on
 * its own (waits are util's Sleep), so tests can drive time and observe every wait.
 */
import { CancelledError } from "../errors/mod.ts";

/** Milliseconds since the epoch, like `Date.now`. */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();

/** Turns an aborted signal's reason into the CancelledError tunedl reports. */
export function cancelled(signal: AbortSignal): CancelledError {
  const reason = signal.reason;
  if (reason instanceof CancelledError) return reason;
  return new CancelledError("cancelled while talking to Spotify", { cause: reason });
}

/** Throws CancelledError if the signal has already aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelled(signal);
}
