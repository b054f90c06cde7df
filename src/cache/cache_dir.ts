/**
 * Where tunedl keeps its cache, per operating system conventions, and the
 * files inside that folder. Pure functions: the caller passes the OS, env and home.
 */
import { posix, win32 } from "node:path";
import { ConfigError } from "../errors/mod.ts";

/** The operating systems tunedl knows folder conventions for. */
export type HostOs = "linux" | "darwin" | "windows";

/** Inputs of `defaultCacheDir`. */
export interface DefaultCacheDirOptions {
  os: HostOs;
  /** Environment variables (only TUNEDL_CACHE_DIR, XDG_CACHE_HOME, LOCALAPPDATA, USERPROFILE are read). */
  env: Record<string, string | undefined>;
  /** The user's home folder. */
  home?: string;
}

/** Files and folders inside the cache folder. */
export interface CachePaths {
  dir: string;
  /** The Deno KV file of the persistent cache. */
  kvFile: string;
}

/** Options of `cachePaths`. */
export interface CachePathsOptions {
  /** The config's `cache_file`, already resolved against the config's folder. */
  cacheFile?: string;
  /** Path style; guessed from dir when omitted. */
  os?: HostOs;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Joins path parts by the OS's rules (the cache folder may be computed for another OS in tests). */
function joinPath(os: HostOs, base: string, ...parts: string[]): string {
  return (os === "windows" ? win32 : posix).join(base, ...parts);
}

function isAbsolute(os: HostOs, path: string): boolean {
  return (os === "windows" ? win32 : posix).isAbsolute(path);
}

function requireHome(home: string | undefined, what: string): string {
  const value = nonEmpty(home);
  if (value === undefined) {
    throw new ConfigError(`cannot find the cache folder: ${what} is not known`, {
      hint: "Set TUNEDL_CACHE_DIR to the folder tunedl should use for its cache.",
    });
  }
  return value;
}

/** The cache folder: TUNEDL_CACHE_DIR, else the OS's per-user cache folder + tunedl. */
export function defaultCacheDir(options: DefaultCacheDirOptions): string {
  const { os, env } = options;
  const override = nonEmpty(env.TUNEDL_CACHE_DIR);
  if (override !== undefined) return override;
  switch (os) {
    case "linux": {
      // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
      const xdg = nonEmpty(env.XDG_CACHE_HOME);
      if (xdg !== undefined && isAbsolute("linux", xdg)) return joinPath(os, xdg, "tunedl");
      return joinPath(os, requireHome(options.home, "the home folder"), ".cache", "tunedl");
    }
    case "darwin":
      return joinPath(
        os,
        requireHome(options.home, "the home folder"),
        "Library",
        "Caches",
        "tunedl",
      );
    case "windows": {
      const local = nonEmpty(env.LOCALAPPDATA);
      if (local !== undefined) return joinPath(os, local, "tunedl");
      const profile = requireHome(
        nonEmpty(env.USERPROFILE) ?? options.home,
        "%LOCALAPPDATA% (or %USERPROFILE%)",
      );
      return joinPath(os, profile, "AppData", "Local", "tunedl");
    }
    default:
      throw new ConfigError(`unsupported operating system "${os as string}"`, {
        hint: "Set TUNEDL_CACHE_DIR to the folder tunedl should use for its cache.",
      });
  }
}

/** The KV file of a cache folder: cache.kv there, or the config's cache_file. */
export function cachePaths(dir: string, options: CachePathsOptions = {}): CachePaths {
  const os = options.os ?? (dir.includes("\\") && !dir.includes("/") ? "windows" : "linux");
  const cacheFile = nonEmpty(options.cacheFile);
  return { dir, kvFile: cacheFile ?? joinPath(os, dir, "cache.kv") };
}
