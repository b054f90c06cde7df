/**
 * Wiring shared by the commands that talk to Spotify: the catalog client with
 * the config's limits, the caches (memory + the KV file), and the catalog
 * reader the generator uses. The only place env settings become options.
 */
import {
  type CachePaths,
  cachePaths,
  type CacheSet,
  createCacheSet,
  defaultCacheDir,
  fileProbe,
  folderWriteProblem,
  openPersistentCache,
} from "../cache/mod.ts";
import { type LoadedConfig, NO_CONFIG_FILE } from "../config/mod.ts";
import { LibraryIndex } from "../library/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import {
  type CatalogReader,
  plansDir,
  spotifyCatalogReader,
  type TrackDetailsReader,
} from "../plan/mod.ts";
import {
  loginFile,
  type OpenedLogin,
  openStoredLogin,
  SpotifyClient,
  type SpotifyUser,
  type TokenProvider,
} from "../spotify/mod.ts";
import { dirname } from "node:path";
import type { CliIo } from "./io.ts";
import { printable } from "./terminal_text.ts";

const SECOND = 1000;

/** Everything a Spotify-reading command needs, plus a close() for the end. */
export interface RunContext {
  loaded: LoadedConfig;
  paths: CachePaths;
  caches: CacheSet;
  /** Track id -> file in the library; null without a cache file. */
  libraryIndex: LibraryIndex | null;
  client: SpotifyClient;
  catalog: CatalogReader & TrackDetailsReader;
  /** Who the client reads as (`tunedl login`); null with client credentials. */
  user: SpotifyUser | null;
  /** Whether the cache folder can be written (saved plans, run records, the KV file). */
  cacheWritable: boolean;
  close(): Promise<void>;
}

/** The cache folder's paths for this config and environment. */
export function cachePathsFor(loaded: LoadedConfig | null, io: CliIo): CachePaths {
  const dir = defaultCacheDir({ os: io.os, env: io.env, home: io.home });
  return cachePaths(dir, { os: io.os, cacheFile: loaded?.cacheFile });
}

/**
 * Whether the cache folder (the KV file's and the saved plans' folders) can be written; says
 * so once when not: the run goes on with memory caches only, without resume or a run record.
 */
export async function checkCacheFolder(paths: CachePaths, io: CliIo): Promise<boolean> {
  for (const dir of new Set([dirname(paths.kvFile), plansDir(paths.dir)])) {
    const problem = await folderWriteProblem(dir);
    if (problem === undefined) continue;
    io.err(
      `warning: the cache folder ${dir} cannot be written (${problem}); running without the ` +
        `persistent cache: nothing is remembered for the next run, and --resume and ` +
        `\`tunedl report\` will not know this run\n`,
    );
    io.err(`hint: make the folder writable, or set TUNEDL_CACHE_DIR to a writable folder\n`);
    return false;
  }
  return true;
}

/** Opens the caches a run uses: the KV file unless turned off or unusable (then memory only). */
export async function openCaches(
  loaded: LoadedConfig,
  io: CliIo,
  options: { cacheWritable?: boolean } = {},
): Promise<CacheSet> {
  const d = loaded.config.download;
  const paths = cachePathsFor(loaded, io);
  const warn = (message: string) => io.err(`warning: ${printable(message)}\n`);
  const persistent = d.cache_persistent && options.cacheWritable !== false
    ? await openPersistentCache(paths.kvFile, { warn })
    : null;
  return createCacheSet({
    persistent,
    spotify: { maxSize: d.cache_max_size, ttlMs: d.cache_ttl * SECOND },
    search: {
      maxSize: d.audio_search_cache_max_size,
      ttlMs: d.audio_search_cache_ttl * SECOND,
      failureTtlMs: d.audio_search_failure_ttl * SECOND,
    },
    files: {
      maxSize: d.file_cache_max_size,
      ttlMs: d.file_cache_ttl * SECOND,
      // The size and time come with the stat: the check of present files reuses them.
      probe: fileProbe(),
    },
    warn,
  });
}

/**
 * Where the app's credentials were read from, for every hint about them: the environment,
 * which config file, or both.
 */
export function credentialsOrigin(loaded: LoadedConfig): string {
  const from = loaded.credentials;
  const inFile = `${loaded.file} (download: section)`;
  if (from === undefined) return `client_id and client_secret in ${inFile}`;
  if (from.client_id === "env" && from.client_secret !== "config") {
    return "SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET in the environment";
  }
  if (from.client_id !== "env" && from.client_secret !== "env") {
    return `client_id and client_secret in ${inFile}`;
  }
  const where = (key: "client_id" | "client_secret", variable: string) =>
    from[key] === "env" ? `${variable} in the environment` : `${key} in ${inFile}`;
  return `${where("client_id", "SPOTIFY_CLIENT_ID")} and ` +
    `${where("client_secret", "SPOTIFY_CLIENT_SECRET")}`;
}

