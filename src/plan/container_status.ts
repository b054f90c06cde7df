/**
 * Containers (albums, artists, playlists) have no work of their own: their
 * status is derived from their children, so a resumed or partly failed run
 * shows at a glance which albums are whole.
 */
import type { PlanItem, PlanItemStatus } from "./model.ts";

const containerTypes: ReadonlySet<string> = new Set(["album", "artist", "playlist"]);

/** Whether an item is a container whose status comes from its children. */
export function isContainer(item: PlanItem): boolean {
  return containerTypes.has(item.type);
}

/** How many of a container's children are in each state; counted once per roll-up. */
interface ChildCounts {
  total: number;
  pending: number;
  inProgress: number;
  failed: number;
  skipped: number;
}

function noChildren(): ChildCounts {
  return { total: 0, pending: 0, inProgress: 0, failed: 0, skipped: 0 };
}

function count(counts: ChildCounts, status: PlanItemStatus): void {
  counts.total++;
  if (status === "pending") counts.pending++;
  else if (status === "in_progress") counts.inProgress++;
  else if (status === "failed") counts.failed++;
  else if (status === "skipped") counts.skipped++;
}

function statusOfCounts(counts: ChildCounts): PlanItemStatus {
  const unfinished = counts.pending + counts.inProgress;
  if (unfinished > 0) {
    return counts.pending < counts.total ? "in_progress" : "pending";
  }
  if (counts.failed > 0) return "failed";
  if (counts.total > 0 && counts.skipped === counts.total) return "skipped";
  return "completed";
}

/** A container's status from its children's statuses (an empty container is completed). */
export function containerStatus(children: readonly PlanItemStatus[]): PlanItemStatus {
  const counts = noChildren();
  for (const status of children) count(counts, status);
  return statusOfCounts(counts);
}

/** Counts the children of a container that are in the plan. */
function countChildren(container: PlanItem, byId: ReadonlyMap<string, PlanItem>): ChildCounts {
  const counts = noChildren();
  const children = container.children;
  for (let i = 0; i < children.length; i++) {
    const status = byId.get(children[i])?.status;
    if (status !== undefined) count(counts, status);
  }
  return counts;
}

/** Whether an item's status comes from its children now: a container neither skipped nor unread. */
function rolledUp(item: PlanItem): boolean {
  // A source Spotify could not be read has no children: it stays failed, not "completed".
  return isContainer(item) && item.skip_reason === undefined &&
    !(item.metadata === null && item.status === "failed");
}

/**
 * Sets one container's status, error and timestamps from its children (which
 * must be up to date). A container the optimizer skipped (skip_reason set) or
 * that could not be read at all (failed, no metadata) is left alone. Returns whether anything changed.
 */
export function rollUpContainer(
  container: PlanItem,
  byId: ReadonlyMap<string, PlanItem>,
  now: Date,
): boolean {
  if (!rolledUp(container)) return false;
  // Runs for every track that starts or ends, over playlists of hundreds: one pass, no arrays.
  const counts = countChildren(container, byId);
  const status = statusOfCounts(counts);
  const before = `${container.status}|${container.error?.message}`;
  container.status = status;
  if (status !== "pending") container.started_at ??= now.toISOString();
  if (status === "completed" || status === "failed" || status === "skipped") {
    container.completed_at ??= now.toISOString();
    container.progress = 1;
  } else {
    delete container.completed_at;
    const done = counts.total - counts.pending - counts.inProgress;
    container.progress = counts.total === 0 ? 0 : done / counts.total;
  }
  if (status === "failed") {
    container.error = {
      code: "partial",
      message: `${counts.failed} of ${counts.total} items of ${container.name} failed`,
      hint: "Run tunedl again to retry the failed items; see the run summary for reasons.",
    };
  } else {
    delete container.error;
  }
  return before !== `${container.status}|${container.error?.message}`;
}

/** Rolls up every container of a plan, innermost first (artists after their albums). */
export function rollUpContainers(items: readonly PlanItem[], now: Date): void {
  const byId = new Map(items.map((item) => [item.id, item]));
  rollUpInOrder(items.filter(isContainer), byId, now);
}

/** Rolls up the containers above `item` (all its parents, and theirs), after it changed. */
export function rollUpAncestors(
  item: PlanItem,
  byId: ReadonlyMap<string, PlanItem>,
  now: Date,
): void {
  const ancestors = new Map<string, PlanItem>();
  let frontier = parentIds(item);
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      const parent = byId.get(id);
      if (ancestors.has(id) || parent === undefined || !isContainer(parent)) continue;
      ancestors.set(id, parent);
      next.push(...parentIds(parent));
    }
    frontier = next;
  }
  rollUpInOrder([...ancestors.values()], byId, now);
}

/**
 * Rolls up the containers above an item that has just started. A container already in progress
 * stays so, with the same share done, so when every parent is, nothing above them changes.
 */
export function rollUpAfterStart(
  item: PlanItem,
  byId: ReadonlyMap<string, PlanItem>,
  now: Date,
): void {
  const unchanged = parentIds(item).every((id) => {
    const parent = byId.get(id);
    return parent === undefined || !rolledUp(parent) || parent.status === "in_progress";
  });
  if (!unchanged) rollUpAncestors(item, byId, now);
}

/** Rolls up `containers` children first, so a parent sees its child containers' new status. */
function rollUpInOrder(
  containers: readonly PlanItem[],
  byId: ReadonlyMap<string, PlanItem>,
  now: Date,
): void {
  const wanted = new Set(containers.map((container) => container.id));
  const done = new Set<string>();
  const visit = (container: PlanItem, path: Set<string>): void => {
    // `path` guards against a damaged plan whose containers list each other.
    if (done.has(container.id) || path.has(container.id)) return;
    path.add(container.id);
    // Indexed, and the set asked first: a playlist's hundreds of tracks are passed over for
    // every track that starts or ends.
    const children = container.children;
    for (let i = 0; i < children.length; i++) {
      if (!wanted.has(children[i])) continue;
      const child = byId.get(children[i]);
      if (child !== undefined) visit(child, path);
    }
    path.delete(container.id);
    done.add(container.id);
    rollUpContainer(container, byId, now);
  };
  for (const container of containers) visit(container, new Set());
}

function parentIds(item: PlanItem): string[] {
  const ids = [...item.parent_ids];
  if (item.parent_id !== null && !ids.includes(item.parent_id)) ids.push(item.parent_id);
  return ids;
}
