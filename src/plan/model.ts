/**
 * The plan: a flat list of items (tracks, containers, M3U files) that the
 * generator produces, the optimizer rewrites and the executor runs. Plain data,
 * serializable to JSON and back without loss.
 */
import type { LyricsStatus } from "../lyrics/mod.ts";
import { type TrackMetadata } from "../model/mod.ts";

/** What an item stands for: a track, a container that lists tracks, or an M3U file to write. */
export type PlanItemType = "track" | "album" | "artist" | "playlist" | "m3u";
/** Where an item stands; in_progress: a track is running, or a container has some tracks done. */
export type PlanItemStatus = "pending" | "in_progress" | "completed" | "failed" | "skipped";

/** Metadata of a container item (album, artist, playlist, Liked Songs). */
export interface ContainerMetadata {
  /** Artists of an album, or the owner of a playlist. */
  artists?: string[];
  /** Display name of a playlist's owner. */
  owner?: string;
  /** Spotify user id of a playlist's owner. */
  ownerId?: string;
  /** An album's release date as Spotify gives it ("2021-10-28", "2021-10" or "2021"). */
  releaseDate?: string;
  /** Largest cover image of an album. */
  coverUrl?: string;
  /** Spotify's version stamp of a playlist when the plan was made. */
  snapshotId?: string;
  /** Tracks the source lists (all albums together for an artist), skipped entries not counted. */
  totalTracks?: number;
  /** Tracks that were skipped while reading the source (local files, episodes, removed). */
  skippedEntries?: number;
}

/** Metadata of an M3U item: the playlist's tracks in playlist order. */
export interface M3uMetadata {
  /** The playlist's name as Spotify gives it. */
  playlistName: string;
  /** Plan item ids of the playlist's tracks, in order, duplicates kept. */
  trackItemIds: string[];
}

/** A failure recorded on an item. */
export interface PlanItemError {
  /** The error's stable code ("not_found", "network", ...). */
  code: string;
  /** The error's one-line message. */
  message: string;
  /** What the user can do about it; undefined when the message says enough. */
  hint?: string;
}

/** One unit of the plan. Field names are the JSON names of `tunedl plan --json`. */
export interface PlanItem {
  /** Unique within a plan: `<type>:<spotify id>` (`m3u:<playlist id>`, `track:<id>`). */
  id: string;
  /** What the item stands for. */
  type: PlanItemType;
  /** Spotify id of the track, album, artist or playlist, when the item has one. */
  spotify_id?: string;
  /** Canonical open.spotify.com URL of that id. */
  spotify_url?: string;
  /** Display name: "Artists - Title" for a track, the album/artist/playlist name otherwise. */
  name: string;
  /** First container that listed this item; null for top-level items. */
  parent_id: string | null;
  /** Every container that lists this item (a shared track has several). */
  parent_ids: string[];
  /** Child item ids, in source order. */
  children: string[];
  /**
   * TrackMetadata for tracks, M3uMetadata for M3Us, ContainerMetadata otherwise; null when unread.
   */
  metadata: TrackMetadata | ContainerMetadata | M3uMetadata | null;
  /** Where the item stands. */
  status: PlanItemStatus;
  /** Why the item failed; set with status failed. */
  error?: PlanItemError;
  /** Where the file goes (tracks, M3Us), relative to nothing: an absolute path. */
  path?: string;
  /** Why an item was skipped ("exists", "duplicate", ...). */
  skip_reason?: string;
  /**
   * Why a file already in the library is downloaded again: its length does not match the
   * track's ("it is 16 s long, the track 30 s").
   */
  damage?: string;
  /**
   * Another place of the same recording (same ISRC or relinked id): the id of the plan item
   * that fetches it, or the path of its file in the library. This track is then copied,
   * linked or pointed at (`download.duplicates`) instead of fetched again.
   */
  duplicate_of?: string;
  /** What the executor does with a pending track: fetch audio, or only rewrite tags of the existing file. */
  action?: "download" | "retag";
  /** Current stage while running ("search", "download", "convert", "tag"). */
  stage?: string;
  /** 0 to 1. */
  progress: number;
  /** What lyrics the track's file got (absent: not looked up, e.g. `lyrics: off`). */
  lyrics?: LyricsStatus;
  /** Why the lyrics lookup failed (with lyrics "failed"). */
  lyrics_error?: string;
  /** ISO 8601 time the item was added to the plan. */
  created_at: string;
  /** ISO 8601 time its last run began; undefined while it never ran. */
  started_at?: string;
  /** ISO 8601 time it completed, failed or was skipped; undefined until then. */
  completed_at?: string;
}

/** How reading one configured source went: whole, with parts left out, or not at all. */
export type PlanSourceStatus = "ok" | "partial" | "failed";

/** One configured source (song, album, artist, playlist, Liked Songs) as the generator read it. */
export interface PlanSource {
  /** The source's name from Spotify, else the display name in the config, else its link. */
  name: string;
  /** The source's Spotify link as the config gives it. */
  url: string;
  /** What the source is (a song is "track"). */
  kind: PlanItemType;
  /** The plan item made for it (a failed source has one without children). */
  item_id: string;
  /** Whether it was read whole, with parts left out, or not at all. */
  status: PlanSourceStatus;
  /** Why it failed, or which parts were left out. */
  message?: string;
  /** The error's stable code, when the source failed. */
  code?: string;
  /** What the user can do about the failure; undefined when the message says enough. */
  hint?: string;
}

