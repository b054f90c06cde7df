/**
 * A cache with two levels: memory first, then the persistent cache file. A
 * value loaded from the source is written to both; one found only in the file
 * is copied to memory with the time it has left.
 */
import { hitRateOf, type MemoryCacheStats, TtlLruCache } from "./memory_cache.ts";
import type { CacheNamespace, PersistentCache, PersistentEntry } from "./persistent_cache.ts";

/** Settings of one tiered cache. */
export interface TieredCacheOptions {
  /** The persistent namespace used for the second level. */
  namespace: CacheNamespace;
  /** The second level, or null to run on memory only. */
  persistent: PersistentCache | null;
  /** Most entries kept in memory. */
  maxSize: number;
  /** Time to live of a loaded value (both levels). */
  ttlMs: number;
  /** Time to live of a "failure" value (see `isFailure`); defaults to ttlMs. */
  failureTtlMs?: number;
  /** Whether a loaded value is a remembered failure; default: null, undefined or []. */
  isFailure?: (value: unknown) => boolean;
  /** Clock in epoch milliseconds. */
  now?: () => number;
  /** Told once when the persistent level fails; the cache then goes on in memory. */
  warn?: (message: string) => void;
}

/** Options of `TieredCache.getOrLoad` and `set`. */
export interface TieredLoadOptions<V> {
  /** Overrides the time to live of this value. */
  ttlMs?: number;
  /** Time to live from the loaded value (wins over ttlMs). */
  ttlFor?: (value: V) => number;
}

/**
 * Counters of one tiered cache. `hits` were answered without calling the source
 * (from memory, from the file, or by sharing another caller's load); `misses`
 * had to go to the source (or found nothing, for plain `get`).
 */
export interface TieredCacheStats {
  /** The namespace of the cache file this cache uses. */
  name: CacheNamespace;
  /** Lookups answered from memory, from the file, or by sharing another caller's load. */
  hits: number;
  /** Lookups that had to go to the source (or found nothing, for plain `get`). */
  misses: number;
  /** hits / (hits + misses), from 0 to 1; 0 before the first lookup. */
  hitRate: number;
  /** Counters of the memory level alone. */
  memory: MemoryCacheStats;
  /** This run's lookups in the file; null when there is no persistent level. */
  persistent: { hits: number; misses: number; errors: number } | null;
}

