/**
 * An in-memory cache with a size bound (least recently used entries go first),
 * a time to live per entry and coalescing of concurrent loads of one key.
 */

/** Settings of one in-memory cache. */
export interface TtlLruCacheOptions {
  /** Most entries kept; 0 keeps nothing (loads are still coalesced). */
  maxSize: number;
  /** Time to live of an entry unless `set`/`getOrLoad` says otherwise; Infinity never expires. */
  ttlMs: number;
  /** Clock in epoch milliseconds; injectable so tests control expiry. */
  now?: () => number;
}

/** Per-entry options of `set`. */
export interface CacheEntryOptions {
  /** Overrides the cache's default time to live for this entry; 0 does not store it. */
  ttlMs?: number;
}

/** Options of `getOrLoad`. */
export interface GetOrLoadOptions<V> {
  /** Time to live of the loaded value. */
  ttlMs?: number;
  /** Time to live chosen from the loaded value (wins over `ttlMs`), e.g. shorter for "not found". */
  ttlFor?: (value: V) => number;
}

/**
 * Counters of one in-memory cache. Every `get`/`getOrLoad` counts one hit or one
 * miss; `coalesced` misses waited for a load another caller had started, so
 * `misses - coalesced` lookups found nothing at all. `loads` counts loader calls.
 */
export interface MemoryCacheStats {
  /** Lookups answered from memory. */
  hits: number;
  /** Lookups that found no live entry (including those that waited for another caller's load). */
  misses: number;
  /** hits / (hits + misses), 0 before the first lookup. */
  hitRate: number;
  /** Live entries dropped to make room. */
  evictions: number;
  /** Entries found past their time to live (and dropped). */
  expirations: number;
  /** Entries stored now (expired ones included until they are next touched). */
  size: number;
  /** Most entries kept, as configured. */
  maxSize: number;
  /** Calls of a `getOrLoad` loader. */
  loads: number;
  /** Misses that waited for a load another caller had already started. */
  coalesced: number;
}

interface Entry<V> {
  value: V;
  /** Epoch ms at which the entry stops being served; Infinity for never. */
  expiresAt: number;
}

interface InFlight<V> {
  promise: Promise<V>;
}

/** Checks a time to live: a non-negative number (Infinity allowed). */
function checkTtl(ttlMs: number, what: string): number {
  if (typeof ttlMs !== "number" || Number.isNaN(ttlMs) || ttlMs < 0) {
    throw new RangeError(`${what} must be a non-negative number of milliseconds, got ${ttlMs}`);
  }
  return ttlMs;
}

/** hits / (hits + misses), 0 when there was no lookup. */
export function hitRateOf(hits: number, misses: number): number {
  const total = hits + misses;
  return total === 0 ? 0 : hits / total;
}

/**
 * A string-keyed LRU cache whose entries expire. All operations are synchronous
 * except `getOrLoad`, so interleaved async callers always see a consistent map.
 */
export class TtlLruCache<V> {
  /** Most entries kept; 0 keeps nothing. */
  readonly maxSize: number;
  /** Default time to live of an entry, in milliseconds; Infinity never expires. */
  readonly ttlMs: number;
  readonly #now: () => number;
  // A Map iterates in insertion order: re-inserting on use keeps the least
  // recently used entry first, which makes eviction O(1) and exact.
  readonly #entries = new Map<string, Entry<V>>();
  readonly #inFlight = new Map<string, InFlight<V>>();
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #expirations = 0;
  #loads = 0;
  #coalesced = 0;

  /** Throws a RangeError for a negative or fractional maxSize or a negative ttlMs. */
  constructor(options: TtlLruCacheOptions) {
    if (!Number.isInteger(options.maxSize) || options.maxSize < 0) {
      throw new RangeError(`maxSize must be a non-negative integer, got ${options.maxSize}`);
    }
    this.maxSize = options.maxSize;
    this.ttlMs = checkTtl(options.ttlMs, "ttlMs");
    this.#now = options.now ?? Date.now;
  }

