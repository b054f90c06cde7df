/**
 * Which files of the library tunedl wrote, for which Spotify track and which
 * sources of the config. Kept with the library (`<library>/.tunedl/owned.json`,
 * written atomically), not in the cache: it survives `tunedl cache clear`
 * and a lost cache folder, and moves with the library. Only files named here
 * may ever be removed by tunedl.
 */
import path from "node:path";
import { StorageError } from "../errors/mod.ts";
import { JsonMemo, writeTextPieces } from "../util/mod.ts";
import { forwardSlashes, partBelow, prefixBelow } from "./path_below.ts";

/** One file tunedl wrote. */
export interface OwnedFile {
  /** "lyrics": a track's `.lrc` file. */
  kind: "track" | "m3u" | "lyrics";
  /** The Spotify track (or playlist, for an M3U) the file is for. */
  spotify_id?: string;
  /** The recording's ISRC, so another track of the same recording can find this file. */
  isrc?: string;
  /** Config sources (plan item ids of top-level sources: "playlist:<id>", "album:<id>", ...) that listed it. */
  sources: string[];
  /** Other tracks pointed at this file instead of having their own (`duplicates: skip`). */
  shared_by?: string[];
  /** ISO 8601 time tunedl placed the file. */
  written_at: string;
}

/** The record file's content. */
interface OwnershipFile {
  version: 1;
  /** Paths relative to the library root, with forward slashes. */
  files: Record<string, OwnedFile>;
}

/** The hidden folder at the library root that holds tunedl's own records. */
export function libraryStateDir(libraryRoot: string): string {
  return path.join(libraryRoot, ".tunedl");
}

// An entry's text as JSON.stringify(record, null, 1) writes it at its depth (two more spaces).
const entryText = new JsonMemo<OwnedFile>((entry) =>
  JSON.stringify(entry, null, 1).replaceAll("\n", "\n  ")
);

/** Options of {@link OwnershipRecord.open}. */
export interface OwnershipOpenOptions {
  /** Told when a damaged record was set aside. */
  warn?: (message: string) => void;
  /**
   * Least time between two saves while a run goes on (default 1 s; 20 times what making the
   * last save's text took, when that is more); flush() saves at once.
   */
  saveIntervalMs?: number;
  /** Only reading (`plan`): changes are never saved, a damaged record is reported and left where it is. */
  readOnly?: boolean;
}

/** The ownership record of one library, loaded; changes are saved in the background and on flush(). */
export class OwnershipRecord {
  /** Absolute library folder; the record's paths are relative to it. */
  readonly root: string;
  /** The record file, `<root>/.tunedl/owned.json`. */
  readonly file: string;
  readonly #files: Map<string, OwnedFile>;
  /** The root with a trailing separator, for paths below it. */
  readonly #prefix: string | undefined;
  /** ISRC -> keys of track files with it, so a lookup per track stays cheap in a big library. */
  readonly #byIsrc = new Map<string, Set<string>>();
  readonly #saveIntervalMs: number;
  readonly #readOnly: boolean;
  #dirty = false;
  #saving: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #saveError: unknown;
  /** How long the last save took to make its text, in milliseconds. */
  #lastTextMs = 0;

  private constructor(
    root: string,
    files: Map<string, OwnedFile>,
    saveIntervalMs: number,
    readOnly: boolean,
  ) {
    this.root = root;
    this.#prefix = prefixBelow(root);
    this.file = path.join(libraryStateDir(root), "owned.json");
    this.#files = files;
    this.#saveIntervalMs = saveIntervalMs;
    this.#readOnly = readOnly;
    for (const [key, entry] of files) this.#indexIsrc(key, entry);
  }

