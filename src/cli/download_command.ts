/**
 * `tunedl download`: the command, and `download()` as the sequence of its steps: take the
 * library, plan (or resume), bring the library's bookkeeping up to date, run
 * (download_execution.ts), and stop cleanly on Ctrl-C or a failure.
 */
import { type AudioTools, resolveAudioTools } from "../audio/mod.ts";
import { ExitCode, isTunedlError, UsageError } from "../errors/mod.ts";
import { acquireLibraryLock, removeDeadRunLeftovers } from "../library/mod.ts";
import { likedSongsNeedLoginError } from "../spotify/mod.ts";
import {
  failedRunRecord,
  placePlan,
  type Plan,
  reopenUnfinished,
  resumablePlan,
  saveRunRecord,
  skipIndexedTracks,
  sourcesByItem,
} from "../plan/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { buildConfigPlan } from "./config_plan.ts";
import { afterRun, executeDownload } from "./download_execution.ts";
import {
  type DownloadFlags,
  type DownloadRun,
  type PreparedLibrary,
  runRecordFile,
  startDownload,
} from "./download_run.ts";
import { hardExit } from "./hard_exit.ts";
import { interruptHandler } from "./interrupt.ts";
import { type CliIo, terminalSink } from "./io.ts";
import { noWholeFiles, recheckLibraryFiles, statAhead } from "./library_recheck.ts";
import {
  markPlanDuplicates,
  openOwnership,
  preparePrune,
  pruneWithLinksError,
  syncOwnership,
} from "./library_upkeep.ts";
import { hasSubjects, loadRunConfig, runSubjects } from "./link_args.ts";
import { optionalFfprobe } from "./optional_tools.ts";
import { formatPlan, listedSources } from "./plan_format.ts";
import { PlanningProgress } from "./planning_progress.ts";
import { reportError } from "./report_error.ts";
import { createRunContext, plansAskSpotify, type RunContext } from "./run_context.ts";
import { sourcesExitCode } from "./run_summary.ts";
import { withSettingFlags } from "./setting_flags.ts";
import { placementFor } from "./stage_options.ts";

const DOWNLOAD = commandSpec("download");

export const downloadCommand: Command = {
  summary: DOWNLOAD.summary,
  usage: usageText(DOWNLOAD),
  async run(argv, io) {
    const { flags, positionals } = parseCommandArgs("download", argv, {
      flags: parserFlags(DOWNLOAD),
      maxPositionals: Infinity,
    });
    if (flags.quiet === true && flags.verbose === true) {
      throw new UsageError("tunedl download: --quiet and --verbose cannot be used together", {
        hint: "Pick one: --quiet shows only problems and the summary, --verbose adds every stage.",
      });
    }
    const logFormat = flags["log-format"] ?? "text";
    if (logFormat !== "text" && logFormat !== "json") {
      throw new UsageError(
        `tunedl download: --log-format must be text or json, got "${logFormat}"`,
      );
    }
    const subjects = runSubjects("download", positionals);
    if (flags.prune === true && hasSubjects(subjects)) throw pruneWithLinksError("download");
    const loaded = withSettingFlags(
      "download",
      await loadRunConfig(flags, io, subjects),
      flags,
      io,
    );
    // A resumed plan may need no Spotify request at all.
    const ctx = await createRunContext(loaded, io, {
      prefetchToken: flags.resume !== true && plansAskSpotify(loaded),
    });
    try {
      // Say so before resolving tools or planning: nothing else could help.
      if (subjects.liked && !ctx.user) throw likedSongsNeedLoginError();
      return await download(ctx, io, {
        resume: flags.resume === true,
        prune: flags.prune === true,
        force: flags.force === true,
        oneShot: hasSubjects(subjects),
        quiet: flags.quiet === true,
        verbose: flags.verbose === true,
        json: logFormat === "json",
      });
    } finally {
      await ctx.close();
    }
  },
};

const PLANNING_INTERRUPTED = "Interrupted while planning: nothing was downloaded.\n";

