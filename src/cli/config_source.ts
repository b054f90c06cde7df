/** Finding and loading the config file a command should use. */
import { isAbsolute, join } from "node:path";
import { loadConfig, type LoadedConfig } from "../config/mod.ts";
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
