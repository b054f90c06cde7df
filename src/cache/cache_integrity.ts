/**
 * Checks a cache file before Deno KV opens it. Deno KV throws on a file that is
 * not SQLite at all, but a file damaged past its first pages opens fine and then
 * makes Deno panic in a background thread (expired-key collection hits the bad
 * pages), which no try/catch can stop. SQLite's own `PRAGMA quick_check` finds
 * such damage without touching the bad pages in a way that panics.
 *
 * The check reads the whole file (22 to 25 ms for the 14 MB of a 4,000-track library, 90 ms for
 * a 143 MB file of large values), so a clean close leaves a stamp beside the file (size, times,
 * inode): a file still exactly as tunedl closed it, with no SQLite side file, was whole then and
 * is not checked again. A write to it (its modification time, to the millisecond; one that puts
 * that time back shows in the change time, which Deno gives to the second), a copy over it, or
 * a crash while it was open (the stamp is taken away before the file is opened) means a check.
 */
import { DatabaseSync } from "node:sqlite";

/** Outcome of checking a cache file; `unchanged` when a clean close's stamp made the check needless. */
export type CacheFileCheck =
  | { ok: true; exists: boolean; unchanged?: true }
  | { ok: false; problem: "not_database" | "damaged" | "locked" | "unreadable"; detail: string };

/** Options of `checkCacheFile`. */
export interface CheckCacheFileOptions {
  /** How long to wait for another program's lock before calling the file locked. */
  busyTimeoutMs?: number;
  /** The stamp of the file's last clean close ({@link takeCleanClose}), if there was one. */
  cleanClose?: CleanCloseStamp;
}

/** The file as a clean close left it; all a later stat must match for the file to be unchanged. */
export interface CleanCloseStamp {
  /** Bytes. */
  size: number;
  /** Modification time (ms); null where the OS gives none. */
  mtime_ms: number | null;
  /** Change time (Deno gives it to the second); null where the OS gives none. */
  ctime_ms: number | null;
  /** Inode; null where the OS gives none (Windows). */
  ino: number | null;
  /** Device of the file system. */
  dev: number;
}

/** The stamp file beside a cache file. */
export function cleanCloseFile(path: string): string {
  return `${path}.clean`;
}

/** The stamp of a file's state now (pure). */
export function cleanCloseStamp(info: Deno.FileInfo): CleanCloseStamp {
  return {
    size: info.size,
    mtime_ms: info.mtime?.getTime() ?? null,
    ctime_ms: info.ctime?.getTime() ?? null,
    ino: info.ino,
    dev: info.dev,
  };
}

/** Whether a file's state is the one stamped; without a modification time it never is (pure). */
export function sameAsStamped(stamp: CleanCloseStamp, info: Deno.FileInfo): boolean {
  const now = cleanCloseStamp(info);
  return now.mtime_ms !== null && now.size === stamp.size && now.mtime_ms === stamp.mtime_ms &&
    now.ctime_ms === stamp.ctime_ms && now.ino === stamp.ino && now.dev === stamp.dev;
}

/**
 * Stamps a cache file just closed cleanly; a stamp that cannot be written only costs a check.
 * File times come from a coarse clock (a few ms a tick): a stamp written in the tick of the
 * file's last change could not tell a later write in that tick, so the stamp is written again
 * until its own time is past the file's (git's "racily clean" entries, the same way round).
 */
