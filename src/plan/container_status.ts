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

/** A container's status from its children's statuses (an empty container is completed). */
export function containerStatus(children: readonly PlanItemStatus[]): PlanItemStatus {
  let unfinished = 0;
  let touched = 0;
  let failed = 0;
  let skipped = 0;
  for (const status of children) {
    if (status === "pending") unfinished++;
    else if (status === "in_progress") {
      unfinished++;
      touched++;
    } else {
      touched++;
      if (status === "failed") failed++;
      else if (status === "skipped") skipped++;
    }
  }
  if (unfinished > 0) return touched > 0 ? "in_progress" : "pending";
  if (failed > 0) return "failed";
  if (children.length > 0 && skipped === children.length) return "skipped";
  return "completed";
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
  if (!isContainer(container) || container.skip_reason !== undefined) return false;
  // A source Spotify could not be read has no children: it stays failed, not "completed".
  if (container.metadata === null && container.status === "failed") return false;
  const children = container.children
    .map((id) => byId.get(id))
    .filter((child): child is PlanItem => child !== undefined);
  const status = containerStatus(children.map((child) => child.status));
  const failed = children.filter((child) => child.status === "failed").length;
  const before = `${container.status}|${container.error?.message}`;
  container.status = status;
  if (status !== "pending") container.started_at ??= now.toISOString();
  if (status === "completed" || status === "failed" || status === "skipped") {
    container.completed_at ??= now.toISOString();
    container.progress = 1;
  } else {
    delete container.completed_at;
    const done = children.filter((child) =>
      child.status !== "pending" && child.status !== "in_progress"
    );
    container.progress = children.length === 0 ? 0 : done.length / children.length;
  }
  if (status === "failed") {
    container.error = {
      code: "partial",
      message: `${failed} of ${children.length} items of ${container.name} failed`,
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
    for (const childId of container.children) {
      const child = byId.get(childId);
      if (child !== undefined && wanted.has(childId)) visit(child, path);
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
