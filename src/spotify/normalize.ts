/**
 * Turns raw Web API JSON (either generation) into the normalized catalog
 * types. Pure functions, tolerant of missing fields: Spotify drops fields
 * between API generations, and a missing field must not crash a run.
 */
import { shortenText } from "../util/mod.ts";
import { spotifyUrl } from "../model/mod.ts";
import type {
  PlaylistEntry,
  SkippedPlaylistEntry,
  SpotifyAlbum,
  SpotifyAlbumSummary,
  SpotifyArtist,
  SpotifyArtistRef,
  SpotifyPlaylist,
  SpotifyTrack,
} from "./catalog_model.ts";

/** A JSON object as parsed from a Spotify answer. */
export type RawObject = Record<string, unknown>;

/** The value as a JSON object, or undefined. */
export function asObject(value: unknown): RawObject | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as RawObject
    : undefined;
}

/**
 * Longest text field kept from an answer: names, ids and links are far
 * shorter, and a megabyte "title" would otherwise travel into plans, logs
 * and every message that names the track.
 */
export const MAX_FIELD_TEXT = 2000;

function text(raw: RawObject | undefined, key: string): string {
  const value = raw?.[key];
  return typeof value === "string" ? shortenText(value, { max: MAX_FIELD_TEXT }) : "";
}

function optionalText(raw: RawObject | undefined, key: string): string | undefined {
  const value = raw?.[key];
  return typeof value === "string" && value !== ""
    ? shortenText(value, { max: MAX_FIELD_TEXT })
    : undefined;
}

