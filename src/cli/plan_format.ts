/** The plan as `plan` and `download` show it: counts, the library, sources with problems, paths. */
import { relative } from "node:path";
import type { Plan, PlanItem } from "../plan/mod.ts";

/** Counts of a plan by type and by what will happen. */
export function planCounts(plan: Plan) {
  const byType: Record<string, number> = {};
  let toDownload = 0, toCopy = 0, toRetag = 0, present = 0, failed = 0, skipped = 0;
  for (const item of plan.items) {
    byType[item.type] = (byType[item.type] ?? 0) + 1;
    if (item.type !== "track") {
      if (item.status === "failed") failed++;
      continue;
    }
    if (item.status === "pending" || item.status === "in_progress") {
      if (item.action === "retag") toRetag++;
      else if (item.duplicate_of !== undefined) toCopy++;
      else toDownload++;
    } else if (item.skip_reason === "exists" || item.status === "completed") present++;
    else if (item.status === "failed") failed++;
    else skipped++;
  }
  return { byType, toDownload, toCopy, toRetag, present, failed, skipped };
}

export function planJson(plan: Plan, baseDir: string) {
  return {
    config_hash: plan.config_hash,
    created_at: plan.created_at,
    library: baseDir,
    counts: planCounts(plan),
    items: plan.items,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The human-readable plan. */
export function formatPlan(
  plan: Plan,
  baseDir: string,
  options: { all?: boolean; duplicates?: "copy" | "link" | "skip" } = {},
): string {
  const counts = planCounts(plan);
  const t = counts.byType;
  const lines = [
    `Plan: ${plural(t.track ?? 0, "track")} from ${plural(t.album ?? 0, "album")}, ${
      plural(t.artist ?? 0, "artist")
    }, ${plural(t.playlist ?? 0, "playlist")}; ${plural(t.m3u ?? 0, "M3U file")}`,
    `Library: ${baseDir}`,
    `  to download:      ${counts.toDownload}`,
    ...(counts.toCopy > 0
      ? [`  ${copyLabel(options.duplicates).padEnd(17)} ${counts.toCopy}`]
      : []),
    `  to re-tag:        ${counts.toRetag}`,
    `  already present:  ${counts.present}`,
  ];
  if (counts.skipped) lines.push(`  skipped:          ${counts.skipped}`);
  if (counts.failed) lines.push(`  failed to read:   ${counts.failed}`);
  const problems = plan.items.filter((i) => i.type !== "track" && i.error);
  if (problems.length) {
    lines.push("", "Sources with problems:");
    for (const item of problems) lines.push(`  ${describeProblem(item)}`);
  }
  const pending = plan.items.filter((i) => i.type === "track" && i.status === "pending");
  if (pending.length) {
    const shown = options.all ? pending : pending.slice(0, 50);
    lines.push("", "Will write:");
    for (const item of shown) {
      const path = item.path ? relative(baseDir, item.path) : "(no path)";
      const how = item.action === "retag"
        ? "re-tag "
        : item.duplicate_of
        ? `${copyVerb(options.duplicates)} `
        : "";
      lines.push(`  ${how}${path}`);
    }
    if (shown.length < pending.length) {
      lines.push(`  ... and ${pending.length - shown.length} more (--all lists every one)`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** What happens to another place of a recording fetched once, as `download.duplicates` says. */
function copyVerb(mode: "copy" | "link" | "skip" | undefined): string {
  return mode === "link" ? "link" : mode === "skip" ? "share" : "copy";
}

/** "to copy:" with the duplicates setting's own verb. */
function copyLabel(mode: "copy" | "link" | "skip" | undefined): string {
  return `to ${copyVerb(mode)}:`;
}

function describeProblem(item: PlanItem): string {
  const what = `${item.type} ${item.name}`;
  const hint = item.error?.hint ? ` (${item.error.hint})` : "";
  return `${what}: ${item.error?.message ?? item.status}${hint}`;
}