/** Plans, then runs the plan: each step below is one function. */
async function download(ctx: RunContext, io: CliIo, flags: DownloadFlags): Promise<number> {
  const run = startDownload(ctx, { io, flags });
  const interrupts = watchInterrupts(run);
  try {
    const tools = await takeLibrary(run);
    if (tools) openOwnershipEarly(run);
    const planned = await planDownload(run, tools);
    if (run.controller.signal.aborted) {
      io.err(PLANNING_INTERRUPTED);
      return ExitCode.interrupted;
    }
    const library = await prepareLibrary(run, planned);
    run.phase = "running";
    if (!tools) return showPlanOnly(run, library.plan);
    const result = await executeDownload(run, library, { tools });
    return await afterRun(run, result, { library });
  } catch (error) {
    return await endedEarly(run, error);
  } finally {
    run.spinner?.stop();
    interrupts.dispose();
    await run.lock?.release();
  }
}

/** The first Ctrl-C stops cleanly (no new tracks start); the second stops at once. */
function watchInterrupts(run: DownloadRun): { dispose(): void } {
  return interruptHandler({
    onFirst: () => {
      // While planning there is nothing to stop cleanly: the one line comes after, on the way out.
      if (run.phase === "running") {
        try {
          run.io.err("\nStopping: no new tracks start (Ctrl-C again to quit at once)\n");
        } catch {
          // After SIGHUP the terminal may be gone; stopping matters more than saying so.
        }
      }
      run.controller.abort();
    },
    onSecond: () => {
      // Files already placed stay tunedl's: the record is saved whole before the exit.
      run.ownership?.flushSync();
      hardExit(run.tempRoot);
    },
  });
}

/**
 * When the plan is to be run: finds yt-dlp and ffmpeg, then takes the library's lock. Undefined
 * with `plan_execution_enabled: false`.
 */
async function takeLibrary(run: DownloadRun): Promise<AudioTools | undefined> {
  const d = run.ctx.loaded.config.download;
  if (!d.plan_execution_enabled) return undefined;
  // Resolve the tools first: a missing yt-dlp should not cost a plan.
  const tools = resolveAudioTools({
    ytdlpPath: d.ytdlp_path,
    ffmpegPath: d.ffmpeg_path,
    env: run.io.env,
  });
  // Before the first search: the library can be written and no other run holds it.
  run.lock = await acquireLibraryLock(run.tempRoot);
  // Holding the lock, nothing in the temp folder belongs to a living run.
  await removeDeadRunLeftovers(run.tempRoot);
  return tools;
}

/**
 * Starts reading the ownership record while the plan is made (planning mostly waits for
 * Spotify); only with the library's lock held, so no other run is writing it.
 */
function openOwnershipEarly(run: DownloadRun): void {
  const opening = openOwnership(run.ctx.loaded.library.baseDir, run.io);
  // A plan that fails never looks at it: its failure is then nobody's to report.
  opening.catch(() => {});
  run.ownershipOpening = opening;
}

/** The saved plan with --resume (when it can be used), else a fresh one. */
async function planDownload(run: DownloadRun, tools: AudioTools | undefined): Promise<Plan> {
  const resumed = run.flags.resume ? await resumedPlan(run) : undefined;
  return resumed ?? await freshPlan(run, tools);
}

/** The last run's saved plan, placed again; undefined (said why) when there is none to use. */
async function resumedPlan(run: DownloadRun): Promise<Plan | undefined> {
  const saved = await resumablePlan(run.ctx.paths.dir, {
    configFile: run.ctx.loaded.file,
    configHash: run.hash,
    info: run.info,
    warn: (text) => run.warn(text),
  });
  if (!saved) return undefined;
  // Every track not done (failed, not found, interrupted) is tried again, as a re-run would.
  return await placePlan(reopenUnfinished(saved), placementFor(run.ctx));
}

