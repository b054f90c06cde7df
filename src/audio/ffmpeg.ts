/**
 * Probing and converting audio with ffprobe/ffmpeg. The decision to stream-copy
 * or encode is a pure function of the probed source and the target format.
 */
import { type AudioFormat } from "../model/mod.ts";
import {
  CancelledError,
  DependencyError,
  mentionsNoSpace,
  TunedlError,
  type TunedlErrorOptions,
} from "../errors/mod.ts";
import { DiskFullError } from "./disk_space.ts";
import { missingEncoderFix } from "./ffmpeg_advice.ts";
import { FORMAT_SPECS, isValidBitrate } from "./formats.ts";
import { type ProcessRunner, runProcess, type RunResult } from "./process.ts";

/** What ffprobe says about a media file. */
export interface AudioProbe {
  /** Codec of the first audio stream (ffprobe codec_name: "opus", "aac", "mp3"). */
  codec: string;
  /** Container (ffprobe format_name: "matroska,webm", "mov,mp4,m4a,3gp,3g2,mj2"). */
  container: string;
  /** Audio bitrate in bit/s, when known. */
  bitRate?: number;
  /** Length in seconds, when ffprobe knows it. */
  durationSeconds?: number;
  /** Samples per second of the audio stream, when known. */
  sampleRate?: number;
  /** Audio channels (2 for stereo), when known. */
  channels?: number;
  /** Whether there are video streams (real video or attached pictures). */
  hasVideo: boolean;
}

/** A media file could not be read or converted. */
export class ConversionError extends TunedlError {
  /** Always "conversion_failed". */
  override code = "conversion_failed";
}

/**
 * The converted file is not what was asked for (cut short, unreadable, a write error on the way):
 * the track is produced again from the download on.
 */
