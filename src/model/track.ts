/**
 * One track as every stage sees it: plain, JSON-serializable data holding only
 * the fields tunedl uses (so cached values stay small). The Spotify adapter
 * turns both API generations' answers into this shape.
 */

/** Everything the matcher, the path template and the tagger need about one track. */
export interface TrackMetadata {
  /** Spotify's 22-character track id; the key of everything cached per track. */
  spotifyId: string;
  /** Canonical `https://open.spotify.com/track/<id>` URL. */
  spotifyUrl: string;
  /** Track title as Spotify gives it, version words ("Live", "Remastered") included. */
  title: string;
  /** Track artists, in Spotify's order (first is the main artist). */
  artists: string[];
  /** Spotify ids of `artists`, in the same order. */
  artistIds: string[];
  /** Album title as Spotify gives it. */
  album: string;
  /** Spotify id of the album. */
  albumId: string;
  /** Album artists, in Spotify's order; "Various Artists" for most compilations. */
  albumArtists: string[];
  /** 1-based. */
  trackNumber: number;
  /** Tracks on the album (all discs). */
  trackCount: number;
  /** 1-based disc the track is on. */
  discNumber: number;
  /** Discs in the album; 1 for most. */
  discCount: number;
  /** As Spotify gives it: "2021-10-28", "2021-10" or "2021". */
  releaseDate: string;
  /** ISRC when Spotify knows it (full track objects only; album track lists lack it). */
  isrc?: string;
  /** The original id when Spotify relinked the track to another playable copy of it. */
  linkedFromId?: string;
  /** Length of Spotify's recording, in milliseconds; the matcher compares candidates against it. */
  durationMs: number;
  /** Whether Spotify marks the track explicit. */
  explicit: boolean;
  /** Largest album cover image. */
  coverUrl?: string;
  /** From the track's main artist, when known. */
  genres: string[];
}
