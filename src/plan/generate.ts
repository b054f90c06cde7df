/**
 * Plan generation: turns the config's sources into plan items by reading the
 * Spotify catalog. It reads only what the plan needs (an album's track list,
 * not each full track), so a cold plan costs about one request per album.
 */
import { type SpotifyRef, type TrackMetadata } from "../model/mod.ts";
import { isTunedlError, toTunedlError, type TunedlError } from "../errors/mod.ts";
import {
  type ContainerMetadata,
  createPlanItem,
  type M3uMetadata,
  type Plan,
  type PlanItem,
  type PlanSource,
} from "./model.ts";

/** An album and its tracks, as the generator needs them. */
export interface CatalogAlbum {
  /** Spotify's 22-character album id. */
  id: string;
  /** Album title as Spotify gives it. */
  name: string;
  /** Canonical `https://open.spotify.com/album/<id>` URL. */
  url: string;
  /** Album artists, in Spotify's order. */
  artists: string[];
  /** As Spotify gives it: "2021-10-28", "2021-10" or "2021". */
  releaseDate: string;
  /** Largest cover image; undefined when there is none. */
  coverUrl?: string;
  /** Every track of the album, all discs, in album order. */
  tracks: TrackMetadata[];
  /** Set when part of its track list could not be read: what and why. */
  unread?: string;
}

/** A playlist (or Liked Songs) and its playable tracks. */
export interface CatalogPlaylist {
  /** Spotify's playlist id; "liked" for Liked Songs. */
  id: string;
  /** Playlist name as Spotify gives it; names the M3U file. */
  name: string;
  /** Canonical open.spotify.com URL. */
  url: string;
  /** Display name of the owner; undefined for Liked Songs. */
  owner?: string;
  /** Spotify user id of the owner; undefined for Liked Songs. */
  ownerId?: string;
  /** Spotify's version stamp of the playlist; undefined when it has none. */
  snapshotId?: string;
  /** The readable tracks, in playlist order, duplicates kept. */
  tracks: TrackMetadata[];
  /** Entries left out (local files, episodes, removed tracks), with why. */
  skipped: { position: number; reason: string; name?: string }[];
  /** Set when part of its entries could not be read: what and why. */
  unread?: string;
}

/** An artist's name and the albums of the requested groups. */
export interface CatalogArtist {
  /** Spotify's 22-character artist id. */
  id: string;
  /** Artist name as Spotify gives it. */
  name: string;
  /** Canonical `https://open.spotify.com/artist/<id>` URL. */
  url: string;
  /** Spotify's genres of the artist; often empty. */
  genres: string[];
  /** Ids of the artist's albums in the requested groups, in Spotify's order. */
  albumIds: string[];
}

/** What the generator reads from Spotify; the CLI adapts the real client to it. */
export interface CatalogReader {
  /**
   * One track with its album's details; rejects with a TunedlError (NotFoundError for a bad id).
   */
  track(id: string, options: { signal?: AbortSignal }): Promise<TrackMetadata>;
  /** One album with all its tracks. */
  album(id: string, options: { signal?: AbortSignal }): Promise<CatalogAlbum>;
  /** One artist with the ids of their albums in `options.groups` (Spotify album_group values). */
  artist(
    id: string,
    options: { groups: readonly string[]; signal?: AbortSignal },
  ): Promise<CatalogArtist>;
  /**
   * One playlist with its readable tracks; rejects with PlaylistWithheldError when Spotify
   * withholds them.
   */
  playlist(id: string, options: { signal?: AbortSignal }): Promise<CatalogPlaylist>;
  /** The logged-in user's Liked Songs, as a playlist. */
  likedSongs(options: { signal?: AbortSignal }): Promise<CatalogPlaylist>;
}

/** The sources of a plan, in config order. */
export interface PlanSources {
  /** The `songs:` entries. */
  songs: readonly SourceRef[];
  /** The `albums:` entries. */
  albums: readonly SourceRef[];
  /** The `artists:` entries. */
  artists: readonly SourceRef[];
  /** The `playlists:` entries. */
  playlists: readonly SourceRef[];
  /** Whether Liked Songs are a source too. */
  likedSongs: boolean;
}

/** One configured source: its link and the display name the user gave it. */
export interface SourceRef {
  /** The Spotify item the entry links to. */
  ref: SpotifyRef;
  /** The display name the user gave the entry; undefined for a bare link. */
  name?: string;
}

/** A problem met while generating that did not stop the plan. */
export interface GenerateWarning {
  /** The source that failed: its display name, else its link. */
  source: string;
  /** What went wrong, one line. */
  message: string;
  /** What the user can do about it; undefined when the message says enough. */
  hint?: string;
  /** The error's stable code ("not_found", "playlist_withheld", ...). */
  code: string;
}

