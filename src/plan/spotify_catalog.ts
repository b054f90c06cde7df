/**
 * The generator's view of Spotify, backed by the catalog client and a cache.
 * Albums and tracks barely change, so they are kept long; an artist's album
 * list is kept for the configured TTL (new releases appear); a playlist is
 * kept until its snapshot id changes, which costs one small request to check.
 */
import {
  classifyPlaylistRows,
  type SpotifyAlbum,
  type SpotifyAlbumSummary,
  type SpotifyArtist,
  type SpotifyPlaylist,
  type SpotifyTrack,
  toTrackMetadata,
  type TrackMetadata,
} from "../spotify/mod.ts";
import type { CatalogAlbum, CatalogArtist, CatalogPlaylist, CatalogReader } from "./generate.ts";

/** The parts of the Spotify client the catalog reader uses. */
export interface SpotifyCatalogClient {
  getTrack(id: string, options: { signal?: AbortSignal }): Promise<SpotifyTrack>;
  getAlbum(id: string, options: { signal?: AbortSignal }): Promise<SpotifyAlbum>;
  getArtist(id: string, options: { signal?: AbortSignal }): Promise<SpotifyArtist>;
  getArtistAlbums(
    id: string,
    options: { groups?: string[]; signal?: AbortSignal },
  ): Promise<SpotifyAlbumSummary[]>;
  getPlaylist(id: string, options: { signal?: AbortSignal }): Promise<SpotifyPlaylist>;
  getJson(path: string, options: { signal?: AbortSignal }): Promise<unknown>;
  getPaged(path: string, options: { signal?: AbortSignal; limit?: number }): Promise<unknown[]>;
}

/** A cache of Spotify answers (the CLI passes the tiered memory + KV cache). */
export interface AnswerCache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, options: { ttlMs: number }): Promise<void>;
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
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_TTLS: CatalogTtls = {
  catalogMs: 30 * DAY_MS,
  artistAlbumsMs: DAY_MS,
  playlistMs: 30 * DAY_MS,
};

/** What the download stage reads on top of the plan: full tracks (ISRC) and genres. */
export interface TrackDetailsReader {
  /** The full track (with ISRC and album), cached. */
  fullTrack(id: string, options: { signal?: AbortSignal }): Promise<TrackMetadata>;
  /** An artist's genres, cached. */
  artistGenres(id: string, options: { signal?: AbortSignal }): Promise<string[]>;
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
  options: { cache?: AnswerCache; ttls?: Partial<CatalogTtls> } = {},
): CatalogReader & TrackDetailsReader {
  const cache = options.cache ?? noCache;
  const ttls = { ...DEFAULT_TTLS, ...options.ttls };

  const album = (id: string, signal?: AbortSignal) =>
    cache.getOrLoad(`album:${id}`, () => client.getAlbum(id, { signal }), {
      ttlMs: ttls.catalogMs,
    });
  const artist = (id: string, signal?: AbortSignal) =>
    cache.getOrLoad(`artist:${id}`, () => client.getArtist(id, { signal }), {
      ttlMs: ttls.catalogMs,
    });

  async function playlist(id: string, signal?: AbortSignal): Promise<SpotifyPlaylist> {
    const key = `playlist:${id}`;
    const cached = await cache.get<SpotifyPlaylist>(key);
    if (cached?.snapshotId) {
      const head = await client.getJson(
        `/v1/playlists/${encodeURIComponent(id)}?fields=snapshot_id`,
        { signal },
      ) as { snapshot_id?: unknown } | null;
      if (head?.snapshot_id === cached.snapshotId) return cached;
    }
    const fresh = await client.getPlaylist(id, { signal });
    await cache.set(key, fresh, { ttlMs: ttls.playlistMs });
    return fresh;
  }

  return {
    async track(id, { signal }) {
      return toTrackMetadata(
        await cache.getOrLoad(`track:${id}`, () => client.getTrack(id, { signal }), {
          ttlMs: ttls.catalogMs,
        }),
      );
    },
    fullTrack(id, { signal }) {
      return this.track(id, { signal });
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
      };
    },
    async likedSongs({ signal }): Promise<CatalogPlaylist> {
      // Liked Songs change often and have no snapshot id: always read them.
      const rows = await client.getPaged("/v1/me/tracks", { signal, limit: 50 });
      const { entries, skipped } = classifyPlaylistRows(rows);
      return {
        id: "liked",
        name: "Liked Songs",
        url: "https://open.spotify.com/collection/tracks",
        tracks: entries.map((entry) => toTrackMetadata(entry.track)),
        skipped: skipped.map((s) => ({ position: s.position, reason: s.reason, name: s.name })),
      };
    },
  };
}