export class OutputCheckError extends TunedlError {
  /** Always "output_check_failed". */
  override code = "output_check_failed";
  /** Retryable unless the options say otherwise: the next attempt downloads again. */
  constructor(message: string, options: TunedlErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** ffmpeg was built without the encoder a format needs: every track of the run would fail. */
export class MissingEncoderError extends DependencyError {
  /** Always "encoder_missing". */
  override code = "encoder_missing";
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  bit_rate?: string;
  sample_rate?: string;
  channels?: number;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; bit_rate?: string };
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  return lines[lines.length - 1] ?? "";
}

function positive(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Reads ffprobe's JSON answer into an AudioProbe; throws when there is no audio stream (pure). */
export function parseFfprobeJson(json: string, file = "input"): AudioProbe {
  let data: FfprobeOutput;
  try {
    data = JSON.parse(json) as FfprobeOutput;
  } catch (cause) {
    throw new ConversionError(`ffprobe gave unreadable output for ${file}`, { cause });
  }
  const streams = data.streams ?? [];
  const audio = streams.find((stream) => stream.codec_type === "audio");
  if (!audio?.codec_name) throw new ConversionError(`no audio stream in ${file}`);
  return {
    codec: audio.codec_name,
    container: data.format?.format_name ?? "",
    bitRate: positive(audio.bit_rate) ?? positive(data.format?.bit_rate),
    durationSeconds: positive(data.format?.duration),
    sampleRate: positive(audio.sample_rate),
    channels: audio.channels,
    hasVideo: streams.some((stream) => stream.codec_type === "video"),
  };
}

/** Options of {@link probeAudio}. */
export interface ProbeOptions {
  /** ffprobe to run (usually the one next to ffmpeg). */
  ffprobePath: string;
  /** Aborting it kills ffprobe. */
  signal?: AbortSignal;
  /** Kill ffprobe after this many milliseconds; default 60 s. */
  timeoutMs?: number;
  /** Runs the program; default runProcess (replaceable for tests). */
  run?: ProcessRunner;
}

/** Runs ffprobe on a file and returns its audio facts. */
export async function probeAudio(file: string, options: ProbeOptions): Promise<AudioProbe> {
  const run = options.run ?? runProcess;
  const result = await run(
    options.ffprobePath,
    ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", file],
    // Reads a local file and starts nothing: no process group of its own (see RunOptions).
    { signal: options.signal, timeoutMs: options.timeoutMs ?? 60_000, startsNoPrograms: true },
  );
  if (!result.success) {
    const why = result.signal
      ? `ffprobe was stopped by ${result.signal} from outside tunedl`
      : lastLine(result.stderr) || `ffprobe exited with code ${result.code}`;
    throw new ConversionError(`ffprobe cannot read ${file}: ${why}`, {
      retryable: true,
      hint: "The download may be damaged; tunedl retries the track.",
    });
  }
  return parseFfprobeJson(result.stdout, file);
}

/** Options of {@link convertAudio}. */
export interface ConvertOptions {
  /** ffmpeg to run, as located by the caller. */
  ffmpegPath: string;
  /** Default: the `ffprobe` next to ffmpegPath. */
  ffprobePath?: string;
  /** The format to write. */
  format: AudioFormat;
  /** "128k", "320k", "auto" (source's), "disable" (encoder default); unused for FLAC and copies. */
  bitrate?: string;
  /** Aborting it kills ffmpeg and rejects with CancelledError. */
  signal?: AbortSignal;
  /** Kill ffmpeg after this many milliseconds; no limit by default. */
  timeoutMs?: number;
  /** Runs the program; default runProcess (replaceable for tests). */
  run?: ProcessRunner;
  /** The OS whose install advice a missing encoder gets; default the one running. */
  os?: typeof Deno.build.os;
  /**
   * Read the converted file back with ffprobe and check its length (default true). A caller
   * that reads the file anyway (tagging, whose TagLib reports the length) checks it there and
   * saves a process per track.
   */
  verify?: boolean;
  /**
   * What is already known of the input (what yt-dlp said of the file it wrote): then no ffprobe
   * starts before the conversion. Read with ffprobe when undefined.
   */
  source?: AudioProbe;
}

/** How a conversion will be done. */
export interface ConversionPlan {
  /** True when the audio stream is copied unchanged (same codec). */
  copy: boolean;
  /** The full ffmpeg command line after the program name. */
  args: string[];
}

/**
 * The `-b:a` value for an encode: the configured one; "auto" follows the
 * source's bitrate (spotDL/musicdl meaning); "disable" leaves the encoder default.
 */
function encoderBitrate(
  configured: string | undefined,
  source: Pick<AudioProbe, "bitRate">,
  fallback: string,
): string | undefined {
  const value = (configured ?? fallback).trim().toLowerCase();
  if (value === "disable") return undefined;
  if (value === "auto") {
    return source.bitRate ? `${Math.max(32, Math.round(source.bitRate / 1000))}k` : fallback;
  }
  if (!isValidBitrate(value)) {
    throw new ConversionError(`invalid bitrate "${configured}"`, {
      hint: 'Use a value like "128k", "192k" or "320k" (or "auto", "disable").',
    });
  }
  return value;
}

/** Decides copy vs encode and builds the ffmpeg arguments (pure). */
export function planConversion(
  input: string,
  output: string,
  source: Pick<AudioProbe, "codec" | "bitRate">,
  options: Pick<ConvertOptions, "format" | "bitrate">,
): ConversionPlan {
  const spec = FORMAT_SPECS[options.format];
  const copy = source.codec === spec.codec;
  const args = [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    "-y",
    "-i",
    input,
    // Only the first audio stream: drops video, thumbnails, subtitles and data streams.
    "-map",
    "0:a:0",
    "-vn",
    "-sn",
    "-dn",
    // The source's tags (YouTube title, description...) must not leak into the library file.
    "-map_metadata",
    "-1",
    "-map_chapters",
    "-1",
  ];
  if (copy) {
    args.push("-c:a", "copy");
  } else {
    args.push("-c:a", spec.encoder);
    const bitrate = spec.usesBitrate
      ? encoderBitrate(options.bitrate, source, spec.defaultBitrate!)
      : undefined;
    if (bitrate !== undefined) args.push("-b:a", bitrate);
  }
  if (options.format === "m4a") args.push("-movflags", "+faststart");
  args.push("-f", spec.muxer, output);
  return { copy, args };
}

function ffprobeBeside(ffmpegPath: string): string {
  const index = Math.max(ffmpegPath.lastIndexOf("/"), ffmpegPath.lastIndexOf("\\"));
  const exe = ffmpegPath.toLowerCase().endsWith(".exe") ? ".exe" : "";
  return index === -1 ? `ffprobe${exe}` : `${ffmpegPath.slice(0, index + 1)}ffprobe${exe}`;
}

/**
 * Whether ffmpeg's stderr says it was built without an encoder (pure): "Unknown encoder 'x'",
 * and from ffmpeg 7 on also "Error opening output files: Encoder not found" as the last line.
 */
export function lacksEncoder(stderr: string, encoder: string): boolean {
  return stderr.includes(`Unknown encoder '${encoder}'`) ||
    /^Error opening output files?: Encoder not found\s*$/m.test(stderr);
}

/** The result of a conversion. */
export interface ConvertedAudio {
  /** Path of the converted file (the output path given). */
  output: string;
  /** The format written, as asked for in the options. */
  format: AudioFormat;
  /** Whether the audio was stream-copied (no re-encode). */
  copied: boolean;
  /** What ffprobe found in the input before converting. */
  source: AudioProbe;
  /** Length of the converted file as ffprobe read it back (verified against the source). */
  durationSeconds?: number;
}

/** Converts (or remuxes, when the codec already matches) one audio file to a format. */
export async function convertAudio(
  input: string,
  output: string,
  options: ConvertOptions,
): Promise<ConvertedAudio> {
  const run = options.run ?? runProcess;
  const source = options.source ?? await probeAudio(input, {
    ffprobePath: options.ffprobePath ?? ffprobeBeside(options.ffmpegPath),
    signal: options.signal,
    run,
  });
  const plan = planConversion(input, output, source, options);
  const result = await run(options.ffmpegPath, plan.args, {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    // Local files in and out, no programs of its own: no process group (see RunOptions).
    startsNoPrograms: true,
  });
  if (options.signal?.aborted) throw new CancelledError(`cancelled: conversion of ${input}`);
  if (mentionsNoSpace(result.stderr)) {
    // ffmpeg 5.1 exits 0 when the disk fills while it writes the file's end.
    throw new DiskFullError(`ffmpeg could not write ${output}: no space left on device`, {
      // For the "needs about N MB" of the error the run stops with.
      detail: { sourceSeconds: source.durationSeconds },
    });
  }
  if (!result.success) {
    const encoder = FORMAT_SPECS[options.format].encoder;
    if (lacksEncoder(result.stderr, encoder)) {
      throw new MissingEncoderError(
        `ffmpeg could not convert ${input} to ${options.format}: ${options.ffmpegPath} has no ` +
          `${encoder} encoder`,
        { hint: missingEncoderFix([options.format], { os: options.os }) },
      );
    }
    throw conversionFailure(input, options.format, result);
  }
  const writeError = outputWriteError(result.stderr);
  if (writeError !== undefined) {
    throw new OutputCheckError(`ffmpeg did not finish writing ${output}: ${writeError}`, {
      hint: "tunedl retries the track; check the library's disk if this repeats.",
    });
  }
  const durationSeconds = options.verify === false
    ? undefined
    : await verifyConvertedAudio(output, source, {
      ffprobePath: options.ffprobePath ?? ffprobeBeside(options.ffmpegPath),
      signal: options.signal,
      run,
    });
  return { output, format: options.format, copied: plan.copy, source, durationSeconds };
}

/** The error for a failed ffmpeg run that is not a missing encoder (pure). */
export function conversionFailure(
  input: string,
  format: AudioFormat,
  result: Pick<RunResult, "code" | "signal" | "stderr">,
): ConversionError {
  if (result.signal !== null && result.signal !== undefined) {
    // Nobody in tunedl sent it (a cancel throws before this): an OOM killer, a user's kill.
    return new ConversionError(
      `ffmpeg was stopped by ${result.signal} from outside tunedl while converting ${input}`,
      { retryable: true, hint: "tunedl retries the track; see what ended it if this repeats." },
    );
  }
  const said = lastLine(result.stderr);
  return new ConversionError(
    `ffmpeg could not convert ${input} to ${format}: ${
      said || `it exited with code ${result.code} without saying why`
    }`,
    {
      retryable: true,
      hint: "The download may be damaged; tunedl retries the track. If every track fails " +
        "this way, run `tunedl doctor`.",
    },
  );
}

/** A write failure ffmpeg reported although it exited 0, or undefined (pure). */
export function outputWriteError(stderr: string): string | undefined {
  const line = stderr.split(/\r?\n/).find((text) =>
    /error writing trailer|error closing file|av_interleaved_write_frame|i\/o error|error submitting a packet to the muxer/i
      .test(text)
  );
  return line?.trim();
}

/** Default slack between the source's and the converted file's length: "a second or two". */
export const defaultDurationToleranceSec = 2;

/**
 * Why a converted file's length does not match its source's, or undefined when it does (pure).
 * Long files get 0.5 % more slack: container durations of encoded audio are estimates.
 */
export function durationMismatch(
  expectedSec: number | undefined,
  actualSec: number | undefined,
  toleranceSec = defaultDurationToleranceSec,
): string | undefined {
  if (actualSec === undefined || !Number.isFinite(actualSec) || actualSec <= 0) {
    return "it has no readable length";
  }
  if (expectedSec === undefined || !Number.isFinite(expectedSec) || expectedSec <= 0) {
    return undefined;
  }
  const slack = toleranceSec + expectedSec * 0.005;
  if (Math.abs(actualSec - expectedSec) <= slack) return undefined;
  return `it is ${formatSeconds(actualSec)} long, the source ${formatSeconds(expectedSec)}`;
}

function formatSeconds(seconds: number): string {
  return seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}

/** Probes a converted file and checks its length against the source's; returns its length. */
export async function verifyConvertedAudio(
  output: string,
  source: Pick<AudioProbe, "durationSeconds">,
  options: ProbeOptions,
): Promise<number | undefined> {
  let probe: AudioProbe;
  try {
    probe = await probeAudio(output, options);
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new OutputCheckError(`the converted file ${output} cannot be read back`, {
      cause,
      hint: "tunedl retries the track; check the library's disk if this repeats.",
    });
  }
  checkConvertedLength(output, source.durationSeconds, probe.durationSeconds);
  return probe.durationSeconds;
}

/** Throws OutputCheckError when a converted file's length does not match its source's. */
export function checkConvertedLength(
  output: string,
  sourceSeconds: number | undefined,
  outputSeconds: number | undefined,
): void {
  const mismatch = durationMismatch(sourceSeconds, outputSeconds);
  if (mismatch !== undefined) {
    throw new OutputCheckError(`the converted file ${output} is incomplete: ${mismatch}`, {
      hint: "tunedl retries the track; a disk that filled up or a killed ffmpeg cuts files short.",
    });
  }
}
