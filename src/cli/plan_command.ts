/** `tunedl plan`: what would be downloaded and where, without downloading. */
import { buildPlan } from "../plan/mod.ts";
import { configFlags, parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { isConfigPath, loadConfigFor } from "./config_source.ts";
import { runReporting, writeJson } from "./json_output.ts";
import { formatPlan, planJson } from "./plan_format.ts";
import { createRunContext } from "./run_context.ts";
import { sourcesExitCode } from "./run_summary.ts";
import { placementFor, planHashFor, planSourcesFor } from "./stage_options.ts";

export const planCommand: Command = {
  summary: "show what would be downloaded and where, without downloading",
  usage: `Usage: tunedl plan [--config FILE | FILE] [--json] [--all]

Reads the Spotify catalog for everything the config lists, merges duplicates,
resolves output paths and checks which files already exist. Downloads nothing.

Options:
  -c, --config FILE  config file (default ./config.yaml or $TUNEDL_CONFIG)
      --json         print the whole plan as one JSON document {"items": [...]}
      --all          list every track, not only the first 50 to download

Exit code 1 when a source (or part of one) could not be read.`,
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
        // A source that could not be read (wholly or in part) is a problem a script must see.
        return sourcesExitCode(plan.sources);
      } finally {
        await ctx.close();
      }
    });
  },
};
