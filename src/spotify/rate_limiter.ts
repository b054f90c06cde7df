/**
 * Proactive rate limiting with a token bucket: `requests` per `windowMs` on
 * average, with a burst of up to one Spotify rolling window's worth (see
 * `burstSize`). Spotify counts an app's calls over a rolling 30-second window,
 * so a run that needs a few dozen requests (a warm re-run's playlist checks)
 * can send them at once, while a long run still keeps the configured average.
 * Waiters sleep until their token is due (no polling) and are served in
 * arrival order. A 429 from Spotify pauses every caller through `pauseUntil`.
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

/** The span over which Spotify counts an app's calls (its developer docs: "rolling 30 second window"). */
export const SPOTIFY_ROLLING_WINDOW_MS = 30_000;

/**
 * The bucket's size: the configured average over Spotify's rolling window,
 * and never less than one configured window's `requests`.
 */
export function burstSize(settings: RateLimitSettings): number {
  const perSpotifyWindow = Math.floor(
    settings.requests * SPOTIFY_ROLLING_WINDOW_MS / settings.windowMs,
  );
  return Math.max(settings.requests, perSpotifyWindow);
}

/** Token-bucket limiter; also honours server-imposed pauses. */
export class TokenBucketRateLimiter {
  readonly #capacity: number;
  /** Milliseconds per token: windowMs / requests. */
  readonly #interval: number;
  #tokens: number;
  /** Time up to which `#tokens` is accounted for; never moves back. */
  #updatedAt = -Infinity;
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
    this.#capacity = settings.enabled ? burstSize(settings) : Infinity;
    this.#interval = settings.enabled ? settings.windowMs / settings.requests : 0;
    this.#tokens = this.#capacity;
  }

  /**
   * Keeps every caller from starting a request before `time` (epoch ms), as a
   * 429's Retry-After asks; the bucket itself is left as it is.
   */
  pauseUntil(time: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, time);
  }

  /** Resolves when a request may start now; takes its token. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#waitForToken(signal));
    // The queue must keep moving even if one waiter is cancelled.
    this.#tail = turn.catch(() => {});
    return turn;
  }

  async #waitForToken(signal?: AbortSignal): Promise<void> {
    // After sleeping `wait` ms it is at least that much later, even if the
    // clock lags behind the timer (or a test's sleep and clock disagree):
    // never spin on a clock that did not move.
    let floor = -Infinity;
    for (;;) {
      throwIfAborted(signal);
      const now = Math.max(this.clock(), floor);
      const wait = this.#delayBeforeStart(now);
      if (wait <= 0) {
        if (this.settings.enabled) this.#tokens -= 1;
        return;
      }
      await this.sleep(wait, signal);
      floor = now + wait;
    }
  }

  #refill(now: number): void {
    if (now <= this.#updatedAt) return;
    if (this.#updatedAt > -Infinity) {
      this.#tokens = Math.min(
        this.#capacity,
        this.#tokens + (now - this.#updatedAt) / this.#interval,
      );
    }
    this.#updatedAt = now;
  }

  #delayBeforeStart(now: number): number {
    const pause = this.#pausedUntil - now;
    if (!this.settings.enabled) return pause;
    this.#refill(now);
    // Floating-point refills can land a hair below a whole token. Waits are whole
    // milliseconds: an epoch clock plus a fraction of a millisecond may not move at all.
    const missing = 1 - this.#tokens;
    // The bucket is accounted up to #updatedAt, which a clock that lags behind may not have reached.
    const due = missing <= 1e-6
      ? 0
      : Math.ceil(Math.max(this.#updatedAt - now, 0) + missing * this.#interval);
    return Math.max(pause, due);
  }
}