  /** Reads the record of the library at `root` (empty when there is none yet). */
  static async open(root: string, options: OwnershipOpenOptions = {}): Promise<OwnershipRecord> {
    const file = path.join(libraryStateDir(root), "owned.json");
    const files = new Map<string, OwnedFile>();
    let text: string | undefined;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        throw new StorageError(`Cannot read ${file}: ${(error as Error).message}`, {
          cause: error,
          hint: "Check the permissions of the library's .tunedl folder.",
        });
      }
    }
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as Partial<OwnershipFile>;
        if (parsed?.version !== 1 || typeof parsed.files !== "object" || parsed.files === null) {
          throw new TypeError("not a tunedl ownership record (version 1)");
        }
        for (const [relative, entry] of Object.entries(parsed.files)) {
          if (isOwnedFile(entry)) files.set(relative, entry);
        }
      } catch (error) {
        // Set aside, not deleted: tunedl then owns nothing it cannot prove, so prunes nothing.
        const reason = `the ownership record ${file} is unreadable (${(error as Error).message})`;
        if (options.readOnly) {
          options.warn?.(`${reason}; nothing it lists can be pruned`);
        } else {
          const aside = `${file}.damaged-${Date.now()}`;
          await Deno.rename(file, aside).catch(() => {});
          options.warn?.(
            `${reason}; kept as ${path.basename(aside)}, starting a new one (files written ` +
              "before are not pruned)",
          );
        }
      }
    }
    if (!options.readOnly) await removeStaleTemps(libraryStateDir(root));
    return new OwnershipRecord(root, files, options.saveIntervalMs ?? 1000, !!options.readOnly);
  }

  /** The key of an absolute path inside the library, or undefined for a path outside it. */
  keyOf(filePath: string): string | undefined {
    // The plan's paths are normalized and inside the root: no need to resolve both (thousands
    // of lookups per run). Anything else goes the long way.
    const rest = partBelow(this.#prefix, filePath);
    if (rest !== undefined) return forwardSlashes(rest);
    const relative = path.relative(this.root, filePath);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
    return forwardSlashes(relative);
  }

  /** The absolute path of a key. */
  pathOf(key: string): string {
    return path.join(this.root, ...key.split("/"));
  }

  /** The entry of a file, if tunedl wrote it. */
  get(filePath: string): OwnedFile | undefined {
    const key = this.keyOf(filePath);
    return key === undefined ? undefined : this.#files.get(key);
  }

  /** Every owned file as [absolute path, entry]. */
  entries(): [string, OwnedFile][] {
    return [...this.#files].map(([key, entry]) => [this.pathOf(key), entry]);
  }

  /** Files the record owns. */
  get size(): number {
    return this.#files.size;
  }

  /** The first owned track file of a recording (by ISRC), if any. */
  findRecording(isrc: string): string | undefined {
    return this.recordingFiles(isrc)[0];
  }

  /** Every owned track file of a recording (by ISRC), in a stable order. */
  recordingFiles(isrc: string): string[] {
    const keys = this.#byIsrc.get(isrc.trim().toUpperCase());
    return keys === undefined ? [] : [...keys].sort().map((key) => this.pathOf(key));
  }

  /** Records a file tunedl just wrote (replacing what was known about that path). */
  record(filePath: string, entry: Omit<OwnedFile, "written_at"> & { written_at?: string }): void {
    const key = this.keyOf(filePath);
    if (key === undefined) return;
    const clean: OwnedFile = {
      kind: entry.kind,
      sources: [...new Set(entry.sources)].sort(),
      written_at: entry.written_at ?? new Date().toISOString(),
    };
    if (entry.spotify_id) clean.spotify_id = entry.spotify_id;
    if (entry.isrc) clean.isrc = entry.isrc;
    if (entry.shared_by?.length) clean.shared_by = [...new Set(entry.shared_by)].sort();
    this.#unindexIsrc(key);
    this.#files.set(key, clean);
    this.#indexIsrc(key, clean);
    this.#changed();
  }

  /** Notes another track that points at an owned file (`duplicates: skip`). */
  share(filePath: string, trackId: string, sources: readonly string[]): void {
    const entry = this.get(filePath);
    if (!entry) return;
    const shared = new Set(entry.shared_by ?? []);
    const allSources = new Set([...entry.sources, ...sources]);
    if (shared.has(trackId) && allSources.size === entry.sources.length) return;
    shared.add(trackId);
    entry.shared_by = [...shared].sort();
    entry.sources = [...allSources].sort();
    this.#changed();
  }

  /** Adds sources that list an owned file now (a file keeps every source that ever listed it). */
  addSources(filePath: string, sources: readonly string[]): void {
    const entry = this.get(filePath);
    if (!entry) return;
    // A re-run lists each file under the sources it already has: nothing to copy or sort.
    if (sources.every((source) => entry.sources.includes(source))) return;
    const all = new Set([...entry.sources, ...sources]);
    if (all.size === entry.sources.length) return;
    entry.sources = [...all].sort();
    this.#changed();
  }

  /** Forgets a file (after removing it). */
  forget(filePath: string): void {
    const key = this.keyOf(filePath);
    if (key === undefined) return;
    this.#unindexIsrc(key);
    if (this.#files.delete(key)) this.#changed();
  }

  #indexIsrc(key: string, entry: OwnedFile): void {
    const isrc = entry.kind === "track" ? entry.isrc?.trim().toUpperCase() : undefined;
    if (!isrc) return;
    let keys = this.#byIsrc.get(isrc);
    if (keys === undefined) this.#byIsrc.set(isrc, keys = new Set());
    keys.add(key);
  }

  #unindexIsrc(key: string): void {
    const isrc = this.#files.get(key)?.isrc?.trim().toUpperCase();
    const keys = isrc ? this.#byIsrc.get(isrc) : undefined;
    keys?.delete(key);
    if (keys?.size === 0) this.#byIsrc.delete(isrc!);
  }

  /** Saves now if anything changed, and waits for it; throws a StorageError when saving failed. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#saving;
    if (this.#dirty) await this.#save();
    await this.#saving;
    const error = this.#saveError;
    this.#saveError = undefined;
    if (error !== undefined) {
      throw new StorageError(`Cannot write ${this.file}: ${(error as Error).message}`, {
        cause: error,
        hint: "Check that the library folder is writable and has free space.",
      });
    }
  }

  #changed(): void {
    // Read only (`plan`): changes stay in memory, for what a prune would do.
    if (this.#readOnly) return;
    this.#dirty = true;
    // A record of many thousand files takes a while to write out: saving stays a small share.
    const delay = this.#saveIntervalMs > 0
      ? Math.max(this.#saveIntervalMs, 20 * this.#lastTextMs)
      : 0;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.#save();
    }, delay);
  }

  /**
   * Saves at once, synchronously, for a hard exit (a second Ctrl-C): whatever the background save
   * was doing is dropped with its temp file, and the record on disk is whole and current.
   */
  flushSync(): void {
    if (this.#readOnly) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const temp = `${this.#tempPath}.exit`;
    try {
      Deno.mkdirSync(path.dirname(this.file), { recursive: true });
      Deno.writeTextFileSync(temp, this.#text());
      Deno.renameSync(temp, this.file);
    } catch {
      // Exiting anyway: the record keeps its last complete version.
      try {
        Deno.removeSync(temp);
      } catch { /* never written */ }
    }
    try {
      Deno.removeSync(this.#tempPath);
    } catch { /* no save was running */ }
  }

  /** Where this process writes the record before the rename (one save at a time). */
  get #tempPath(): string {
    return path.join(path.dirname(this.file), `.owned.json.${Deno.pid}.tmp`);
  }

  #text(): string {
    return this.#pieces().join("");
  }

  /**
   * The record's text (`JSON.stringify(data, null, 1)` and a newline) in pieces: each entry's
   * text is remembered until the entry changes, so a save every second during a run of
   * thousands of tracks makes text only for the files written since the last one.
   */
  #pieces(): string[] {
    // The default sort: by UTF-16 code units, as `a < b` compares.
    const keys = [...this.#files.keys()].sort();
    if (keys.length === 0) return ['{\n "version": 1,\n "files": {}\n}\n'];
    const pieces = ['{\n "version": 1,\n "files": {\n'];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      pieces.push(i === 0 ? "  " : ",\n  ", JSON.stringify(key), ": ");
      pieces.push(entryText.text(this.#files.get(key)!));
    }
    pieces.push("\n }\n}\n");
    return pieces;
  }

  #save(): Promise<void> {
    if (this.#saving) return this.#saving;
    this.#dirty = false;
    const started = performance.now();
    const pieces = this.#pieces();
    this.#lastTextMs = performance.now() - started;
    this.#saving = writeThenRename(this.#tempPath, this.file, pieces)
      .catch((error) => {
        this.#saveError = error;
        this.#dirty = true;
      })
      .finally(() => {
        this.#saving = null;
      });
    return this.#saving;
  }
}

/** Writes `pieces` to `temp`, flushes it to disk and renames it over `file` (atomic replace). */
async function writeThenRename(temp: string, file: string, pieces: string[]): Promise<void> {
  await Deno.mkdir(path.dirname(file), { recursive: true });
  try {
    const handle = await Deno.open(temp, { write: true, create: true, truncate: true });
    try {
      await writeTextPieces(handle, pieces);
      await handle.syncData();
    } finally {
      handle.close();
    }
    await Deno.rename(temp, file);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** Removes temp files of saves that a killed run left behind (older than a save can take). */
async function removeStaleTemps(dir: string): Promise<void> {
  const cutoff = Date.now() - 10 * 60 * 1000;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !/^\.owned\.json\..*\.tmp(\.exit)?$/.test(entry.name)) continue;
      const file = path.join(dir, entry.name);
      const info = await Deno.stat(file).catch(() => undefined);
      if (info?.mtime && info.mtime.getTime() < cutoff) await Deno.remove(file).catch(() => {});
    }
  } catch {
    // No folder yet, or not readable: nothing to tidy.
  }
}

function isOwnedFile(value: unknown): value is OwnedFile {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return ["track", "m3u", "lyrics"].includes(entry.kind as string) &&
    Array.isArray(entry.sources) &&
    entry.sources.every((s) => typeof s === "string");
}
