/**
 * The Spotify Web API catalog client: tracks, albums, artists, playlists and
 * generic paging, normalized to plain data and identical for both API
 * generations. It learns which generation it talks to (pre-2026 or the 2026
 * Development Mode API) from the answers and stops trying removed endpoints.
 */
import type {
  SpotifyAlbum,
  SpotifyAlbumSummary,
  SpotifyArtist,
  SpotifyClientStats,
  SpotifyPlaylist,
  SpotifyTrack,
} from "./catalog_model.ts";
import { NotFoundError } from "../errors/mod.ts";
import { ApiTransport } from "./api_transport.ts";
import { mapWithConcurrency } from "./concurrent_map.ts";
import { PlaylistWithheldError, SpotifyHttpError, spotifyNotFoundError } from "./errors.ts";
import {
  describeUnreadPage,
  isPageFailure,
  type PagedRead,
  type PageFailure,
  pageOffsetOf,
} from "./paged_read.ts";
import type { SpotifyKind } from "../model/mod.ts";
import {
  asObject,
  classifyPlaylistRows,
  embeddedPlaylistPage,
  normalizeAlbum,
  normalizeAlbumSummary,
  normalizeArtist,
  normalizePlaylistMetadata,
  normalizeTrack,
  type RawObject,
} from "./normalize.ts";
import { type RateLimitSettings, TokenBucketRateLimiter } from "./rate_limiter.ts";
import { AdaptiveThrottle } from "./throttle.ts";
import { DEFAULT_REQUEST_TIMEOUT_MS, MAX_API_ANSWER_BYTES, requestLimits } from "./http_limits.ts";
import { abortableSleep, type Sleep, TaskPool } from "../util/mod.ts";
import { type Clock, systemClock } from "./timing.ts";
import {
  ClientCredentialsTokenProvider,
  DEFAULT_ACCOUNTS_URL,
  type TokenProvider,
} from "./token_provider.ts";

/** Which shape of the Web API the client talks to. */
export type ApiGeneration = "pre2026" | "2026";

/** Settings and collaborators of the catalog client; all optional but the credentials. */
export interface SpotifyClientOptions {
  /** Default "https://api.spotify.com" (TUNEDL_SPOTIFY_API_URL in the CLI). */
  apiUrl?: string;
  /** Default "https://accounts.spotify.com" (TUNEDL_SPOTIFY_ACCOUNTS_URL in the CLI). */
  accountsUrl?: string;
  /** Needed unless `tokenProvider` is given. */
  clientId?: string;
  /** Needed with `clientId` unless `tokenProvider` is given. */
  clientSecret?: string;
  /** HTTP client; global fetch by default. */
  fetch?: typeof fetch;
  /** Retries per request after the first attempt (default 4). */
  maxRetries?: number;
  /** First backoff delay (default 500 ms), doubled per retry. */
  retryBaseDelayMs?: number;
  /** Longest backoff (default 60 s). */
  retryMaxDelayMs?: number;
  /** Longest Retry-After waited out; a longer one raises RateLimitedError (default 10 min). */
  maxRetryAfterMs?: number;
  /** Time limit for an answer to start or to pause, per request (default 10 s; 2x for the whole). */
  requestTimeoutMs?: number;
  /** Proactive limit; default 90 requests per 30 s. */
  rateLimit?: RateLimitSettings;
  /** Most requests in flight at once (default 4). */
  concurrency?: number;
  /** Clock for retry and rate-limit timing; Date.now by default. */
  clock?: Clock;
  /** How the client waits (backoff, rate limit); abortableSleep by default. */
  sleep?: Sleep;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /** Default: client-credentials grant with clientId/clientSecret. */
  tokenProvider?: TokenProvider;
  /** "auto" (default) learns the generation from answers; the others pin it. */
  apiMode?: "auto" | ApiGeneration;
  /** Where the credentials came from, for hints ("SPOTIFY_CLIENT_ID ... in the environment"). */
  credentialsOrigin?: string;
}

