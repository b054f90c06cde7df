/**
 * Remembers where each downloaded track lives, in the persistent cache's
 * "library" namespace, so a re-run can skip it after one cheap stat.
 */
import type { PersistentCache } from "../cache/mod.ts";

/** Where a track's file is and what it looked like when tunedl wrote it. */
export interface LibraryEntry {
  /** Absolute path of the track's file in the library. */
  path: string;
  /** File size in bytes when tunedl wrote it. */
  size: number;
  /** File modification time (epoch milliseconds) when tunedl wrote it. */
  mtimeMs: number;
  /** Seconds of audio tunedl read back from the file when it wrote or last checked it. */
  durationSec?: number;
}

/** A track's file found whole (its length checked), and its size and time when it was. */
export interface CheckedFile {
  /** Absolute path of the file. */
  path: string;
  /** Size in bytes when it was found whole. */
  size: number;
  /** Modification time (epoch milliseconds) when it was found whole. */
  mtimeMs: number;
}

/** Size and modification time of a file, or undefined when it does not exist. */
export type StatFile = (
  path: string,
) => Promise<{ size: number; mtimeMs: number | null } | undefined>;

/** Options of `LibraryIndex.lookup`. */
export interface LibraryLookupOptions {
  /** Reads the file's current size and mtime; may also throw when the file is missing. */
  stat: StatFile;
}

/** Entries written together, waiting for the commit in progress. */
interface PendingBatch {
  entries: Map<string, LibraryEntry>;
  written: Promise<void>;
}

/**
 * Track id -> file index kept in the persistent cache. Entries are written in
 * groups: those recorded while a commit is under way (a download writes two per
 * track, eight tracks finish at a time) go together in the next one, so the index
 * costs a commit per group instead of two per track.
 */
export class LibraryIndex {
  readonly #cache: PersistentCache;
  /** Entries recorded and not yet committed (read back by entry() and lookup()). */
  #pending: PendingBatch | undefined;
  /** The commit under way, if any. */
  #committing: Promise<void> = Promise.resolve();

  /** Keeps the index in `cache`'s "library" namespace. */
  constructor(cache: PersistentCache) {
    this.#cache = cache;
  }

  /** Remembers the file of a track (call after writing or moving it); resolves once stored. */
  record(trackId: string, entry: LibraryEntry): Promise<void> {
    const { path, size, mtimeMs, durationSec } = entry;
    const kept: LibraryEntry = { path, size, mtimeMs };
    if (durationSec !== undefined && Number.isFinite(durationSec)) kept.durationSec = durationSec;
    const batch = this.#pending ?? this.#startBatch();
    batch.entries.set(trackId, kept);
    return batch.written;
  }

