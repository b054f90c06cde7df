/**
 * The loaded config as plain data. Keys are snake_case exactly as in the YAML
 * file, so a setting is called the same in the file, the docs and the code.
 */
import type {
  AudioFormat,
  DuplicatesMode,
  LibraryLayout,
  LyricsMode,
  OverwriteMode,
  ProviderName,
  SpotifyRef,
} from "../model/mod.ts";

/** Which of an artist's releases an `artists:` entry downloads (Spotify's album_group). */
export type AlbumGroup = "album" | "single" | "appears_on" | "compilation";
/** The four source lists of a config. */
export type SourceListName = "songs" | "albums" | "artists" | "playlists";

/** Every setting of the `download:` block, defaults applied. */
export interface DownloadSettings {
  /** Spotify app credentials; SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET win over the file. */
  client_id?: string;
  client_secret?: string;
  threads: number;
  max_retries: number;
  format: AudioFormat;
  bitrate: string;
  output: string;
  audio_providers: ProviderName[];
  overwrite: OverwriteMode;
  duplicates: DuplicatesMode;
  cache_max_size: number;
  cache_ttl: number;
  audio_search_cache_max_size: number;
  audio_search_cache_ttl: number;
  audio_search_failure_ttl: number;
  file_cache_max_size: number;
  file_cache_ttl: number;
  cache_persistent: boolean;
  cache_file?: string;
  spotify_max_retries: number;
  spotify_retry_base_delay: number;
  spotify_retry_max_delay: number;
  spotify_max_retry_after: number;
  spotify_rate_limit_enabled: boolean;
  spotify_rate_limit_requests: number;
  spotify_rate_limit_window: number;
  plan_generation_enabled: boolean;
  plan_optimization_enabled: boolean;
  plan_execution_enabled: boolean;
  plan_persistence_enabled: boolean;
  ytdlp_path?: string;
  ffmpeg_path?: string;
  cookies_file?: string;
  ytdlp_args: string[];
  match_threshold: number;
  duration_tolerance: number;
  artist_album_groups: AlbumGroup[];
  m3u_output: string;
  search_concurrency: number;
  spotify_concurrency: number;
  download_timeout: number;
  request_timeout: number;
  login_redirect_port: number;
  /** Lyrics from LRCLIB into the tags (and a `.lrc` file when synced). */
  lyrics: LyricsMode;
  /** Whether playlists get M3U files. */
  m3u: boolean;
}

/** One entry of a source list. */
export interface SourceEntry {
  /** The display name the user gave the entry, if any. */
  name?: string;
  ref: SpotifyRef;
  /** 1-based line of the entry in the config file. */
  line?: number;
  /** musicdl's extended entry form `{name, url, create_m3u}`: also write an M3U for it. */
  create_m3u?: boolean;
}

/** A validated config. */
export interface Config {
  version: string;
  download: DownloadSettings;
  songs: SourceEntry[];
  albums: SourceEntry[];
  artists: SourceEntry[];
  playlists: SourceEntry[];
  liked_songs: boolean;
  /** Spotify track id -> audio URL to download instead of searching. */
  overrides: Record<string, string>;
}

/** Where a credential came from. */
export type CredentialSource = "env" | "config" | "missing";

/** A config together with where it came from and what was odd about it. */
export interface LoadedConfig {
  config: Config;
  /** One self-contained line each, `file:line:col: key: what` (no "warning:" prefix). */
  warnings: string[];
  /** The path as given. */
  file: string;
  /** Absolute folder of the config file. */
  dir: string;
  /** The library folder and templates, resolved against `dir` once, when the config is loaded. */
  library: LibraryLayout;
  /** `download.cache_file` resolved against `dir`; undefined when not set. */
  cacheFile?: string;
  /** Where client_id and client_secret came from (never their values). */
  credentials?: { client_id: CredentialSource; client_secret: CredentialSource };
  /** musicdl settings given in the file that tunedl does not use (`graph`, `spotify.redirect_uri`). */
  ignored?: string[];
}
