/**
 * All of one run's caches in one place: tiered caches for Spotify answers,
 * search results and matches, the file-existence cache,
 * plus the report printed at the end of a run and by `tunedl cache stats`.
 */
import { FileExistsCache, type FileFacts } from "./file_exists_cache.ts";
import { hitRateOf } from "./memory_cache.ts";
import type { PersistentCache } from "./persistent_cache.ts";
import { TieredCache } from "./tiered_cache.ts";

/** Size bound and time to live of one cache. */
export interface CacheLimits {
  /** Most entries kept in memory. */
  maxSize: number;
  /** How long an entry is served, in milliseconds. */
  ttlMs: number;
}

/** Inputs of `createCacheSet`. */
export interface CacheSetOptions {
  /** The open cache file, or null to keep everything in memory. */
  persistent: PersistentCache | null;
  /** Spotify catalog answers (tracks, albums, playlists, artists). */
  spotify: CacheLimits;
  /** Search results; empty answers ("not found") live for failureTtlMs only. */
  search: CacheLimits & { failureTtlMs: number };
  /** Chosen matches per track; defaults to the search settings. */
  match?: CacheLimits & { failureTtlMs?: number };
  /** LRCLIB answers; each value's time to live is chosen by its loader. Default: the search settings. */
  lyrics?: CacheLimits;
  /** File existence answers; probe tells whether a path exists (or its size and time). */
  files: CacheLimits & { probe: (path: string) => Promise<boolean | FileFacts> };
  /** Clock in epoch milliseconds. */
  now?: () => number;
  /** Told (once per cache) when the cache file fails during the run. */
  warn?: (message: string) => void;
}

/** One line of the cache report. */
export interface CacheReportRow {
  /** Which cache: "spotify", "search", "match", "lyrics" or "files". */
  name: string;
  /** Lookups answered without going to the source. */
  hits: number;
  /** Lookups that had to go to the source (Spotify, YouTube, the disk). */
  misses: number;
  /** hits / (hits + misses), from 0 to 1; 0 before the first lookup. */
  hitRate: number;
  /** Entries in memory now. */
  size: number;
  /** Live entries dropped to make room. */
  evictions: number;
  /** Entries found past their time to live (and dropped). */
  expirations: number;
  /** Hits answered by the cache file (absent without one). */
  persistentHits?: number;
}

/** The cache report as plain data. */
export interface CacheStatsReport {
  /** One row per cache: spotify, search, match, lyrics, then files. */
  caches: CacheReportRow[];
}

/** The caches of one run. */
export interface CacheSet {
  /** The open cache file; null when the run keeps everything in memory. */
  readonly persistent: PersistentCache | null;
  /** Spotify catalog answers (tracks, albums, playlists, artists). */
  readonly spotify: TieredCache<unknown>;
  /** Audio search results per query; "not found" answers expire sooner. */
  readonly search: TieredCache<unknown>;
  /** The chosen audio match per track. */
  readonly match: TieredCache<unknown>;
  /** LRCLIB answers per recording, "not found" included. */
  readonly lyrics: TieredCache<unknown>;
  /** Whether library paths exist, cached so planning does not stat the same file again. */
  readonly files: FileExistsCache;
  /** Counters of every cache, for the end-of-run log and `tunedl cache stats`. */
  statsReport(): CacheStatsReport;
  /** Saves statistics and closes the cache file (if any). */
  close(): Promise<void>;
}

/** Builds the caches of a run over an optional cache file. */
export function createCacheSet(options: CacheSetOptions): CacheSet {
  const { persistent, now, warn } = options;
  const tier = (
    namespace: "spotify" | "search" | "match" | "lyrics",
    limits: CacheLimits & { failureTtlMs?: number },
  ) =>
    new TieredCache<unknown>({
      namespace,
      persistent,
      maxSize: limits.maxSize,
      ttlMs: limits.ttlMs,
      failureTtlMs: limits.failureTtlMs,
      now,
      warn,
    });
  const spotify = tier("spotify", options.spotify);
  const search = tier("search", options.search);
  const match = tier("match", options.match ?? options.search);
  const lyrics = tier("lyrics", options.lyrics ?? options.search);
  const files = new FileExistsCache({
    maxSize: options.files.maxSize,
    ttlMs: options.files.ttlMs,
    probe: options.files.probe,
    now,
  });
  return {
    persistent,
    spotify,
    search,
    match,
    lyrics,
    files,
    statsReport: () => ({
      caches: [
        ...[spotify, search, match, lyrics].map((cache): CacheReportRow => {
          const stats = cache.stats();
          return {
            name: stats.name,
            hits: stats.hits,
            misses: stats.misses,
            hitRate: stats.hitRate,
            size: stats.memory.size,
            evictions: stats.memory.evictions,
            expirations: stats.memory.expirations,
            ...(stats.persistent === null ? {} : { persistentHits: stats.persistent.hits }),
          };
        }),
        fileRow(files),
      ],
    }),
    close: async () => {
      await persistent?.close();
    },
  };
}

function fileRow(files: FileExistsCache): CacheReportRow {
  const stats = files.stats();
  // A probe shared with a concurrent caller still spared a stat call.
  const hits = stats.hits + stats.coalesced;
  const misses = stats.misses - stats.coalesced;
  return {
    name: "files",
    hits,
    misses,
    hitRate: hitRateOf(hits, misses),
    size: stats.size,
    evictions: stats.evictions,
    expirations: stats.expirations,
  };
}
