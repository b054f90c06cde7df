/** The config file: musicdl 1.2 compatible YAML, validated, with located errors. */
export type {
  AlbumGroup,
  Config,
  CredentialSource,
  DownloadSettings,
  LoadedConfig,
  SourceEntry,
  SourceListName,
} from "./model.ts";
export { CONFIG_VERSION, MAX_CONFIG_CHARS, parseConfig } from "./parse_config.ts";
export type { ParseConfigOptions } from "./parse_config.ts";
export { loadConfig } from "./load_config.ts";
export type { LoadConfigOptions } from "./load_config.ts";
export { configHash } from "./config_hash.ts";
export { libraryLayout, m3uLocation } from "./library_layout.ts";
export { formatConfigSummary, NO_CONFIG_FILE, summarizeConfig } from "./config_summary.ts";
export type { ConfigSummary, SourceSummary } from "./config_summary.ts";
export { formatProblem, InvalidConfigError } from "./config_problem.ts";
export type { ConfigProblem } from "./config_problem.ts";
export { ALBUM_GROUPS } from "./config_schema.ts";
export { applySettingOverrides } from "./setting_overrides.ts";
export type { SettingOverride } from "./setting_overrides.ts";
