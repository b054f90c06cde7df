/**
 * Checks a cache file before Deno KV opens it. Deno KV throws on a file that is
 * not SQLite at all, but a file damaged past its first pages opens fine and then
 * makes Deno panic in a background thread (expired-key collection hits the bad
 * pages), which no try/catch can stop. SQLite's own `PRAGMA quick_check` finds
 * such damage without touching the bad pages in a way that panics.
 */
import { DatabaseSync } from "node:sqlite";

/** Outcome of checking a cache file. */
export type CacheFileCheck =
  | { ok: true; exists: boolean }
  | { ok: false; problem: "not_database" | "damaged" | "locked" | "unreadable"; detail: string };

/** Options of `checkCacheFile`. */
export interface CheckCacheFileOptions {
  /** How long to wait for another program's lock before calling the file locked. */
  busyTimeoutMs?: number;
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