/** How far reading the sources got: `done` of `total` sources, and one still being read. */
export interface GenerateProgress {
  /** Sources read so far (successfully or not). */
  done: number;
  /** Sources to read in all (Liked Songs counts as one). */
  total: number;
  /** The name (or link) of a source still being read; undefined when all are read. */
  reading?: string;
}

/** Options of {@link generatePlan}. */
export interface GenerateOptions {
  /** Stored in the plan, so a resumed run can tell whether the config changed. */
  configHash: string;
  /** Which of an artist's releases an artist entry covers; default album and single. */
  artistAlbumGroups?: readonly string[];
  /** Aborting it stops reading Spotify and rejects with CancelledError. */
  signal?: AbortSignal;
  /** Clock for the plan's timestamps; the real one by default. */
  now?: () => Date;
  /** Told about each source that could not be read and was left out of the plan. */
  onWarning?: (warning: GenerateWarning) => void;
  /** Called as each configured source has been read (or failed), for a progress display. */
  onProgress?: (progress: GenerateProgress) => void;
  /**
   * Whether an error ends the whole plan (default: bad credentials, no Premium,
   * a rate-limit ban, a service that is not answering).
   */
  isFatal?: (error: TunedlError) => boolean;
}

const LIKED_ID = "liked";

/** Builds the plan for the given sources by reading the Spotify catalog. */
export async function generatePlan(
  sources: PlanSources,
  catalog: CatalogReader,
  options: GenerateOptions,
): Promise<Plan> {
  const now = options.now ?? (() => new Date());
  const builder = new PlanBuilder(now());
  const signal = options.signal;
  // A rate limit the client would not wait out applies to the whole app: every
  // other read would fail the same way, so stop and say when to come back.
  const isFatal = options.isFatal ??
    ((error) =>
      error.code === "auth" || error.code === "rate_limited" || error.code === "unreachable");
  const groups = options.artistAlbumGroups ?? ["album", "single"];

  // Reads run concurrently (the client bounds its own concurrency); items are
  // added afterwards in config order so the plan is stable.
  const total = sources.songs.length + sources.albums.length + sources.artists.length +
    sources.playlists.length + (sources.likedSongs ? 1 : 0);
  const reading = new Set<string>();
  let done = 0;
  const guard = async <T>(source: SourceRef, read: () => Promise<T>): Promise<T | TunedlError> => {
    const label = source.name ?? source.ref.url;
    reading.add(label);
    try {
      return await read();
    } catch (error) {
      const typed = toTunedlError(error);
      if (isFatal(typed) || typed.code === "cancelled" || !isTunedlError(error)) throw error;
      options.onWarning?.({
        source: source.name ?? source.ref.url,
        message: typed.message,
        hint: typed.hint,
        code: typed.code,
      });
      return typed;
    } finally {
      reading.delete(label);
      done++;
      options.onProgress?.({ done, total, reading: reading.values().next().value });
    }
  };

  // The same album may be asked for by several sources; read it once.
  const albumCache = new Map<string, Promise<CatalogAlbum>>();
  function readAlbum(id: string): Promise<CatalogAlbum> {
    let read = albumCache.get(id);
    if (!read) {
      read = catalog.album(id, { signal });
      albumCache.set(id, read);
    }
    return read;
  }

  /** A part of a source (one release of an artist) that could not be read: skipped, not fatal. */
  const readPart = async (id: string): Promise<CatalogAlbum | UnreadPart> => {
    try {
      return await readAlbum(id);
    } catch (error) {
      const typed = toTunedlError(error);
      if (isFatal(typed) || typed.code === "cancelled" || !isTunedlError(error)) throw error;
      return { id, url: `https://open.spotify.com/album/${id}`, error: typed };
    }
  };

  const songReads = sources.songs.map((s) => guard(s, () => catalog.track(s.ref.id, { signal })));
  const albumReads = sources.albums.map((s) => guard(s, () => readAlbum(s.ref.id)));
  const artistReads = sources.artists.map((s) =>
    guard(s, async () => {
      const artist = await catalog.artist(s.ref.id, { groups, signal });
      const parts = await Promise.all(artist.albumIds.map((id) => readPart(id)));
      const albums = parts.filter((p): p is CatalogAlbum => !("error" in p));
      const unread = parts.filter((p): p is UnreadPart => "error" in p);
      return { artist, albums, unread };
    })
  );
  const playlistReads = sources.playlists.map((s) =>
    guard(s, () => catalog.playlist(s.ref.id, { signal }))
  );
  const likedSource: SourceRef = {
    ref: { kind: "playlist", id: LIKED_ID, url: "https://open.spotify.com/collection/tracks" },
    name: "Liked Songs",
  };
  const likedRead = sources.likedSongs
    ? guard(likedSource, () => catalog.likedSongs({ signal }))
    : undefined;

  options.onProgress?.({ done: 0, total, reading: reading.values().next().value });
  const [songs, albums, artists, playlists, liked] = await Promise.all([
    Promise.all(songReads),
    Promise.all(albumReads),
    Promise.all(artistReads),
    Promise.all(playlistReads),
    likedRead,
  ]);

  const planSources: PlanSource[] = [];
  const noteSource = (
    kind: PlanItem["type"],
    source: SourceRef,
    item: PlanItem,
    outcome: { error?: TunedlError; partial?: string } = {},
  ) => {
    const entry: PlanSource = {
      name: item.name || (source.name ?? source.ref.url),
      url: source.ref.url,
      kind,
      item_id: item.id,
      status: outcome.error ? "failed" : outcome.partial ? "partial" : "ok",
    };
    if (outcome.error) {
      entry.code = outcome.error.code;
      entry.message = outcome.error.message;
      if (outcome.error.hint) entry.hint = outcome.error.hint;
    } else if (outcome.partial) entry.message = outcome.partial;
    planSources.push(entry);
  };

  songs.forEach((result, i) => {
    const source = sources.songs[i];
    if (result instanceof Error) {
      noteSource("track", source, builder.addFailed("track", source, result), { error: result });
    } else noteSource("track", source, builder.addTrack(result, null));
  });
  albums.forEach((result, i) => {
    const source = sources.albums[i];
    if (result instanceof Error) {
      noteSource("album", source, builder.addFailed("album", source, result), { error: result });
    } else {
      if (result.unread) {
        options.onWarning?.({
          source: source.name ?? result.name,
          message: result.unread,
          code: "partly_unread",
        });
      }
      noteSource("album", source, builder.addAlbum(result, null), { partial: result.unread });
    }
  });
  artists.forEach((result, i) => {
    const source = sources.artists[i];
    if (result instanceof Error) {
      noteSource("artist", source, builder.addFailed("artist", source, result), { error: result });
      return;
    }
    const { artist, albums, unread } = result;
    const item = builder.add(createPlanItem({
      id: `artist:${artist.id}`,
      type: "artist",
      name: artist.name,
      spotify_id: artist.id,
      spotify_url: artist.url,
      metadata: { totalTracks: albums.reduce((n, a) => n + a.tracks.length, 0) },
    }, builder.now));
    for (const album of albums) item.children.push(builder.addAlbum(album, item.id).id);
    for (const part of unread) {
      options.onWarning?.({
        source: artist.name,
        message: `release ${part.url} could not be read and is left out (${part.error.message})`,
        hint: part.error.hint,
        code: part.error.code,
      });
    }
    const total = albums.length + unread.length;
    const partlyRead = albums.filter((album) => album.unread);
    for (const album of partlyRead) {
      options.onWarning?.({
        source: artist.name,
        message: `release ${album.url}: ${album.unread}`,
        code: "partly_unread",
      });
    }
    const problems = [
      unread.length === 0
        ? ""
        : `${unread.length} of ${total} releases could not be read: ${
          unread.map((part) => `${part.url} (${part.error.message})`).join("; ")
        }`,
      ...partlyRead.map((album) => `release ${album.url}: ${album.unread}`),
    ].filter(Boolean);
    noteSource("artist", source, item, {
      partial: problems.length === 0 ? undefined : problems.join("; "),
    });
  });
  const addPlaylist = (source: SourceRef, result: CatalogPlaylist | TunedlError) => {
    if (result instanceof Error) {
      noteSource("playlist", source, builder.addFailed("playlist", source, result), {
        error: result,
      });
      return;
    }
    noteSource("playlist", source, builder.addPlaylist(result), { partial: result.unread });
    if (result.unread) {
      options.onWarning?.({
        source: source.name ?? result.name,
        message: result.unread,
        code: "partly_unread",
      });
    }
    if (result.skipped.length > 0) {
      options.onWarning?.({
        source: source.name ?? result.name,
        message: `${result.skipped.length} of its entries cannot be downloaded and are left out (${
          describeSkipped(result.skipped)
        })`,
        code: "entries_skipped",
      });
    }
  };
  playlists.forEach((result, i) => addPlaylist(sources.playlists[i], result));
  if (liked && !(liked instanceof Error) && liked.tracks.length === 0 && !liked.unread) {
    // An empty M3U written without a word looks like a failed download.
    options.onWarning?.({
      source: "Liked Songs",
      message: "is empty: nothing to download and no M3U written",
      hint: "like some songs in Spotify, or set `liked_songs: false`",
      code: "empty",
    });
  } else if (liked) addPlaylist(likedSource, liked);

  return {
    version: 1,
    config_hash: options.configHash,
    created_at: builder.now.toISOString(),
    items: builder.items,
    sources: planSources,
  };
}

