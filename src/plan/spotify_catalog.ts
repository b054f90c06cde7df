/**
 * The generator's view of Spotify, backed by the catalog client and a cache.
 * Albums and tracks barely change, so they are kept long; an artist's album
 * list is kept for the configured TTL (new releases appear); a playlist is
 * kept until its snapshot id changes, which costs one small request to check.
 */
import { type TrackMetadata } from "../model/mod.ts";
import {
  classifyPlaylistRows,
  describeUnreadPage,
  likedSongsNeedLoginError,
  type PagedRead,
  PlaylistWithheldError,
  type SpotifyAlbum,
  type SpotifyAlbumSummary,
  type SpotifyArtist,
  type SpotifyPlaylist,
  type SpotifyTrack,
  type SpotifyUser,
  toTrackMetadata,
  withheldFromOtherUserError,
} from "../spotify/mod.ts";
import { NotFoundError } from "../errors/mod.ts";
import type { CatalogAlbum, CatalogArtist, CatalogPlaylist, CatalogReader } from "./generate.ts";

/** The parts of the Spotify client the catalog reader uses. */
export interface SpotifyCatalogClient {
  /** "pre2026" (batch reads exist), "2026" (they don't), or "unknown" until an answer tells. */
  readonly apiGeneration: string;
  /** One full track (with album and ISRC). */
  getTrack(id: string, options: { signal?: AbortSignal }): Promise<SpotifyTrack>;
  /** Several full tracks (batch reads where the API has them); null for unknown ids. */
  getTracks(
    ids: readonly string[],
    options: { signal?: AbortSignal },
  ): Promise<Array<SpotifyTrack | null>>;
  /** One album with its complete track list. */
  getAlbum(id: string, options: { signal?: AbortSignal }): Promise<SpotifyAlbum>;
  /** One artist (name, genres, image). */
  getArtist(id: string, options: { signal?: AbortSignal }): Promise<SpotifyArtist>;
  /** Several albums / artists (batch reads where the API has them); null for unknown ids. */
  getAlbums(
    ids: readonly string[],
    options: { signal?: AbortSignal },
  ): Promise<Array<SpotifyAlbum | null>>;
  /** Several artists (batch reads where the API has them); null for unknown ids. */
  getArtists(
    ids: readonly string[],
    options: { signal?: AbortSignal },
  ): Promise<Array<SpotifyArtist | null>>;
  /** An artist's albums in the given album_group values, in Spotify's order. */
  getArtistAlbums(
    id: string,
    options: { groups?: string[]; signal?: AbortSignal },
  ): Promise<SpotifyAlbumSummary[]>;
  /**
   * One playlist with all its entries; rejects with PlaylistWithheldError when they are withheld.
   */
  getPlaylist(id: string, options: { signal?: AbortSignal }): Promise<SpotifyPlaylist>;
  /** One raw GET of an API path (e.g. a playlist's snapshot_id alone). */
  getJson(path: string, options: { signal?: AbortSignal }): Promise<unknown>;
  /** Every page it can read; a later page that keeps failing ends it early (see PagedRead). */
  getPagedPartial(
    path: string,
    options: { signal?: AbortSignal; limit?: number },
  ): Promise<PagedRead>;
}

/** A cache of Spotify answers (the CLI passes the tiered memory + KV cache). */
export interface AnswerCache {
  /** The live value stored under `key`, or undefined. */
  get<T>(key: string): Promise<T | undefined>;
  /** Like `get` for several keys, in their order; optional (one `get` per key without it). */
  getMany?<T>(keys: readonly string[]): Promise<Array<T | undefined>>;
  /** Stores `value` under `key` for `options.ttlMs` milliseconds. */
  set<T>(key: string, value: T, options: { ttlMs: number }): Promise<void>;
  /**
   * The live value under `key`, else loads, stores and returns it; concurrent callers share one
   * load.
   */
  getOrLoad<T>(key: string, loader: () => Promise<T>, options: { ttlMs: number }): Promise<T>;
}

/** How long each kind of answer is kept. */
export interface CatalogTtls {
  /** Albums and full tracks (default 30 days). */
  catalogMs: number;
  /** An artist's album list (the config's cache_ttl). */
  artistAlbumsMs: number;
  /** Playlists, revalidated by snapshot id on every read (default 30 days). */
  playlistMs: number;
  /** A "Spotify has no such item" answer (default a day: a link may be fixed on Spotify's side). */
  missingMs: number;
}

