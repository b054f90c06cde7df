/** Finding and loading the config file a command should use. */
import { isAbsolute, join } from "node:path";
import { loadConfig, type LoadedConfig, NO_CONFIG_FILE, parseConfig } from "../config/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import type { CliIo } from "./io.ts";

/** The config path: --config, then $TUNEDL_CONFIG, then ./config.yaml. */
export function configPathFrom(flags: Record<string, unknown>, io: CliIo): string {
  const chosen = (typeof flags.config === "string" ? flags.config : undefined) ??
    io.env.TUNEDL_CONFIG ?? "config.yaml";
  return isAbsolute(chosen) ? chosen : join(io.cwd, chosen);
}

/** Loads the config and prints its warnings to stderr. */
export async function loadConfigFor(
  flags: Record<string, unknown>,
  io: CliIo,
  options: { quiet?: boolean } = {},
): Promise<LoadedConfig> {
  const loaded = await loadConfig(configPathFrom(flags, io), { env: io.env });
  if (!options.quiet) { for (const warning of loaded.warnings) io.err(`warning: ${warning}\n`); }
  return loaded;
}

/**
 * For commands that need only the Spotify app (login): the config file when there is one;
 * without one, the defaults and the credentials in SPOTIFY_CLIENT_ID/SPOTIFY_CLIENT_SECRET.
 * A config named explicitly (--config, $TUNEDL_CONFIG) must exist.
 */
export async function loadConfigOrEnvironment(
  flags: Record<string, unknown>,
  io: CliIo,
): Promise<LoadedConfig> {
  try {
    return await loadConfigFor(flags, io);
  } catch (error) {
    const named = typeof flags.config === "string" || !!io.env.TUNEDL_CONFIG;
    const missing = error instanceof ConfigError && error.cause instanceof Deno.errors.NotFound;
    if (named || !missing || !io.env.SPOTIFY_CLIENT_ID?.trim()) throw error;
    return parseConfig(`version: "1.2"\n`, { file: NO_CONFIG_FILE, env: io.env, dir: io.cwd });
  }
}
