/** The plan as `plan` and `download` show it: counts, the library, sources with problems, paths. */
import { relative } from "node:path";
import type { LoadedConfig } from "../config/mod.ts";
import type { Plan, PlanItem } from "../plan/mod.ts";
import { printable } from "./terminal_text.ts";

/** Counts of a plan by type and by what will happen; the track counts add up to `tracks`. */
export function planCounts(plan: Plan) {
  const byType: Record<string, number> = {};
  let toDownload = 0, toCopy = 0, toRetag = 0, present = 0, failed = 0, skipped = 0;
  let sourcesFailed = 0;
  let damaged = 0;
  for (const item of plan.items) {
    byType[item.type] = (byType[item.type] ?? 0) + 1;
    if (item.type !== "track") {
      if (item.status === "failed") sourcesFailed++;
      continue;
    }
    if (item.status === "pending" || item.status === "in_progress") {
      if (item.action === "retag") toRetag++;
      else if (item.duplicate_of !== undefined) toCopy++;
      else toDownload++;
      if (item.damage !== undefined) damaged++;
    } else if (item.skip_reason === "exists" || item.status === "completed") present++;
    else if (item.status === "failed") failed++;
    else skipped++;
  }
  const tracks = byType.track ?? 0;
  return {
    tracks,
    byType,
    toDownload,
    toCopy,
    toRetag,
    present,
    failed,
    skipped,
    sourcesFailed,
    damaged,
  };
}

/** What the user listed in the config, for the plan's headline. */
export interface ListedSources {
  songs: number;
  albums: number;
  artists: number;
  playlists: number;
  liked: boolean;
}

/** The sources a config lists (all of them, or only Liked Songs for `download liked`). */
export function listedSources(loaded: LoadedConfig, options: { likedOnly?: boolean } = {}) {
  const c = loaded.config;
  if (options.likedOnly) return { songs: 0, albums: 0, artists: 0, playlists: 0, liked: true };
  return {
    songs: c.songs.length,
    albums: c.albums.length,
    artists: c.artists.length,
    playlists: c.playlists.length,
    liked: c.liked_songs,
  };
}

/** The document `tunedl plan --json` prints. */
export function planJson(plan: Plan, baseDir: string, listed: ListedSources) {
  return {
    config_hash: plan.config_hash,
    created_at: plan.created_at,
    library: baseDir,
    listed,
    counts: planCounts(plan),
    sources: plan.sources ?? [],
    items: plan.items,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "2 songs, 2 albums, 1 artist (14 releases), 1 playlist, Liked Songs": what the config lists. */
export function describeListed(plan: Plan, listed: ListedSources): string {
  const releases =
    plan.items.filter((item) =>
      item.type === "album" && item.parent_ids.some((id) => id.startsWith("artist:"))
    ).length;
  const parts: string[] = [];
  if (listed.songs > 0) parts.push(plural(listed.songs, "song"));
  if (listed.albums > 0) parts.push(plural(listed.albums, "album"));
  if (listed.artists > 0) {
    parts.push(`${plural(listed.artists, "artist")} (${plural(releases, "release")})`);
  }
  if (listed.playlists > 0) parts.push(plural(listed.playlists, "playlist"));
  if (listed.liked) parts.push("Liked Songs");
  return parts.length > 0 ? parts.join(", ") : "nothing listed";
}

/** The human-readable plan. */
export function formatPlan(
  plan: Plan,
  baseDir: string,
  options: { all?: boolean; listed?: ListedSources; duplicates?: "copy" | "link" | "skip" } = {},
): string {
  const counts = planCounts(plan);
  const m3us = counts.byType.m3u ?? 0;
  const listed = options.listed === undefined
    ? ""
    : ` from ${describeListed(plan, options.listed)}`;
  const lines = [
    `Plan: ${plural(counts.tracks, "track")}${listed}` +
    (m3us > 0 ? `; ${plural(m3us, "M3U file")}` : ""),
    `Library: ${baseDir}`,
    `  to download:      ${counts.toDownload}${
      counts.damaged ? ` (${counts.damaged} damaged in the library, listed below)` : ""
    }`,
    ...(counts.toCopy > 0
      ? [`  ${copyLabel(options.duplicates).padEnd(17)} ${counts.toCopy}`]
      : []),
    `  to re-tag:        ${counts.toRetag}`,
    `  already present:  ${counts.present}`,
  ];
  if (counts.skipped) lines.push(`  skipped:          ${counts.skipped}`);
  if (counts.failed) lines.push(`  failed:           ${counts.failed}`);
  if (counts.sourcesFailed) {
    lines.push(`Sources that could not be read: ${counts.sourcesFailed}`);
  }
  const sourceProblems = plan.sources?.filter((source) => source.status !== "ok");
  if (sourceProblems !== undefined) {
    if (sourceProblems.length) {
      lines.push("", "Sources with problems:");
      for (const source of sourceProblems) {
        const hint = source.hint ? ` (${source.hint})` : "";
        lines.push(`  ${source.kind} ${source.name} (${source.status}): ${source.message}${hint}`);
      }
    }
  } else {
    // A plan saved by an older version: no source list, only items with errors.
    const problems = plan.items.filter((i) => i.type !== "track" && i.error);
    if (problems.length) {
      lines.push("", "Sources with problems:");
      for (const item of problems) lines.push(`  ${describeProblem(item)}`);
    }
  }
  const m3uFiles = plan.items.filter((i) => i.type === "m3u" && i.path);
  if (m3uFiles.length) {
    lines.push("", "M3U files:");
    for (const item of m3uFiles) lines.push(`  ${printable(item.name)}: ${item.path}`);
  }
  const damaged = plan.items.filter((i) => i.type === "track" && i.damage !== undefined);
  if (damaged.length) {
    lines.push("", "Damaged files in the library (downloaded again):");
    for (const item of damaged) {
      const path = item.path ? relative(baseDir, item.path) : item.name;
      lines.push(`  ${path}: ${item.damage}`);
    }
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
  return `${lines.map(printable).join("\n")}\n`;
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
