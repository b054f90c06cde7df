/** `tunedl plan`: what would be downloaded and where, without downloading. */
import { relative } from "node:path";
import { findRemovals, needsForce, type Plan, type PlanItem } from "../plan/mod.ts";
import { configFlags, parseCommandArgs } from "./args.ts";
import { buildPlan } from "./build_plan.ts";
import type { Command } from "./command.ts";
import { isConfigPath, loadConfigFor } from "./config_source.ts";

import { runReporting, writeJson } from "./json_output.ts";
import {
  configuredSources,
  formatRemovals,
  markPlanDuplicates,
  openOwnership,
} from "./library_upkeep.ts";
import { createRunContext } from "./run_context.ts";

export const planCommand: Command = {
  summary: "show what would be downloaded and where, without downloading",
  usage: `Usage: tunedl plan [--config FILE | FILE] [--json] [--all] [--prune]

Reads the Spotify catalog for everything the config lists, merges duplicates,
resolves output paths and checks which files already exist. Downloads nothing.

Options:
  -c, --config FILE  config file (default ./config.yaml or $TUNEDL_CONFIG)
      --json         print the whole plan as one JSON document {"items": [...]}
      --all          list every track, not only the first 50 to download
      --prune        also list the files tunedl wrote that no source lists any
                     more (what \`tunedl download --prune\` would remove)`,
  run(argv, io) {
    const { flags, positionals } = parseCommandArgs("plan", argv, {
      flags: {
        ...configFlags,
        json: { type: "boolean" },
        all: { type: "boolean" },
        prune: { type: "boolean" },
      },
      maxPositionals: 1,
    });
    const json = flags.json === true;
    return runReporting(io, json, async () => {
      const positional = isConfigPath(positionals[0]) ? positionals[0] : undefined;
      const loaded = await loadConfigFor(flags, io, { positional });
      const ctx = await createRunContext(loaded, io);
      try {
        const built = await buildPlan(ctx, {
          onWarning: (w) => {
            io.err(`warning: ${w.source}: ${w.message}\n`);
            if (w.hint) io.err(`hint: ${w.hint}\n`);
          },
        });
        const { layout } = built;
        const ownership = await openOwnership(layout.baseDir, io);
        const plan = markPlanDuplicates(built.plan, loaded, ownership);
        const removals = flags.prune === true
          ? findRemovals(plan, ownership.entries(), {
            configuredSources: configuredSources(loaded),
          })
          : undefined;
        if (json) {
          writeJson(io, {
            ...planJson(plan, layout.baseDir),
            ...(removals ? { removals, owned_files: ownership.size } : {}),
          });
          return 0;
        }
        io.out(formatPlan(plan, layout.baseDir, {
          all: flags.all === true,
          duplicates: loaded.config.download.duplicates,
        }));
        if (removals) {
          io.out(
            removals.length === 0
              ? "\nNothing to prune: every file tunedl wrote is still listed by a source.\n"
              : formatRemovals(removals, layout.baseDir, "Would remove with --prune"),
          );
          if (needsForce(removals.length, ownership.size)) {
            io.out(
              `That is more than a quarter of the ${ownership.size} files tunedl owns here: ` +
                "`tunedl download --prune` will ask for --force.\n",
            );
          }
        }
        return 0;
      } finally {
        await ctx.close();
      }
    });
  },
};

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

function planJson(plan: Plan, baseDir: string) {
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