/** A remembered "Spotify has no such item" answer. */
interface MissingAnswer {
  message: string;
  hint?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_TTLS: CatalogTtls = {
  catalogMs: 30 * DAY_MS,
  artistAlbumsMs: DAY_MS,
  playlistMs: 30 * DAY_MS,
  missingMs: DAY_MS,
};

/** What the download stage reads on top of the plan: full tracks (ISRC) and genres. */
export interface TrackDetailsReader {
  /** The full track (with ISRC and album), cached. */
  fullTrack(id: string, options: { signal?: AbortSignal }): Promise<TrackMetadata>;
  /** An artist's genres, cached. */
  artistGenres(id: string, options: { signal?: AbortSignal }): Promise<string[]>;
  /**
   * Reads the full tracks and main artists of tracks that are about to be
   * searched, in as few requests as the API allows (batches of 50 before 2026);
   * later fullTrack/artistGenres calls are then answered from the cache.
   */
  prefetch(
    tracks: readonly { trackId?: string; artistId?: string }[],
    options: { signal?: AbortSignal },
  ): Promise<void>;
}

/** A no-op cache for runs without caching. */
const noCache: AnswerCache = {
  get: () => Promise.resolve(undefined),
  set: () => Promise.resolve(),
  getOrLoad: (_key, loader) => loader(),
};

/** Builds the generator's catalog reader (plus track details) over the client and a cache. */
export function spotifyCatalogReader(
  client: SpotifyCatalogClient,
  options: {
    cache?: AnswerCache;
    ttls?: Partial<CatalogTtls>;
    /**
     * Who the client reads as: the logged-in user, or null for the app alone
     * (client credentials: no Liked Songs). Undefined when the caller does not know.
     */
    user?: SpotifyUser | null;
  } = {},
): CatalogReader & TrackDetailsReader {
  const cache = options.cache ?? noCache;
  const user = options.user;
  const ttls = { ...DEFAULT_TTLS, ...options.ttls };
  // A batch of ids is looked up in one go: the cache file answers ten keys for the cost of one.
  const getAll = <T>(keys: readonly string[]): Promise<Array<T | undefined>> =>
    cache.getMany ? cache.getMany<T>(keys) : Promise.all(keys.map((key) => cache.get<T>(key)));

  // Reads asked for within a few milliseconds of each other go out together:
  // one batch request per 50 tracks or artists, or 20 albums, where the API
  // still has batch reads (before 2026); single reads otherwise.
  // An album read only in part is not kept: the next run reads it whole again.
  const cached =
    <T extends { id: string; unreadTracks?: string }>(prefix: string) =>
    async (items: Array<T | null>) => {
      await Promise.all(
        items.map((item) =>
          item && !item.unreadTracks
            ? cache.set(`${prefix}:${item.id}`, item, { ttlMs: ttls.catalogMs })
            : undefined
        ),
      );
      return items;
    };
  // The cache is asked inside the batch, not before it: ids join a batch the
  // moment they are wanted, so a batch fills even when cache lookups are slow
  // (a busy machine, a cold run writing thousands of entries at once).
  // "Spotify has no such item" (null from the client) is remembered too, for a day, so a
  // warm run does not ask again; a transient failure (5xx, timeout) throws and is not.
  const readThrough = <T extends { id: string }>(
    prefix: string,
    read: (ids: string[], signal?: AbortSignal) => Promise<Array<T | null>>,
  ) =>
  async (ids: string[], signal?: AbortSignal): Promise<Array<T | null>> => {
    const known = await getAll<T>(ids.map((id) => `${prefix}:${id}`));
    const unknown = ids.filter((_, i) => known[i] === undefined);
    const gone = new Set<string>();
    if (unknown.length > 0) {
      const answers = await getAll<MissingAnswer>(unknown.map((id) => `missing:${prefix}:${id}`));
      unknown.forEach((id, i) => answers[i] !== undefined && gone.add(id));
    }
    const wanted = unknown.filter((id) => !gone.has(id));
    const fresh = wanted.length > 0 ? await read(wanted, signal).then(cached(prefix)) : [];
    await Promise.all(wanted.map((id, i) => {
      if (fresh[i] !== null) return undefined;
      const answer: MissingAnswer = {
        message: `Spotify has no ${prefix} https://open.spotify.com/${prefix}/${id}`,
      };
      return cache.set(`missing:${prefix}:${id}`, answer, { ttlMs: ttls.missingMs });
    }));
    const readById = new Map(wanted.map((id, i) => [id, fresh[i]]));
    return ids.map((id, i) => known[i] ?? readById.get(id) ?? null);
  };
  const trackBatcher = new Batcher<SpotifyTrack>(
    "track",
    readThrough("track", (ids, signal) => client.getTracks(ids, { signal })),
    50,
  );
  const albumBatcher = new Batcher<SpotifyAlbum>(
    "album",
    readThrough("album", (ids, signal) => client.getAlbums(ids, { signal })),
    20,
  );
  const artistBatcher = new Batcher<SpotifyArtist>(
    "artist",
    readThrough("artist", (ids, signal) => client.getArtists(ids, { signal })),
    50,
  );
  const load = <T>(batcher: Batcher<T>, id: string, signal?: AbortSignal) =>
    batcher.load(id, signal);
  const album = (id: string, signal?: AbortSignal) => load(albumBatcher, id, signal);
  const artist = (id: string, signal?: AbortSignal) => load(artistBatcher, id, signal);
  const track = (id: string, signal?: AbortSignal) => load(trackBatcher, id, signal);

  async function playlist(id: string, signal?: AbortSignal): Promise<SpotifyPlaylist> {
    const key = `playlist:${id}`;
    const stampKey = `playlist-snapshot:${id}`;
    const [missing, stamp] = await getAll<unknown>([`missing:${key}`, stampKey]);
    if (missing !== undefined) {
      const answer = missing as MissingAnswer;
      throw new NotFoundError(answer.message, { hint: answer.hint });
    }
    const head = () =>
      client.getJson(`/v1/playlists/${encodeURIComponent(id)}?fields=snapshot_id`, {
        signal,
      }) as Promise<{ snapshot_id?: unknown } | null>;
    const reading = cache.get<SpotifyPlaylist>(key);
    // The snapshot id is kept on its own beside the playlist: with it, the check goes out while
    // the playlist itself (hundreds of KB) is read. The playlist's own id decides.
    type Checked = [{ snapshot_id?: unknown } | null, SpotifyPlaylist | undefined];
    const [current, cached]: Checked = typeof stamp === "string"
      ? await Promise.all([head(), reading])
      : await reading.then(async (value): Promise<Checked> => [
        value?.snapshotId ? await head() : null,
        value,
      ]);
    if (cached?.snapshotId && current?.snapshot_id === cached.snapshotId) return cached;
    let fresh: SpotifyPlaylist;
    try {
      fresh = await client.getPlaylist(id, { signal });
    } catch (error) {
      // Logged in and still withheld: not the user's playlist, logging in won't help.
      if (error instanceof PlaylistWithheldError && user) {
        throw withheldFromOtherUserError(error, { id: user.id, name: user.displayName });
      }
      if (error instanceof NotFoundError) {
        const answer: MissingAnswer = { message: error.message, hint: error.hint };
        await cache.set(`missing:${key}`, answer, { ttlMs: ttls.missingMs });
      }
      throw error;
    }
    if (!fresh.unreadEntries) {
      await cache.set(key, fresh, { ttlMs: ttls.playlistMs });
      if (fresh.snapshotId) await cache.set(stampKey, fresh.snapshotId, { ttlMs: ttls.playlistMs });
    }
    return fresh;
  }

  return {
    async track(id, { signal }) {
      return toTrackMetadata(await track(id, signal));
    },
    async fullTrack(id, { signal }) {
      return toTrackMetadata(await track(id, signal));
    },
    async prefetch(tracks, { signal }) {
      const missing = async (prefix: string, ids: (string | undefined)[]) => {
        const unique = [...new Set(ids.filter((id): id is string => !!id))];
        const known = await getAll(unique.map((id) => `${prefix}:${id}`));
        return unique.filter((_, i) => known[i] === undefined);
      };
      const [trackIds, artistIds] = await Promise.all([
        missing("track", tracks.map((t) => t.trackId)),
        missing("artist", tracks.map((t) => t.artistId)),
      ]);
      // Without batch reads (2026) a prefetch would only move the same single
      // reads in front of the downloads; they then happen one by one as tracks go.
      // A first small batch tells which rules apply when nothing has yet.
      if (client.apiGeneration === "unknown" && trackIds.length > 0) {
        await client.getTracks(trackIds.splice(0, 50), { signal }).then(cached("track"));
      }
      if (client.apiGeneration === "2026") return;
      await Promise.all([
        client.getTracks(trackIds, { signal }).then(cached("track")),
        client.getArtists(artistIds, { signal }).then(cached("artist")),
      ]);
    },
    async artistGenres(id, { signal }) {
      return (await artist(id, signal)).genres;
    },
    async album(id, { signal }): Promise<CatalogAlbum> {
      const value = await album(id, signal);
      return {
        id: value.id,
        name: value.name,
        url: value.url,
        artists: value.artists.map((a) => a.name),
        releaseDate: value.releaseDate,
        coverUrl: value.coverUrl,
        tracks: value.tracks.map((track) => toTrackMetadata(track, value)),
        ...(value.unreadTracks ? { unread: value.unreadTracks } : {}),
      };
    },
    async artist(id, { groups, signal }): Promise<CatalogArtist> {
      const [info, albums] = await Promise.all([
        artist(id, signal),
        cache.getOrLoad(
          `artist-albums:${id}:${[...groups].sort().join(",")}`,
          () => client.getArtistAlbums(id, { groups: [...groups], signal }),
          { ttlMs: ttls.artistAlbumsMs },
        ),
      ]);
      return {
        id: info.id,
        name: info.name,
        url: info.url,
        genres: info.genres,
        albumIds: albums.map((a) => a.id),
      };
    },
    async playlist(id, { signal }): Promise<CatalogPlaylist> {
      const value = await playlist(id, signal);
      return {
        id: value.id,
        name: value.name,
        url: value.url,
        owner: value.ownerName,
        ownerId: value.ownerId,
        snapshotId: value.snapshotId,
        tracks: value.entries.map((entry) => toTrackMetadata(entry.track)),
        skipped: value.skipped.map((s) => ({
          position: s.position,
          reason: s.reason,
          name: s.name,
        })),
        ...(value.unreadEntries ? { unread: value.unreadEntries } : {}),
      };
    },
    async likedSongs({ signal }): Promise<CatalogPlaylist> {
      if (user === null) throw likedSongsNeedLoginError();
      // Liked Songs change often and have no snapshot id: always read them (never cached,
      // so a partial read is not kept either).
      const read = await client.getPagedPartial("/v1/me/tracks", { signal, limit: 50 });
      const { entries, skipped } = classifyPlaylistRows(read.items);
      return {
        id: "liked",
        name: "Liked Songs",
        url: "https://open.spotify.com/collection/tracks",
        tracks: entries.map((entry) => toTrackMetadata(entry.track)),
        skipped: skipped.map((s) => ({ position: s.position, reason: s.reason, name: s.name })),
        ...(read.failure ? { unread: describeUnreadPage("songs", read.failure) } : {}),
      };
    },
  };
}

/** Collects single reads for a moment and hands them to a batch loader. */
class Batcher<T> {
  #queue: { id: string; resolve(value: T): void; reject(error: unknown): void }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #signal: AbortSignal | undefined;

