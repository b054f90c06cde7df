/**
 * One track from URL to library file: download, convert and tag in a private
 * temp folder on the library's file system, then one atomic rename into place.
 * Whatever happens (error, Ctrl-C), the temp folder goes away and the library
 * holds either the complete new file or what it held before.
 */
import { type AudioFormat } from "../model/mod.ts";
import { CancelledError, isNoSpaceError, TunedlError } from "../errors/mod.ts";
import { moveIntoPlace } from "../util/mod.ts";
import { diskFullError, estimateAudioBytes } from "./disk_space.ts";
import { checkConvertedLength, convertAudio, verifyConvertedAudio } from "./ffmpeg.ts";
import type { AudioTools } from "./executables.ts";
import { formatFromPath } from "./formats.ts";
import type { ProcessRunner } from "./process.ts";
import { type AudioTags, writeTags } from "./tags.ts";
import { downloadAudio, type DownloadProgress, probeFromDownload } from "./ytdlp.ts";

/** The steps of producing a track file, in order. */
export type TrackStage = "download" | "convert" | "tag" | "place";

/** Options of {@link produceTrackFile}. */
export interface ProduceTrackOptions {
  /** The format of the library file. */
  format: AudioFormat;
  /** "192k", "auto", "disable"...; see convertAudio. */
  bitrate?: string;
  /** Tags written into the file before it is placed. */
  tags: AudioTags;
  /** Lyrics looked up while the audio downloads; awaited before tagging (must not reject). */
  lyrics?: Promise<string | undefined>;
  /**
   * Front cover image (JPEG or PNG), or its pending fetch: awaited only when
   * tagging starts, so fetching it overlaps the download (a rejection there
   * fails the track; the caller handles one that comes when nothing awaits it).
   */
  cover?: Uint8Array | Promise<Uint8Array | undefined>;
  /** Paths of yt-dlp, ffmpeg and ffprobe. */
  tools: AudioTools;
  /**
   * Parent of the per-track temp folders; must be on the same file system as
   * finalPath, e.g. `<library root>/.tunedl-tmp`. Created when missing and
   * removed again when empty.
   */
  tempRoot: string;
  /** Aborting it stops the current stage; nothing is left in the library. */
  signal?: AbortSignal;
  /** Time limit of the download (yt-dlp) and, separately, of the conversion. */
  timeoutMs?: number;
  /** Netscape cookies.txt passed to yt-dlp; none by default. */
  cookiesFile?: string;
  /** Extra yt-dlp arguments. */
  extraArgs?: readonly string[];
  /**
   * Told when a stage starts, and with the fraction done during the download.
   * "tag" means the programs are done: the rest is tunedl's own work.
   */
  onStage?: (stage: TrackStage, progress?: DownloadProgress) => void;
  /** Runs yt-dlp and ffmpeg; default runProcess (replaceable for tests). */
  run?: ProcessRunner;
  /** Folder holding taglib-wasm's .wasm files, when not found in the package. */
  wasmDir?: string | URL;
}

/** What produceTrackFile made. */
export interface ProducedTrack {
  /** Absolute path of the finished file in the library. */
  path: string;
  /** The format of the file, as asked for in the options. */
  format: AudioFormat;
  /** Size of the finished file in bytes. */
  bytes: number;
  /** True when the source audio was stream-copied, not re-encoded. */
  copied: boolean;
  /** Codec of the downloaded source (ffprobe name). */
  sourceCodec: string;
  /** Length of the placed audio, read back from the converted file and checked against the source. */
  durationSeconds?: number;
}

/** Writing the finished file into the library failed. */
export class PlaceFileError extends TunedlError {
  /** Always "place_failed". */
  override code = "place_failed";
}

function checkAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new CancelledError(`cancelled: ${what}`, { cause: signal.reason });
}

/** Options of {@link makeJobDir}; replaceable so tests can stand in for the file system. */
export interface JobDirOptions {
  /** Creates a folder and its parents; default Deno.mkdir (recursive). */
  mkdir?: (path: string) => Promise<void>;
  /** Creates a fresh uniquely named folder inside dir; default Deno.makeTempDir. */
  makeTempDir?: (dir: string) => Promise<string>;
  /** Waits between attempts. */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts in all; default 5. */
  attempts?: number;
  /** Another job's folder is being made or in use there: the first attempt skips the mkdir. */
  tempRootInUse?: boolean;
}

