/**
 * Proactive rate limiting with a sliding-window log: at most `requests` starts
 * in any `windowMs` span. Waiters sleep until the oldest start leaves the
 * window (no polling), and are served in arrival order. A 429 from Spotify
 * pauses every caller through `pauseUntil`.
 */
import { type Sleep } from "../util/mod.ts";
import type { Clock } from "./timing.ts";
import { throwIfAborted } from "./timing.ts";

/** How many requests may start per time window. */
export interface RateLimitSettings {
  enabled: boolean;
  requests: number;
  windowMs: number;
}

/** Sliding-window limiter; also honours server-imposed pauses. */
export class SlidingWindowRateLimiter {
  readonly #starts: number[] = [];
  #tail: Promise<void> = Promise.resolve();
  #pausedUntil = 0;

  constructor(
    readonly settings: RateLimitSettings,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {
    if (settings.enabled && !(settings.requests >= 1 && settings.windowMs > 0)) {
      throw new RangeError(
        `rate limit needs requests >= 1 and windowMs > 0, got ${settings.requests}/${settings.windowMs}`,
      );
    }
  }

  /** Keeps every caller from starting a request before `time` (epoch ms). */
  pauseUntil(time: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, time);
  }

  /** Resolves when a request may start now; records the start. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#waitForSlot(signal));
    // The queue must keep moving even if one waiter is cancelled.
    this.#tail = turn.catch(() => {});
    return turn;
  }

  async #waitForSlot(signal?: AbortSignal): Promise<void> {
    // After sleeping `wait` ms it is at least that much later, even if the
    // clock lags behind the timer (or a test's sleep and clock disagree):
    // never spin on a clock that did not move.
    let floor = -Infinity;
    for (;;) {
      throwIfAborted(signal);
      const now = Math.max(this.clock(), floor);
      const wait = this.#delayBeforeStart(now);
      if (wait <= 0) {
        if (this.settings.enabled) this.#starts.push(now);
        return;
      }
      await this.sleep(wait, signal);
      floor = now + wait;
    }
  }

  #delayBeforeStart(now: number): number {
    const pause = this.#pausedUntil - now;
    if (!this.settings.enabled) return pause;
    const windowStart = now - this.settings.windowMs;
    while (this.#starts.length > 0 && this.#starts[0] <= windowStart) this.#starts.shift();
    const full = this.#starts.length >= this.settings.requests
      ? this.#starts[this.#starts.length - this.settings.requests] + this.settings.windowMs - now
      : 0;
    return Math.max(pause, full);
  }
}
