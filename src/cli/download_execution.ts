/**
 * The running part of `tunedl download`: the track pipeline through the executor with live
 * progress, then what follows a run (ownership record, prune, resume line, run record).
 */
import {
  type AudioTools,
  createGroupWatchdog,
  type ProcessRunner,
  runProcess,
  tagTempsCheckedFile,
  tidyTagTemps,
} from "../audio/mod.ts";
import { join } from "node:path";
import { libraryStateDir } from "../library/mod.ts";
import { LyricsTally } from "../lyrics/mod.ts";
import {
  buildRunRecord,
  type CoverSource,
  createCoverStore,
  createTrackWorker,
  executePlan,
  type ExecutionEvent,
  type ExecutionResult,
  headStartTrackDetails,
  type Plan,
  PlanCheckpoints,
  planFileFor,
  registryForPlan,
  rememberPlan,
  removeSavedPlan,
  type RunSummary,
  saveRunRecord,
  shareRecordings,
  stopsRun,
  type TrackWorker,
} from "../plan/mod.ts";
import { type DownloadRun, type PreparedLibrary, runRecordFile } from "./download_run.ts";
import { terminalSink } from "./io.ts";
import { rememberWholeFiles } from "./library_recheck.ts";
import { filesToReplace, libraryRecording, recordWrittenFiles } from "./library_upkeep.ts";
import { NO_CONFIG_FILE } from "./link_args.ts";
import { trackLyricsFor } from "./lyrics_setup.ts";
import { createProgressReporter, type ProgressReporter } from "./progress.ts";
import { audioProviders } from "./providers.ts";
import type { RunContext } from "./run_context.ts";
import { exitCodeFor } from "./run_summary.ts";
import { executionLimitsFor, trackSettingsFor } from "./stage_options.ts";

/** Runs the plan through the executor with the track pipeline, showing progress as it goes. */
export async function executeDownload(
  run: DownloadRun,
  library: PreparedLibrary,
  options: { tools: AudioTools },
): Promise<ExecutionResult> {
  const { ctx } = run;
  const { loaded } = ctx;
  const { plan } = library;
  const persist = loaded.config.download.plan_persistence_enabled && ctx.cacheWritable;
  if (persist) await rememberPlan(ctx.paths.dir, loaded.file, run.hash);
  await getReady(run, plan);
  const lyricsTally = new LyricsTally();
  const reporter = reporterFor(run);
  // One watchdog for all of the run's programs, not a shell of its own for each.
  await using watchdog = createGroupWatchdog() ?? undefined;
  const warn = (message: string) =>
    reporter.handle({ type: "warning", time: new Date().toISOString(), message } as ExecutionEvent);
  // Each cover fetched once, kept in the library's temp folder (removed when the run ends, or by
  // the next run after a kill) rather than in memory for the whole run.
  await using covers = createCoverStore({
    timeoutMs: loaded.config.download.request_timeout * 1000,
    warn,
    dir: join(run.tempRoot, `covers-${crypto.randomUUID().slice(0, 8)}`),
  });
  const tracksToRun = plan.items.some((item) =>
    item.type === "track" && (item.status === "pending" || item.status === "in_progress")
  );
  const worker = trackWorkerFor(run, library, {
    covers,
    tools: options.tools,
    run: (program, args, options) => runProcess(program, args, { ...options, watchdog }),
    lyricsTally,
    warn,
    tracksToRun,
  });
  const planFile = planFileFor(ctx.paths.dir, run.hash);
  // A run with no track to download leaves nothing to resume: a saved plan (megabytes for a big
  // library) would only be written to be thrown away, and an older one would resume stale lists.
  if (persist && !tracksToRun) await removeSavedPlan(planFile);
  const checkpoints = persist && tracksToRun ? new PlanCheckpoints(planFile) : undefined;
  try {
    return await executePlan(plan, {
      worker,
      // Changed in place: after this only the plan's sources are read, and the result has the
      // items (a copy of each, and of the metadata each finished track replaces, stayed alive for
      // the whole download).
      owned: true,
      ...executionLimitsFor(loaded),
      signal: run.controller.signal,
      stopsRun,
      onCheckpoint: checkpoints && ((p) => checkpoints.save(p)),
      onEvent: (event) => {
        if (event.type === "run_finished") {
          completeSummary(event.summary, run, { plan, lyricsTally });
        }
        reporter.handle(event);
      },
    });
  } finally {
    // The reporter printed the summary with the run_finished event.
    reporter.close();
  }
}