/** A plan read from Spotify with the spinner, less what the library already holds whole. */
async function freshPlan(run: DownloadRun, tools: AudioTools | undefined): Promise<Plan> {
  const { ctx, io, flags } = run;
  const signal = run.controller.signal;
  if (!flags.quiet && !flags.json) {
    run.spinner = new PlanningProgress({ out: terminalSink(io, "stderr"), env: io.env });
    if (!io.stderrIsTerminal) run.info("Planning...");
  }
  // Playlists are checked on every run: their first request need not wait for a token (asked
  // for already unless --resume found no plan to use).
  if (plansAskSpotify(ctx.loaded)) ctx.client.prefetchToken();
  // While Spotify answers: the files found whole last time, each stat-ed ahead of the optimizer.
  if (!flags.oneShot) run.wholeFiles = noWholeFiles();
  const checked = ctx.libraryIndex?.checkedFiles(ctx.loaded.library.baseDir)
    .catch(() => new Map());
  const planned = new AbortController();
  const statting = checked?.then((files) =>
    statAhead(ctx.caches.files, files.values(), { signal: planned.signal })
  );
  let plan: Plan;
  try {
    plan = await buildConfigPlan(ctx, io, { spinner: run.spinner, signal });
  } finally {
    planned.abort();
    await statting;
  }
  if (ctx.loaded.config.download.overwrite === "skip" && ctx.libraryIndex) {
    plan = await skipIndexedTracks(plan, ctx.libraryIndex);
  }
  plan = await recheckLibraryFiles(ctx, plan, {
    ffprobe: tools?.ffprobe ?? optionalFfprobe(ctx.loaded, io),
    signal,
    // A one-shot run's plan is a few tracks: the library's copy of its whole files stays as it is.
    whole: run.wholeFiles,
    checked: await checked,
  });
  for (const item of plan.items) {
    if (item.damage !== undefined) run.warn(`${item.path}: ${item.damage}; downloading it again`);
  }
  return plan;
}

/**
 * Opens the ownership record, marks the duplicates it shows, brings it up to date with the plan
 * and checks a --prune.
 */
async function prepareLibrary(run: DownloadRun, planned: Plan): Promise<PreparedLibrary> {
  const { ctx, flags } = run;
  const ownership = await (run.ownershipOpening ??
    openOwnership(ctx.loaded.library.baseDir, run.io));
  run.ownership = ownership;
  const plan = markPlanDuplicates(planned, ownership, {
    mode: ctx.loaded.config.download.duplicates,
  });
  const sources = sourcesByItem(plan.items);
  if (!flags.oneShot) await syncOwnership(plan, ownership, { index: ctx.libraryIndex, sources });
  // Refused before anything is downloaded: a prune that large is more likely a mistake.
  const prune = flags.prune
    ? preparePrune(plan, ownership, { loaded: ctx.loaded, force: flags.force })
    : undefined;
  return { plan, ownership, prune, sources };
}

/** With `plan_execution_enabled: false`: the plan, and nothing downloaded. */
function showPlanOnly(run: DownloadRun, plan: Plan): number {
  const { loaded } = run.ctx;
  run.io.out(formatPlan(plan, loaded.library.baseDir, { listed: listedSources(loaded) }));
  run.info("plan_execution_enabled is false: nothing downloaded.");
  return sourcesExitCode(plan.sources);
}

/**
 * A download that threw: after Ctrl-C, one line and exit 130; otherwise the failure is
 * recorded for `tunedl report` and thrown on, for the caller to report.
 */
async function endedEarly(run: DownloadRun, error: unknown): Promise<number> {
  if (run.controller.signal.aborted) {
    run.spinner?.stop();
    // The cancellation itself is no error to report: say once what was interrupted.
    if (run.phase === "planning") run.io.err(PLANNING_INTERRUPTED);
    else if (isTunedlError(error) && error.code === "cancelled") {
      run.io.err("Interrupted. Run again with --resume to continue.\n");
    } else reportError(error, run.io);
    return ExitCode.interrupted;
  }
  // A run that ended early (Spotify unreachable, refused credentials) is recorded too, so
  // `tunedl report` never shows an older run as the last one. Not when another run holds
  // the library: that run's record is the one to keep.
  const heldByAnother = isTunedlError(error) && error.detail?.lockHolder !== undefined;
  if (!heldByAnother) await recordFailedRun(run, error);
  throw error;
}

/** Saves the record of a run that a failure ended before or while it ran (best effort). */
async function recordFailedRun(run: DownloadRun, error: unknown): Promise<void> {
  const recordFile = runRecordFile(run.ctx);
  if (!recordFile) return;
  const record = failedRunRecord(error, {
    configFile: run.ctx.loaded.file,
    command: "download",
    startedAt: run.startedAt,
    finishedAt: new Date(),
  });
  await saveRunRecord(recordFile, record).catch(() => {});
}