/** Per-call options. */
export interface RequestOptions {
  /** Aborting it cancels the request, its retries and any wait for a slot. */
  signal?: AbortSignal;
}

/** Options of `getArtistAlbums`. */
export interface ArtistAlbumsOptions extends RequestOptions {
  /** `include_groups`; default ["album", "single"]. */
  groups?: string[];
}

/** Options of `getPaged`. */
export interface PagedOptions extends RequestOptions {
  /** Page size asked for when the path has no `limit` (default 50). */
  limit?: number;
}

/** Default origin of the Web API. */
export const DEFAULT_API_URL = "https://api.spotify.com";

/** Defaults for the tuning knobs of SpotifyClientOptions. */
export const DEFAULT_SPOTIFY_CLIENT_SETTINGS = {
  maxRetries: 4,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 60_000,
  maxRetryAfterMs: 600_000,
  rateLimit: { enabled: true, requests: 90, windowMs: 30_000 },
  concurrency: 8,
} as const;

/** Most ids per batch read (`/v1/tracks?ids=`). */
const TRACK_BATCH_SIZE = 50;
/** Most ids per album batch read (`/v1/albums?ids=`). */
const ALBUM_BATCH_SIZE = 20;
/** Most ids per artist batch read (`/v1/artists?ids=`). */
const ARTIST_BATCH_SIZE = 50;
/** Largest search/page limit the 2026 API accepts everywhere. */
const SAFE_PAGE_LIMIT = 10;

/** Reads Spotify catalog entities; one instance per run shares tokens, limits and stats. */
export class SpotifyClient {
  readonly #transport: ApiTransport;
  readonly #tokenProvider: TokenProvider;
  readonly #concurrency: number;
  readonly #pinned: boolean;
  #generation: ApiGeneration | "unknown";
  /** The first batch read while the generation is unknown; other batch reads wait for it. */
  #probe: Promise<void> | undefined;

