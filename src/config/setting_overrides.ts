/**
 * Settings given on the command line for one run (`--format flac`): each is
 * checked by the same schema as the config key, with the same "expected ...,
 * got ..." message, and wins over the config's value.
 */
import { ConfigError } from "../errors/mod.ts";
import { DOWNLOAD_FIELDS, type FieldSpec } from "./config_schema.ts";
import type { DownloadSettings, LoadedConfig } from "./model.ts";
import { libraryLayout } from "./library_layout.ts";
import { describeValue } from "./yaml_nodes.ts";

/** One setting from the command line: the key, its raw value and the flag that gave it. */
export interface SettingOverride {
  key: keyof DownloadSettings;
  value: string | boolean;
  /** As the user typed it, for messages: "--format". */
  flag: string;
  /** The value as typed, when `value` was derived from it (a folder made absolute). */
  given?: string;
}

/** The config with the overrides applied; every invalid value is named in one ConfigError. */
export function applySettingOverrides(
  loaded: LoadedConfig,
  overrides: readonly SettingOverride[],
): LoadedConfig {
  if (overrides.length === 0) return loaded;
  const download: Record<string, unknown> = { ...loaded.config.download };
  const problems: string[] = [];
  for (const { key, value, flag, given } of overrides) {
    const spec = DOWNLOAD_FIELDS[key] as FieldSpec<unknown>;
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) download[key] = parsed.data;
    else problems.push(`${flag}: expected ${spec.expected}, got ${describeValue(given ?? value)}`);
  }
  if (problems.length > 0) {
    throw new ConfigError(problems.join("\n"), {
      hint: "fix the value, or leave the option out to use the config's value (or the default)",
    });
  }
  const config = { ...loaded.config, download: download as unknown as DownloadSettings };
  // The library folder follows `--output`, resolved as the config's own value is.
  return { ...loaded, config, library: libraryLayout({ ...loaded, config }) };
}
