/** Builds the TrackMetadata the matcher, path template and tagger share. */
import type {
  SpotifyAlbum,
  SpotifyAlbumSummary,
  SpotifyArtist,
  SpotifyTrack,
} from "./catalog_model.ts";
import type { TrackMetadata } from "../model/mod.ts";

/**
 * TrackMetadata from a track plus what is known around it. Works from a full
 * track alone (it embeds its album) and from a simplified album track plus
 * its album (album track lists carry neither album nor ISRC). `artist` is the
 * track's main artist and supplies the genres.
 */
export function toTrackMetadata(
  track: SpotifyTrack,
  album?: SpotifyAlbum | SpotifyAlbumSummary,
  artist?: SpotifyArtist,
): TrackMetadata {
  const source = album ?? track.album;
  const albumTracks = album && "tracks" in album ? album.tracks : undefined;
  const discCount = albumTracks && albumTracks.length > 0
    ? Math.max(...albumTracks.map((t) => t.discNumber), track.discNumber)
    : (album && "discCount" in album
      ? Math.max(album.discCount, track.discNumber)
      : track.discNumber);
  const metadata: TrackMetadata = {
    spotifyId: track.id,
    spotifyUrl: track.url,
    title: track.name,
    artists: track.artists.map((a) => a.name),
    artistIds: track.artists.map((a) => a.id),
    album: source?.name ?? "",
    albumId: source?.id ?? "",
    albumArtists: (source?.artists ?? track.artists).map((a) => a.name),
    trackNumber: track.trackNumber,
    trackCount: source?.totalTracks || albumTracks?.length || 0,
    discNumber: track.discNumber,
    discCount: Math.max(1, discCount),
    releaseDate: source?.releaseDate ?? "",
    durationMs: track.durationMs,
    explicit: track.explicit,
    genres: artist ? [...artist.genres] : [],
  };
  const isrc = track.isrc;
  if (isrc) metadata.isrc = isrc;
  if (track.linkedFromId) metadata.linkedFromId = track.linkedFromId;
  const cover = source?.coverUrl ?? track.album?.coverUrl;
  if (cover) metadata.coverUrl = cover;
  return metadata;
}