export async function recordCleanClose(path: string): Promise<void> {
  const file = cleanCloseFile(path);
  try {
    const stamp = cleanCloseStamp(await Deno.stat(path));
    const text = `${JSON.stringify(stamp)}\n`;
    for (let attempt = 0; attempt < STAMP_ATTEMPTS; attempt++) {
      await Deno.writeTextFile(file, text);
      if (stampedLater(stamp, await Deno.stat(file))) return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Deno.remove(file);
  } catch {
    // No stamp: the next open checks the file, as it would have anyway.
    await Deno.remove(file).catch(() => {});
  }
}

/** Tries of writing a stamp past the file's tick; a clock tick is 1 to 16 ms. */
const STAMP_ATTEMPTS = 50;

/** Whether the stamp file was written in a later clock tick than the file's last change (pure). */
function stampedLater(stamp: CleanCloseStamp, stampFile: Deno.FileInfo): boolean {
  const changed = Math.max(stamp.mtime_ms ?? Infinity, stamp.ctime_ms ?? -Infinity);
  const written = stampFile.mtime?.getTime();
  return written !== undefined && written > changed;
}

/**
 * Reads and removes a cache file's clean-close stamp: removed before the file is opened, so a
 * run that dies with the file open leaves none. Undefined when there is none (or it is garbled).
 */
export async function takeCleanClose(path: string): Promise<CleanCloseStamp | undefined> {
  const file = cleanCloseFile(path);
  let text: string;
  let written: Deno.FileInfo;
  try {
    [text, written] = await Promise.all([Deno.readTextFile(file), Deno.stat(file)]);
  } catch {
    return undefined;
  }
  try {
    await Deno.remove(file);
  } catch {
    // A stamp that stays could vouch for a file changed later: trust none.
    return undefined;
  }
  let stamp: CleanCloseStamp;
  try {
    const value = JSON.parse(text) as Partial<CleanCloseStamp>;
    if (typeof value.size !== "number" || typeof value.dev !== "number") return undefined;
    stamp = {
      size: value.size,
      mtime_ms: typeof value.mtime_ms === "number" ? value.mtime_ms : null,
      ctime_ms: typeof value.ctime_ms === "number" ? value.ctime_ms : null,
      ino: typeof value.ino === "number" ? value.ino : null,
      dev: value.dev,
    };
  } catch {
    return undefined;
  }
  return stampedLater(stamp, written) ? stamp : undefined;
}

/** Whether SQLite left a side file (a write-ahead log or rollback journal) that the stamp does not cover. */
async function hasSideFile(path: string): Promise<boolean> {
  for (const side of [`${path}-wal`, `${path}-journal`]) {
    try {
      await Deno.lstat(side);
      return true;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) return true;
    }
  }
  return false;
}

/** SQLite result code for SQLITE_BUSY / SQLITE_LOCKED and SQLITE_NOTADB / SQLITE_CORRUPT. */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

/** Runs SQLite's quick_check on path (read-only); a missing or empty file is fine. */
export async function checkCacheFile(
  path: string,
  options: CheckCacheFileOptions = {},
): Promise<CacheFileCheck> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { ok: true, exists: false };
    // NotADirectory and friends: Deno KV will fail to create it; let the opener say so.
    if (error instanceof Deno.errors.NotADirectory) return { ok: true, exists: false };
    return { ok: false, problem: "unreadable", detail: messageOf(error) };
  }
  if (!info.isFile) return { ok: false, problem: "unreadable", detail: "not a regular file" };
  if (info.size === 0) return { ok: true, exists: true };
  if (
    options.cleanClose !== undefined && sameAsStamped(options.cleanClose, info) &&
    !await hasSideFile(path)
  ) {
    return { ok: true, exists: true, unchanged: true };
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    // node:sqlite's own `timeout` option is ignored by Deno; the pragma is not.
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 2000))}`);
    const rows = db.prepare("PRAGMA quick_check(5)").all() as Array<Record<string, unknown>>;
    const lines = rows.map((row) => String(Object.values(row)[0]));
    if (lines.length === 1 && lines[0] === "ok") return { ok: true, exists: true };
    return { ok: false, problem: "damaged", detail: firstLine(lines.join(" ")) };
  } catch (error) {
    return { ok: false, ...classify(error) };
  } finally {
    try {
      db?.close();
    } catch {
      // Closing a connection whose open failed has nothing to release.
    }
  }
}

function classify(
  error: unknown,
): { problem: "not_database" | "damaged" | "locked" | "unreadable"; detail: string } {
  const detail = messageOf(error);
  const code = (error as { errcode?: unknown }).errcode;
  const primary = typeof code === "number" ? code & 0xff : undefined;
  if (primary === SQLITE_NOTADB || /not a database/i.test(detail)) {
    return { problem: "not_database", detail };
  }
  if (primary === SQLITE_CORRUPT || /malformed/i.test(detail)) {
    return { problem: "damaged", detail };
  }
  if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED || /locked/i.test(detail)) {
    return { problem: "locked", detail };
  }
  return { problem: "unreadable", detail };
}

function messageOf(error: unknown): string {
  return firstLine(error instanceof Error ? error.message : String(error));
}

function firstLine(text: string): string {
  const line = text.replace(/\*\*\* in database main \*\*\*/g, "").trim().split("\n")[0]?.trim();
  return line === undefined || line === "" ? "unknown problem" : line;
}
