/**
 * Tag rewrites of older tunedl versions (and the cross-device fallback) write a hidden copy beside
 * the track, `.<name>.tunedl-<8 hex>.tmp`, then rename it over the track; a kill in between left
 * the copy there for good. These are removed at the start of a download, in the folders of the
 * plan's tracks only (tunedl does not walk the whole library), and only when old enough that no
 * other tunedl still running can own them.
 */
import { basename, dirname, join } from "node:path";
import { forEachAtOnce } from "../util/mod.ts";

const TAG_TEMP = /^\.(.+)\.tunedl-[0-9a-f]{8}\.tmp$/;

/** The track file name a tag temp file belongs to, or undefined for any other name (pure). */
export function tagTempOwner(fileName: string): string | undefined {
  return TAG_TEMP.exec(fileName)?.[1];
}

/** Removes stale tag temp files beside the given track paths; returns how many. */
export async function removeStaleTagTemps(
  trackPaths: Iterable<string>,
  options: { olderThanMs: number; now?: number },
): Promise<number> {
  const now = options.now ?? Date.now();
  const namesByDir = new Map<string, Set<string>>();
  for (const path of trackPaths) {
    const dir = dirname(path);
    let names = namesByDir.get(dir);
    if (names === undefined) namesByDir.set(dir, names = new Set());
    names.add(basename(path));
  }
  let removed = 0;
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
      for (const entry of await list(dir)) {
        const owner = entry.isFile ? tagTempOwner(entry.name) : undefined;
        if (owner === undefined || !names.has(owner)) continue;
        const path = join(dir, entry.name);
        try {
          const info = await Deno.lstat(path);
          if (now - (info.mtime?.getTime() ?? now) < options.olderThanMs) continue;
          await Deno.remove(path);
          removed++;
        } catch { /* gone meanwhile */ }
      }
    } catch { /* no such folder yet */ }
  };
  // A library of hundreds of album folders is read on every run: several folders at a time.
  await forEachAtOnce([...namesByDir], FOLDERS_AT_ONCE, (folder) => tidy(...folder));
  return removed;
}

/** Folders read at once. */
const FOLDERS_AT_ONCE = 16;
/** A synchronous listing slower than this is slow; this many slow ones make the rest asynchronous. */
const SLOW_LISTING_MS = 2;
const SLOW_LISTINGS = 3;
