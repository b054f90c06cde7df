/**
 * An async concurrency limiter: at most `limit` tasks run at once, the rest wait
 * in FIFO order. Waiting costs nothing (a parked promise, no polling), and a
 * waiting task whose signal aborts leaves the queue without ever starting.
 */
import { CancelledError } from "../errors/mod.ts";

/** Options of a TaskPool. */
export interface TaskPoolOptions {
  /** How many tasks may run at the same time (an integer, at least 1). */
  limit: number;
}

/** Options of one TaskPool.run call. */
export interface TaskRunOptions {
  /** Aborting it drops the task from the queue, or is passed on to it while it runs. */
  signal?: AbortSignal;
}

/**
 * A task: gets the signal, and `release`, which hands its slot to the next
 * task while it finishes work the limit is not about (it ends the slot early;
 * calling it again does nothing).
 */
export type PoolTask<T> = (signal: AbortSignal, release: () => void) => Promise<T>;

/** A queued task: started by `start`, or rejected by `cancel` when its signal aborts. */
interface Waiter {
  signal: AbortSignal;
  start(): void;
  cancel(): void;
}

/** The waiters of one signal, and the one abort listener they share. */
interface SignalWaiters {
  waiters: Set<Waiter>;
  onAbort: () => void;
}

/** A signal that never aborts, for tasks run without one. */
const neverAborted: AbortSignal = new AbortController().signal;

/** Limits how many async tasks run at once; queued tasks start in arrival order. */
export class TaskPool {
  /** How many tasks may run at the same time. */
  readonly limit: number;
  #active = 0;
  #peak = 0;
  // A Set keeps insertion order (FIFO) and drops an aborted waiter in O(1).
  readonly #waiting = new Set<Waiter>();
  // One abort listener per signal, not per waiter: a run queues thousands of tracks on one
  // signal, and an EventTarget's add and remove scan its listeners (quadratic in the queue).
  readonly #bySignal = new Map<AbortSignal, SignalWaiters>();

  /** Throws a RangeError unless `options.limit` is an integer of at least 1. */
  constructor(options: TaskPoolOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(
        `task pool limit must be an integer of at least 1, got ${options.limit}`,
      );
    }
    this.limit = options.limit;
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.#waiting.size;
  }

  /** The most tasks that ever ran at the same time. */
  get peak(): number {
    return this.#peak;
  }

  /** Runs `task` once a slot is free; rejects with CancelledError if `signal` aborts first. */
  run<T>(task: PoolTask<T>, options: TaskRunOptions = {}): Promise<T> {
    const signal = options.signal ?? neverAborted;
    if (signal.aborted) return Promise.reject(cancelledBy(signal));
    if (this.#active < this.limit) return this.#execute(task, signal);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        start: () => this.#execute(task, signal).then(resolve, reject),
        cancel: () => reject(cancelledBy(signal)),
      };
      this.#waiting.add(waiter);
      this.#waitersOf(signal).waiters.add(waiter);
    });
  }

  /** The waiters of a signal, listening for its abort from the first one on. */
  #waitersOf(signal: AbortSignal): SignalWaiters {
    let entry = this.#bySignal.get(signal);
    if (entry === undefined) {
      const onAbort = () => {
        this.#bySignal.delete(signal);
        for (const waiter of entry!.waiters) {
          this.#waiting.delete(waiter);
          waiter.cancel();
        }
      };
      entry = { waiters: new Set(), onAbort };
      this.#bySignal.set(signal, entry);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    return entry;
  }

  /** Takes a waiter out of its signal's set; the last one out stops listening. */
  #leave(waiter: Waiter): void {
    const entry = this.#bySignal.get(waiter.signal);
    if (entry === undefined) return;
    entry.waiters.delete(waiter);
    if (entry.waiters.size > 0) return;
    this.#bySignal.delete(waiter.signal);
    waiter.signal.removeEventListener("abort", entry.onAbort);
  }

  async #execute<T>(task: PoolTask<T>, signal: AbortSignal): Promise<T> {
    this.#active++;
    if (this.#active > this.#peak) this.#peak = this.#active;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#startNext();
    };
    try {
      return await task(signal, release);
    } finally {
      release();
    }
  }

  #startNext(): void {
    const next = this.#waiting.values().next();
    if (next.done) return;
    this.#waiting.delete(next.value);
    this.#leave(next.value);
    next.value.start();
  }
}

/** The error a task gets when it is cancelled before it started. */
function cancelledBy(signal: AbortSignal): CancelledError {
  return new CancelledError("cancelled before it started", { cause: signal.reason });
}