/** A whole plan plus what identifies the config it was made from. */
export interface Plan {
  /** Format version of the saved plan; always 1. */
  version: 1;
  /** Hash of the config's plan-relevant content; a changed config makes a fresh plan. */
  config_hash: string;
  /** ISO 8601 time the plan was generated. */
  created_at: string;
  /** Every item: containers, their tracks and M3Us, in source order. */
  items: PlanItem[];
  /** The configured sources and how reading each went (absent in plans of older versions). */
  sources?: PlanSource[];
}

/** A track item's metadata, narrowed. */
export function trackMetadata(item: PlanItem): TrackMetadata {
  if (item.type !== "track" || item.metadata === null) {
    throw new TypeError(`plan item ${item.id} is not a track`);
  }
  return item.metadata as TrackMetadata;
}

/** Creates a plan item with defaults for the bookkeeping fields. */
export function createPlanItem(
  fields: Pick<PlanItem, "id" | "type" | "name"> & Partial<PlanItem>,
  now: Date = new Date(),
): PlanItem {
  return {
    parent_id: null,
    parent_ids: [],
    children: [],
    metadata: null,
    status: "pending",
    progress: 0,
    created_at: now.toISOString(),
    ...fields,
  };
}

/**
 * The compact JSON of a plan in pieces of `itemsPerPiece` items: together
 * they are the same document as `planToJson(plan, { compact: true })` (items
 * last). A plan of thousands of tracks is several MB of JSON, saved every few
 * seconds during a run; written piece by piece it never exists as one string,
 * and its garbage is small and short-lived instead of megabytes that pile up
 * in the old generation until a full collection.
 */
export function* planJsonPieces(
  plan: Plan,
  options: {
    itemsPerPiece?: number;
    /** What is written for each item (e.g. the item with its keys renamed); default the item. */
    item?: (item: PlanItem) => unknown;
  } = {},
): Generator<string> {
  const size = Math.max(1, Math.floor(options.itemsPerPiece ?? 100));
  const mapItem = options.item ?? ((item: PlanItem) => item);
  const { items, ...rest } = plan;
  const head = JSON.stringify(rest);
  yield head === "{}" ? '{"items":[' : `${head.slice(0, -1)},"items":[`;
  for (let start = 0; start < items.length; start += size) {
    const piece = items.slice(start, start + size).map((item) => JSON.stringify(mapItem(item)))
      .join(",");
    yield start === 0 ? piece : `,${piece}`;
  }
  yield "]}";
}

/** Serializes a plan to JSON text (indented unless `compact`). */
export function planToJson(plan: Plan, options: { compact?: boolean } = {}): string {
  return options.compact ? JSON.stringify(plan) : JSON.stringify(plan, null, 2);
}

/**
 * Copies plan items so that the copy can change without touching the
 * originals: each item, its error and its metadata one level deep, and their
 * arrays. The generator, optimizer and executor only ever replace fields and
 * arrays, never edit nested values in place, so this is enough; it costs a
 * fraction of `structuredClone` on a plan of thousands of tracks (measured on
 * warm re-runs, where copying the plan twice was a tenth of the CPU time). Items
 * that `keep` picks are returned as they are, not copied; with `shallow` the
 * others are copied one level deep only, for a copy that changes items' fields
 * and never their values.
 */
export function copyPlanItems(
  items: readonly PlanItem[],
  options: { keep?: (item: PlanItem) => boolean; shallow?: boolean } = {},
): PlanItem[] {
  const { keep, shallow } = options;
  return items.map((item) => {
    if (keep?.(item)) return item;
    if (shallow) return { ...item };
    const copy: PlanItem = {
      ...item,
      parent_ids: [...item.parent_ids],
      children: [...item.children],
      metadata: item.metadata === null ? null : copyFields(item.metadata),
    };
    if (item.error !== undefined) copy.error = { ...item.error };
    return copy;
  });
}

/** A one-level copy of a plain object, arrays among its values copied too. */
function copyFields<T extends object>(value: T): T {
  const copy = { ...value } as Record<string, unknown>;
  // No entry arrays: a plan copy visits every field of thousands of items.
  for (const key in copy) {
    const field = copy[key];
    if (Array.isArray(field)) copy[key] = [...field];
  }
  return copy as T;
}

/** Parses a plan from JSON text, checking its shape; throws a TypeError on damage. */
export function planFromJson(text: string): Plan {
  const value = JSON.parse(text) as Partial<Plan>;
  if (value === null || typeof value !== "object" || value.version !== 1) {
    throw new TypeError("not a tunedl plan (version 1)");
  }
  if (!Array.isArray(value.items) || typeof value.config_hash !== "string") {
    throw new TypeError("plan has no items or config hash");
  }
  for (const item of value.items) {
    if (typeof item?.id !== "string" || typeof item.type !== "string") {
      throw new TypeError("plan item without id or type");
    }
  }
  return value as Plan;
}

/** Indexes a plan's items by id. */
export function itemsById(items: readonly PlanItem[]): Map<string, PlanItem> {
  return new Map(items.map((item) => [item.id, item]));
}

/** Puts an interrupted item back to the state of one that never ran. */
export function resetToPending(item: PlanItem): void {
  item.status = "pending";
  item.progress = 0;
  delete item.stage;
  delete item.started_at;
  delete item.completed_at;
  delete item.error;
}
