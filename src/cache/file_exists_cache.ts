/**
 * Remembers whether files exist so planning thousands of tracks does not stat
 * the same path again and again. tunedl invalidates a path whenever it writes,
 * moves or deletes that file, so the cache never outlives its own changes.
 * A probe that stats may answer with the file's size and time: the check of
 * present files right after planning then needs no second stat per file.
 */
import { type MemoryCacheStats, TtlLruCache } from "./memory_cache.ts";

/** A file's size and modification time (epoch ms; null when the system has none). */
export interface FileFacts {
  /** Bytes. */
  size: number;
  /** Modification time in epoch milliseconds; null when the file system keeps none. */
  mtimeMs: number | null;
}

/** Settings of a FileExistsCache. */
export interface FileExistsCacheOptions {
  /** Most answers kept. */
  maxSize: number;
  /** How long an answer is trusted (files may change behind tunedl's back). */
  ttlMs: number;
  /**
   * Tells whether a path exists (the real one stats the file system): false, or true or the
   * file's facts.
   */
  probe: (path: string) => Promise<boolean | FileFacts>;
  /** Clock in epoch milliseconds; injectable so tests control expiry. */
  now?: () => number;
}

/** Cached answers to "does this file exist?". */
export class FileExistsCache {
  readonly #cache: TtlLruCache<boolean | FileFacts>;
  readonly #probe: (path: string) => Promise<boolean | FileFacts>;

  /** Throws a RangeError for a negative or fractional maxSize or a negative ttlMs. */
  constructor(options: FileExistsCacheOptions) {
    this.#cache = new TtlLruCache<boolean | FileFacts>({
      maxSize: options.maxSize,
      ttlMs: options.ttlMs,
      now: options.now,
    });
    this.#probe = options.probe;
  }

  /** Whether path exists (one probe per path per TTL, shared by concurrent callers). */
  async exists(path: string): Promise<boolean> {
    return await this.#answer(path) !== false;
  }

  /**
   * The size and time of an existing file as the probe found it (one probe per path per TTL,
   * like `exists`); undefined when it is missing or the probe told no more than that it exists.
   */
  async facts(path: string): Promise<FileFacts | undefined> {
    const answer = await this.#answer(path);
    return typeof answer === "object" ? answer : undefined;
  }

  #answer(path: string): Promise<boolean | FileFacts> {
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
