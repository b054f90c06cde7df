/**
 * Slowing down after a 429: Spotify's Retry-After says when to resume, this
 * says how fast. After each 429 requests start at most one per `spacingMs`,
 * doubled on every further 429 (up to a maximum) and halved after each quiet
 * period without one, until the throttle lets go altogether. It sits next to
 * the proactive rate limiter, which knows nothing of it.
 */
import type { Sleep } from "../util/mod.ts";
import type { Clock } from "./timing.ts";
import { throwIfAborted } from "./timing.ts";

/** How hard the throttle slows down and how soon it recovers. */
export interface ThrottleSettings {
  /** Spacing between request starts after the first 429. */
  firstSpacingMs: number;
  /** Largest spacing however many 429s follow. */
  maxSpacingMs: number;
  /** A period without a 429 after which the spacing halves. */
  quietMs: number;
}

/** Defaults: 250 ms after a 429, up to 4 s, halved after every 30 s without one. */
export const DEFAULT_THROTTLE_SETTINGS: ThrottleSettings = {
  firstSpacingMs: 250,
  maxSpacingMs: 4_000,
  quietMs: 30_000,
};

/** The throttle's state: current spacing (0 = off) and when it last changed. */
export interface ThrottleState {
  spacingMs: number;
  changedAt: number;
}

/** The state after a 429 at `now`: slower. */
export function afterRateLimited(
  state: ThrottleState,
  now: number,
  settings: ThrottleSettings,
): ThrottleState {
  const current = relaxed(state, now, settings).spacingMs;
  const spacingMs = current === 0
    ? settings.firstSpacingMs
    : Math.min(settings.maxSpacingMs, current * 2);
  return { spacingMs, changedAt: now };
}

/** The state at `now` once every quiet period since the last change has halved the spacing. */
export function relaxed(
  state: ThrottleState,
  now: number,
  settings: ThrottleSettings,
): ThrottleState {
  let { spacingMs, changedAt } = state;
  while (spacingMs > 0 && now - changedAt >= settings.quietMs) {
    spacingMs = spacingMs / 2 < settings.firstSpacingMs ? 0 : spacingMs / 2;
    changedAt += settings.quietMs;
  }
  return { spacingMs, changedAt };
}

/** Spaces request starts out while Spotify recently answered 429. */
export class AdaptiveThrottle {
  #state: ThrottleState = { spacingMs: 0, changedAt: 0 };
  #nextStart = 0;
  #tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    readonly settings: ThrottleSettings = DEFAULT_THROTTLE_SETTINGS,
  ) {}

  /** Spacing now in force (0 when not throttling). */
  spacingMs(): number {
    this.#state = relaxed(this.#state, this.clock(), this.settings);
    return this.#state.spacingMs;
  }

  /** Records a 429: slows down further. */
  onRateLimited(): void {
    this.#state = afterRateLimited(this.#state, this.clock(), this.settings);
  }

  /** Resolves when a request may start; callers are served in arrival order. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.spacingMs() === 0 && this.#nextStart <= this.clock()) return Promise.resolve();
    const turn = this.#tail.then(() => this.#waitForTurn(signal));
    this.#tail = turn.catch(() => {});
    return turn;
  }

  async #waitForTurn(signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    const now = this.clock();
    const wait = this.#nextStart - now;
    if (wait > 0) await this.sleep(wait, signal);
    this.#nextStart = Math.max(now, this.#nextStart) + this.spacingMs();
  }
}
