/**
 * Downloading the best audio of one video with yt-dlp into a work folder:
 * argument building and progress parsing are pure; the run goes through an
 * injectable process runner.
 */
import { CancelledError, mentionsNoSpace } from "../errors/mod.ts";
import { DiskFullError } from "./disk_space.ts";
import { downloadErrorFromStderr, killedDownloadError } from "./download_errors.ts";
import { type ProcessRunner, runProcess } from "./process.ts";
import type { AudioProbe } from "./ffmpeg.ts";

/** One progress report from yt-dlp. */
export interface DownloadProgress {
  /** Bytes downloaded so far. */
  downloadedBytes: number;
  /** Exact or estimated size, when yt-dlp knows it. */
  totalBytes?: number;
  /** 0..1 when the size is known. */
  fraction?: number;
  /** Bytes per second. */
  speed?: number;
  /** Seconds left by yt-dlp's estimate, when it has one. */
  etaSeconds?: number;
}

/** Options of {@link downloadAudio}. */
export interface DownloadOptions {
  /** yt-dlp to run, as located by the caller. */
  ytdlpPath: string;
  /** Passed as --ffmpeg-location so yt-dlp uses the same ffmpeg as tunedl. */
  ffmpegPath?: string;
  /** An empty folder that belongs to this download. */
  workDir: string;
  /** Aborting it kills yt-dlp and its children. */
  signal?: AbortSignal;
  /** Kill yt-dlp after this many milliseconds; no limit by default. */
  timeoutMs?: number;
  /** Netscape cookies.txt; copied into workDir first because yt-dlp writes cookies back. */
  cookiesFile?: string;
  /** Extra yt-dlp arguments from the config (download.ytdlp_args). */
  extraArgs?: readonly string[];
  /** Told at each progress line yt-dlp prints. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Runs yt-dlp; default runProcess (replaceable for tests). */
  run?: ProcessRunner;
}

/** What yt-dlp produced. */
export interface DownloadedAudio {
  /** Absolute path of the downloaded file inside workDir. */
  file: string;
  /** Extension of the downloaded file ("webm", "m4a"), as yt-dlp reports it. */
  ext: string;
  /** yt-dlp's acodec ("opus", "mp4a.40.2"), when it knows it. */
  codec?: string;
  /** Length in seconds, when yt-dlp knows it. */
  durationSeconds?: number;
  /** Audio bitrate in kbit/s, when yt-dlp knows it. */
  abr?: number;
  /** Size of the file in bytes. */
  bytes?: number;
}

const PROGRESS_PREFIX = "tunedl-progress ";
const FILE_PREFIX = "tunedl-file ";
const INFO_PREFIX = "tunedl-info ";
const OUTPUT_BASENAME = "download";

/** The yt-dlp argument list for one download (pure). */
export function buildYtdlpArgs(
  url: string,
  options: Pick<DownloadOptions, "workDir" | "ffmpegPath" | "extraArgs"> & {
    cookiesFile?: string;
  },
): string[] {
  const args = [
    // A user's yt-dlp config (-x, -o, ...) would change what lands in workDir.
    "--ignore-config",
    "--no-playlist",
    "--format",
    "bestaudio/best",
    "--no-mtime",
    "--no-overwrites",
    "--newline",
    // --print implies --quiet; --progress brings the progress lines back.
    "--progress",
    "--progress-template",
    `download:${PROGRESS_PREFIX}%(progress.downloaded_bytes)s %(progress.total_bytes)s ` +
    `%(progress.total_bytes_estimate)s %(progress.speed)s %(progress.eta)s`,
    "--print",
    `after_move:${FILE_PREFIX}%(filepath)s`,
    "--print",
    `after_move:${INFO_PREFIX}%(ext)s|%(acodec)s|%(duration)s|%(abr)s`,
    "--paths",
    options.workDir,
    "--output",
    `${OUTPUT_BASENAME}.%(ext)s`,
    "--socket-timeout",
    "30",
  ];
  if (options.ffmpegPath) args.push("--ffmpeg-location", options.ffmpegPath);
  if (options.cookiesFile) args.push("--cookies", options.cookiesFile);
  if (options.extraArgs) args.push(...options.extraArgs);
  // "--" keeps a URL that starts with "-" from being read as an option.
  args.push("--", url);
  return args;
}

function toNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === "NA" || text === "None" || text === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Parses one `--progress-template` line; undefined for other lines (pure). */
export function parseProgressLine(line: string): DownloadProgress | undefined {
  const start = line.indexOf(PROGRESS_PREFIX);
  if (start === -1) return undefined;
  const [downloaded, total, estimate, speed, eta] = line
    .slice(start + PROGRESS_PREFIX.length)
    .trim()
    .split(/\s+/);
  const downloadedBytes = toNumber(downloaded);
  if (downloadedBytes === undefined) return undefined;
  const totalBytes = toNumber(total) ?? toNumber(estimate);
  const progress: DownloadProgress = { downloadedBytes };
  if (totalBytes !== undefined && totalBytes > 0) {
    progress.totalBytes = totalBytes;
    progress.fraction = Math.min(1, downloadedBytes / totalBytes);
  }
  const bytesPerSecond = toNumber(speed);
  if (bytesPerSecond !== undefined) progress.speed = bytesPerSecond;
  const etaSeconds = toNumber(eta);
  if (etaSeconds !== undefined) progress.etaSeconds = etaSeconds;
  return progress;
}