/** Makes a fresh private folder under tempRoot, tolerating a sibling job removing an empty tempRoot. */
export async function makeJobDir(tempRoot: string, options: JobDirOptions = {}): Promise<string> {
  // Synchronous by default: a folder costs microseconds, while an async call waits for a worker
  // thread and then for the busy event loop, about a millisecond of a download slot (bench).
  const mkdir = options.mkdir ??
    ((path: string) => Promise.resolve(Deno.mkdirSync(path, { recursive: true })));
  const makeTempDir = options.makeTempDir ??
    ((dir: string) => Promise.resolve(Deno.makeTempDirSync({ dir, prefix: "track-" })));
  const sleep = options.sleep ??
    ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attempts = Math.max(1, options.attempts ?? 5);
  for (let attempt = 1;; attempt++) {
    try {
      if (attempt > 1 || options.tempRootInUse !== true) await mkdir(tempRoot);
      return await makeTempDir(tempRoot);
    } catch (error) {
      // POSIX reports the removed tempRoot as NotFound, or, when the removal lands between the
      // recursive mkdir's "exists" answer and its "is it a folder" check, as AlreadyExists (seen
      // in the 10x bench: 2 of 20,667 tracks). Windows keeps a folder being deleted until its
      // last handle closes and meanwhile refuses to create it or anything in it with
      // ERROR_ACCESS_DENIED; a moment later it is gone and can be made again.
      const raced = error instanceof Deno.errors.NotFound ||
        error instanceof Deno.errors.AlreadyExists ||
        error instanceof Deno.errors.PermissionDenied;
      if (!raced || attempt >= attempts) throw error;
      await sleep(10 * attempt);
    }
  }
}

/**
 * Jobs of this process per temp root, from the start of making their folder to its removal: a
 * temp root in use need not be made again, nor removed after each track (with eight tracks at
 * once the removal always failed, a system call and an error per track for nothing).
 */
const jobsInTempRoot = new Map<string, number>();

/** Counts a job in; true when others were in already. */
function enterTempRoot(tempRoot: string): boolean {
  const jobs = jobsInTempRoot.get(tempRoot) ?? 0;
  jobsInTempRoot.set(tempRoot, jobs + 1);
  return jobs > 0;
}

/** Counts a job out; true when it was the last one. */
function leaveTempRoot(tempRoot: string): boolean {
  const jobs = (jobsInTempRoot.get(tempRoot) ?? 1) - 1;
  if (jobs > 0) {
    jobsInTempRoot.set(tempRoot, jobs);
    return false;
  }
  jobsInTempRoot.delete(tempRoot);
  return true;
}

async function removeJobDir(jobDir: string, tempRoot: string): Promise<void> {
  try {
    // Empty after a placed track: a synchronous rmdir, no worker thread or wait for the loop.
    Deno.removeSync(jobDir);
  } catch {
    await Deno.remove(jobDir, { recursive: true }).catch(() => {});
  }
  // The last job out tries; it only succeeds when the run keeps nothing else there.
  if (leaveTempRoot(tempRoot)) await Deno.remove(tempRoot).catch(() => {});
}

/** Moves a finished file into place atomically (across file systems via a temp copy beside it). */
async function placeFile(source: string, finalPath: string): Promise<void> {
  try {
    await moveIntoPlace(source, finalPath);
  } catch (cause) {
    throw new PlaceFileError(`cannot write ${finalPath}`, {
      cause,
      hint: "Check that the output folder is writable and has free space.",
    });
  }
}

/** Downloads, converts and tags one track, then renames it to finalPath; never leaves partial files. */
export async function produceTrackFile(
  sourceUrl: string,
  finalPath: string,
  options: ProduceTrackOptions,
): Promise<ProducedTrack> {
  const { signal, onStage } = options;
  checkAborted(signal, `download of ${sourceUrl}`);
  // What is known of the track's size so far, for a full disk's "needs about N MB".
  const sizes: TrackSizes = { format: options.format, bitrate: options.bitrate };
  let step = "preparing a temp folder";
  let jobDir: string;
  try {
    jobDir = await makeJobDir(options.tempRoot, { tempRootInUse: enterTempRoot(options.tempRoot) });
  } catch (error) {
    leaveTempRoot(options.tempRoot);
    if (isNoSpaceError(error)) {
      throw await diskFullError(libraryDirOf(options.tempRoot), { what: step, cause: error });
    }
    throw error;
  }
  try {
    step = `downloading ${sourceUrl}`;
    onStage?.("download");
    const downloaded = await downloadAudio(sourceUrl, {
      ytdlpPath: options.tools.ytdlp,
      ffmpegPath: options.tools.ffmpeg,
      workDir: jobDir,
      signal,
      timeoutMs: options.timeoutMs,
      cookiesFile: options.cookiesFile,
      extraArgs: options.extraArgs,
      onProgress: (progress) => {
        if (progress.totalBytes !== undefined) sizes.downloadBytes = progress.totalBytes;
        onStage?.("download", progress);
      },
      run: options.run,
    });
    checkAborted(signal, `download of ${sourceUrl}`);
    sizes.durationSeconds = downloaded.durationSeconds;
    sizes.downloadBytes = downloaded.bytes ?? sizes.downloadBytes;

    step = `converting ${sourceUrl} to ${options.format}`;
    onStage?.("convert");
    const converted = `${jobDir}/track.${options.format}`;
    const conversion = await convertAudio(downloaded.file, converted, {
      ffmpegPath: options.tools.ffmpeg,
      ffprobePath: options.tools.ffprobe,
      format: options.format,
      bitrate: options.bitrate,
      signal,
      timeoutMs: options.timeoutMs,
      run: options.run,
      // Tagging reads the file and its length anyway (below): no second ffprobe.
      verify: false,
      // What yt-dlp printed spares a program start per track; ffprobe reads the file otherwise.
      source: probeFromDownload(downloaded),
    });
    checkAborted(signal, `conversion of ${sourceUrl}`);

    step = `tagging ${finalPath}`;
    // Before the removal: the programs are done, and the download slot goes with this stage.
    onStage?.("tag");
    await Deno.remove(downloaded.file).catch(() => {});
    const lyrics = await options.lyrics;
    const tagged = await writeTags(converted, lyrics ? { ...options.tags, lyrics } : options.tags, {
      format: options.format,
      cover: await options.cover,
      signal,
      wasmDir: options.wasmDir,
    });
    checkAborted(signal, `tagging of ${finalPath}`);
    // ffmpeg's exit code is not enough (5.1 exits 0 when the disk fills as it writes the end):
    // the file must be as long as its source. TagLib's reading decides; ffprobe when it has none.
    let durationSeconds = tagged.durationSeconds;
    if (durationSeconds !== undefined) {
      checkConvertedLength(converted, conversion.source.durationSeconds, durationSeconds);
    } else {
      durationSeconds = await verifyConvertedAudio(converted, conversion.source, {
        ffprobePath: options.tools.ffprobe,
        signal,
        run: options.run,
      });
    }

    step = `writing ${finalPath}`;
    onStage?.("place");
    const { size } = Deno.statSync(converted);
    sizes.outputBytes = size;
    await placeFile(converted, finalPath);
    return {
      path: finalPath,
      format: options.format,
      bytes: size,
      copied: conversion.copied,
      sourceCodec: conversion.source.codec,
      durationSeconds,
    };
  } catch (error) {
    if (!(error instanceof CancelledError) && isNoSpaceError(error)) {
      const sourceSeconds = (error as TunedlError).detail?.sourceSeconds;
      if (typeof sourceSeconds === "number") sizes.durationSeconds ??= sourceSeconds;
      throw await diskFullError(libraryDirOf(options.tempRoot), {
        what: step,
        neededBytes: neededBytes(sizes),
        cause: error,
      });
    }
    throw error;
  } finally {
    await removeJobDir(jobDir, options.tempRoot);
  }
}

