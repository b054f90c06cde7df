/**
 * Before a resumed run: every track that is not done (failed, not found, interrupted) goes
 * back to pending, so `--resume` retries exactly what a plain re-run would; M3Us that list a
 * reopened track are written again once it is done.
 */
import { rollUpContainers } from "./container_status.ts";
import { type M3uMetadata, type Plan, resetToPending } from "./model.ts";

/** Returns a copy of the plan with every unfinished track and its M3Us pending again. */
export function reopenUnfinished(plan: Plan, options: { now?: Date } = {}): Plan {
  const copy = structuredClone(plan);
  const reopened = new Set<string>();
  for (const item of copy.items) {
    if (item.type !== "track" || item.metadata === null) continue;
    if (item.status === "failed" || item.status === "in_progress") {
      resetToPending(item);
      reopened.add(item.id);
    }
  }
  for (const item of copy.items) {
    if (item.type !== "m3u") continue;
    const ids = (item.metadata as Partial<M3uMetadata> | null)?.trackItemIds ?? [];
    if (item.status === "failed" || ids.some((id) => reopened.has(id))) resetToPending(item);
  }
  rollUpContainers(copy.items, options.now ?? new Date());
  return copy;
}

/** How many tracks reopenUnfinished would put back to pending. */
export function unfinishedTrackCount(plan: Plan): number {
  return plan.items.filter((item) =>
    item.type === "track" && item.metadata !== null &&
    (item.status === "failed" || item.status === "in_progress" || item.status === "pending")
  ).length;
}