  /** Number of stored entries (expired ones included until they are next touched). */
  get size(): number {
    return this.#entries.size;
  }

  /** The live value of key (marking it most recently used), or undefined; counts a hit or miss. */
  get(key: string): V | undefined {
    const entry = this.#live(key);
    if (entry === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#touch(key, entry);
    return entry.value;
  }

  /** Whether key holds a live value; does not count a hit or miss nor change the LRU order. */
  has(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  /** Stores a value (most recently used), evicting the least recently used entries past maxSize. */
  set(key: string, value: V, options: CacheEntryOptions = {}): void {
    const ttlMs = checkTtl(options.ttlMs ?? this.ttlMs, "ttlMs");
    // An explicit write supersedes a load in progress: its result must not overwrite this one.
    this.#inFlight.delete(key);
    this.#entries.delete(key);
    if (ttlMs === 0 || this.maxSize === 0) return;
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    while (this.#entries.size > this.maxSize) this.#evictOldest();
  }

  /** Removes key; a load in progress for it is not stored. Returns whether an entry was removed. */
  delete(key: string): boolean {
    this.#inFlight.delete(key);
    return this.#entries.delete(key);
  }

  /** Removes every entry (statistics are kept); loads in progress are not stored. */
  clear(): void {
    this.#inFlight.clear();
    this.#entries.clear();
  }

  /**
   * The cached value of key, or the loader's result (stored with its TTL). Concurrent
   * calls for one key share one loader call; a rejected load is not stored and
   * every waiting caller gets its error.
   */
  getOrLoad(key: string, loader: () => Promise<V>, options: GetOrLoadOptions<V> = {}): Promise<V> {
    const entry = this.#live(key);
    if (entry !== undefined) {
      this.#hits++;
      this.#touch(key, entry);
      return Promise.resolve(entry.value);
    }
    this.#misses++;
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) {
      this.#coalesced++;
      return pending.promise;
    }
    this.#loads++;
    const flight = {} as InFlight<V>;
    flight.promise = this.#load(key, loader, options, flight);
    this.#inFlight.set(key, flight);
    return flight.promise;
  }

  /** A snapshot of the counters. */
  stats(): MemoryCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: hitRateOf(this.#hits, this.#misses),
      evictions: this.#evictions,
      expirations: this.#expirations,
      size: this.#entries.size,
      maxSize: this.maxSize,
      loads: this.#loads,
      coalesced: this.#coalesced,
    };
  }

  async #load(
    key: string,
    loader: () => Promise<V>,
    options: GetOrLoadOptions<V>,
    flight: InFlight<V>,
  ): Promise<V> {
    // Let getOrLoad register the flight before the loader runs, so a loader that
    // finishes synchronously still finds (and clears) its own record.
    await Promise.resolve();
    try {
      const value = await loader();
      // Only the flight still registered may store: set/delete/clear during the
      // load mean its result is stale.
      if (this.#inFlight.get(key) === flight) {
        const ttlMs = options.ttlFor?.(value) ?? options.ttlMs;
        this.#inFlight.delete(key);
        this.set(key, value, { ttlMs });
      }
      return value;
    } finally {
      if (this.#inFlight.get(key) === flight) this.#inFlight.delete(key);
    }
  }

  /** The entry of key if it has not expired; drops and counts it if it has. */
  #live(key: string): Entry<V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#entries.delete(key);
      this.#expirations++;
      return undefined;
    }
    return entry;
  }

  #touch(key: string, entry: Entry<V>): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }

  #evictOldest(): void {
    const oldest = this.#entries.keys().next();
    if (oldest.done) return;
    const entry = this.#entries.get(oldest.value)!;
    this.#entries.delete(oldest.value);
    // An entry already past its TTL was dead anyway: that is an expiration, not
    // a live value lost to lack of room.
    if (this.#now() >= entry.expiresAt) this.#expirations++;
    else this.#evictions++;
  }
}
