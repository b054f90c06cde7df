/**
 * Plan optimization: merges repeated tracks into one item, gives every track
 * and M3U its output path (without collisions), and decides per track whether
 * to download, retag or skip it, given which files already exist.
 */
import { type TrackMetadata } from "../model/mod.ts";
import hostPath, { type PlatformPath } from "node:path";
import { addNameSuffix, renderOutputPath } from "../library/mod.ts";
import { copyPlanItems, type M3uMetadata, type Plan, type PlanItem } from "./model.ts";
import type { OverwriteMode } from "../model/mod.ts";
import { forEachAtOnce } from "../util/mod.ts";

/** Options of {@link optimizePlan}. */
export interface OptimizeOptions {
  /** The music folder; every path lies inside it. */
  baseDir: string;
  /** Track path template (the config's `output`). */
  outputTemplate: string;
  /** Audio format, used as the file extension ("mp3"). */
  format: string;
  /** What to do with tracks whose file exists; default "skip". */
  overwrite?: OverwriteMode;
  /** M3U path template; default "{playlist}.m3u8". */
  m3uTemplate?: string;
  /** The folder the M3U template starts from (default: baseDir, the library). */
  m3uBaseDir?: string;
  /** Path rules to apply (default: the host's); tests pass `win32` or `posix`. */
  platformPath?: PlatformPath;
  /** Whether a file exists (the only I/O the optimizer does). */
  fileExists: (path: string) => Promise<boolean> | boolean;
  /**
   * The plan is given up to the optimizer (one just generated or read back): its items are
   * changed in place instead of copied. Default false: the input is not changed.
   */
  owned?: boolean;
}

/** The default M3U path template. */
export const DEFAULT_M3U_TEMPLATE = "{playlist}.m3u8";

/** Returns a new plan with tracks merged, paths assigned and existing files handled; the input is not changed unless `owned`. */
export async function optimizePlan(plan: Plan, options: OptimizeOptions): Promise<Plan> {
  // A warm run's plan has thousands of items: a copy of each, when nobody keeps the original,
  // is only work for the collector.
  const items: PlanItem[] = options.owned ? [...plan.items] : copyPlanItems(plan.items);
  const { containers, tracks, m3us, survivorOf } = mergeRepeatedTracks(items);
  rewriteReferences([...containers, ...m3us], survivorOf);

  const byId = new Map<string, PlanItem>();
  for (const item of [...containers, ...tracks, ...m3us]) {
    if (!byId.has(item.id)) byId.set(item.id, item);
  }
  const platformPath = options.platformPath ?? hostPath;
  const paths = new PathClaims(platformPath);
  // Finished items keep their files; nothing new may take those names.
  for (const item of [...containers, ...tracks, ...m3us]) {
    if (isSettled(item) && item.path !== undefined) paths.claim(item.path);
  }
  for (const m3u of m3us) {
    if (isSettled(m3u)) continue;
    const metadata = m3u.metadata as M3uMetadata | null;
    const playlist = metadata?.playlistName ?? m3u.name;
    const wanted = renderOutputPath(options.m3uTemplate ?? DEFAULT_M3U_TEMPLATE, {
      title: "",
      artists: [],
    }, { baseDir: options.m3uBaseDir ?? options.baseDir, ext: "m3u8", playlist, platformPath });
    m3u.path = paths.claimFree(wanted);
  }
  const placed: PlanItem[] = [];
  for (const track of tracks) {
    if (isSettled(track) || track.metadata === null) continue;
    const wanted = renderOutputPath(options.outputTemplate, track.metadata as TrackMetadata, {
      baseDir: options.baseDir,
      ext: options.format,
      playlist: firstPlaylistName(track, byId),
      platformPath,
    });
    track.path = paths.claimFree(wanted);
    placed.push(track);
  }
  // Each track's decision is its own; the file checks overlap instead of
  // waiting one after another (thousands of stat calls on a warm run).
  await forEachAtOnce(placed, EXISTS_CHECKS_AT_ONCE, (track) => decideAction(track, options));
  return { ...plan, items: [...containers, ...tracks, ...m3us] };
}

/** File checks in flight at once while deciding actions. */
const EXISTS_CHECKS_AT_ONCE = 32;

/** Items the optimizer leaves exactly as they are: finished ones and ones skipped for other reasons. */
function isSettled(item: PlanItem): boolean {
  if (item.status === "completed") return true;
  return item.status === "skipped" && item.skip_reason !== "exists";
}

async function decideAction(track: PlanItem, options: OptimizeOptions): Promise<void> {
  const exists = await options.fileExists(track.path as string);
  const mode = options.overwrite ?? "skip";
  if (exists && mode === "skip") {
    track.status = "skipped";
    track.skip_reason = "exists";
    delete track.action;
    return;
  }
  // A track skipped as existing by an earlier run with another mode is back in play.
  if (track.status === "skipped") track.status = "pending";
  delete track.skip_reason;
  track.action = exists && mode === "metadata" ? "retag" : "download";
}