/** The run's progress on stdout: the live display, plain lines or JSON events. */
function reporterFor(run: DownloadRun): ProgressReporter {
  const { flags, io } = run;
  return createProgressReporter({
    mode: flags.json ? "json" : "auto",
    quiet: flags.quiet,
    verbose: flags.verbose,
    out: terminalSink(io, "stdout"),
    env: io.env,
    libraryRoot: run.ctx.loaded.library.baseDir,
  });
}

/** Before the first track: tag temp files a killed run left go, track details are read ahead. */
async function getReady(run: DownloadRun, plan: Plan): Promise<void> {
  const { ctx } = run;
  const d = ctx.loaded.config.download;
  const staleAfterMs = Math.max(2 * d.download_timeout * 1000, 60 * 60 * 1000);
  await tidyTagTemps(
    plan.items.flatMap((item) => item.type === "track" && item.path ? [item.path] : []),
    {
      olderThanMs: staleAfterMs,
      checkedFile: tagTempsCheckedFile(libraryStateDir(ctx.loaded.library.baseDir)),
    },
  );
  await headStartTrackDetails(plan.items, {
    settings: trackSettingsFor(ctx.loaded),
    catalog: ctx.catalog,
    caches: ctx.caches,
  }, { signal: run.controller.signal, warn: (message) => run.warn(message) });
}

/** The per-track pipeline, sharing each recording once and recording the files it writes. */
function trackWorkerFor(
  run: DownloadRun,
  library: PreparedLibrary,
  parts: {
    covers: CoverSource;
    tools: AudioTools;
    run: ProcessRunner;
    lyricsTally: LyricsTally;
    warn: (message: string) => void;
    /** Whether any track is to be downloaded: only then is the recording registry built. */
    tracksToRun: boolean;
  },
): TrackWorker {
  const { ctx, io } = run;
  const { loaded } = ctx;
  const d = loaded.config.download;
  const { plan, ownership } = library;
  return shareRecordings(
    createTrackWorker({
      lyrics: trackLyricsFor(loaded, io, { caches: ctx.caches, tally: parts.lyricsTally }),
      settings: trackSettingsFor(loaded),
      catalog: ctx.catalog,
      providers: audioProviders(d.audio_providers, io, {
        requestTimeoutMs: d.request_timeout * 1000,
      }),
      caches: ctx.caches,
      libraryIndex: ctx.libraryIndex,
      tools: parts.tools,
      run: parts.run,
      libraryRoot: loaded.library.baseDir,
      warn: parts.warn,
      covers: parts.covers,
    }),
    {
      mode: d.duplicates,
      // Built before the run, from the items as planned (the executor changes them in place); a
      // run with nothing to download never needs it.
      registry: parts.tracksToRun
        ? registryForPlan(plan.items, {
          existing: libraryRecording(ownership, ctx.libraryIndex, {
            replaced: filesToReplace(plan),
          }),
        })
        : undefined,
      // A one-shot run's files are not the config's: they are never recorded, so never pruned.
      onWritten: run.flags.oneShot
        ? undefined
        : recordWrittenFiles(ownership, plan, { sources: library.sources }),
    },
  );
}

