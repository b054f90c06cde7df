/**
 * Normalized catalog entities as the catalog client returns them: plain,
 * JSON-serializable, the same for both API generations (pre-2026 and 2026),
 * and holding only what tunedl uses so cached copies stay small.
 */

/** A Spotify artist as credited on a track or album. */
export interface SpotifyArtistRef {
  id: string;
  name: string;
}

/** An album without its track list (as embedded in tracks or listed for an artist). */
export interface SpotifyAlbumSummary {
  id: string;
  name: string;
  url: string;
  /** "album", "single" or "compilation". */
  albumType: string;
  /** Why the album is listed for an artist ("album", "single", "compilation", "appears_on"). */
  albumGroup?: string;
  artists: SpotifyArtistRef[];
  /** As Spotify gives it: "2021-10-28", "2021-10" or "2021". */
  releaseDate: string;
  totalTracks: number;
  /** Largest cover image. */
  coverUrl?: string;
}

/**
 * A track. Full track objects (single reads, playlists) carry `album` and
 * `isrc`; tracks from an album's track list have neither.
 */
export interface SpotifyTrack {
  id: string;
  name: string;
  url: string;
  artists: SpotifyArtistRef[];
  durationMs: number;
  explicit: boolean;
  /** 1-based. */
  trackNumber: number;
  /** 1-based. */
  discNumber: number;
  isrc?: string;
  /** The id the request named when Spotify relinked it to this playable copy (`linked_from`). */
  linkedFromId?: string;
  album?: SpotifyAlbumSummary;
}

/** An album with every track, in album order. */
export interface SpotifyAlbum extends SpotifyAlbumSummary {
  /** Simplified tracks (no `album`, no `isrc`). */
  tracks: SpotifyTrack[];
  /** Highest disc number among the tracks. */
  discCount: number;
  label?: string;
  /** Set when a later page of its tracks could not be read: why, and from which track on. */
  unreadTracks?: string;
}

/** An artist with what the tagger uses. */
export interface SpotifyArtist {
  id: string;
  name: string;
  url: string;
  genres: string[];
  imageUrl?: string;
}

/** One readable track of a playlist (or of Liked Songs). */
export interface PlaylistEntry {
  /** 0-based position in the playlist, counting skipped entries too. */
  position: number;
  track: SpotifyTrack;
  addedAt?: string;
}

/** Why a playlist entry cannot be downloaded. */
export type SkipReason = "local_file" | "episode" | "removed";

/** A playlist entry that was skipped, with the reason. */
export interface SkippedPlaylistEntry {
  position: number;
  reason: SkipReason;
  /** What Spotify still says about it, when anything (local files have a name). */
  name?: string;
  id?: string;
}

/** A playlist with all its readable entries. */
export interface SpotifyPlaylist {
  id: string;
  name: string;
  url: string;
  description?: string;
  ownerId: string;
  ownerName: string;
  snapshotId?: string;
  coverUrl?: string;
  /** Entries Spotify reports, skipped ones included. */
  totalEntries: number;
  entries: PlaylistEntry[];
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
