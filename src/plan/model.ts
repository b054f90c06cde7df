import { type TrackMetadata } from "../model/mod.ts";
/**
 * The plan: a flat list of items (tracks, containers, M3U files) that the
 * generator produces, the optimizer rewrites and the executor runs. Plain data,
 * serializable to JSON and back without loss.
 */
import type { LyricsStatus } from "../lyrics/mod.ts";

export type PlanItemType = "track" | "album" | "artist" | "playlist" | "m3u";
export type PlanItemStatus = "pending" | "in_progress" | "completed" | "failed" | "skipped";

/** Metadata of a container item (album, artist, playlist, Liked Songs). */
export interface ContainerMetadata {
  /** Artists of an album, or the owner of a playlist. */
  artists?: string[];
  owner?: string;
  ownerId?: string;
  releaseDate?: string;
  coverUrl?: string;
  snapshotId?: string;
  totalTracks?: number;
  /** Tracks that were skipped while reading the source (local files, episodes, removed). */
  skippedEntries?: number;
}

/** Metadata of an M3U item: the playlist's tracks in playlist order. */
export interface M3uMetadata {
  playlistName: string;
  /** Plan item ids of the playlist's tracks, in order, duplicates kept. */
  trackItemIds: string[];
}

/** A failure recorded on an item. */
export interface PlanItemError {
  code: string;
  message: string;
  hint?: string;
}

/** One unit of the plan. Field names are the JSON names of `tunedl plan --json`. */
export interface PlanItem {
  /** Unique within a plan: `<type>:<spotify id>` (`m3u:<playlist id>`, `track:<id>`). */
  id: string;
  type: PlanItemType;
  spotify_id?: string;
  spotify_url?: string;
  name: string;
  /** First container that listed this item; null for top-level items. */
  parent_id: string | null;
  /** Every container that lists this item (a shared track has several). */
  parent_ids: string[];
  /** Child item ids, in source order. */
  children: string[];
  metadata: TrackMetadata | ContainerMetadata | M3uMetadata | null;
  status: PlanItemStatus;
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
  created_at: string;
  started_at?: string;
  completed_at?: string;
}

/** A whole plan plus what identifies the config it was made from. */
export interface Plan {
  version: 1;
  /** Hash of the config's plan-relevant content; a changed config makes a fresh plan. */
  config_hash: string;
  created_at: string;
  items: PlanItem[];
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

/** Serializes a plan to JSON text (indented unless `compact`). */
export function planToJson(plan: Plan, options: { compact?: boolean } = {}): string {
  return options.compact ? JSON.stringify(plan) : JSON.stringify(plan, null, 2);
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