/** The Spotify client for this config; credentials from the environment win. */
export function spotifyClientFor(
  loaded: LoadedConfig,
  io: CliIo,
  options: { tokenProvider?: TokenProvider } = {},
): SpotifyClient {
  const d = loaded.config.download;
  if (!options.tokenProvider && (!d.client_id || !d.client_secret)) {
    // A one-shot run without a config file has no file to name.
    const where = loaded.file === NO_CONFIG_FILE ? "" : `${loaded.file}: `;
    throw new ConfigError(`${where}Spotify credentials are missing`, {
      hint: "Set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET, or download.client_id and " +
        "download.client_secret in the config (create an app at https://developer.spotify.com/dashboard).",
    });
  }
  return new SpotifyClient({
    apiUrl: io.env.TUNEDL_SPOTIFY_API_URL || undefined,
    accountsUrl: io.env.TUNEDL_SPOTIFY_ACCOUNTS_URL || undefined,
    clientId: d.client_id,
    clientSecret: d.client_secret,
    tokenProvider: options.tokenProvider,
    credentialsOrigin: credentialsOrigin(loaded),
    maxRetries: d.spotify_max_retries,
    retryBaseDelayMs: d.spotify_retry_base_delay * SECOND,
    retryMaxDelayMs: d.spotify_retry_max_delay * SECOND,
    maxRetryAfterMs: d.spotify_max_retry_after * SECOND,
    requestTimeoutMs: d.request_timeout * SECOND,
    rateLimit: {
      enabled: d.spotify_rate_limit_enabled,
      requests: d.spotify_rate_limit_requests,
      windowMs: d.spotify_rate_limit_window * SECOND,
    },
    concurrency: d.spotify_concurrency,
  });
}

/** The saved `tunedl login` for this config's client id, with its refreshing token provider. */
export function loginFor(loaded: LoadedConfig, io: CliIo): Promise<OpenedLogin | undefined> {
  const clientId = loaded.config.download.client_id;
  if (!clientId) return Promise.resolve(undefined);
  return openStoredLogin(loginFile(cachePathsFor(loaded, io).dir), {
    clientId,
    accountsUrl: io.env.TUNEDL_SPOTIFY_ACCOUNTS_URL || undefined,
    requestTimeoutMs: loaded.config.download.request_timeout * SECOND,
    warn: (message) => io.err(`warning: ${printable(message)}\n`),
    credentialsOrigin: credentialsOrigin(loaded),
  });
}

/** Options of {@link createRunContext}. */
export interface RunContextOptions {
  /**
   * Requests follow for certain (a plan that checks playlists): the token is asked for before
   * the cache file is checked and opened, which then overlaps its round trip.
   */
  prefetchToken?: boolean;
}

/** Whether a plan of this config reads Spotify on every run, cache or not (its playlists are checked). */
export function plansAskSpotify(loaded: LoadedConfig): boolean {
  return loaded.config.playlists.length > 0 || loaded.config.liked_songs;
}

/** Builds the Spotify side of a run: client, caches, catalog reader. */
export async function createRunContext(
  loaded: LoadedConfig,
  io: CliIo,
  options: RunContextOptions = {},
): Promise<RunContext> {
  // With a login every call uses the user's token (their playlists, Liked
  // Songs); without one, the app's client credentials.
  const login = await loginFor(loaded, io);
  const client = spotifyClientFor(loaded, io, { tokenProvider: login?.tokenProvider });
  if (options.prefetchToken) client.prefetchToken();
  const paths = cachePathsFor(loaded, io);
  const cacheWritable = await checkCacheFolder(paths, io);
  const caches = await openCaches(loaded, io, { cacheWritable });
  const spotifyCache = caches.spotify;
  const catalog = spotifyCatalogReader(client, {
    cache: {
      get: (key) => spotifyCache.get(key),
      getMany: (keys) => spotifyCache.getMany(keys),
      set: (key, value, options) => spotifyCache.set(key, value, options),
      getOrLoad: (key, loader, options) => spotifyCache.getOrLoad(key, loader, options),
    },
    ttls: { artistAlbumsMs: loaded.config.download.cache_ttl * SECOND },
    user: login?.login.user ?? null,
  });
  return {
    loaded,
    paths,
    caches,
    cacheWritable,
    libraryIndex: caches.persistent === null ? null : new LibraryIndex(caches.persistent),
    client,
    catalog,
    user: login?.login.user ?? null,
    close: () => caches.close(),
  };
}
