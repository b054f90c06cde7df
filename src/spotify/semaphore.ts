/**
 * A counting semaphore: caps how many requests are in flight at once. Waiters
 * are served first come, first served; a cancelled waiter leaves the queue.
 */
import { cancelled } from "./timing.ts";

/** Limits concurrent work to a fixed number of permits. */
export class Semaphore {
  #available: number;
  readonly #waiters: Array<{ grant: () => void }> = [];

  constructor(readonly permits: number) {
    if (!(permits >= 1)) throw new RangeError(`Semaphore needs at least 1 permit, got ${permits}`);
    this.#available = permits;
  }

  /** Permits currently handed out. */
  get inUse(): number {
    return this.permits - this.#available;
  }

  /** Resolves once a permit is held; pair every successful call with `release()`. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled(signal));
    if (this.#available > 0 && this.#waiters.length === 0) {
      this.#available--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(cancelled(signal!));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Returns a permit, handing it straight to the longest waiter if any. */
  release(): void {
    const next = this.#waiters.shift();
    if (next) next.grant();
    else this.#available = Math.min(this.permits, this.#available + 1);
  }

  /** Runs `work` while holding a permit. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}