interface MergedItems {
  containers: PlanItem[];
  tracks: PlanItem[];
  m3us: PlanItem[];
  /** Every track id seen (including merged-away ones) to the id of the item that stays. */
  survivorOf: Map<string, string>;
}

/** Keeps the first track item per Spotify track id (relinked ids count as their original) and folds later ones into it. */
function mergeRepeatedTracks(items: PlanItem[]): MergedItems {
  const containers: PlanItem[] = [];
  const tracks: PlanItem[] = [];
  const m3us: PlanItem[] = [];
  const survivorOf = new Map<string, string>();
  const survivorByTrack = new Map<string, PlanItem>();
  for (const item of items) {
    if (item.type === "m3u") {
      m3us.push(item);
      continue;
    }
    if (item.type !== "track") {
      containers.push(item);
      continue;
    }
    const key = trackKey(item);
    const survivor = survivorByTrack.get(key);
    if (survivor === undefined) {
      survivorByTrack.set(key, item);
      survivorOf.set(item.id, item.id);
      tracks.push(item);
      continue;
    }
    const parentIds = [...new Set([...survivor.parent_ids, ...item.parent_ids])];
    if (item.status === "completed" && survivor.status !== "completed") {
      // A finished copy wins (its file exists), but takes the first copy's place and parent.
      item.parent_id = survivor.parent_id;
      item.parent_ids = parentIds;
      tracks[tracks.indexOf(survivor)] = item;
      survivorByTrack.set(key, item);
      for (const [id, target] of survivorOf) {
        if (target === survivor.id) survivorOf.set(id, item.id);
      }
      survivorOf.set(item.id, item.id);
      continue;
    }
    if (!survivorOf.has(item.id)) survivorOf.set(item.id, survivor.id);
    survivor.parent_ids = parentIds;
    keepKnownFields(survivor, item);
  }
  return { containers, tracks, m3us, survivorOf };
}

/**
 * An album's track list lacks the ISRC that a playlist's copy of the same
 * track carries: keep it on the survivor, so the track needs no extra read
 * and is searched by ISRC.
 */
function keepKnownFields(survivor: PlanItem, other: PlanItem): void {
  const kept = survivor.metadata as Partial<TrackMetadata> | null;
  const extra = other.metadata as Partial<TrackMetadata> | null;
  if (!kept || !extra) return;
  if (!kept.isrc && extra.isrc) kept.isrc = extra.isrc;
  if ((kept.genres?.length ?? 0) === 0 && (extra.genres?.length ?? 0) > 0) {
    kept.genres = [...extra.genres!];
  }
}

/** The merge key: a relinked track (played under another id) is the track it was linked from. */
function trackKey(item: PlanItem): string {
  const metadata = item.metadata as Partial<TrackMetadata> | null;
  return metadata?.linkedFromId ?? metadata?.spotifyId ?? item.spotify_id ??
    item.id.replace(/#\d+$/, "");
}

/** Points containers' children and M3U track lists at the surviving track items. */
function rewriteReferences(items: PlanItem[], survivorOf: Map<string, string>): void {
  // References are fixed even in finished items: the merged-away ids no longer exist.
  for (const item of items) {
    const children = item.children.map((id) => survivorOf.get(id) ?? id);
    // A container lists each child once; only the M3U keeps a playlist's repeats.
    item.children = [...new Set(children)];
    if (item.type === "m3u" && item.metadata !== null) {
      // A new record, not an edit: an owned plan's items are not copied first.
      const metadata = item.metadata as M3uMetadata;
      const trackItemIds = metadata.trackItemIds.map((id) => survivorOf.get(id) ?? id);
      item.metadata = { ...metadata, trackItemIds };
    }
  }
}

function firstPlaylistName(track: PlanItem, byId: Map<string, PlanItem>): string {
  for (const parentId of track.parent_ids) {
    const parent = byId.get(parentId);
    if (parent?.type === "playlist") return parent.name;
  }
  return "";
}

/** Output paths taken so far, compared the way case-insensitive file systems (macOS, Windows) do. */
class PathClaims {
  private readonly taken = new Set<string>();

  constructor(private readonly path: PlatformPath) {}

  claim(filePath: string): void {
    this.taken.add(claimKey(filePath));
  }

  /** Claims `wanted`, or "name (2).ext", "name (3).ext", ... when it is taken. */
  claimFree(wanted: string): string {
    let candidate = wanted;
    for (let n = 2; this.taken.has(claimKey(candidate)); n++) {
      const { join, dirname, basename } = this.path;
      candidate = join(dirname(wanted), addNameSuffix(basename(wanted), ` (${n})`));
    }
    this.claim(candidate);
    return candidate;
  }
}

function claimKey(filePath: string): string {
  return filePath.normalize("NFC").toLowerCase();
}
