/** What `tunedl validate` shows: a plain-data summary of a loaded config and its text form. */
import { SONG_DURATION_TOLERANCE_SEC } from "../model/mod.ts";
import { configHash } from "./config_hash.ts";
import type { CredentialSource, LoadedConfig, SourceListName } from "./model.ts";
import type { SpotifyKind } from "../model/mod.ts";

/** One source as shown by `validate`. */
export interface SourceSummary {
  name?: string;
  kind: SpotifyKind;
  id: string;
  url: string;
  line?: number;
}

/** A JSON-able summary of a config; holds no secret, only whether credentials are set. */
export interface ConfigSummary {
  file: string;
  dir: string;
  version: string;
  config_hash: string;
  sources: Record<SourceListName, SourceSummary[]>;
  liked_songs: boolean;
  /** Number of tracks pinned to a specific audio URL. */
  overrides: number;
  settings: {
    output: string;
    m3u_output: string;
    format: string;
    bitrate: string;
    overwrite: string;
    m3u: boolean;
    lyrics: string;
    audio_providers: string[];
    artist_album_groups: string[];
    threads: number;
    search_concurrency: number;
    spotify_concurrency: number;
    match_threshold: number;
    duration_tolerance: number;
    cache_persistent: boolean;
    cache_file?: string;
    ytdlp_path?: string;
    ffmpeg_path?: string;
    cookies_file?: string;
  };
  credentials: {
    client_id: boolean;
    client_secret: boolean;
    /** Where each came from: "env", "config" or "missing". */
    client_id_source: CredentialSource;
    client_secret_source: CredentialSource;
  };
  warnings: string[];
  /** musicdl settings in the file that tunedl does not use. */
  ignored: string[];
}

const LISTS: readonly SourceListName[] = ["songs", "albums", "artists", "playlists"];

/** Summarizes a loaded config as plain data for `tunedl validate` (text or --json). */
export function summarizeConfig(loaded: LoadedConfig): ConfigSummary {
  const { config } = loaded;
  const download = config.download;
  const sources = {} as Record<SourceListName, SourceSummary[]>;
  for (const list of LISTS) {
    sources[list] = config[list].map((entry) => {
      const summary: SourceSummary = { kind: entry.ref.kind, id: entry.ref.id, url: entry.ref.url };
      if (entry.name !== undefined) summary.name = entry.name;
      if (entry.line !== undefined) summary.line = entry.line;
      return summary;
    });
  }
  const sourceOf = (key: "client_id" | "client_secret"): CredentialSource =>
    loaded.credentials?.[key] ?? (download[key] === undefined ? "missing" : "config");
  const settings: ConfigSummary["settings"] = {
    output: download.output,
    m3u_output: download.m3u_output,
    format: download.format,
    bitrate: download.bitrate,
    overwrite: download.overwrite,
    m3u: download.m3u,
    lyrics: download.lyrics,
    audio_providers: [...download.audio_providers],
    artist_album_groups: [...download.artist_album_groups],
    threads: download.threads,
    search_concurrency: download.search_concurrency,
    spotify_concurrency: download.spotify_concurrency,
    match_threshold: download.match_threshold,
    duration_tolerance: download.duration_tolerance,
    cache_persistent: download.cache_persistent,
  };
  for (const key of ["cache_file", "ytdlp_path", "ffmpeg_path", "cookies_file"] as const) {
    if (download[key] !== undefined) settings[key] = download[key];
  }
  return {
    file: loaded.file,
    dir: loaded.dir,
    version: config.version,
    config_hash: configHash(config),
    sources,
    liked_songs: config.liked_songs,
    overrides: Object.keys(config.overrides).length,
    settings,
    credentials: {
      client_id: download.client_id !== undefined,
      client_secret: download.client_secret !== undefined,
      client_id_source: sourceOf("client_id"),
      client_secret_source: sourceOf("client_secret"),
    },
    warnings: [...loaded.warnings],
    ignored: [...(loaded.ignored ?? [])],
  };
}

