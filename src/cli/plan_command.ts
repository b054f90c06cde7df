/** `tunedl plan`: what would be downloaded and where, without downloading. */
import { buildPlan } from "../plan/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { loadRunConfig, runSubjects } from "./link_args.ts";
import { withSettingFlags } from "./setting_flags.ts";
import { runReporting, writeJson } from "./json_output.ts";
import { formatPlan, planJson } from "./plan_format.ts";
import { createRunContext } from "./run_context.ts";
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
        const plan = await buildPlan(planSourcesFor(loaded), ctx.catalog, {
          ...placementFor(ctx),
          configHash: planHashFor(loaded),
          artistAlbumGroups: loaded.config.download.artist_album_groups,
          onWarning: (w) => {
            io.err(`warning: ${w.source}: ${w.message}\n`);
            if (w.hint) io.err(`hint: ${w.hint}\n`);
          },
        });
        if (json) writeJson(io, planJson(plan, layout.baseDir));
        else io.out(formatPlan(plan, layout.baseDir, { all: flags.all === true }));
        return 0;
      } finally {
        await ctx.close();
      }
    });
  },
};