/** Reads the file path and stream facts yt-dlp printed after the download (pure). */
export function parseDownloadOutput(stdout: string): Partial<DownloadedAudio> {
  const result: Partial<DownloadedAudio> = {};
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.startsWith(FILE_PREFIX)) result.file = line.slice(FILE_PREFIX.length);
    if (line.startsWith(INFO_PREFIX)) {
      const [ext, acodec, duration, abr] = line.slice(INFO_PREFIX.length).split("|");
      if (ext && ext !== "NA") result.ext = ext;
      if (acodec && acodec !== "NA" && acodec !== "none") result.codec = acodec;
      const seconds = toNumber(duration);
      if (seconds !== undefined) result.durationSeconds = seconds;
      const kbps = toNumber(abr);
      if (kbps !== undefined) result.abr = kbps;
    }
  }
  return result;
}

async function findDownloadedFile(workDir: string): Promise<string | undefined> {
  for await (const entry of Deno.readDir(workDir)) {
    if (
      entry.isFile && entry.name.startsWith(`${OUTPUT_BASENAME}.`) &&
      !entry.name.endsWith(".part") && !entry.name.endsWith(".ytdl")
    ) {
      return `${workDir}/${entry.name}`;
    }
  }
  return undefined;
}

/** Downloads the best audio stream of one URL into workDir; throws typed errors on failure. */
export async function downloadAudio(
  url: string,
  options: DownloadOptions,
): Promise<DownloadedAudio> {
  const run = options.run ?? runProcess;
  let cookiesFile: string | undefined;
  if (options.cookiesFile) {
    // yt-dlp saves cookies back on exit; parallel downloads must not write one shared file.
    cookiesFile = `${options.workDir}/cookies.txt`;
    await Deno.copyFile(options.cookiesFile, cookiesFile);
  }
  const args = buildYtdlpArgs(url, { ...options, cookiesFile });
  const onProgress = options.onProgress;
  const result = await run(options.ytdlpPath, args, {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    onStdoutLine: onProgress
      ? (line) => {
        const progress = parseProgressLine(line);
        if (progress) onProgress(progress);
      }
      : undefined,
  });
  if (options.signal?.aborted) throw new CancelledError(`cancelled: download of ${url}`);
  if (!result.success) {
    // Only a failed run: a warning about yt-dlp's own cache folder is not the library's disk.
    if (mentionsNoSpace(result.stderr)) {
      throw new DiskFullError(
        `yt-dlp could not write the download of ${url}: no space left on device`,
      );
    }
    if (result.signal) throw killedDownloadError(url, result.signal);
    throw downloadErrorFromStderr(url, result.stderr, result.code);
  }

  const printed = parseDownloadOutput(result.stdout);
  let file = printed.file;
  let bytes = file === undefined ? undefined : sizeOf(file);
  if (bytes === undefined) {
    file = await findDownloadedFile(options.workDir);
    bytes = file === undefined ? undefined : sizeOf(file);
  }
  if (file === undefined) {
    throw downloadErrorFromStderr(
      url,
      `${result.stderr}\nERROR: yt-dlp reported success but wrote no file`,
      result.code,
    );
  }
  const ext = printed.ext ?? file.slice(file.lastIndexOf(".") + 1);
  return { ...printed, file, ext, ...(bytes === undefined ? {} : { bytes }) };
}

/** A file's size; undefined when there is no such file. */
function sizeOf(path: string): number | undefined {
  try {
    // Synchronous: the file was just written, so its metadata is in memory; an async stat waits
    // for a worker thread and then for the busy event loop, a millisecond of the download slot.
    return Deno.statSync(path).size;
  } catch {
    return undefined;
  }
}

/**
 * yt-dlp's acodec names as ffprobe's codec names, with the extensions each is downloaded in
 * (yt-dlp names the codec of the format it picked; a postprocessor asked for in the config's
 * yt-dlp arguments can change the file without changing that name: the extension tells).
 */
const CODECS_BY_YTDLP_NAME: ReadonlyArray<{ name: RegExp; codec: string; exts: string[] }> = [
  { name: /^(mp4a\.40\.\d+|aac)$/, codec: "aac", exts: ["m4a", "mp4", "aac"] },
  { name: /^opus$/, codec: "opus", exts: ["webm", "opus", "ogg", "mka"] },
  { name: /^vorbis$/, codec: "vorbis", exts: ["webm", "ogg", "mka"] },
  { name: /^mp3$/, codec: "mp3", exts: ["mp3"] },
  { name: /^flac$/, codec: "flac", exts: ["flac"] },
];

/**
 * What yt-dlp said of the file it wrote, in the shape ffprobe's answer has (pure): the codec,
 * bitrate and length the conversion needs, so no ffprobe has to start for it. Undefined when
 * yt-dlp did not say all of it or its codec and extension disagree: then ffprobe reads the file.
 */
export function probeFromDownload(
  downloaded: Pick<DownloadedAudio, "ext" | "codec" | "durationSeconds" | "abr">,
): AudioProbe | undefined {
  const { codec, durationSeconds, abr } = downloaded;
  if (codec === undefined || durationSeconds === undefined || !(durationSeconds > 0)) {
    return undefined;
  }
  const known = CODECS_BY_YTDLP_NAME.find((entry) => entry.name.test(codec.toLowerCase()));
  if (known === undefined || !known.exts.includes(downloaded.ext.toLowerCase())) return undefined;
  return {
    codec: known.codec,
    container: downloaded.ext.toLowerCase(),
    ...(abr !== undefined && abr > 0 ? { bitRate: Math.round(abr * 1000) } : {}),
    durationSeconds,
    hasVideo: false,
  };
}