  constructor(
    private readonly kind: string,
    private readonly loadMany: (ids: string[], signal?: AbortSignal) => Promise<Array<T | null>>,
    private readonly maxBatch: number,
    private readonly waitMs = 5,
  ) {}

  load(id: string, signal?: AbortSignal): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ id, resolve, reject });
      this.#signal ??= signal;
      if (this.#queue.length >= this.maxBatch) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.waitMs);
    });
  }

  #flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue.splice(0, this.maxBatch);
    const signal = this.#signal;
    this.#signal = undefined;
    if (this.#queue.length > 0) this.#timer = setTimeout(() => this.#flush(), this.waitMs);
    const ids = [...new Set(batch.map((entry) => entry.id))];
    this.loadMany(ids, signal).then((values) => {
      const byId = new Map(ids.map((id, i) => [id, values[i]]));
      for (const entry of batch) {
        const value = byId.get(entry.id);
        if (value) entry.resolve(value);
        else {
          const url = `https://open.spotify.com/${this.kind}/${entry.id}`;
          entry.reject(
            new NotFoundError(`Spotify has no ${this.kind} ${url}`, {
              hint: `Open ${url} in a browser: it may have been removed from Spotify.`,
            }),
          );
        }
      }
    }, (error) => {
      for (const entry of batch) entry.reject(error);
    });
  }
}
