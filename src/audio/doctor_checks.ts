/**
 * `tunedl doctor`'s checks of the external programs: which yt-dlp, how old,
 * whether it has a JavaScript runtime for YouTube, ffmpeg with the needed
 * encoders, ffprobe. Plain data out; the CLI prints it.
 */
import { AUDIO_FORMATS, type AudioFormat } from "../model/mod.ts";
import {
  type Environment,
  findExecutable,
  locateFfmpeg,
  locateFfprobe,
  locateYtdlp,
} from "./executables.ts";
import { installFfmpegFix, missingEncoderFix } from "./ffmpeg_advice.ts";
import { FORMAT_SPECS } from "./formats.ts";
import { type ProcessRunner, runProcess } from "./process.ts";

/** How a check came out: usable, usable with a warning, or not usable. */
export type ToolCheckStatus = "ok" | "warn" | "error";

/** The result of checking one tool. */
export interface ToolCheck {
  /** "yt-dlp", "js-runtime", "ffmpeg", "ffprobe". */
  name: string;
  /** False only for status "error". */
  ok: boolean;
  status: ToolCheckStatus;
  version?: string;
  path?: string;
  /** One line saying what was found. */
  detail: string;
  /** What to do about a warning or error. */
  fix?: string;
  /** yt-dlp only: days since its release. */
  ageDays?: number;
}

/** Options of {@link probeTools}. */
export interface ProbeToolsOptions {
  ytdlpPath?: string;
  ffmpegPath?: string;
  ffprobePath?: string;
  env: Environment;
  run?: ProcessRunner;
  /** Today, for yt-dlp's age. */
  now?: Date;
  /** yt-dlp older than this gets a warning; default 90 days. */
  maxYtdlpAgeDays?: number;
  /** The configured output format: a missing encoder for it is an error. */
  format?: AudioFormat;
  os?: typeof Deno.build.os;
  isExecutable?: (path: string) => boolean;
}

/** yt-dlp versions from this release on need an external JavaScript runtime for YouTube. */
export const YTDLP_EXTERNAL_JS_SINCE = "2025.11.12";

const UPDATE_FIX = "Update yt-dlp: `yt-dlp -U` (standalone binary), " +
  "`python3 -m pip install -U 'yt-dlp[default]'` (pip/pipx), or a newer package of your " +
  "distribution (Debian/Ubuntu's is usually too old for YouTube).";

const INSTALL_YTDLP_FIX = "Install yt-dlp: `python3 -m pip install -U 'yt-dlp[default]'`, or " +
  "the standalone binary from the yt-dlp releases page; or set download.ytdlp_path.";

/** A yt-dlp version's release date, from its YYYY.MM.DD[.N] form (pure). */
export function parseYtdlpVersion(text: string): { version: string; released: Date } | undefined {
  const match = /(\d{4})\.(\d{1,2})\.(\d{1,2})(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return { version: match[0], released: new Date(Date.UTC(year, month - 1, day)) };
}

/** Whole days from a release date to now (pure). */
export function ageInDays(released: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - released.getTime()) / 86_400_000));
}

/** Compares yt-dlp versions by date; negative when a is older (pure). */
export function compareYtdlpVersions(a: string, b: string): number {
  const parts = (text: string) => text.split(".").map((part) => Number(part) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The version in ffmpeg's / ffprobe's `-version` banner, e.g. "5.1.9-0+deb12u1" (pure). */
export function parseFfmpegVersion(text: string): string | undefined {
  return /(?:ffmpeg|ffprobe) version (\S+)/.exec(text)?.[1];
}

/** Encoder names listed by `ffmpeg -encoders` (pure). */
export function parseFfmpegEncoders(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    // " A....D libmp3lame           libmp3lame MP3 (MPEG audio layer 3) (codec mp3)"
    const match = /^\s*[VASFXBD.]{6}\s+(\S+)/.exec(line);
    if (match && match[1] !== "=") names.add(match[1]);
  }
  return names;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== "") ?? "";
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  return lines[lines.length - 1] ?? "";
}