  /** A batch that is committed once the commit under way (if any) is done. */
  #startBatch(): PendingBatch {
    const entries = new Map<string, LibraryEntry>();
    const batch: PendingBatch = {
      entries,
      written: this.#committing.catch(() => {}).then(() => {
        // From here on, new records go to the next batch.
        if (this.#pending === batch) this.#pending = undefined;
        return this.#cache.setMany("library", [...entries]);
      }),
    };
    this.#pending = batch;
    this.#committing = batch.written;
    return batch;
  }

  /** The entry of a track not yet committed, if there is one. */
  #uncommitted(trackId: string): LibraryEntry | undefined {
    return this.#pending?.entries.get(trackId);
  }

  /** The recorded entry of a track as it was stored, without looking at the file. */
  async entry(trackId: string): Promise<LibraryEntry | undefined> {
    const entry = this.#uncommitted(trackId) ??
      await this.#cache.get<LibraryEntry>("library", trackId);
    return isLibraryEntry(entry) ? entry : undefined;
  }

  /** The recorded entries of several tracks (in their order), read ten to a KV read. */
  async entries(trackIds: readonly string[]): Promise<Array<LibraryEntry | undefined>> {
    const stored = trackIds.filter((trackId) => this.#uncommitted(trackId) === undefined);
    const found = stored.length === 0
      ? []
      : await this.#cache.getEntries<LibraryEntry>("library", stored);
    const byId = new Map(stored.map((trackId, i) => [trackId, found[i]?.value]));
    return trackIds.map((trackId) => {
      const entry = this.#uncommitted(trackId) ?? byId.get(trackId);
      return isLibraryEntry(entry) ? entry : undefined;
    });
  }

  /**
   * The recorded file of a track if it is still there unchanged (same size and
   * mtime per one stat call); otherwise forgets the entry and returns undefined.
   */
  async lookup(trackId: string, options: LibraryLookupOptions): Promise<LibraryEntry | undefined> {
    const entry = this.#uncommitted(trackId) ??
      await this.#cache.get<LibraryEntry>("library", trackId);
    if (!isLibraryEntry(entry)) {
      if (entry !== undefined) await this.forget(trackId);
      return undefined;
    }
    let current: Awaited<ReturnType<StatFile>>;
    try {
      current = await options.stat(entry.path);
    } catch {
      current = undefined;
    }
    if (
      current === undefined || current.size !== entry.size ||
      !sameMtime(current.mtimeMs, entry.mtimeMs)
    ) {
      await this.forget(trackId);
      return undefined;
    }
    return entry;
  }

  /**
   * The files of one library found whole by the last check, by track id: a copy of their
   * entries in one value, so a run over thousands of unchanged files does not read thousands of
   * entries (empty when there is none, or it is damaged).
   */
  async checkedFiles(libraryRoot: string): Promise<Map<string, CheckedFile>> {
    const stored = await this.#cache.get<StoredCheckedFiles>("library", checkedKey(libraryRoot));
    const files = new Map<string, CheckedFile>();
    if (typeof stored !== "object" || stored === null || !Array.isArray(stored.files)) return files;
    for (const row of stored.files) {
      if (!Array.isArray(row)) continue;
      const [trackId, path, size, mtimeMs] = row;
      if (
        typeof trackId === "string" && typeof path === "string" && typeof size === "number" &&
        typeof mtimeMs === "number"
      ) files.set(trackId, { path, size, mtimeMs });
    }
    return files;
  }

  /** Replaces the copy of the files of one library found whole (see `checkedFiles`). */
  async saveCheckedFiles(
    libraryRoot: string,
    files: ReadonlyMap<string, CheckedFile>,
  ): Promise<void> {
    const rows: StoredCheckedFiles["files"] = [];
    for (const [trackId, file] of files) rows.push([trackId, file.path, file.size, file.mtimeMs]);
    await this.#cache.set("library", checkedKey(libraryRoot), { files: rows });
  }

  /** Drops the entry of a track. */
  async forget(trackId: string): Promise<void> {
    this.#pending?.entries.delete(trackId);
    await this.#committing.catch(() => {});
    await this.#cache.delete("library", trackId);
  }
}

/** Whether two modification times are the same as far as every file API agrees (pure). */
export function sameMtime(current: number | null, recorded: number): boolean {
  // Some file systems keep sub-millisecond times that round differently between
  // APIs; whole milliseconds are what both sides agree on.
  return current !== null && Math.trunc(current) === Math.trunc(recorded);
}

function isLibraryEntry(value: unknown): value is LibraryEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.path === "string" && typeof entry.size === "number" &&
    typeof entry.mtimeMs === "number" &&
    (entry.durationSec === undefined || typeof entry.durationSec === "number");
}

/** The copy of the checked files as stored: rows of [track id, path, size, mtime]. */
interface StoredCheckedFiles {
  files: [string, string, number, number][];
}

/** Where the copy of a library's checked files is kept (never a track id: those have no ":"). */
function checkedKey(libraryRoot: string): string {
  return `checked-files:${libraryRoot}`;
}