/** The folder a full disk is named by: the library, not its hidden temp folder (pure). */
function libraryDirOf(tempRoot: string): string {
  const trimmed = tempRoot.replace(/[\\/]+$/, "");
  return /[\\/]\.tunedl-tmp$/.test(trimmed) ? trimmed.slice(0, -".tunedl-tmp".length - 1) : trimmed;
}

/** What is known of one track's sizes while it is produced. */
export interface TrackSizes {
  /** The format being produced. */
  format: AudioFormat;
  /** The configured bitrate ("192k", "auto"...). */
  bitrate?: string;
  /** Length of the download in seconds, once yt-dlp has reported it. */
  durationSeconds?: number;
  /** Size of the download in bytes (yt-dlp's estimate until the file exists). */
  downloadBytes?: number;
  /** Size of the converted file in bytes, once it exists. */
  outputBytes?: number;
}

// Bitrates that bound a converted file's size from above when the real one is not known yet.
const ROUGH_KBPS: Record<AudioFormat, number> = {
  mp3: 320,
  m4a: 320,
  opus: 256,
  ogg: 320,
  flac: 1100,
};

/**
 * Room a track needs on the library's disk: the download and the converted file live side by
 * side in the temp folder, and tagging writes one more copy (pure).
 */
export function neededBytes(sizes: TrackSizes): number | undefined {
  const configured = /^(\d+)k$/i.exec(sizes.bitrate?.trim() ?? "");
  const kbps = configured && sizes.format !== "flac"
    ? Number(configured[1])
    : ROUGH_KBPS[sizes.format];
  const output = sizes.outputBytes ??
    (sizes.durationSeconds ? estimateAudioBytes(sizes.durationSeconds, kbps) : undefined);
  if (output === undefined && sizes.downloadBytes === undefined) return undefined;
  return (sizes.downloadBytes ?? output ?? 0) + 2 * (output ?? sizes.downloadBytes ?? 0);
}

/** Options of {@link retagFile}. */
export interface RetagOptions {
  /** Default: from the file's extension. */
  format?: AudioFormat;
  /** New front cover; undefined keeps the current pictures. */
  cover?: Uint8Array;
  /** Aborting it stops before the file is replaced. */
  signal?: AbortSignal;
  /** Folder holding taglib-wasm's .wasm files, when not found in the package. */
  wasmDir?: string | URL;
  /** Where the tagged copy is written before the rename (see writeTags); default beside. */
  tempDir?: string;
}

/** Rewrites the tags of an existing library file in place (temp copy + rename); no download. */
export async function retagFile(
  path: string,
  tags: AudioTags,
  options: RetagOptions = {},
): Promise<void> {
  checkAborted(options.signal, `tagging of ${path}`);
  const format = options.format ?? formatFromPath(path);
  await writeTags(path, tags, {
    format,
    cover: options.cover,
    signal: options.signal,
    wasmDir: options.wasmDir,
    tempDir: options.tempDir,
  });
}