/** The config file name of a one-shot run without one (the CLI's link_args.ts sets it). */
export const NO_CONFIG_FILE = "(no config file)";

/** Renders a summary as the human-readable text of `tunedl validate`. */
export function formatConfigSummary(summary: ConfigSummary): string {
  const lines: string[] = [];
  const counts = LISTS.map((list) => plural(summary.sources[list].length, list));
  lines.push(
    summary.file === NO_CONFIG_FILE
      ? "No config file: the defaults and the links given."
      : `Config ${summary.file} (version ${summary.version}) is valid.`,
  );
  lines.push(`Sources: ${counts.join(", ")}; Liked Songs: ${summary.liked_songs ? "yes" : "no"}`);
  for (const list of LISTS) {
    const entries = summary.sources[list];
    if (entries.length === 0) continue;
    lines.push(`  ${list}:`);
    for (const entry of entries) {
      lines.push(`    - ${entry.name === undefined ? entry.url : `${entry.name}  ${entry.url}`}`);
    }
  }
  if (summary.overrides > 0) {
    lines.push(`Overrides: ${plural(summary.overrides, "track")} pinned to a URL`);
  }
  const s = summary.settings;
  lines.push(`Output: ${s.output}`);
  lines.push(`Playlist files: ${s.m3u ? s.m3u_output : "none (m3u: false)"}`);
  lines.push(`Format: ${s.format} ${s.bitrate}, existing files: ${s.overwrite}`);
  lines.push(`Lyrics: ${s.lyrics}`);
  lines.push(
    `Audio from: ${
      s.audio_providers.join(", ")
    } (match threshold ${s.match_threshold}, length ±${s.duration_tolerance} s for videos, ±${
      Math.min(SONG_DURATION_TOLERANCE_SEC, s.duration_tolerance)
    } s for released audio)`,
  );
  lines.push(`Artist releases: ${s.artist_album_groups.join(", ")}`);
  lines.push(
    `Threads: ${s.threads} downloads, ${s.search_concurrency} searches, ${s.spotify_concurrency} Spotify requests`,
  );
  lines.push(
    `Cache: ${
      s.cache_persistent ? s.cache_file ?? "persistent (default location)" : "in memory only"
    }`,
  );
  if (s.ytdlp_path !== undefined) lines.push(`yt-dlp: ${s.ytdlp_path}`);
  if (s.ffmpeg_path !== undefined) lines.push(`ffmpeg: ${s.ffmpeg_path}`);
  if (s.cookies_file !== undefined) lines.push(`Cookies: ${s.cookies_file}`);
  const credential = (present: boolean, source: CredentialSource) =>
    present ? `set (${source === "env" ? "from environment" : "from config"})` : "missing";
  lines.push(
    `Spotify client_id: ${
      credential(summary.credentials.client_id, summary.credentials.client_id_source)
    }, ` +
      `client_secret: ${
        credential(summary.credentials.client_secret, summary.credentials.client_secret_source)
      }`,
  );
  if (!summary.credentials.client_id || !summary.credentials.client_secret) {
    lines.push(
      "  (set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET, or download.client_id/client_secret, before downloading)",
    );
  }
  // The warnings themselves went to stderr as the config was read: count them, do not repeat them.
  if (summary.warnings.length > 0) {
    lines.push(`Warnings: ${summary.warnings.length} (shown above)`);
  }
  if (summary.ignored.length > 0) {
    lines.push(
      `Ignored musicdl settings (tunedl has no use for them): ${summary.ignored.join(", ")}`,
    );
  }
  lines.push(`Config hash: ${summary.config_hash}`);
  return `${lines.join("\n")}\n`;
}

function plural(count: number, noun: string): string {
  const singular = noun.endsWith("s") ? noun.slice(0, -1) : noun;
  return `${count} ${count === 1 ? singular : singular + "s"}`;
}
