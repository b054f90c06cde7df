/** `tunedl plan`: what would be downloaded and where, without downloading. */
import { buildPlan } from "../plan/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { terminalSink } from "./io.ts";
import { PlanningProgress } from "./planning_progress.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { loadRunConfig, runSubjects } from "./link_args.ts";
import { withSettingFlags } from "./setting_flags.ts";
import { runReporting, writeJson } from "./json_output.ts";
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
        let plan;
        try {
          plan = await buildPlan(planSourcesFor(loaded), ctx.catalog, {
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
        plan = await recheckLibraryFiles(ctx, plan, { ffprobe: optionalFfprobe(loaded, io) });
        const listed = listedSources(loaded);
        if (json) writeJson(io, planJson(plan, layout.baseDir, listed));
        else io.out(formatPlan(plan, layout.baseDir, { all: flags.all === true, listed }));
        // A source that could not be read (wholly or in part) is a problem a script must see.
        return sourcesExitCode(plan.sources);
      } finally {
        await ctx.close();
      }
    });
  },
};