async function tryRun(
  run: ProcessRunner,
  program: string,
  args: string[],
): Promise<{ ok: boolean; stdout: string; stderr: string; error?: string }> {
  try {
    const result = await run(program, args, { timeoutMs: 20_000, maxOutputBytes: 256 * 1024 });
    return { ok: result.success, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    return {
      ok: false,
      stdout: "",
      stderr: "",
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

async function checkYtdlp(
  path: string | undefined,
  options: ProbeToolsOptions,
  run: ProcessRunner,
): Promise<ToolCheck> {
  const configured = options.ytdlpPath || options.env.TUNEDL_YTDLP;
  if (path === undefined) {
    return {
      name: "yt-dlp",
      ok: false,
      status: "error",
      detail: configured ? `not found at ${configured}` : "not found on PATH",
      fix: configured ? "Fix download.ytdlp_path (or TUNEDL_YTDLP)." : INSTALL_YTDLP_FIX,
    };
  }
  const result = await tryRun(run, path, ["--version"]);
  const parsed = result.ok ? parseYtdlpVersion(result.stdout) : undefined;
  if (!parsed) {
    return {
      name: "yt-dlp",
      ok: false,
      status: "error",
      path,
      detail: `${path} does not run: ${
        result.error ?? (lastLine(result.stderr) || firstLine(result.stdout) || "no version")
      }`,
      fix: `Reinstall yt-dlp. ${UPDATE_FIX}`,
    };
  }
  const ageDays = ageInDays(parsed.released, options.now ?? new Date());
  const maxAge = options.maxYtdlpAgeDays ?? 90;
  const base = { name: "yt-dlp", path, version: parsed.version, ageDays };
  if (ageDays > maxAge) {
    return {
      ...base,
      ok: true,
      status: "warn",
      detail:
        `${parsed.version} at ${path} is ${ageDays} days old; YouTube changes often and old ` +
        "versions fail with 403 errors or missing formats",
      fix: UPDATE_FIX,
    };
  }
  return {
    ...base,
    ok: true,
    status: "ok",
    detail: `${parsed.version} at ${path} (${ageDays} days old)`,
  };
}

async function runtimeVersion(run: ProcessRunner, path: string): Promise<string | undefined> {
  const result = await tryRun(run, path, ["--version"]);
  if (!result.ok) return undefined;
  return /v?(\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
}

async function checkJsRuntime(
  ytdlp: ToolCheck,
  options: ProbeToolsOptions,
  run: ProcessRunner,
): Promise<ToolCheck> {
  const find = (name: string) =>
    findExecutable(name, { env: options.env, os: options.os, isExecutable: options.isExecutable });
  const deno = find("deno");
  const others = ["node", "bun", "qjs"]
    .map((name) => ({ name, path: find(name) }))
    .filter((found): found is { name: string; path: string } => found.path !== undefined);
  const needsExternal = ytdlp.version === undefined ||
    compareYtdlpVersions(ytdlp.version, YTDLP_EXTERNAL_JS_SINCE) >= 0;
  const installDeno =
    "Install Deno (https://deno.com, e.g. `curl -fsSL https://deno.land/install.sh | sh`) " +
    "so that `deno` is on PATH, plus yt-dlp's challenge scripts: `python3 -m pip install -U 'yt-dlp[default]'`.";

  if (deno !== undefined) {
    const version = await runtimeVersion(run, deno);
    const what = `deno${version ? ` ${version}` : ""} at ${deno}`;
    return {
      name: "js-runtime",
      ok: true,
      status: "ok",
      path: deno,
      version,
      // A yt-dlp older than the external-runtime release runs no JavaScript runtime at all.
      detail: needsExternal
        ? `${what} (yt-dlp's default JavaScript runtime)`
        : `${what}; yt-dlp ${ytdlp.version} does not use one (only ${YTDLP_EXTERNAL_JS_SINCE} and later do)`,
    };
  }
  if (others.length > 0) {
    const [first] = others;
    const version = await runtimeVersion(run, first.path);
    const what = `${first.name}${version ? ` ${version}` : ""} at ${first.path}`;
    if (!needsExternal) {
      return {
        name: "js-runtime",
        ok: true,
        status: "ok",
        path: first.path,
        version,
        detail: `${what}; yt-dlp ${ytdlp.version} does not need one yet`,
      };
    }
    return {
      name: "js-runtime",
      ok: true,
      status: "warn",
      path: first.path,
      version,
      detail: `${what}, but yt-dlp only uses deno unless told otherwise`,
      fix: `Install Deno, or add "--js-runtimes", "${first.name}" to download.ytdlp_args.`,
    };
  }
  if (!needsExternal) {
    return {
      name: "js-runtime",
      ok: true,
      status: "warn",
      detail: `none found; yt-dlp ${ytdlp.version} does not need one, but yt-dlp ` +
        `${YTDLP_EXTERNAL_JS_SINCE} and later need Deno for YouTube`,
      fix: installDeno,
    };
  }
  return {
    name: "js-runtime",
    ok: false,
    status: "error",
    detail: "no deno (or node/bun/quickjs) on PATH; YouTube downloads with current yt-dlp need one",
    fix: installDeno,
  };
}

async function checkFfmpeg(
  path: string | undefined,
  options: ProbeToolsOptions,
  run: ProcessRunner,
): Promise<ToolCheck> {
  const configured = options.ffmpegPath || options.env.TUNEDL_FFMPEG;
  if (path === undefined) {
    return {
      name: "ffmpeg",
      ok: false,
      status: "error",
      detail: configured ? `not found at ${configured}` : "not found on PATH",
      fix: configured
        ? "Fix download.ffmpeg_path (or TUNEDL_FFMPEG)."
        : installFfmpegFix(options.format, { os: options.os }),
    };
  }
  const versionRun = await tryRun(run, path, ["-hide_banner", "-version"]);
  const version = parseFfmpegVersion(versionRun.stdout);
  if (!versionRun.ok || version === undefined) {
    return {
      name: "ffmpeg",
      ok: false,
      status: "error",
      path,
      detail: `${path} does not run: ${
        versionRun.error ?? (lastLine(versionRun.stderr) || "no version")
      }`,
      fix: "Reinstall ffmpeg or fix download.ffmpeg_path.",
    };
  }
  const encodersRun = await tryRun(run, path, ["-hide_banner", "-encoders"]);
  const encoders = parseFfmpegEncoders(encodersRun.stdout);
  const missing = AUDIO_FORMATS.filter((format) => !encoders.has(FORMAT_SPECS[format].encoder));
  const base = { name: "ffmpeg", path, version };
  if (missing.length === 0) {
    return { ...base, ok: true, status: "ok", detail: `${version} at ${path}` };
  }
  const list = missing.map((format) => `${format} (${FORMAT_SPECS[format].encoder})`).join(", ");
  const fatal = options.format !== undefined && missing.includes(options.format);
  return {
    ...base,
    ok: !fatal,
    status: fatal ? "error" : "warn",
    detail: `${version} at ${path} cannot encode ${list}`,
    fix: missingEncoderFix(missing, { os: options.os }),
  };
}

async function checkFfprobe(
  path: string | undefined,
  run: ProcessRunner,
): Promise<ToolCheck> {
  if (path === undefined) {
    return {
      name: "ffprobe",
      ok: false,
      status: "error",
      detail: "not found next to ffmpeg or on PATH",
      fix:
        "ffprobe comes with ffmpeg: install the full ffmpeg package, or put ffprobe next to ffmpeg.",
    };
  }
  const result = await tryRun(run, path, ["-hide_banner", "-version"]);
  const version = parseFfmpegVersion(result.stdout);
  if (!result.ok || version === undefined) {
    return {
      name: "ffprobe",
      ok: false,
      status: "error",
      path,
      detail: `${path} does not run: ${result.error ?? (lastLine(result.stderr) || "no version")}`,
      fix: "Reinstall ffmpeg (ffprobe is part of it).",
    };
  }
  return {
    name: "ffprobe",
    ok: true,
    status: "ok",
    path,
    version,
    detail: `${version} at ${path}`,
  };
}

/** Checks yt-dlp, a JavaScript runtime for it, ffmpeg and ffprobe; one entry each, in that order. */
export async function probeTools(options: ProbeToolsOptions): Promise<ToolCheck[]> {
  const run = options.run ?? runProcess;
  const locations = {
    ytdlpPath: options.ytdlpPath,
    ffmpegPath: options.ffmpegPath,
    ffprobePath: options.ffprobePath,
    env: options.env,
    os: options.os,
    isExecutable: options.isExecutable,
  };
  const ffmpegPath = locateFfmpeg(locations);
  const [ytdlp, ffmpeg, ffprobe] = await Promise.all([
    checkYtdlp(locateYtdlp(locations), options, run),
    checkFfmpeg(ffmpegPath, options, run),
    checkFfprobe(locateFfprobe(locations, ffmpegPath), run),
  ]);
  const jsRuntime = await checkJsRuntime(ytdlp, options, run);
  return [ytdlp, jsRuntime, ffmpeg, ffprobe];
}
