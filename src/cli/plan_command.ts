/** `tunedl plan`: what would be downloaded and where, without downloading. */
import { buildPlan } from "../plan/mod.ts";
import { configFlags, parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { isConfigPath, loadConfigFor } from "./config_source.ts";
import { terminalSink } from "./io.ts";
import { PlanningProgress } from "./planning_progress.ts";
import { runReporting, writeJson } from "./json_output.ts";
import { formatPlan, listedSources, planJson } from "./plan_format.ts";
import { createRunContext } from "./run_context.ts";
import { placementFor, planHashFor, planSourcesFor } from "./stage_options.ts";

export const planCommand: Command = {
  summary: "show what would be downloaded and where, without downloading",
  usage: `Usage: tunedl plan [--config FILE | FILE] [--json] [--all]

Reads the Spotify catalog for everything the config lists, merges duplicates,
resolves output paths and checks which files already exist. Downloads nothing.

Options:
  -c, --config FILE  config file (default ./config.yaml or $TUNEDL_CONFIG)
      --json         print the whole plan as one JSON document {"items": [...]}
      --all          list every track, not only the first 50 to download`,
  run(argv, io) {
    const { flags, positionals } = parseCommandArgs("plan", argv, {
      flags: { ...configFlags, json: { type: "boolean" }, all: { type: "boolean" } },
      maxPositionals: 1,
    });
    const json = flags.json === true;
    return runReporting(io, json, async () => {
      const positional = isConfigPath(positionals[0]) ? positionals[0] : undefined;
      const loaded = await loadConfigFor(flags, io, { positional });
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
                `warning: ${w.source}: ${w.message}\n` + (w.hint ? `hint: ${w.hint}\n` : ""),
              ),
            onProgress: (progress) => spinner.update(progress),
          });
        } finally {
          spinner.stop();
        }
        const listed = listedSources(loaded);
        if (json) writeJson(io, planJson(plan, layout.baseDir, listed));
        else io.out(formatPlan(plan, layout.baseDir, { all: flags.all === true, listed }));
        return 0;
      } finally {
        await ctx.close();
      }
    });
  },
};
