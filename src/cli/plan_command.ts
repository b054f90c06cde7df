/** `tunedl plan`: what would be downloaded and where, without downloading. */
import { CancelledError, ExitCode } from "../errors/mod.ts";
import { findRemovals, needsForce } from "../plan/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { buildConfigPlan } from "./config_plan.ts";
import { quitAtOnce } from "./hard_exit.ts";
import { interruptHandler } from "./interrupt.ts";
import { type CliIo, terminalSink } from "./io.ts";
import { runReporting, writeJson } from "./json_output.ts";
import { recheckLibraryFiles } from "./library_recheck.ts";
import {
  configuredSources,
  formatRemovals,
  markPlanDuplicates,
  openOwnership,
  pruneWithLinksError,
  syncOwnership,
} from "./library_upkeep.ts";
import { hasSubjects, loadRunConfig, runSubjects } from "./link_args.ts";
import { optionalFfprobe } from "./optional_tools.ts";
import { formatPlan, listedSources, planJson } from "./plan_format.ts";
import { PlanningProgress } from "./planning_progress.ts";
import { createRunContext, plansAskSpotify, type RunContext } from "./run_context.ts";
import { sourcesExitCode } from "./run_summary.ts";
import { withSettingFlags } from "./setting_flags.ts";

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
      const ctx = await createRunContext(loaded, io, { prefetchToken: plansAskSpotify(loaded) });
      const controller = new AbortController();
      const spinner = new PlanningProgress({ out: terminalSink(io, "stderr"), env: io.env });
      const interrupts = interruptHandler({
        onFirst: () => controller.abort(),
        // A plan writes no file: only a running ffprobe is left to end.
        onSecond: () => {
          spinner.stop();
          quitAtOnce();
        },
      });
      try {
        return await showPlan(ctx, io, {
          json,
          all: flags.all === true,
          prune: flags.prune === true,
          spinner,
          signal: controller.signal,
        });
      } catch (error) {
        if (!controller.signal.aborted) throw error;
        return planningInterrupted(io, json);
      } finally {
        spinner.stop();
        interrupts.dispose();
        await ctx.close();
      }
    });
  },
};

/** Says once that Ctrl-C stopped the planning; with --json stdout still holds one document. */
function planningInterrupted(io: CliIo, json: boolean): number {
  if (json) {
    writeJson(io, {
      ok: false,
      error: { code: "cancelled", message: "interrupted while planning" },
    });
  }
  io.err(PLANNING_INTERRUPTED);
  return ExitCode.interrupted;
}

const PLANNING_INTERRUPTED = "Interrupted while planning: no plan was made.\n";

/** Makes the plan and prints it (with what a prune would remove); returns the exit code. */
async function showPlan(
  ctx: RunContext,
  io: CliIo,
  options: {
    json: boolean;
    all: boolean;
    prune: boolean;
    spinner: PlanningProgress;
    signal: AbortSignal;
  },
): Promise<number> {
  const { json, signal } = options;
  const { loaded } = ctx;
  const layout = loaded.library;
  let built = await buildConfigPlan(ctx, io, { spinner: options.spinner, signal });
  // Files tunedl wrote that are cut short since are downloaded again: say so now.
  built = await recheckLibraryFiles(ctx, built, { ffprobe: optionalFfprobe(loaded, io), signal });
  if (signal.aborted) throw new CancelledError("interrupted while planning");
  const ownership = await openOwnership(layout.baseDir, io, { readOnly: true });
  const plan = markPlanDuplicates(built, ownership, {
    mode: loaded.config.download.duplicates,
  });
  const removals = options.prune
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
    all: options.all,
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
}
