/**
 * A full disk while producing a track. It stops the whole run (every other
 * track would meet it too), and says how much room the track needed and how
 * much there is, so the user knows what to free.
 */
import { StorageError, type TunedlErrorOptions } from "../errors/mod.ts";

/** The disk holding the library (or its temp folder) is full. */
export class DiskFullError extends StorageError {
  /** Always "disk_full". */
  override code = "disk_full";
  /** Not retryable unless the options say so: a full disk stays full. */
  constructor(message: string, options: TunedlErrorOptions = {}) {
    super(message, { retryable: false, ...options });
  }
}

/** Bytes a user may still write below dir, or undefined when the OS does not say. */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    // Loaded when needed: node:fs/promises costs about 13 ms to load, and most runs never ask.
    const { statfs } = await import("node:fs/promises");
    const info = await statfs(dir);
    return Number(info.bavail) * Number(info.bsize);
  } catch {
    return undefined;
  }
}

/** "3.4 MB" (pure). */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / 1_000_000;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** Rough bytes an audio file of this length and bitrate takes (pure); a margin is added. */
export function estimateAudioBytes(seconds: number, kbps: number): number {
  return Math.ceil(seconds * kbps * 1000 / 8 * 1.05);
}

/** The run-stopping error for a full disk, naming the folder and the free space needed (pure). */
export function diskFullMessage(
  dir: string,
  options: { what: string; neededBytes?: number; freeBytes?: number },
): { message: string; hint: string } {
  const message = `no space left on the disk of ${dir} while ${options.what}`;
  const free = options.freeBytes !== undefined ? `${formatMegabytes(options.freeBytes)} free` : "";
  let hint: string;
  if (options.neededBytes !== undefined) {
    // Room for this track and a little more: the user frees it once, not once per track.
    hint = `This track needs about ${formatMegabytes(options.neededBytes)} there` +
      `${free ? ` (${free} now)` : ""}; free at least that much, more for the rest of the ` +
      "library, then run `tunedl download --resume`.";
  } else {
    hint = `Free some space there${free ? ` (${free} now)` : ""}, then run ` +
      "`tunedl download --resume`.";
  }
  return { message, hint };
}

/** Builds a {@link DiskFullError} for dir, reading the free space now. */
export async function diskFullError(
  dir: string,
  options: { what: string; neededBytes?: number; cause?: unknown },
): Promise<DiskFullError> {
  const { message, hint } = diskFullMessage(dir, {
    what: options.what,
    neededBytes: options.neededBytes,
    freeBytes: await freeBytes(dir),
  });
  return new DiskFullError(message, { hint, cause: options.cause });
}
