/**
 * What a prune removes: files tunedl wrote that no source of the config lists
 * any more. Pure: the plan says what is wanted, the ownership record what
 * tunedl owns; a source that could not be read in this run keeps its files
 * (unreadable is not empty).
 */
import type { Plan, PlanItem } from "./model.ts";
import { lrcPathFor } from "./track_lyrics.ts";

/** One owned file, as the ownership record knows it. */
export interface OwnedFileInfo {
  /** What the file is: a track's audio, a playlist's M3U, or a track's `.lrc` lyrics. */
  kind: "track" | "m3u" | "lyrics";
  /** The Spotify track (or playlist, for an M3U) the file is for. */
  spotify_id?: string;
  /** Ids of the config sources that listed it ("playlist:<id>", "album:<id>", ...). */
  sources: readonly string[];
  /** Tracks pointed at this file instead of having their own (`duplicates: skip`). */
  shared_by?: readonly string[];
}

/** A file a prune would remove; field names are the JSON names of `plan --prune --json`. */
export interface Removal {
  /** Absolute path of the file. */
  path: string;
  /** The Spotify track or playlist it was for; null when the record does not say. */
  spotify_id: string | null;
  /** Why it goes, for people: "no longer on <playlist>", "<album> is no longer in the config". */
  reason: string;
}

/** Options of {@link findRemovals}. */
export interface FindRemovalsOptions {
  /** Ids of every source the config lists now ("playlist:<id>", "album:<id>", "artist:<id>", "track:<id>", "playlist:liked"). */
  configuredSources: ReadonlySet<string>;
  /**
   * Sources known to be unread this run, from the plan as generated: running a plan rolls a
   * container's status up from its children, which hides a failed read.
   */
  unreadSources?: ReadonlySet<string>;
}

/**
 * The source ids (top-level plan items) above each item, by item id. Items with the same sources
 * share one array (a plan's thousands of tracks mostly have one parent): do not change them.
 */
export function sourcesByItem(items: readonly PlanItem[]): Map<string, string[]> {
  const byId = new Map<string, PlanItem>();
  for (const item of items) byId.set(item.id, item);
  const memo = new Map<string, string[]>();
  // The items on the way up from the one asked about: a cycle in a damaged plan ends there.
  const path = new Set<string>();
  const rootsOf = (item: PlanItem): string[] => {
    const known = memo.get(item.id);
    if (known) return known;
    const parents = item.parent_id && !item.parent_ids.includes(item.parent_id)
      ? [...item.parent_ids, item.parent_id]
      : item.parent_ids;
    let roots: string[];
    if (parents.length === 0) roots = [item.id];
    else {
      path.add(item.id);
      const above: string[][] = [];
      for (const id of parents) {
        const parent = byId.get(id);
        if (parent !== undefined && !path.has(id)) above.push(rootsOf(parent));
      }
      path.delete(item.id);
      roots = above.length === 1 ? above[0] : [...new Set(above.flat())];
    }
    memo.set(item.id, roots);
    return roots;
  };
  for (const item of items) if (!memo.has(item.id)) rootsOf(item);
  return memo;
}

/** The top-level sources of a freshly generated plan that could not be read (failed or withheld). */
export function unreadSources(plan: Plan): Set<string> {
  const roots = plan.items.filter((item) =>
    item.parent_id === null && item.parent_ids.length === 0 && item.type !== "m3u"
  );
  return new Set(roots.filter((item) => !readInFull(item)).map((item) => item.id));
}

/** Whether a top-level source was read in full this run (a failed or withheld read says nothing about its tracks). */
function readInFull(item: PlanItem | undefined): boolean {
  if (item === undefined) return false;
  if (item.skip_reason === "withheld") return false;
  // "partial" is a container whose tracks failed to download: its listing was read fine.
  return item.error === undefined || item.error.code === "partial";
}

/** The owned files a prune removes, given the plan of this run (after or before executing it). */
export function findRemovals(
  plan: Plan,
  owned: Iterable<readonly [string, OwnedFileInfo]>,
  options: FindRemovalsOptions,
): Removal[] {
  const byId = new Map(plan.items.map((item) => [item.id, item]));
  const wantedPaths = new Set<string>();
  const wantedTracks = new Set<string>();
  for (const item of plan.items) {
    if (item.path !== undefined && (item.type === "track" || item.type === "m3u")) {
      wantedPaths.add(pathKey(item.path));
      // A track's synced lyrics go and stay with it.
      if (item.type === "track") wantedPaths.add(pathKey(lrcPathFor(item.path)));
    }
    if (item.type === "track" && item.spotify_id) wantedTracks.add(item.spotify_id);
  }
  const removals: Removal[] = [];
  for (const [filePath, entry] of owned) {
    if (wantedPaths.has(pathKey(filePath))) continue;
    // `duplicates: skip`: the file also stands for tracks that point at it.
    if (entry.shared_by?.some((id) => wantedTracks.has(id))) continue;
    const sources = entry.sources;
    // A source this run did not read in full (failed, withheld, or outside a `download liked`)
    // may still list the file.
    const unread = sources.some((id) =>
      options.configuredSources.has(id) &&
      (options.unreadSources?.has(id) === true || !readInFull(byId.get(id)))
    );
    if (unread) continue;
    removals.push({
      path: filePath,
      spotify_id: entry.spotify_id ?? null,
      reason: reasonFor(entry, byId, options.configuredSources),
    });
  }
  return removals.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function reasonFor(
  entry: OwnedFileInfo,
  byId: ReadonlyMap<string, PlanItem>,
  configured: ReadonlySet<string>,
): string {
  const stillListed = entry.sources.filter((id) => configured.has(id));
  if (stillListed.length > 0) {
    const names = stillListed.map((id) => describeSource(id, byId.get(id))).join(", ");
    return entry.kind === "m3u" ? `${names} now has another file name` : `no longer on ${names}`;
  }
  if (entry.sources.length === 0) return "no source of the config lists it";
  return `${entry.sources.map((id) => describeSource(id, undefined)).join(", ")} ${
    entry.sources.length === 1 ? "is" : "are"
  } no longer in the config`;
}

function describeSource(id: string, item: PlanItem | undefined): string {
  const [type] = id.split(":");
  return item ? `${type} "${item.name}"` : id;
}

/** Paths compared as case-insensitive file systems do (macOS, Windows), like the optimizer. */
function pathKey(filePath: string): string {
  return filePath.normalize("NFC").toLowerCase();
}

/** Whether removing `count` of `owned` files is more than a quarter (the `--force` guard). */
export function needsForce(count: number, owned: number): boolean {
  return count > 0 && count * 4 > owned;
}
