/**
 * One track as every stage sees it: plain, JSON-serializable data holding only
 * the fields tunedl uses (so cached values stay small). The Spotify adapter
 * turns both API generations' answers into this shape.
 */

/** Everything the matcher, the path template and the tagger need about one track. */
export interface TrackMetadata {
  spotifyId: string;
  spotifyUrl: string;
  title: string;
  /** Track artists, in Spotify's order (first is the main artist). */
  artists: string[];
  artistIds: string[];
  album: string;
  albumId: string;
  albumArtists: string[];
  /** 1-based. */
  trackNumber: number;
  /** Tracks on the album (all discs). */
  trackCount: number;
  discNumber: number;
  discCount: number;
  /** As Spotify gives it: "2021-10-28", "2021-10" or "2021". */
  releaseDate: string;
  /** ISRC when Spotify knows it (full track objects only; album track lists lack it). */
  isrc?: string;
  /** The original id when Spotify relinked the track to another playable copy of it. */
  linkedFromId?: string;
  durationMs: number;
  explicit: boolean;
  /** Largest album cover image. */
  coverUrl?: string;
  /** From the track's main artist, when known. */
  genres: string[];
}
