/**
 * A second place for a file already in the library: a copy (which the caller
 * may retag before it appears) or a hard link. Like every library write it
 * appears complete under its final name or not at all.
 */
import path from "node:path";

/** How {@link placeCopy} made the file. */
export type PlacedHow = "copied" | "linked";

/** Options of {@link placeCopy}. */
export interface PlaceCopyOptions {
  /** Try a hard link first (same file system, a file system that has them); else copy. */
  link?: boolean;
  /** Runs on the hidden copy before it takes its final name (e.g. writes its own tags); not on a link. */
  prepare?: (tempPath: string) => Promise<void>;
  /** Hard-link function; replaceable so tests can refuse links. */
  linkFile?: (from: string, to: string) => Promise<void>;
}

/** A hidden name beside `finalPath` that keeps its extension (tag writers go by it). */
function hiddenSibling(finalPath: string): string {
  const ext = path.extname(finalPath);
  const suffix = crypto.randomUUID().slice(0, 8);
  return path.join(path.dirname(finalPath), `.tunedl-copy-${suffix}${ext}`);
}

/** Puts a copy (or hard link) of `from` at `to`, replacing what is there; returns which it made. */
export async function placeCopy(
  from: string,
  to: string,
  options: PlaceCopyOptions = {},
): Promise<PlacedHow> {
  await Deno.mkdir(path.dirname(to), { recursive: true });
  const temp = hiddenSibling(to);
  try {
    if (options.link) {
      try {
        await (options.linkFile ?? Deno.link)(from, temp);
        await Deno.rename(temp, to);
        return "linked";
      } catch {
        // Another file system, FAT/exFAT, a share without links: a copy will do.
        await Deno.remove(temp).catch(() => {});
      }
    }
    await Deno.copyFile(from, temp);
    await options.prepare?.(temp);
    await Deno.rename(temp, to);
    return "copied";
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
