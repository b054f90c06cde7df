/**
 * Finding yt-dlp, ffmpeg and ffprobe: an explicit path from the config, the
 * TUNEDL_* setting the CLI passes in `env`, or a search of PATH (PATHEXT on
 * Windows). No global state: the environment comes in as a parameter.
 */
import { posix, win32 } from "node:path";
import { DependencyError } from "../errors/mod.ts";

/** Environment variables as plain data (the CLI passes `Deno.env.toObject()`). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Options of {@link findExecutable}. */
export interface FindExecutableOptions {
  env?: Environment;
  /** A configured path: used as is when it is a path, searched on PATH when a bare name. */
  explicitPath?: string;
  /** Windows executable extensions; default from env PATHEXT or ".COM;.EXE;.BAT;.CMD". */
  pathExt?: string;
  /** Operating system rules to apply; default the current one. */
  os?: typeof Deno.build.os;
  /** Tells whether a path is a runnable file; default checks the real file system. */
  isExecutable?: (path: string) => boolean;
}

/** Whether a path is an existing regular file with an execute bit (any file on Windows). */
export function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    if (!info.isFile) return false;
    if (Deno.build.os === "windows" || info.mode === null) return true;
    return (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function isPathLike(name: string): boolean {
  return name.includes("/") || name.includes("\\");
}

function envValue(env: Environment, key: string, windows: boolean): string | undefined {
  if (!windows) return env[key];
  // Windows environment names are case-insensitive ("Path").
  const found = Object.keys(env).find((k) => k.toUpperCase() === key);
  return found === undefined ? undefined : env[found];
}

function candidates(base: string, windows: boolean, pathExt: string[]): string[] {
  if (!windows) return [base];
  const lower = base.toLowerCase();
  if (pathExt.some((ext) => lower.endsWith(ext.toLowerCase()))) return [base];
  // A bare name is not runnable on Windows; try each PATHEXT extension in order.
  return pathExt.map((ext) => base + ext.toLowerCase());
}

/** Finds a program: an explicit path, else the first match on PATH; undefined when none. */
export function findExecutable(
  name: string,
  options: FindExecutableOptions = {},
): string | undefined {
  const env = options.env ?? {};
  const windows = (options.os ?? Deno.build.os) === "windows";
  const check = options.isExecutable ?? isExecutableFile;
  const pathExt = (options.pathExt ?? envValue(env, "PATHEXT", windows) ?? ".COM;.EXE;.BAT;.CMD")
    .split(";")
    .map((ext) => ext.trim())
    .filter((ext) => ext !== "");
  const wanted = options.explicitPath?.trim() || name;

  if (isPathLike(wanted)) {
    return candidates(wanted, windows, pathExt).find(check);
  }
  const path = envValue(env, "PATH", windows) ?? "";
  for (const dir of path.split(windows ? ";" : ":")) {
    if (dir === "") continue;
    const found = candidates((windows ? win32 : posix).join(dir, wanted), windows, pathExt).find(
      check,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Paths of the programs the audio stage runs. */
export interface AudioTools {
  ytdlp: string;
  ffmpeg: string;
  ffprobe: string;
}

/** Where the config and environment say the tools are. */
export interface ToolLocations {
  /** Config download.ytdlp_path. */
  ytdlpPath?: string;
  /** Config download.ffmpeg_path. */
  ffmpegPath?: string;
  /** Usually left out: found next to ffmpeg, else on PATH. */
  ffprobePath?: string;
  env?: Environment;
  os?: typeof Deno.build.os;
  isExecutable?: (path: string) => boolean;
}

/** Locates yt-dlp (config, TUNEDL_YTDLP, PATH); undefined when missing. */
export function locateYtdlp(locations: ToolLocations = {}): string | undefined {
  return findExecutable("yt-dlp", {
    env: locations.env,
    os: locations.os,
    isExecutable: locations.isExecutable,
    explicitPath: locations.ytdlpPath || locations.env?.TUNEDL_YTDLP,
  });
}

/** Locates ffmpeg (config, TUNEDL_FFMPEG, PATH); undefined when missing. */
export function locateFfmpeg(locations: ToolLocations = {}): string | undefined {
  return findExecutable("ffmpeg", {
    env: locations.env,
    os: locations.os,
    isExecutable: locations.isExecutable,
    explicitPath: locations.ffmpegPath || locations.env?.TUNEDL_FFMPEG,
  });
}

/** Locates ffprobe: explicit path, next to the ffmpeg found, else PATH. */
export function locateFfprobe(
  locations: ToolLocations = {},
  ffmpeg = locateFfmpeg(locations),
): string | undefined {
  const common = { env: locations.env, os: locations.os, isExecutable: locations.isExecutable };
  if (locations.ffprobePath) {
    return findExecutable("ffprobe", { ...common, explicitPath: locations.ffprobePath });
  }
  if (ffmpeg !== undefined && isPathLike(ffmpeg)) {
    const windows = (locations.os ?? Deno.build.os) === "windows";
    const beside = findExecutable("ffprobe", {
      ...common,
      explicitPath: (windows ? win32 : posix).join(
        (windows ? win32 : posix).dirname(ffmpeg),
        "ffprobe",
      ),
    });
    if (beside !== undefined) return beside;
  }
  return findExecutable("ffprobe", common);
}

/** Finds all three tools or throws a DependencyError saying which is missing and how to fix it. */
export function resolveAudioTools(locations: ToolLocations = {}): AudioTools {
  const ytdlp = locateYtdlp(locations);
  if (ytdlp === undefined) {
    const configured = locations.ytdlpPath || locations.env?.TUNEDL_YTDLP;
    throw new DependencyError(
      configured ? `yt-dlp not found at ${configured}` : "yt-dlp not found on PATH",
      {
        hint: configured
          ? "Fix download.ytdlp_path (or TUNEDL_YTDLP) to point at the yt-dlp program."
          : "Install yt-dlp (python3 -m pip install -U 'yt-dlp[default]', or the standalone " +
            "binary) or set download.ytdlp_path. Run `tunedl doctor` to check.",
      },
    );
  }
  const ffmpeg = locateFfmpeg(locations);
  if (ffmpeg === undefined) {
    const configured = locations.ffmpegPath || locations.env?.TUNEDL_FFMPEG;
    throw new DependencyError(
      configured ? `ffmpeg not found at ${configured}` : "ffmpeg not found on PATH",
      {
        hint: configured
          ? "Fix download.ffmpeg_path (or TUNEDL_FFMPEG) to point at the ffmpeg program."
          : "Install ffmpeg (e.g. `apt install ffmpeg`, `brew install ffmpeg`) or set " +
            "download.ffmpeg_path.",
      },
    );
  }
  const ffprobe = locateFfprobe(locations, ffmpeg);
  if (ffprobe === undefined) {
    throw new DependencyError("ffprobe not found next to ffmpeg or on PATH", {
      hint: "ffprobe ships with ffmpeg; install the full ffmpeg package or put ffprobe " +
        `next to ${ffmpeg}.`,
    });
  }
  return { ytdlp, ffmpeg, ffprobe };
}
