/**
 * Remembers whether files exist so planning thousands of tracks does not stat
 * the same path again and again. tunedl invalidates a path whenever it writes,
 * moves or deletes that file, so the cache never outlives its own changes.
 */
import { type MemoryCacheStats, TtlLruCache } from "./memory_cache.ts";

/** Settings of a FileExistsCache. */
export interface FileExistsCacheOptions {
  /** Most answers kept. */
  maxSize: number;
  /** How long an answer is trusted (files may change behind tunedl's back). */
  ttlMs: number;
  /** Tells whether a path exists (the real one stats the file system). */
  probe: (path: string) => Promise<boolean>;
  /** Clock in epoch milliseconds; injectable so tests control expiry. */
  now?: () => number;
}

/** Cached answers to "does this file exist?". */
export class FileExistsCache {
  readonly #cache: TtlLruCache<boolean>;
  readonly #probe: (path: string) => Promise<boolean>;

  /** Throws a RangeError for a negative or fractional maxSize or a negative ttlMs. */
  constructor(options: FileExistsCacheOptions) {
    this.#cache = new TtlLruCache<boolean>({
      maxSize: options.maxSize,
      ttlMs: options.ttlMs,
      now: options.now,
    });
    this.#probe = options.probe;
  }

  /** Whether path exists (one probe per path per TTL, shared by concurrent callers). */
  exists(path: string): Promise<boolean> {
    return this.#cache.getOrLoad(path, () => this.#probe(path));
  }

  /** Forgets path; call after writing, moving or deleting it. */
  invalidate(path: string): void {
    this.#cache.delete(path);
  }

  /** Forgets every path. */
  clear(): void {
    this.#cache.clear();
  }

  /** Counters of the underlying memory cache. */
  stats(): MemoryCacheStats {
    return this.#cache.stats();
  }
}