/** What the summary shows beyond the executor's figures: caches, lyrics, sources, the report. */
function completeSummary(
  summary: RunSummary,
  run: DownloadRun,
  parts: { plan: Plan; lyricsTally: LyricsTally },
): void {
  summary.extra = { ...summary.extra, ...cacheFigures(run.ctx) };
  if (parts.lyricsTally.total > 0) summary.extra.lyrics = parts.lyricsTally.counts();
  summary.sources = (parts.plan.sources ?? []).filter((source) => source.status !== "ok");
  if (runRecordFile(run.ctx)) summary.reportCommand = reportCommandFor(run.ctx.loaded.file);
}

/** After the executor: the ownership record, a prune, the resume line, the run record. */
export async function afterRun(
  run: DownloadRun,
  result: ExecutionResult,
  options: { library: PreparedLibrary },
): Promise<number> {
  const { library } = options;
  const { io, info, flags } = run;
  await library.ownership.flush();
  const pruned = library.prune
    ? await library.prune.afterRun(result, { io, info, json: flags.json })
    : 0;
  const line = resumeLine(result);
  if (line !== undefined) info(line);
  const exitCode = Math.max(exitCodeFor(result, { sources: library.plan.sources }), pruned);
  await rememberWhole(run, result.plan);
  await saveDownloadRecord(run, result, exitCode);
  return exitCode;
}

/** Keeps the files found whole for the next run's check; a cache that fails is no failure. */
async function rememberWhole(run: DownloadRun, plan: Plan): Promise<void> {
  if (run.wholeFiles === undefined || !run.ctx.cacheWritable) return;
  try {
    await rememberWholeFiles(run.ctx, plan, run.wholeFiles);
  } catch {
    // The next run reads the entries one by one instead: slower, not wrong.
  }
}

/** Saves what the run did for `tunedl report`; a failure to is a warning only. */
async function saveDownloadRecord(
  run: DownloadRun,
  result: ExecutionResult,
  exitCode: number,
): Promise<void> {
  const recordFile = runRecordFile(run.ctx);
  if (!recordFile) return;
  await saveRunRecord(
    recordFile,
    buildRunRecord(result.plan, {
      configFile: run.ctx.loaded.file,
      command: "download",
      startedAt: run.startedAt,
      finishedAt: new Date(),
      exitCode,
      summary: result.summary,
      cancelled: result.cancelled,
      stoppedBy: result.stoppedBy,
    }),
  ).catch((error) =>
    run.warn(`could not save the run record ${recordFile}: ${(error as Error).message}`)
  );
}

/** The command that shows this config's last run. */
function reportCommandFor(configFile: string): string {
  // A run on links alone (no config file) is found by `tunedl report` without --config.
  return configFile === NO_CONFIG_FILE
    ? "tunedl report"
    : `tunedl report --config ${shellQuote(configFile)}`;
}

/** A path as one shell word, quoted only when it needs to be. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/** The one line that says how to go on after a run that left tracks pending, if it did. */
export function resumeLine(
  result: { cancelled: boolean; stoppedBy?: { message: string }; summary: { pending: number } },
): string | undefined {
  const pending = result.summary.pending;
  const left = `${pending} track${pending === 1 ? "" : "s"} left pending`;
  if (result.stoppedBy) {
    const reason = result.stoppedBy.message.replace(/\.$/, "");
    return `Stopped: ${reason}. Fix it, then run again with --resume to continue (${left}).`;
  }
  if (result.cancelled) return `Interrupted: ${left}. Run again with --resume to continue.`;
  if (pending > 0) return `${left}. Run again with --resume to continue.`;
  return undefined;
}

/** The cache figures shown in the summary and the JSON run_finished event. */
function cacheFigures(ctx: RunContext): Record<string, unknown> {
  const report = ctx.caches.statsReport();
  const spotify = ctx.client.stats();
  return {
    cache_hit_rates: Object.fromEntries(report.caches.map((c) => [c.name, c.hitRate])),
    caches: report.caches,
    spotify_requests: spotify.requests,
  };
}