function count(raw: RawObject | undefined, key: string, fallback = 0): number {
  const value = raw?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function list(raw: RawObject | undefined, key: string): unknown[] {
  const value = raw?.[key];
  return Array.isArray(value) ? value : [];
}

/** The URL of the largest image (by area); the first one when sizes are unknown. */
export function largestImageUrl(images: unknown): string | undefined {
  if (!Array.isArray(images)) return undefined;
  let best: { url: string; area: number } | undefined;
  for (const image of images) {
    const raw = asObject(image);
    const url = text(raw, "url");
    if (!url) continue;
    const area = count(raw, "width") * count(raw, "height");
    if (!best || area > best.area) best = { url, area };
  }
  return best?.url;
}

function artistRefs(raw: RawObject | undefined): SpotifyArtistRef[] {
  return list(raw, "artists").map((artist) => {
    const a = asObject(artist);
    return { id: text(a, "id"), name: text(a, "name") };
  });
}

/** An album object (simplified or full) without its tracks. */
export function normalizeAlbumSummary(raw: RawObject): SpotifyAlbumSummary {
  const id = text(raw, "id");
  const summary: SpotifyAlbumSummary = {
    id,
    name: text(raw, "name"),
    url: spotifyUrl("album", id),
    albumType: text(raw, "album_type"),
    artists: artistRefs(raw),
    releaseDate: text(raw, "release_date"),
    totalTracks: count(raw, "total_tracks"),
  };
  const group = optionalText(raw, "album_group");
  if (group) summary.albumGroup = group;
  const cover = largestImageUrl(raw.images);
  if (cover) summary.coverUrl = cover;
  return summary;
}

/** A track object: full (with album and ISRC) or simplified (from an album's list). */
export function normalizeTrack(raw: RawObject): SpotifyTrack {
  const id = text(raw, "id");
  const track: SpotifyTrack = {
    id,
    name: text(raw, "name"),
    url: spotifyUrl("track", id),
    artists: artistRefs(raw),
    durationMs: count(raw, "duration_ms"),
    explicit: raw.explicit === true,
    trackNumber: count(raw, "track_number", 1),
    discNumber: count(raw, "disc_number", 1),
  };
  const isrc = optionalText(asObject(raw.external_ids), "isrc");
  if (isrc) track.isrc = isrc;
  const linkedFrom = linkedFromId(asObject(raw.linked_from));
  if (linkedFrom && linkedFrom !== id) track.linkedFromId = linkedFrom;
  const album = asObject(raw.album);
  if (album && text(album, "id")) track.album = normalizeAlbumSummary(album);
  return track;
}

/** The original id of a relinked track: `id`, else the last part of `uri` or `href` (often `id` is null). */
function linkedFromId(raw: RawObject | undefined): string | undefined {
  if (!raw) return undefined;
  const id = optionalText(raw, "id") ?? optionalText(raw, "uri") ?? optionalText(raw, "href");
  const last = id?.split(/[:/]/).pop();
  return last && /^[0-9A-Za-z]{10,40}$/.test(last) ? last : undefined;
}

/** A full album object plus its complete list of raw simplified tracks. */
export function normalizeAlbum(raw: RawObject, rawTracks: unknown[]): SpotifyAlbum {
  const tracks = rawTracks.map(asObject).filter((t): t is RawObject => t !== undefined)
    .map(normalizeTrack);
  const album: SpotifyAlbum = {
    ...normalizeAlbumSummary(raw),
    tracks,
    discCount: tracks.reduce((max, t) => Math.max(max, t.discNumber), 1),
  };
  if (album.totalTracks === 0) album.totalTracks = tracks.length;
  const label = optionalText(raw, "label");
  if (label) album.label = label;
  return album;
}

/** An artist object. */
export function normalizeArtist(raw: RawObject): SpotifyArtist {
  const id = text(raw, "id");
  const artist: SpotifyArtist = {
    id,
    name: text(raw, "name"),
    url: spotifyUrl("artist", id),
    genres: list(raw, "genres").filter((g): g is string => typeof g === "string"),
  };
  const image = largestImageUrl(raw.images);
  if (image) artist.imageUrl = image;
  return artist;
}

/** A playlist row (or a Liked Songs row) after classification. */
export type ClassifiedRow =
  | { kind: "entry"; entry: PlaylistEntry }
  | { kind: "skipped"; skipped: SkippedPlaylistEntry };

/**
 * Classifies one playlist row. 2026 rows hold the track in `item`, older rows
 * in `track`. Local files, episodes and removed tracks (null, or left with an
 * empty id or name) are skipped with a reason rather than failing the playlist.
 */
export function classifyPlaylistRow(row: unknown, position: number): ClassifiedRow {
  const raw = asObject(row);
  const content = raw && ("item" in raw && raw.item !== undefined ? raw.item : raw.track);
  const track = asObject(content);
  const skip = (reason: SkippedPlaylistEntry["reason"]): ClassifiedRow => {
    const skipped: SkippedPlaylistEntry = { position, reason };
    const name = optionalText(track, "name");
    const id = optionalText(track, "id");
    if (name) skipped.name = name;
    if (id) skipped.id = id;
    return { kind: "skipped", skipped };
  };
  if (raw?.is_local === true || track?.is_local === true) return skip("local_file");
  if (!track) return skip("removed");
  if (track.type === "episode" || track.episode === true) return skip("episode");
  if (!text(track, "id") || !text(track, "name")) return skip("removed");
  const entry: PlaylistEntry = { position, track: normalizeTrack(track) };
  const addedAt = optionalText(raw, "added_at");
  if (addedAt) entry.addedAt = addedAt;
  return { kind: "entry", entry };
}

/** Classifies consecutive rows starting at `firstPosition`. */
export function classifyPlaylistRows(
  rows: unknown[],
  firstPosition = 0,
): { entries: PlaylistEntry[]; skipped: SkippedPlaylistEntry[] } {
  const entries: PlaylistEntry[] = [];
  const skipped: SkippedPlaylistEntry[] = [];
  rows.forEach((row, index) => {
    const result = classifyPlaylistRow(row, firstPosition + index);
    if (result.kind === "entry") entries.push(result.entry);
    else skipped.push(result.skipped);
  });
  return { entries, skipped };
}

/** A playlist object's metadata; entries are filled in by the caller. */
export function normalizePlaylistMetadata(
  raw: RawObject,
): Omit<SpotifyPlaylist, "entries" | "skipped"> {
  const id = text(raw, "id");
  const owner = asObject(raw.owner);
  const container = embeddedPlaylistPage(raw);
  const playlist: Omit<SpotifyPlaylist, "entries" | "skipped"> = {
    id,
    name: text(raw, "name"),
    url: spotifyUrl("playlist", id),
    ownerId: text(owner, "id"),
    ownerName: text(owner, "display_name") || text(owner, "id"),
    totalEntries: count(container, "total"),
  };
  const description = optionalText(raw, "description");
  if (description) playlist.description = description;
  const snapshot = optionalText(raw, "snapshot_id");
  if (snapshot) playlist.snapshotId = snapshot;
  const cover = largestImageUrl(raw.images);
  if (cover) playlist.coverUrl = cover;
  return playlist;
}

/**
 * The page of rows a playlist object embeds: `items` since 2026, `tracks`
 * before. Returns whichever exists, preferring one that actually lists rows.
 */
export function embeddedPlaylistPage(raw: RawObject): RawObject | undefined {
  const items = asObject(raw.items);
  const tracks = asObject(raw.tracks);
  if (items && Array.isArray(items.items)) return items;
  if (tracks && Array.isArray(tracks.items)) return tracks;
  return items ?? tracks;
}
