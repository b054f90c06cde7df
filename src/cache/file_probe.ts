/**
 * The stat behind the file-exists cache. A plan of thousands of tracks checks thousands of
 * files; on a local disk a synchronous stat answers in microseconds, several times cheaper than
 * an asynchronous one (a trip through a thread pool). On a network share or a cold spinning disk
 * one stat can take milliseconds, and many in flight at once are what keeps it fast: from the
 * third slow answer on (one alone may be a busy moment of a local disk), every stat of the run
 * is asynchronous.
 */
import type { FileFacts } from "./file_exists_cache.ts";

/** Options of {@link fileProbe}. */
export interface FileProbeOptions {
  /** A synchronous stat slower than this is slow (default 2 ms). */
  slowMs?: number;
  /** Slow synchronous stats after which every later one is asynchronous (default 3). */
  slowLimit?: number;
  /** The synchronous stat (Deno.statSync; replaceable in tests). */
  statSync?: (path: string) => Deno.FileInfo;
  /** The asynchronous stat (Deno.stat; replaceable in tests). */
  stat?: (path: string) => Promise<Deno.FileInfo>;
  /** Clock in milliseconds. */
  now?: () => number;
}

/** A probe for FileExistsCache: false, or the size and time of the regular file at path. */
export function fileProbe(
  options: FileProbeOptions = {},
): (path: string) => Promise<false | FileFacts> {
  const slowMs = options.slowMs ?? 2;
  const statSync = options.statSync ?? Deno.statSync;
  const stat = options.stat ?? Deno.stat;
  const now = options.now ?? (() => performance.now());
  const slowLimit = options.slowLimit ?? 3;
  let slow = 0;
  const factsOf = (info: Deno.FileInfo): false | FileFacts =>
    info.isFile && { size: info.size, mtimeMs: info.mtime?.getTime() ?? null };
  return async (path) => {
    if (slow < slowLimit) {
      const started = now();
      try {
        return factsOf(statSync(path));
      } catch {
        return false;
      } finally {
        if (now() - started > slowMs) slow++;
      }
    }
    try {
      return factsOf(await stat(path));
    } catch {
      return false;
    }
  };
}
