/**
 * The one place the loaded config becomes each stage's own options: nothing
 * below cli/ sees LoadedConfig.
 */
import { configHash, type LoadedConfig } from "../config/mod.ts";
import type { ExecuteOptions, PlacementOptions, PlanSources, TrackSettings } from "../plan/mod.ts";
import type { RunContext } from "./run_context.ts";

const SECOND = 1000;
/** Tracks in the Spotify stage at once: enough to fill a 50-id batch read. */
const SPOTIFY_STAGE_LIMIT = 50;

/** The config's sources in the generator's terms (only Liked Songs with `download liked`). */
export function planSourcesFor(
  loaded: LoadedConfig,
  options: { likedOnly?: boolean } = {},
): PlanSources {
  const c = loaded.config;
  if (options.likedOnly) {
    return { songs: [], albums: [], artists: [], playlists: [], likedSongs: true };
  }
  return {
    songs: c.songs,
    albums: c.albums,
    artists: c.artists,
    playlists: c.playlists,
    likedSongs: c.liked_songs,
  };
}

/** The hash a saved plan is filed under: the config's, apart for `download liked`. */
export function planHashFor(loaded: LoadedConfig, options: { likedOnly?: boolean } = {}): string {
  return configHash(loaded.config) + (options.likedOnly ? "-liked" : "");
}

/** Where tracks go and what to do with files already there. */
export function placementFor(ctx: RunContext): PlacementOptions {
  const d = ctx.loaded.config.download;
  return {
    layout: ctx.loaded.library,
    format: d.format,
    overwrite: d.overwrite,
    fileExists: (path) => ctx.caches.files.exists(path),
    m3u: d.m3u,
  };
}

/** The per-track settings of the download pipeline. */
export function trackSettingsFor(loaded: LoadedConfig): TrackSettings {
  const d = loaded.config.download;
  return {
    format: d.format,
    bitrate: d.bitrate,
    matchThreshold: d.match_threshold,
    durationToleranceSec: d.duration_tolerance,
    downloadTimeoutMs: d.download_timeout * SECOND,
    requestTimeoutMs: d.request_timeout * SECOND,
    cookiesFile: d.cookies_file,
    ytdlpArgs: d.ytdlp_args,
    overrides: loaded.config.overrides,
  };
}

/** The executor's pools and retries. */
export function executionLimitsFor(
  loaded: LoadedConfig,
): Pick<ExecuteOptions, "limits" | "maxRetries" | "retryBaseDelayMs"> {
  const d = loaded.config.download;
  return {
    // The Spotify stage is mostly cache lookups and batched reads; the
    // client itself bounds its requests in flight (spotify_concurrency).
    limits: { spotify: SPOTIFY_STAGE_LIMIT, search: d.search_concurrency, download: d.threads },
    maxRetries: d.max_retries,
    retryBaseDelayMs: SECOND,
  };
}
