/** `tunedl plan`: what would be downloaded and where, without downloading. */
import { buildPlan, findRemovals, needsForce } from "../plan/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { terminalSink } from "./io.ts";
import { PlanningProgress } from "./planning_progress.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { hasSubjects, loadRunConfig, runSubjects } from "./link_args.ts";
import { withSettingFlags } from "./setting_flags.ts";
import { runReporting, writeJson } from "./json_output.ts";
import {
  configuredSources,
  formatRemovals,
  markPlanDuplicates,
  openOwnership,
  pruneWithLinksError,
  syncOwnership,
} from "./library_upkeep.ts";
import { printable } from "./terminal_text.ts";
import { recheckLibraryFiles } from "./library_recheck.ts";
import { optionalFfprobe } from "./optional_tools.ts";
import { formatPlan, listedSources, planJson } from "./plan_format.ts";
import { createRunContext } from "./run_context.ts";
import { sourcesExitCode } from "./run_summary.ts";
import { placementFor, planHashFor, planSourcesFor } from "./stage_options.ts";

const PLAN = commandSpec("plan");

export const planCommand: Command = {
  summary: PLAN.summary,
  usage: usageText(PLAN),
  run(argv, io) {
    const { flags, positionals } = parseCommandArgs("plan", argv, {
      flags: parserFlags(PLAN),
      maxPositionals: Infinity,
    });
    const json = flags.json === true;
    return runReporting(io, json, async () => {
      const subjects = runSubjects("plan", positionals);
      if (flags.prune === true && hasSubjects(subjects)) throw pruneWithLinksError("plan");
      const loaded = withSettingFlags(
        "plan",
        await loadRunConfig(flags, io, subjects),
        flags,
        io,
      );
      const ctx = await createRunContext(loaded, io);
      try {
        const layout = loaded.library;
        const spinner = new PlanningProgress({ out: terminalSink(io, "stderr"), env: io.env });
        let built;
        try {
          built = await buildPlan(planSourcesFor(loaded), ctx.catalog, {
            ...placementFor(ctx),
            configHash: planHashFor(loaded),
            artistAlbumGroups: loaded.config.download.artist_album_groups,
            onWarning: (w) =>
              spinner.log(
                `warning: ${printable(`${w.source}: ${w.message}`)}\n` +
                  (w.hint ? `hint: ${printable(w.hint)}\n` : ""),
              ),
            onProgress: (progress) => spinner.update(progress),
          });
        } finally {
          spinner.stop();
        }
        // Files tunedl wrote that are cut short since are downloaded again: say so now.
        built = await recheckLibraryFiles(ctx, built, { ffprobe: optionalFfprobe(loaded, io) });
        const ownership = await openOwnership(layout.baseDir, io, { readOnly: true });
        const plan = markPlanDuplicates(built, ownership, {
          mode: loaded.config.download.duplicates,
        });
        const removals = flags.prune === true
          ? await (async () => {
            // In memory only: what `download --prune` would know after its own update.
            await syncOwnership(plan, ownership, { index: ctx.libraryIndex });
            return findRemovals(plan, ownership.entries(), {
              configuredSources: configuredSources(loaded),
            });
          })()
          : undefined;
        const listed = listedSources(loaded);
        if (json) {
          writeJson(io, {
            ...planJson(plan, layout.baseDir, listed),
            ...(removals ? { removals, owned_files: ownership.size } : {}),
          });
          return sourcesExitCode(plan.sources);
        }
        io.out(formatPlan(plan, layout.baseDir, {
          all: flags.all === true,
          listed,
          duplicates: loaded.config.download.duplicates,
        }));
        if (removals) {
          io.out(
            removals.length === 0
              ? "\nNothing to prune: every file tunedl wrote is still listed by a source.\n"
              : formatRemovals(removals, layout.baseDir, { heading: "Would remove with --prune" }),
          );
          if (needsForce(removals.length, ownership.size)) {
            io.out(
              `That is more than a quarter of the ${ownership.size} files tunedl owns here: ` +
                "`tunedl download --prune` will ask for --force.\n",
            );
          }
        }
        // A source that could not be read (wholly or in part) is a problem a script must see.
        return sourcesExitCode(plan.sources);
      } finally {
        await ctx.close();
      }
    });
  },
};
