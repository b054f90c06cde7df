/**
 * Tag rewrites of older tunedl versions (and the cross-device fallback) write a hidden copy beside
 * the track, `.<name>.tunedl-<8 hex>.tmp`, then rename it over the track; a kill in between left
 * the copy there for good. These are removed at the start of a download, in the folders of the
 * plan's tracks only (tunedl does not walk the whole library), and only when old enough that no
 * other tunedl still running can own them.
 *
 * Listing a library's folders costs a warm run about 20 ms (220 album folders), for copies only
 * a re-tag can leave: a file in the library's state folder says a look found none left, and a
 * re-tag removes it before it starts. Without it (a first run, a re-tag since) the folders are
 * looked through again.
 */
import { basename, dirname, join } from "node:path";
import { forEachAtOnce, pathExistsSync } from "../util/mod.ts";

const TAG_TEMP = /^\.(.+)\.tunedl-[0-9a-f]{8}\.tmp$/;

/** The track file name a tag temp file belongs to, or undefined for any other name (pure). */
export function tagTempOwner(fileName: string): string | undefined {
  return TAG_TEMP.exec(fileName)?.[1];
}

/** What a look for tag temp files did: copies removed, and copies left for being too young. */
export interface TagTempsTidied {
  /** Temp copies removed. */
  removed: number;
  /** Temp copies left because a run still living could own them. */
  young: number;
  /** Folders listed (those of the plan that exist). */
  listed: number;
}

/** The file that says no tag temp file is left beside the library's tracks, in its state folder. */
export function tagTempsCheckedFile(stateDir: string): string {
  return join(stateDir, "tag-temps-checked");
}

/**
 * Removes stale tag temp files beside the given tracks, unless `checkedFile` says a look found
 * none left; a look through existing folders that leaves none behind says so for the next run.
 */
export async function tidyTagTemps(
  trackPaths: Iterable<string>,
  options: { olderThanMs: number; checkedFile: string; now?: number },
): Promise<TagTempsTidied> {
  if (pathExistsSync(options.checkedFile)) return { removed: 0, young: 0, listed: 0 };
  const tidied = await removeStaleTagTemps(trackPaths, options);
  // A library with none of the plan's folders yet (a first run) gets no file of tunedl's for it:
  // an interrupted first run leaves an empty library empty.
  if (tidied.young === 0 && tidied.listed > 0) {
    try {
      await Deno.mkdir(dirname(options.checkedFile), { recursive: true });
      await Deno.writeTextFile(options.checkedFile, "");
    } catch {
      // Not written: the next run looks again.
    }
  }
  return tidied;
}

/** Before a tag rewrite that may leave a temp file beside its track: the next run looks again. */
export async function expectTagTemps(checkedFile: string): Promise<void> {
  // A state folder that cannot be written fails the re-tag beside it as well.
  await Deno.remove(checkedFile).catch(() => {});
}

/** Removes stale tag temp files beside the given track paths; says how many, how many were too young, and how many folders it listed. */
export async function removeStaleTagTemps(
  trackPaths: Iterable<string>,
  options: { olderThanMs: number; now?: number },
): Promise<TagTempsTidied> {
  const now = options.now ?? Date.now();
  const namesByDir = new Map<string, Set<string>>();
  for (const path of trackPaths) {
    const dir = dirname(path);
    let names = namesByDir.get(dir);
    if (names === undefined) namesByDir.set(dir, names = new Set());
    names.add(basename(path));
  }
  let removed = 0;
  let young = 0;
  let listed = 0;
  // A local disk lists a folder in microseconds, far less than an asynchronous call costs: the
  // listing is synchronous until a few take long (a network share), then asynchronous.
  let slow = 0;
  const list = async (dir: string): Promise<Deno.DirEntry[]> => {
    if (slow >= SLOW_LISTINGS) return await Array.fromAsync(Deno.readDir(dir));
    const started = performance.now();
    try {
      return [...Deno.readDirSync(dir)];
    } finally {
      if (performance.now() - started > SLOW_LISTING_MS) slow++;
    }
  };
  const tidy = async (dir: string, names: Set<string>) => {
    try {
      const entries = await list(dir);
      listed++;
      for (const entry of entries) {
        const owner = entry.isFile ? tagTempOwner(entry.name) : undefined;
        if (owner === undefined || !names.has(owner)) continue;
        const path = join(dir, entry.name);
        try {
          const info = await Deno.lstat(path);
          if (now - (info.mtime?.getTime() ?? now) < options.olderThanMs) {
            young++;
            continue;
          }
          await Deno.remove(path);
          removed++;
        } catch { /* gone meanwhile */ }
      }
    } catch { /* no such folder yet */ }
  };
  // A library of hundreds of album folders is read on every run: several folders at a time.
  await forEachAtOnce([...namesByDir], FOLDERS_AT_ONCE, (folder) => tidy(...folder));
  return { removed, young, listed };
}

/** Folders read at once. */
const FOLDERS_AT_ONCE = 16;
/** A synchronous listing slower than this is slow; this many slow ones make the rest asynchronous. */
const SLOW_LISTING_MS = 2;
const SLOW_LISTINGS = 3;
