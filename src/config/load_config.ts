/** Reading a config file from disk. */
import { resolve } from "node:path";
import { ConfigError } from "../errors/mod.ts";
import type { LoadedConfig } from "./model.ts";
import { MAX_CONFIG_CHARS, parseConfig } from "./parse_config.ts";

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Environment to take SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET from. */
  env?: Record<string, string | undefined>;
  /** Reads a file as UTF-8 text; defaults to Deno.readTextFile. */
  readTextFile?: (path: string) => Promise<string>;
  /** Whether a path is a folder; defaults to Deno.stat. */
  isFolder?: (path: string) => Promise<boolean>;
}

async function isFolderOnDisk(path: string): Promise<boolean> {
  return (await Deno.stat(path)).isDirectory;
}

/** Reads and validates the config file at a path; throws ConfigError when missing or invalid. */
export async function loadConfig(
  path: string,
  options: LoadConfigOptions = {},
): Promise<LoadedConfig> {
  const readTextFile = options.readTextFile ?? Deno.readTextFile;
  if (!options.readTextFile) {
    // A huge file (a video passed by mistake) is refused before it is read into memory.
    const info = await Deno.stat(path).catch(() => undefined);
    if (info?.isFile && info.size > MAX_CONFIG_CHARS * 4) {
      throw new ConfigError(
        `${path}: the file is ${(info.size / (1024 * 1024)).toFixed(1)} MB; a config is at most ` +
          `${MAX_CONFIG_CHARS / (1024 * 1024)} MB`,
        { hint: "check that --config points at your config.yaml, not at another file" },
      );
    }
  }
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    // Windows refuses to read a folder with ERROR_ACCESS_DENIED, not "is a directory".
    const folder = error instanceof Deno.errors.PermissionDenied &&
      await (options.isFolder ?? isFolderOnDisk)(path).catch(() => false);
    throw readFailure(path, error, folder);
  }
  return parseConfig(text, { file: path, env: options.env });
}

function readFailure(path: string, error: unknown, isFolder: boolean): ConfigError {
  const absolute = resolve(path);
  if (error instanceof Deno.errors.NotFound) {
    return new ConfigError(`config file not found: ${absolute}`, {
      hint:
        `copy config.example.yaml to ${absolute} and list your Spotify links in it, pass --config FILE, ` +
        "or give Spotify links on the command line (tunedl download <link>)",
      cause: error,
    });
  }
  if (error instanceof Deno.errors.IsADirectory || isFolder) {
    return new ConfigError(`${absolute} is a folder, not a config file`, {
      hint: "pass the path of the YAML file itself, e.g. --config config.yaml",
      cause: error,
    });
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new ConfigError(`cannot read config file ${absolute}: permission denied`, {
      hint: "check the file's permissions (and that tunedl may read it)",
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ConfigError(`cannot read config file ${absolute}: ${reason}`, { cause: error });
}