/** Default failure test: an empty answer (null, undefined or an empty list). */
function isEmptyAnswer(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/** Memory-then-file cache of one namespace. */
export class TieredCache<V> {
  /** The namespace of the cache file this cache uses (also its name in reports). */
  readonly name: CacheNamespace;
  readonly #memory: TtlLruCache<V>;
  readonly #persistent: PersistentCache | null;
  readonly #ttlMs: number;
  readonly #failureTtlMs: number;
  readonly #isFailure: (value: unknown) => boolean;
  readonly #now: () => number;
  readonly #warn: (message: string) => void;
  #warned = false;
  #persistentHits = 0;
  #persistentMisses = 0;
  #persistentErrors = 0;

  /** Throws a RangeError for a negative or fractional maxSize or a negative time to live. */
  constructor(options: TieredCacheOptions) {
    this.name = options.namespace;
    this.#now = options.now ?? Date.now;
    this.#memory = new TtlLruCache<V>({
      maxSize: options.maxSize,
      ttlMs: options.ttlMs,
      now: this.#now,
    });
    this.#persistent = options.persistent;
    this.#ttlMs = options.ttlMs;
    this.#failureTtlMs = options.failureTtlMs ?? options.ttlMs;
    this.#isFailure = options.isFailure ?? isEmptyAnswer;
    this.#warn = options.warn ?? (() => {});
  }

  /** The memory level (for tests and reports). */
  get memory(): TtlLruCache<V> {
    return this.#memory;
  }

  /** The value from memory, else from the file (copied to memory), else undefined. */
  async get<T extends V = V>(key: string): Promise<T | undefined> {
    const inMemory = this.#memory.get(key);
    if (inMemory !== undefined || this.#memory.has(key)) return inMemory as T | undefined;
    const found = await this.#fromPersistent(key);
    if (found === undefined) return undefined;
    this.#memory.set(key, found.value, { ttlMs: found.ttlMs });
    return found.value as T;
  }

  /**
   * Several values, as `get` finds them, in the order of `keys`: those not in memory are read
   * from the file ten to a read (a read costs far more than its size) and copied to memory.
   */
  async getMany<T extends V = V>(keys: readonly string[]): Promise<Array<T | undefined>> {
    const found: Array<T | undefined> = new Array(keys.length).fill(undefined);
    const absent: number[] = [];
    keys.forEach((key, i) => {
      const inMemory = this.#memory.get(key);
      if (inMemory !== undefined || this.#memory.has(key)) found[i] = inMemory as T | undefined;
      else absent.push(i);
    });
    if (absent.length === 0 || this.#persistent === null) return found;
    let entries: Array<PersistentEntry<V> | undefined>;
    try {
      entries = await this.#persistent.getEntries<V>(this.name, absent.map((i) => keys[i]));
    } catch (error) {
      this.#failed(error);
      return found;
    }
    absent.forEach((i, at) => {
      const entry = entries[at];
      if (entry === undefined) {
        this.#persistentMisses++;
        return;
      }
      this.#persistentHits++;
      this.#memory.set(keys[i], entry.value, { ttlMs: this.#remainingTtl(entry) });
      found[i] = entry.value as T;
    });
    return found;
  }

  /**
   * The cached value of key, or the loader's (stored in both levels). Concurrent
   * calls share one load; a rejected load is stored nowhere.
   */
  getOrLoad<T extends V = V>(
    key: string,
    loader: () => Promise<T>,
    options: TieredLoadOptions<T> = {},
  ): Promise<T> {
    // The memory level calls ttlFor once with the value its own load produced;
    // this closure remembers whether that value came from the file (remaining
    // time) or from the source (fresh time to live).
    let fileTtlMs: number | undefined;
    return this.#memory.getOrLoad(key, async () => {
      const found = await this.#fromPersistent(key);
      if (found !== undefined) {
        fileTtlMs = found.ttlMs;
        return found.value;
      }
      const value = await loader();
      // Written behind: the memory level answers meanwhile (see set).
      void this.#toPersistent(key, value, this.#ttlOf(value, options));
      return value;
    }, { ttlFor: (value) => fileTtlMs ?? this.#ttlOf(value as T, options) }) as Promise<T>;
  }

  /**
   * Stores a value in both levels. The file is written behind: the file's sets wait a few
   * milliseconds to share a commit, which no caller should wait for (a plan's reads chain
   * several); the memory level answers meanwhile, a failure is reported as every other, and the
   * file's close writes whatever is still queued.
   */
  set<T extends V = V>(
    key: string,
    value: T,
    options: TieredLoadOptions<T> = {},
  ): Promise<void> {
    const ttlMs = this.#ttlOf(value, options);
    this.#memory.set(key, value, { ttlMs });
    void this.#toPersistent(key, value, ttlMs);
    return Promise.resolve();
  }

  /** Removes key from both levels. */
  async delete(key: string): Promise<void> {
    this.#memory.delete(key);
    if (this.#persistent === null) return;
    try {
      await this.#persistent.delete(this.name, key);
    } catch (error) {
      this.#failed(error);
    }
  }

  /** Counters of both levels. */
  stats(): TieredCacheStats {
    const memory = this.#memory.stats();
    // Every memory miss was shared with another load, found in the file, or went
    // to the source; only the last kind is a miss of the whole cache.
    const hits = memory.hits + memory.coalesced + this.#persistentHits;
    const misses = memory.misses - memory.coalesced - this.#persistentHits;
    return {
      name: this.name,
      hits,
      misses,
      hitRate: hitRateOf(hits, misses),
      memory,
      persistent: this.#persistent === null ? null : {
        hits: this.#persistentHits,
        misses: this.#persistentMisses,
        errors: this.#persistentErrors,
      },
    };
  }

  #ttlOf<T extends V>(value: T, options: TieredLoadOptions<T>): number {
    if (options.ttlFor !== undefined) return options.ttlFor(value);
    if (options.ttlMs !== undefined) return options.ttlMs;
    return this.#isFailure(value) ? this.#failureTtlMs : this.#ttlMs;
  }

  /** The time a value from the file has left. */
  #remainingTtl(entry: PersistentEntry<V>): number {
    return entry.expiresAt === null ? this.#ttlMs : Math.max(0, entry.expiresAt - this.#now());
  }

  async #fromPersistent(key: string): Promise<{ value: V; ttlMs: number } | undefined> {
    if (this.#persistent === null) return undefined;
    try {
      const entry = await this.#persistent.getEntry<V>(this.name, key);
      if (entry === undefined) {
        this.#persistentMisses++;
        return undefined;
      }
      this.#persistentHits++;
      return { value: entry.value, ttlMs: this.#remainingTtl(entry) };
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
  }

  async #toPersistent(key: string, value: V, ttlMs: number): Promise<void> {
    // undefined has no JSON form; it can only live in memory.
    if (this.#persistent === null || value === undefined) return;
    try {
      await this.#persistent.set(this.name, key, value, {
        ttlMs: ttlMs === Infinity ? undefined : ttlMs,
      });
    } catch (error) {
      this.#failed(error);
    }
  }

  #failed(error: unknown): void {
    // A broken file must not stop a download run: the value stays in memory.
    this.#persistentErrors++;
    if (this.#warned) return;
    this.#warned = true;
    const text = error instanceof Error ? error.message : String(error);
    this.#warn(`Persistent cache (${this.name}) failed: ${text.split("\n")[0]}`);
  }
}
