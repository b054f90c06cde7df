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
  /** Spotify app secret; unset unless given in the file or SPOTIFY_CLIENT_SECRET. */
  client_secret?: string;
  /** Downloads (yt-dlp + ffmpeg) running at once, 1 to 64; default 4. */
  threads: number;
  /** Attempts per failed download before the track is marked failed; default 3. */
  max_retries: number;
  /** Audio format of the library files; default mp3. */
  format: AudioFormat;
  /** Target bitrate of lossy formats ("192k"), or "auto" / "disable"; ignored for flac. */
  bitrate: string;
  /** Path template of each track file, relative to the config's folder unless absolute. */
  output: string;
  /** Where to look for audio, in order of preference. */
  audio_providers: ProviderName[];
  /** What to do when a track's file already exists: skip, overwrite, or rewrite only the tags. */
  overwrite: OverwriteMode;
  /**
   * What a recording's other places get once it is downloaded: a copy, a hard link, or nothing
   * (skip).
   */
  duplicates: DuplicatesMode;
  /** Spotify API answers kept in the cache at most. */
  cache_max_size: number;
  /** Seconds a cached Spotify answer stays fresh. */
  cache_ttl: number;
  /** Audio search results kept in the cache at most. */
  audio_search_cache_max_size: number;
  /** Seconds a cached audio search result stays fresh. */
  audio_search_cache_ttl: number;
  /** Seconds a search that found nothing is remembered before it is tried again. */
  audio_search_failure_ttl: number;
  /** File-exists checks of the library kept in the cache at most. */
  file_cache_max_size: number;
  /** Seconds a cached file-exists check stays fresh. */
  file_cache_ttl: number;
  /** Whether the cache is kept on disk between runs; default true. */
  cache_persistent: boolean;
  /** Cache file as written in the config; unset means tunedl's cache folder. */
  cache_file?: string;
  /** Retries of a Spotify request that was throttled (HTTP 429) or failed. */
  spotify_max_retries: number;
  /** Seconds before the first Spotify retry; the wait doubles with each attempt. */
  spotify_retry_base_delay: number;
  /** Longest wait between Spotify retries, in seconds. */
  spotify_retry_max_delay: number;
  /** Longest Retry-After, in seconds, tunedl waits out; a longer one stops the run; default 600. */
  spotify_max_retry_after: number;
  /** Whether Spotify requests are paced before Spotify has to throttle them. */
  spotify_rate_limit_enabled: boolean;
  /** At most this many Spotify requests per `spotify_rate_limit_window`. */
  spotify_rate_limit_requests: number;
  /** Length of the pacing window, in seconds. */
  spotify_rate_limit_window: number;
  /** Read for musicdl configs but unused: tunedl always generates a plan. */
  plan_generation_enabled: boolean;
  /** Read for musicdl configs but unused: optimizing also assigns paths, so it always runs. */
  plan_optimization_enabled: boolean;
  /** Whether the plan is executed; false stops after planning. */
  plan_execution_enabled: boolean;
  /** Whether the plan and its progress are saved so an interrupted run resumes; default true. */
  plan_persistence_enabled: boolean;
  /** yt-dlp program as written in the config; unset means TUNEDL_YTDLP or PATH. */
  ytdlp_path?: string;
  /** ffmpeg program as written in the config; unset means TUNEDL_FFMPEG or PATH. */
  ffmpeg_path?: string;
  /** Netscape-format cookies file passed to yt-dlp; unset means none. */
  cookies_file?: string;
  /** Extra yt-dlp arguments, one element each, added to every download. */
  ytdlp_args: string[];
  /** Lowest match score (0 to 1) a search result needs to be downloaded; default 0.7. */
  match_threshold: number;
  /** How far, in seconds, a result's length may differ from Spotify's; default 15. */
  duration_tolerance: number;
  /** Which releases an `artists:` entry downloads; default album and single. */
  artist_album_groups: AlbumGroup[];
  /** Path template of each playlist's M3U file; default "{playlist}.m3u8". */
  m3u_output: string;
  /** Audio searches running at once, 1 to 64; default 4. */
  search_concurrency: number;
  /** Spotify API requests running at once, 1 to 64; default 4. */
  spotify_concurrency: number;
  /** Seconds one download may take before it is stopped and retried; default 600. */
  download_timeout: number;
  /** Seconds a web request may take to start answering or pause; twice that in all; default 10. */
  request_timeout: number;
  /** Local port the browser returns to after `tunedl login`; default 8888. */
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
  /** The Spotify item the entry links to. */
  ref: SpotifyRef;
  /** 1-based line of the entry in the config file. */
  line?: number;
  /** musicdl's extended entry form `{name, url, create_m3u}`: also write an M3U for it. */
  create_m3u?: boolean;
}

/** A validated config. */
export interface Config {
  /** The file's `version:`; always "1.2". */
  version: string;
  /** The `download:` block, defaults applied. */
  download: DownloadSettings;
  /** Single tracks to download. */
  songs: SourceEntry[];
  /** Albums to download whole. */
  albums: SourceEntry[];
  /** Artists whose releases (of the `artist_album_groups` kinds) to download. */
  artists: SourceEntry[];
  /** Playlists to download, each also written as an M3U file. */
  playlists: SourceEntry[];
  /** Whether the user's Liked Songs are downloaded too (`liked_songs: true` or `- liked`). */
  liked_songs: boolean;
  /** Spotify track id -> audio URL to download instead of searching. */
  overrides: Record<string, string>;
}

/** Where a credential came from. */
export type CredentialSource = "env" | "config" | "missing";

/** A config together with where it came from and what was odd about it. */
export interface LoadedConfig {
  /** The validated config. */
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