  /** Fills in the defaults of DEFAULT_SPOTIFY_CLIENT_SETTINGS; makes no request yet. */
  constructor(options: SpotifyClientOptions) {
    const defaults = DEFAULT_SPOTIFY_CLIENT_SETTINGS;
    const clock = options.clock ?? systemClock;
    const sleep = options.sleep ?? abortableSleep;
    const random = options.random ?? Math.random;
    const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    const policy = {
      maxRetries: options.maxRetries ?? defaults.maxRetries,
      retryBaseDelayMs: options.retryBaseDelayMs ?? defaults.retryBaseDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs ?? defaults.retryMaxDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? defaults.maxRetryAfterMs,
    };
    const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? defaults.concurrency));
    this.#pinned = options.apiMode !== undefined && options.apiMode !== "auto";
    this.#generation = this.#pinned ? options.apiMode as ApiGeneration : "unknown";
    const tokenProvider = options.tokenProvider ?? new ClientCredentialsTokenProvider({
      clientId: options.clientId ?? "",
      clientSecret: options.clientSecret ?? "",
      accountsUrl: options.accountsUrl ?? DEFAULT_ACCOUNTS_URL,
      fetch: fetchFn,
      clock,
      sleep,
      random,
      ...policy,
      requestTimeoutMs: timeoutMs,
      onRequest: () => this.#transport.countTokenRequest(),
      credentialsOrigin: options.credentialsOrigin,
    });
    this.#tokenProvider = tokenProvider;
    this.#transport = new ApiTransport({
      apiUrl: options.apiUrl ?? DEFAULT_API_URL,
      fetch: fetchFn,
      tokenProvider,
      credentialsOrigin: options.credentialsOrigin,
      policy,
      limiter: new TokenBucketRateLimiter(
        options.rateLimit ?? { ...defaults.rateLimit },
        clock,
        sleep,
      ),
      pool: new TaskPool({ limit: this.#concurrency }),
      throttle: new AdaptiveThrottle(clock, sleep),
      limits: requestLimits(timeoutMs, MAX_API_ANSWER_BYTES),
      clock,
      sleep,
      random,
    });
  }

  /**
   * Starts getting an access token now, for a caller that knows requests follow (a warm run's
   * playlist checks): the token request then overlaps the work before them.
   */
  prefetchToken(): void {
    this.#tokenProvider.prefetch?.();
  }

  /** The API generation learned so far ("unknown" until an answer tells). */
  get apiGeneration(): ApiGeneration | "unknown" {
    return this.#generation;
  }

  /** Request counters (requests, retries, 429s, per endpoint). */
  stats(): SpotifyClientStats {
    return this.#transport.stats();
  }

  /** Sets the request counters back to zero. */
  resetStats(): void {
    this.#transport.resetStats();
  }

  /** GETs any Web API path (or absolute URL) and returns the raw JSON. */
  getJson(path: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#transport.getJson(path, options.signal);
  }

  /**
   * Reads every item of a paged endpoint (e.g. "/v1/me/tracks"), following
   * `next` links. Returns the raw items.
   */
  async getPaged(path: string, options: PagedOptions = {}): Promise<unknown[]> {
    return (await this.#readPaged(path, options, () => false)).items;
  }

  /**
   * Like `getPaged`, but a later page that keeps failing (a 5xx or malformed answer through
   * the retries) ends the reading there: the items read so far come back with that failure.
   * A first page that fails, an outage or a refused login still throw.
   */
  getPagedPartial(path: string, options: PagedOptions = {}): Promise<PagedRead> {
    return this.#readPaged(path, options, isPageFailure);
  }

  async #readPaged(
    path: string,
    options: PagedOptions,
    tolerated: (error: unknown) => boolean,
  ): Promise<PagedRead> {
    const first = withDefaultLimit(path, options.limit ?? 50);
    const read = (url: string) =>
      this.#collectPages(url, options.signal, { tolerated, position: 0, firstTolerated: false });
    try {
      return await read(first);
    } catch (error) {
      // The 2026 API lowered some limits; one retry with a small page size.
      if (
        error instanceof SpotifyHttpError && error.status === 400 &&
        /limit/i.test(error.apiMessage) && pageLimitOf(first) > SAFE_PAGE_LIMIT
      ) {
        return await read(setLimit(first, SAFE_PAGE_LIMIT));
      }
      throw error;
    }
  }

  /** One track (full object: with album and ISRC). */
  async getTrack(id: string, options: RequestOptions = {}): Promise<SpotifyTrack> {
    const raw = await this.#getEntity("track", `/v1/tracks/${encodeURIComponent(id)}`, id, options);
    return normalizeTrack(raw);
  }

  /**
   * Several tracks, in the order asked; null where Spotify has no such track.
   * Uses batch reads where the API still has them, single reads otherwise.
   */
  getTracks(
    ids: readonly string[],
    options: RequestOptions = {},
  ): Promise<Array<SpotifyTrack | null>> {
    return this.#getMany(ids, options, {
      batchPath: "/v1/tracks",
      batchSize: TRACK_BATCH_SIZE,
      key: "tracks",
      fromBatch: (raw) => Promise.resolve(normalizeTrack(raw)),
      single: (id) => this.getTrack(id, options),
    });
  }

  /** Several albums with all their tracks; batch reads (20 a request) where the API has them. */
  getAlbums(
    ids: readonly string[],
    options: RequestOptions = {},
  ): Promise<Array<SpotifyAlbum | null>> {
    return this.#getMany(ids, options, {
      batchPath: "/v1/albums",
      batchSize: ALBUM_BATCH_SIZE,
      key: "albums",
      fromBatch: (raw) => this.#albumFromRaw(raw, `/v1/albums/${String(raw.id)}`, options),
      single: (id) => this.getAlbum(id, options),
    });
  }

  /** Several artists; batch reads (50 a request) where the API has them. */
  getArtists(
    ids: readonly string[],
    options: RequestOptions = {},
  ): Promise<Array<SpotifyArtist | null>> {
    return this.#getMany(ids, options, {
      batchPath: "/v1/artists",
      batchSize: ARTIST_BATCH_SIZE,
      key: "artists",
      fromBatch: (raw) => Promise.resolve(normalizeArtist(raw)),
      single: (id) => this.getArtist(id, options),
    });
  }

  /**
   * Batch reads (`<batchPath>?ids=`) while the API has them; after the first
   * "removed" answer (2026 rules) single reads with the client's concurrency.
   */
  async #getMany<T>(
    ids: readonly string[],
    options: RequestOptions,
    how: {
      batchPath: string;
      batchSize: number;
      key: string;
      fromBatch: (raw: RawObject) => Promise<T>;
      single: (id: string) => Promise<T>;
    },
  ): Promise<Array<T | null>> {
    const results = new Array<T | null>(ids.length).fill(null);
    const pending: number[] = [];
    if (this.#generation !== "2026") {
      const batches: number[][] = [];
      for (let start = 0; start < ids.length; start += how.batchSize) {
        batches.push(
          ids.slice(start, start + how.batchSize).map((_, offset) => start + offset),
        );
      }
      const readBatch = async (positions: number[]) => {
        if (this.#generation === "2026") {
          pending.push(...positions);
          return;
        }
        const query = positions.map((p) => encodeURIComponent(ids[p])).join(",");
        try {
          const body = asObject(await this.getJson(`${how.batchPath}?ids=${query}`, options));
          const rows = body && Array.isArray(body[how.key]) ? body[how.key] as unknown[] : [];
          await Promise.all(positions.map(async (position, i) => {
            const raw = asObject(rows[i]);
            results[position] = raw ? await how.fromBatch(raw) : null;
          }));
          this.#learn("pre2026");
        } catch (error) {
          if (!isRemovedEndpoint(error)) throw error;
          this.#learn("2026");
          pending.push(...positions);
        }
      };
      // Until an answer tells which rules apply, one batch goes first: under the 2026 rules
      // only that one is refused, not every batch sent meanwhile, also by other calls (a
      // batcher flushing twice before the first answer), however the timing falls.
      if (this.#generation === "unknown" && batches.length > 0) {
        if (this.#probe !== undefined) await this.#probe.catch(() => {});
        else {
          const probe = readBatch(batches.shift()!);
          this.#probe = probe;
          try {
            await probe;
          } finally {
            this.#probe = undefined;
          }
        }
      }
      await mapWithConcurrency(batches, readBatch, { limit: this.#concurrency });
    } else {
      pending.push(...ids.keys());
    }
    await mapWithConcurrency(pending, async (position) => {
      try {
        results[position] = await how.single(ids[position]);
      } catch (error) {
        if (error instanceof NotFoundError) return; // stays null, like a batch read
        throw error;
      }
    }, { limit: this.#concurrency });
    return results;
  }

  /** An album with its metadata and every track (all pages). */
  async getAlbum(id: string, options: RequestOptions = {}): Promise<SpotifyAlbum> {
    const path = `/v1/albums/${encodeURIComponent(id)}`;
    const raw = await this.#getEntity("album", path, id, options);
    return await this.#albumFromRaw(raw, path, options);
  }

  /** An album object plus the rest of its track pages. */
  async #albumFromRaw(
    raw: RawObject,
    path: string,
    options: RequestOptions,
  ): Promise<SpotifyAlbum> {
    const page = asObject(raw.tracks);
    let rows: unknown[];
    let unread: string | undefined;
    if (page && Array.isArray(page.items)) {
      rows = [...page.items];
      if (typeof page.next === "string") {
        // One bad page costs the tracks from there on, not the album.
        const rest = await this.#collectPages(page.next, options.signal, {
          tolerated: isPageFailure,
          position: rows.length,
          firstTolerated: true,
        });
        rows.push(...rest.items);
        if (rest.failure) unread = describeUnreadPage("tracks", rest.failure);
      }
    } else {
      // No first page in the album object: read from the start, the first page must answer.
      const read = await this.getPagedPartial(`${path}/tracks`, { ...options, limit: 50 });
      rows = read.items;
      if (read.failure) unread = describeUnreadPage("tracks", read.failure);
    }
    const album = normalizeAlbum(raw, rows);
    if (unread) album.unreadTracks = unread;
    return album;
  }

  /** An artist's name, genres and picture. */
  async getArtist(id: string, options: RequestOptions = {}): Promise<SpotifyArtist> {
    const path = `/v1/artists/${encodeURIComponent(id)}`;
    return normalizeArtist(await this.#getEntity("artist", path, id, options));
  }

  /** Every album of an artist in the given groups (all pages), without duplicates. */
  async getArtistAlbums(
    id: string,
    options: ArtistAlbumsOptions = {},
  ): Promise<SpotifyAlbumSummary[]> {
    const groups = (options.groups ?? ["album", "single"]).join(",");
    const path = `/v1/artists/${encodeURIComponent(id)}/albums?include_groups=${
      encodeURIComponent(groups)
    }`;
    const rows = await this.#mapNotFound(
      "artist",
      id,
      () => this.getPaged(path, { signal: options.signal, limit: 50 }),
    );
    const seen = new Set<string>();
    const albums: SpotifyAlbumSummary[] = [];
    for (const row of rows) {
      const raw = asObject(row);
      if (!raw) continue;
      const album = normalizeAlbumSummary(raw);
      if (!album.id || seen.has(album.id)) continue;
      seen.add(album.id);
      albums.push(album);
    }
    return albums;
  }

  /**
   * A playlist with every entry. Unreadable entries (local files, episodes,
   * removed tracks) come back in `skipped`. Throws PlaylistWithheldError when
   * Spotify returns only the metadata (2026 rules for playlists you don't own).
   */
  async getPlaylist(id: string, options: RequestOptions = {}): Promise<SpotifyPlaylist> {
    const path = `/v1/playlists/${encodeURIComponent(id)}`;
    const raw = await this.#getEntity("playlist", path, id, options);
    const metadata = normalizePlaylistMetadata(raw);
    const withheld = (cause?: unknown) =>
      new PlaylistWithheldError(
        { id, name: metadata.name || undefined, ownerName: metadata.ownerName || undefined },
        { cause },
      );
    const page = embeddedPlaylistPage(raw);
    let rows: unknown[];
    let failure: PageFailure | undefined;
    if (page && Array.isArray(page.items)) {
      rows = [...page.items];
      if (typeof page.next === "string") {
        const next = page.next;
        const rest = await this.#mapWithheld(
          () =>
            this.#collectPages(next, options.signal, {
              tolerated: isPlaylistPageFailure,
              position: rows.length,
              firstTolerated: true,
            }),
          withheld,
        );
        rows.push(...rest.items);
        failure = rest.failure;
      }
    } else {
      ({ items: rows, failure } = await this.#readPlaylistRows(path, options.signal, withheld));
    }
    const unreadEntries = failure ? describeUnreadPage("entries", failure) : undefined;
    if (rows.length === 0 && metadata.totalEntries > 0) throw withheld();
    const { entries, skipped } = classifyPlaylistRows(rows);
    return {
      ...metadata,
      totalEntries: Math.max(metadata.totalEntries, rows.length),
      entries,
      skipped,
      ...(unreadEntries ? { unreadEntries } : {}),
    };
  }

  /** The rows of a playlist whose object came without a first page, read from the start. */
  async #readPlaylistRows(
    path: string,
    signal: AbortSignal | undefined,
    withheld: (cause?: unknown) => PlaylistWithheldError,
  ): Promise<PagedRead> {
    if (this.#generation !== "pre2026") {
      try {
        const read = await this.#readPaged(
          `${path}/items`,
          { signal, limit: 50 },
          isPlaylistPageFailure,
        );
        this.#learn("2026");
        return read;
      } catch (error) {
        if (!(error instanceof SpotifyHttpError)) throw error;
        if (error.status === 403) throw withheld(error);
        if (error.status !== 404) throw error;
        // No /items endpoint: an API from before 2026.
        this.#learn("pre2026");
      }
    }
    return await this.#mapWithheld(
      () => this.#readPaged(`${path}/tracks`, { signal, limit: 100 }, isPlaylistPageFailure),
      withheld,
    );
  }

  async #mapWithheld<T>(
    read: () => Promise<T>,
    withheld: (cause?: unknown) => PlaylistWithheldError,
  ): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof SpotifyHttpError && error.status === 403) throw withheld(error);
      throw error;
    }
  }

  async #getEntity(
    kind: SpotifyKind,
    path: string,
    id: string,
    options: RequestOptions,
  ): Promise<RawObject> {
    const body = await this.#mapNotFound(kind, id, () => this.getJson(path, options));
    const raw = asObject(body);
    if (!raw) throw spotifyNotFoundError(kind, id);
    return raw;
  }

  async #mapNotFound<T>(kind: SpotifyKind, id: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (
        error instanceof SpotifyHttpError &&
        (error.status === 404 || (error.status === 400 && /invalid.*id/i.test(error.apiMessage)))
      ) {
        throw spotifyNotFoundError(kind, id, error);
      }
      throw error;
    }
  }

  /**
   * The pages from `firstUrl` on, following `next` links. A page failing with an error
   * `tolerated` accepts ends the reading there and the pages read so far come back with that
   * failure; the page at `firstUrl` only when `firstTolerated` (a first page read before).
   * `position` counts the items of the source before `firstUrl`.
   */
  async #collectPages(
    firstUrl: string,
    signal: AbortSignal | undefined,
    how: { tolerated: (error: unknown) => boolean; position: number; firstTolerated: boolean },
  ): Promise<PagedRead> {
    const items: unknown[] = [];
    const visited = new Set<string>();
    let url: string | undefined = firstUrl;
    while (url !== undefined) {
      const resolved = this.#transport.resolve(url);
      if (visited.has(resolved)) break; // a server that links a page to itself
      visited.add(resolved);
      let page: RawObject | undefined;
      try {
        page = asObject(await this.#transport.getJson(resolved, signal));
      } catch (error) {
        const first = visited.size === 1 && !how.firstTolerated;
        if (first || !how.tolerated(error)) throw error;
        const position = how.position + items.length;
        return {
          items,
          failure: { position, offset: pageOffsetOf(resolved, position), error: error as Error },
        };
      }
      const pageItems = Array.isArray(page?.items) ? page.items : [];
      items.push(...pageItems);
      url = typeof page?.next === "string" && pageItems.length > 0 ? page.next : undefined;
    }
    return { items };
  }

  #learn(generation: ApiGeneration): void {
    if (!this.#pinned && this.#generation !== "2026") this.#generation = generation;
  }
}

/** A page failure of a playlist: a 403 means withheld (the whole playlist), not one page. */
function isPlaylistPageFailure(error: unknown): boolean {
  return isPageFailure(error) && !(error instanceof SpotifyHttpError && error.status === 403);
}

/** 403/404 from an endpoint the 2026 API removed (not the Premium 403: that is an AuthError). */
function isRemovedEndpoint(error: unknown): boolean {
  return error instanceof SpotifyHttpError && (error.status === 403 || error.status === 404);
}

function withDefaultLimit(path: string, limit: number): string {
  return /[?&]limit=/.test(path) ? path : `${path}${path.includes("?") ? "&" : "?"}limit=${limit}`;
}

function pageLimitOf(path: string): number {
  const match = /[?&]limit=(\d+)/.exec(path);
  return match ? Number(match[1]) : 0;
}

function setLimit(path: string, limit: number): string {
  return path.replace(/([?&]limit=)\d+/, `$1${limit}`);
}