/** A part of a source (an artist's release) that could not be read. */
interface UnreadPart {
  id: string;
  url: string;
  error: TunedlError;
}

/** "2 removed, 1 local file" from a playlist's skipped entries. */
function describeSkipped(skipped: CatalogPlaylist["skipped"]): string {
  const counts = new Map<string, number>();
  for (const entry of skipped) counts.set(entry.reason, (counts.get(entry.reason) ?? 0) + 1);
  const words: Record<string, [string, string]> = {
    removed: ["removed track", "removed tracks"],
    local_file: ["local file", "local files"],
    episode: ["podcast episode", "podcast episodes"],
  };
  return [...counts].map(([reason, n]) => {
    const [one, many] = words[reason] ?? [reason, reason];
    return `${n} ${n === 1 ? one : many}`;
  }).join(", ");
}

/** Accumulates items, numbering repeated track ids (`track:<id>#2`) for the optimizer to merge. */
class PlanBuilder {
  readonly items: PlanItem[] = [];
  private readonly byId = new Map<string, PlanItem>();
  private readonly trackOccurrences = new Map<string, number>();

  constructor(readonly now: Date) {}

  add(item: PlanItem): PlanItem {
    this.items.push(item);
    this.byId.set(item.id, item);
    return item;
  }

  addTrack(track: TrackMetadata, parentId: string | null): PlanItem {
    const seen = (this.trackOccurrences.get(track.spotifyId) ?? 0) + 1;
    this.trackOccurrences.set(track.spotifyId, seen);
    const id = seen === 1 ? `track:${track.spotifyId}` : `track:${track.spotifyId}#${seen}`;
    return this.add(createPlanItem({
      id,
      type: "track",
      name: `${track.artists.join(", ")} - ${track.title}`,
      spotify_id: track.spotifyId,
      spotify_url: track.spotifyUrl,
      parent_id: parentId,
      parent_ids: parentId ? [parentId] : [],
      metadata: track,
    }, this.now));
  }

