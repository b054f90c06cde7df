/**
 * `--output --format --bitrate --threads --overwrite --m3u/--no-m3u --lyrics`:
 * settings for one run, checked like the config's values and winning over them.
 */
import { isAbsolute, join } from "node:path";
import { applySettingOverrides, type LoadedConfig, type SettingOverride } from "../config/mod.ts";
import { UsageError } from "../errors/mod.ts";
import type { CliIo } from "./io.ts";

/** Flag name -> the `download:` key it sets. */
const FLAG_KEYS = {
  output: "output",
  format: "format",
  bitrate: "bitrate",
  threads: "threads",
  overwrite: "overwrite",
  lyrics: "lyrics",
} as const;

/**
 * The output template for `--output`: a template (it has a `{placeholder}`) as
 * given, or a folder that gets the config's file names (the part of its
 * template from the first placeholder's folder on). Relative to where tunedl runs.
 */
export function outputFromFlag(value: string, current: string, cwd: string): string {
  if (value.trim() === "") return value;
  const absolute = (path: string) => isAbsolute(path) ? path : join(cwd, path);
  if (value.includes("{")) return absolute(value);
  const firstPlaceholder = current.indexOf("{");
  const head = firstPlaceholder === -1 ? current : current.slice(0, firstPlaceholder);
  const cut = Math.max(head.lastIndexOf("/"), head.lastIndexOf("\\"));
  const fileNames = cut === -1 ? current : current.slice(cut + 1);
  return join(absolute(value), fileNames);
}

/** The overrides the flags ask for, in flag order. */
export function settingOverridesFrom(
  command: string,
  flags: Record<string, unknown>,
  options: { cwd: string; currentOutput: string },
): SettingOverride[] {
  const overrides: SettingOverride[] = [];
  for (const [flag, key] of Object.entries(FLAG_KEYS)) {
    const value = flags[flag];
    if (typeof value !== "string") continue;
    overrides.push({
      key,
      flag: `--${flag}`,
      value: key === "output"
        ? outputFromFlag(value, options.currentOutput, options.cwd)
        // `--bitrate 320` reads as `bitrate: 320` in the config does: 320k.
        : key === "bitrate" && /^\d{1,4}$/.test(value)
        ? `${value}k`
        : value,
      given: value,
    });
  }
  if (flags.m3u === true && flags["no-m3u"] === true) {
    throw new UsageError(`tunedl ${command}: --m3u and --no-m3u contradict each other`, {
      hint: "Give one of them.",
    });
  }
  if (flags.m3u === true) overrides.push({ key: "m3u", flag: "--m3u", value: true });
  if (flags["no-m3u"] === true) overrides.push({ key: "m3u", flag: "--no-m3u", value: false });
  return overrides;
}

/** The config with the command line's settings applied (ConfigError, exit 2, when invalid). */
export function withSettingFlags(
  command: string,
  loaded: LoadedConfig,
  flags: Record<string, unknown>,
  io: Pick<CliIo, "cwd">,
): LoadedConfig {
  return applySettingOverrides(
    loaded,
    settingOverridesFrom(command, flags, {
      cwd: io.cwd,
      currentOutput: loaded.config.download.output,
    }),
  );
}
