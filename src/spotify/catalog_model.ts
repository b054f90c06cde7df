/**
 * Normalized catalog entities as the catalog client returns them: plain,
 * JSON-serializable, the same for both API generations (pre-2026 and 2026),
 * and holding only what tunedl uses so cached copies stay small.
 */

/** A Spotify artist as credited on a track or album. */
export interface SpotifyArtistRef {
  /** Spotify's 22-character artist id; empty when Spotify gave none. */
  id: string;
  /** Artist name as credited. */
  name: string;
}

/** An album without its track list (as embedded in tracks or listed for an artist). */
export interface SpotifyAlbumSummary {
  /** Spotify's 22-character album id. */
  id: string;
  /** Album title as Spotify gives it. */
  name: string;
  /** Canonical `https://open.spotify.com/album/<id>` URL. */
  url: string;
  /** "album", "single" or "compilation". */
  albumType: string;
  /** Why the album is listed for an artist ("album", "single", "compilation", "appears_on"). */
  albumGroup?: string;
  /** Album artists, in Spotify's order. */
  artists: SpotifyArtistRef[];
  /** As Spotify gives it: "2021-10-28", "2021-10" or "2021". */
  releaseDate: string;
  /** Tracks on the album, all discs together. */
  totalTracks: number;
  /** Largest cover image. */
  coverUrl?: string;
}

/**
 * A track. Full track objects (single reads, playlists) carry `album` and
 * `isrc`; tracks from an album's track list have neither.
 */
export interface SpotifyTrack {
  /** Spotify's 22-character track id. */
  id: string;
  /** Track title as Spotify gives it. */
  name: string;
  /** Canonical `https://open.spotify.com/track/<id>` URL. */
  url: string;
  /** Track artists, in Spotify's order (first is the main artist). */
  artists: SpotifyArtistRef[];
  /** Length in milliseconds. */
  durationMs: number;
  /** Whether Spotify marks the track explicit. */
  explicit: boolean;
  /** 1-based. */
  trackNumber: number;
  /** 1-based. */
  discNumber: number;
  /** The track's ISRC; undefined on album track lists and when Spotify has none. */
  isrc?: string;
  /** The id the request named when Spotify relinked it to this playable copy (`linked_from`). */
  linkedFromId?: string;
  /** The album the track is on; undefined on album track lists. */
  album?: SpotifyAlbumSummary;
}

/** An album with every track, in album order. */
export interface SpotifyAlbum extends SpotifyAlbumSummary {
  /** Simplified tracks (no `album`, no `isrc`). */
  tracks: SpotifyTrack[];
  /** Highest disc number among the tracks. */
  discCount: number;
  /** Record label; undefined when Spotify gives none. */
  label?: string;
  /** Set when a later page of its tracks could not be read: why, and from which track on. */
  unreadTracks?: string;
}

/** An artist with what the tagger uses. */
export interface SpotifyArtist {
  /** Spotify's 22-character artist id. */
  id: string;
  /** Artist name as Spotify gives it. */
  name: string;
  /** Canonical `https://open.spotify.com/artist/<id>` URL. */
  url: string;
  /** Spotify's genres of the artist; often empty. */
  genres: string[];
  /** Largest artist image; undefined when there is none. */
  imageUrl?: string;
}

/** One readable track of a playlist (or of Liked Songs). */
export interface PlaylistEntry {
  /** 0-based position in the playlist, counting skipped entries too. */
  position: number;
  /** The track at this position. */
  track: SpotifyTrack;
  /** When it was added (ISO 8601, as Spotify gives it); undefined when Spotify omits it. */
  addedAt?: string;
}

/** Why a playlist entry cannot be downloaded. */
export type SkipReason = "local_file" | "episode" | "removed";

/** A playlist entry that was skipped, with the reason. */
export interface SkippedPlaylistEntry {
  /** 0-based position in the playlist, counting readable entries too. */
  position: number;
  /** Why it cannot be downloaded. */
  reason: SkipReason;
  /** What Spotify still says about it, when anything (local files have a name). */
  name?: string;
  /** Spotify id of the episode or removed track, when Spotify still gives one. */
  id?: string;
}

/** A playlist with all its readable entries. */
export interface SpotifyPlaylist {
  /** Spotify's 22-character playlist id. */
  id: string;
  /** Playlist name as Spotify gives it; names the M3U file. */
  name: string;
  /** Canonical `https://open.spotify.com/playlist/<id>` URL. */
  url: string;
  /** The owner's description; undefined when empty. */
  description?: string;
  /** Spotify user id of the owner. */
  ownerId: string;
  /** The owner's display name, or their id when they have none. */
  ownerName: string;
  /** Spotify's version stamp of the playlist; changes whenever it is edited. */
  snapshotId?: string;
  /** Largest cover image; undefined when there is none. */
  coverUrl?: string;
  /** Entries Spotify reports, skipped ones included. */
  totalEntries: number;
  /** Readable entries, in playlist order. */
  entries: PlaylistEntry[];
  /** Entries that cannot be downloaded (local files, episodes, removed tracks), in order. */
  skipped: SkippedPlaylistEntry[];
  /** Set when a later page of its entries could not be read: why, and from which entry on. */
  unreadEntries?: string;
}

/** Request counters, so callers and benchmarks can see what a run cost. */
export interface SpotifyClientStats {
  /** HTTP requests sent to the Web API, retries included. */
  requests: number;
  /** Requests sent to the accounts service (token endpoint). */
  tokenRequests: number;
  /** Requests that were repeats of a failed one. */
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Web API requests per endpoint, ids replaced: "GET /v1/tracks/{id}". */
  byEndpoint: Record<string, number>;
}