  addAlbum(album: CatalogAlbum, parentId: string | null): PlanItem {
    const id = `album:${album.id}`;
    const existing = this.byId.get(id);
    if (existing) {
      // Listed again (by an artist and on its own): one album item, several parents.
      if (parentId && !existing.parent_ids.includes(parentId)) {
        existing.parent_ids.push(parentId);
        existing.parent_id ??= parentId;
      }
      return existing;
    }
    const metadata: ContainerMetadata = {
      artists: album.artists,
      releaseDate: album.releaseDate,
      coverUrl: album.coverUrl,
      totalTracks: album.tracks.length,
    };
    const item = this.add(createPlanItem({
      id,
      type: "album",
      name: album.name,
      spotify_id: album.id,
      spotify_url: album.url,
      parent_id: parentId,
      parent_ids: parentId ? [parentId] : [],
      metadata,
    }, this.now));
    for (const track of album.tracks) item.children.push(this.addTrack(track, id).id);
    return item;
  }

  addPlaylist(playlist: CatalogPlaylist): PlanItem {
    const id = `playlist:${playlist.id}`;
    const metadata: ContainerMetadata = {
      owner: playlist.owner,
      ownerId: playlist.ownerId,
      snapshotId: playlist.snapshotId,
      totalTracks: playlist.tracks.length,
      skippedEntries: playlist.skipped.length,
    };
    const item = this.add(createPlanItem({
      id,
      type: "playlist",
      name: playlist.name,
      spotify_id: playlist.id,
      spotify_url: playlist.url,
      metadata,
    }, this.now));
    for (const track of playlist.tracks) item.children.push(this.addTrack(track, id).id);
    const m3u: M3uMetadata = { playlistName: playlist.name, trackItemIds: [...item.children] };
    this.add(createPlanItem({
      id: `m3u:${playlist.id}`,
      type: "m3u",
      name: playlist.name,
      spotify_id: playlist.id,
      spotify_url: playlist.url,
      parent_id: id,
      parent_ids: [id],
      metadata: m3u,
    }, this.now));
    return item;
  }

  addFailed(type: PlanItem["type"], source: SourceRef, error: TunedlError): PlanItem {
    const ref = source.ref;
    const id = ref.id === LIKED_ID ? "playlist:liked" : `${type}:${ref.id}`;
    const existing = this.byId.get(id);
    if (existing) return existing;
    const skipped = error.code === "playlist_withheld";
    return this.add(createPlanItem({
      id,
      type,
      name: source.name ?? ref.url,
      spotify_id: ref.id,
      spotify_url: ref.url,
      status: skipped ? "skipped" : "failed",
      skip_reason: skipped ? "withheld" : undefined,
      error: { code: error.code, message: error.message, hint: error.hint },
    }, this.now));
  }
}
