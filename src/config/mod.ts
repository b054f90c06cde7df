/** The config file: musicdl 1.2 compatible YAML, validated, with located errors. */
export type {
  AlbumGroup,
  AudioFormat,
  AudioProvider,
  Config,
  CredentialSource,
  DownloadSettings,
  DuplicatesMode,
  LoadedConfig,
  OverwriteMode,
  SourceEntry,
  SourceListName,
} from "./model.ts";
export {
  analyzeSpotifyLink,
  isLikedSongsLink,
  parseSpotifyUrl,
  spotifyUrl,
} from "./spotify_url.ts";
export type { SpotifyLinkAnalysis } from "./spotify_url.ts";
export { CONFIG_VERSION, parseConfig } from "./parse_config.ts";
export type { ParseConfigOptions } from "./parse_config.ts";
export { loadConfig } from "./load_config.ts";
export type { LoadConfigOptions } from "./load_config.ts";
export { configHash } from "./config_hash.ts";
export { formatConfigSummary, summarizeConfig } from "./config_summary.ts";
export type { ConfigSummary, SourceSummary } from "./config_summary.ts";
export { InvalidConfigError } from "./config_problem.ts";
export type { ConfigProblem } from "./config_problem.ts";
export {
  ALBUM_GROUPS,
  AUDIO_FORMATS,
  AUDIO_PROVIDERS,
  DOWNLOAD_FIELDS,
  OVERWRITE_MODES,
  TEMPLATE_PLACEHOLDERS,
} from "./config_schema.ts";
