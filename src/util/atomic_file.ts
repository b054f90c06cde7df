/**
 * Files appear complete or not at all: a crash or Ctrl-C never leaves a
 * half-written song or playlist under its final name.
 */
import path from "node:path";
import { isCrossDeviceError } from "../errors/mod.ts";

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Permission bits of a new file (default 0o644, less the umask). */
  mode?: number;
  /** Flush the data to disk before renaming (default true). */
  sync?: boolean;
}

/** Options of {@link moveIntoPlace}. */
export interface MoveIntoPlaceOptions {
  /** Rename function; replaceable so tests can simulate a move across file systems. */
  rename?: (from: string, to: string) => Promise<void>;
}

/** A unique hidden name next to `finalPath`, for a file that is still being written. */
export function tempPathFor(finalPath: string): string {
  const folder = path.dirname(finalPath);
  const suffix = crypto.randomUUID().slice(0, 8);
  // Short prefix of the name so long file names stay under the 255-byte limit.
  const base = Array.from(path.basename(finalPath)).slice(0, 40).join("");
  return path.join(folder, `.${base}.${suffix}.tmp`);
}

/** Writes a file through a temporary file in the same folder and a rename; creates missing folders. */
export async function writeFileAtomic(
  filePath: string,
  data: string | Uint8Array | Iterable<string>,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  await Deno.mkdir(path.dirname(filePath), { recursive: true });
  const tempPath = tempPathFor(filePath);
  try {
    const file = await Deno.open(tempPath, {
      write: true,
      createNew: true,
      mode: options.mode ?? 0o644,
    });
    try {
      if (typeof data === "string" || data instanceof Uint8Array) {
        await writeAll(file, typeof data === "string" ? new TextEncoder().encode(data) : data);
      } else {
        await writeTextPieces(file, data);
      }
      if (options.sync ?? true) await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(tempPath, filePath);
  } catch (error) {
    await removeQuietly(tempPath);
    throw error;
  }
}

/** Bytes of one write of text given in pieces. */
const PIECE_BUFFER_BYTES = 64 * 1024;

/**
 * Writes text given in pieces to an open file. The pieces (a large JSON document, saved every
 * few seconds during a run) are encoded into one reused buffer, written as it fills: no piece
 * becomes bytes of its own, so a save leaves no megabytes of buffers for the garbage collector
 * (a plan checkpoint's buffers were a tenth of a download's allocations, measured).
 */
export async function writeTextPieces(
  file: Deno.FsFile,
  pieces: Iterable<string>,
): Promise<void> {
  const encoder = new TextEncoder();
  const buffer = new Uint8Array(PIECE_BUFFER_BYTES);
  let used = 0;
  for (const piece of pieces) {
    let rest = piece;
    while (rest.length > 0) {
      // A character takes at most 3 bytes in UTF-8 (a surrogate pair 4 for 2 characters).
      if (PIECE_BUFFER_BYTES - used < 4) {
        await writeAll(file, buffer.subarray(0, used));
        used = 0;
      }
      const { read, written } = encoder.encodeInto(rest, buffer.subarray(used));
      used += written;
      rest = read === rest.length ? "" : rest.slice(read);
    }
  }
  if (used > 0) await writeAll(file, buffer.subarray(0, used));
}

/** Appends text given in pieces to a file (made if missing) and flushes it to disk. */
export async function appendTextPieces(filePath: string, pieces: Iterable<string>): Promise<void> {
  const file = await Deno.open(filePath, { append: true, create: true, mode: 0o644 });
  try {
    await writeTextPieces(file, pieces);
    await file.syncData();
  } finally {
    file.close();
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

/** Moves a finished file to its final name, replacing what is there; copies when crossing file systems. */
export async function moveIntoPlace(
  tempPath: string,
  finalPath: string,
  options: MoveIntoPlaceOptions = {},
): Promise<void> {
  const rename = options.rename ?? Deno.rename;
  await Deno.mkdir(path.dirname(finalPath), { recursive: true });
  try {
    await rename(tempPath, finalPath);
    return;
  } catch (error) {
    if (!isCrossDeviceError(error)) throw error;
  }
  // Copy next to the destination first, so the final rename is still atomic.
  const nearbyTemp = tempPathFor(finalPath);
  try {
    await Deno.copyFile(tempPath, nearbyTemp);
    await rename(nearbyTemp, finalPath);
  } catch (error) {
    await removeQuietly(nearbyTemp);
    throw error;
  }
  await removeQuietly(tempPath);
}

async function removeQuietly(filePath: string): Promise<void> {
  try {
    await Deno.remove(filePath);
  } catch {
    // Already gone or never created; nothing to clean up.
  }
}
