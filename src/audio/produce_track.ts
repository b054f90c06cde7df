/**
 * One track from URL to library file: download, convert and tag in a private
 * temp folder on the library's file system, then one atomic rename into place.
 * Whatever happens (error, Ctrl-C), the temp folder goes away and the library
 * holds either the complete new file or what it held before.
 */
import { type AudioFormat } from "../model/mod.ts";
import { CancelledError, TunedlError } from "../errors/mod.ts";
import { moveIntoPlace } from "../util/mod.ts";
import { convertAudio } from "./ffmpeg.ts";
import type { AudioTools } from "./executables.ts";
import { formatFromPath } from "./formats.ts";
import type { ProcessRunner } from "./process.ts";
import { type AudioTags, writeTags } from "./tags.ts";
import { downloadAudio, type DownloadProgress } from "./ytdlp.ts";

/** The steps of producing a track file, in order. */
export type TrackStage = "download" | "convert" | "tag" | "place";

/** Options of {@link produceTrackFile}. */
export interface ProduceTrackOptions {
  format: AudioFormat;
  /** "192k", "auto", "disable"...; see convertAudio. */
  bitrate?: string;
  tags: AudioTags;
  /** Lyrics looked up while the audio downloads; awaited before tagging (must not reject). */
  lyrics?: Promise<string | undefined>;
  /** Front cover image (JPEG or PNG). */
  cover?: Uint8Array;
  tools: AudioTools;
  /**
   * Parent of the per-track temp folders; must be on the same file system as
   * finalPath, e.g. `<library root>/.tunedl-tmp`. Created when missing and
   * removed again when empty.
   */
  tempRoot: string;
  signal?: AbortSignal;
  /** Time limit of the download (yt-dlp) and, separately, of the conversion. */
  timeoutMs?: number;
  cookiesFile?: string;
  /** Extra yt-dlp arguments. */
  extraArgs?: readonly string[];
  /** Told when a stage starts, and with the fraction done during the download. */
  onStage?: (stage: TrackStage, progress?: DownloadProgress) => void;
  run?: ProcessRunner;
  wasmDir?: string | URL;
}

/** What produceTrackFile made. */
export interface ProducedTrack {
  path: string;
  format: AudioFormat;
  bytes: number;
  /** True when the source audio was stream-copied, not re-encoded. */
  copied: boolean;
  /** Codec of the downloaded source (ffprobe name). */
  sourceCodec: string;
}

/** Writing the finished file into the library failed. */
export class PlaceFileError extends TunedlError {
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
}

/** Makes a fresh private folder under tempRoot, tolerating a sibling job removing an empty tempRoot. */
export async function makeJobDir(tempRoot: string, options: JobDirOptions = {}): Promise<string> {
  const mkdir = options.mkdir ?? ((path: string) => Deno.mkdir(path, { recursive: true }));
  const makeTempDir = options.makeTempDir ??
    ((dir: string) => Deno.makeTempDir({ dir, prefix: "track-" }));
  const sleep = options.sleep ??
    ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attempts = Math.max(1, options.attempts ?? 5);
  for (let attempt = 1;; attempt++) {
    try {
      await mkdir(tempRoot);
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

async function removeJobDir(jobDir: string, tempRoot: string): Promise<void> {
  await Deno.remove(jobDir, { recursive: true }).catch(() => {});
  // Only succeeds when empty, i.e. no other track is in progress.
  await Deno.remove(tempRoot).catch(() => {});
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
  const jobDir = await makeJobDir(options.tempRoot);
  try {
    onStage?.("download");
    const downloaded = await downloadAudio(sourceUrl, {
      ytdlpPath: options.tools.ytdlp,
      ffmpegPath: options.tools.ffmpeg,
      workDir: jobDir,
      signal,
      timeoutMs: options.timeoutMs,
      cookiesFile: options.cookiesFile,
      extraArgs: options.extraArgs,
      onProgress: onStage ? (progress) => onStage("download", progress) : undefined,
      run: options.run,
    });
    checkAborted(signal, `download of ${sourceUrl}`);

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
    });
    await Deno.remove(downloaded.file).catch(() => {});
    checkAborted(signal, `conversion of ${sourceUrl}`);

    onStage?.("tag");
    const lyrics = await options.lyrics;
    await writeTags(converted, lyrics ? { ...options.tags, lyrics } : options.tags, {
      format: options.format,
      cover: options.cover,
      signal,
      wasmDir: options.wasmDir,
    });
    checkAborted(signal, `tagging of ${finalPath}`);

    onStage?.("place");
    const { size } = await Deno.stat(converted);
    await placeFile(converted, finalPath);
    return {
      path: finalPath,
      format: options.format,
      bytes: size,
      copied: conversion.copied,
      sourceCodec: conversion.source.codec,
    };
  } finally {
    await removeJobDir(jobDir, options.tempRoot);
  }
}

/** Options of {@link retagFile}. */
export interface RetagOptions {
  /** Default: from the file's extension. */
  format?: AudioFormat;
  /** New front cover; undefined keeps the current pictures. */
  cover?: Uint8Array;
  signal?: AbortSignal;
  wasmDir?: string | URL;
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
  });
}
