/**
 * `tunedl download`: plan, then execute with progress, checkpoints, Ctrl-C
 * handling and a closing summary.
 */
import { removeStaleTagTemps, resolveAudioTools, tempRootFor } from "../audio/mod.ts";
import { ExitCode, isTunedlError, toTunedlError, UsageError } from "../errors/mod.ts";
import { acquireLibraryLock, type LibraryLock, removeDeadRunLeftovers } from "../library/mod.ts";
import { likedSongsNeedLoginError } from "../spotify/mod.ts";
import {
  buildPlan,
  buildRunRecord,
  createTrackWorker,
  executePlan,
  type ExecutionEvent,
  placePlan,
  planFileFor,
  plansDir,
  prefetchTrackDetails,
  registryForPlan,
  rememberPlan,
  reopenUnfinished,
  resumablePlan,
  runRecordFileFor,
  savePlan,
  saveRunRecord,
  shareRecordings,
  skipIndexedTracks,
  stopsRun,
} from "../plan/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { hasSubjects, loadRunConfig, NO_CONFIG_FILE, runSubjects } from "./link_args.ts";
import { withSettingFlags } from "./setting_flags.ts";
import { type CliIo, terminalSink } from "./io.ts";
import { PlanningProgress } from "./planning_progress.ts";
import { formatPlan, listedSources } from "./plan_format.ts";
import { createProgressReporter } from "./progress.ts";
import { reportError } from "./report_error.ts";
import { createRunContext, type RunContext } from "./run_context.ts";
import { exitCodeFor, sourcesExitCode } from "./run_summary.ts";
import { audioProviders } from "./providers.ts";
import { recheckLibraryFiles } from "./library_recheck.ts";
import { optionalFfprobe } from "./optional_tools.ts";
import { interruptHandler } from "./interrupt.ts";
import { hardExit } from "./hard_exit.ts";
import type { OwnershipRecord } from "../library/mod.ts";
import { printable } from "./terminal_text.ts";
import { placementFor, planHashFor, planSourcesFor, trackSettingsFor } from "./stage_options.ts";
import {
  filesToReplace,
  libraryRecording,
  markPlanDuplicates,
  openOwnership,
  preparePrune,
  pruneWithLinksError,
  recordWrittenFiles,
  syncOwnership,
} from "./library_upkeep.ts";
import { LyricsTally } from "../lyrics/mod.ts";
import { trackLyricsFor } from "./lyrics_setup.ts";

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
    const ctx = await createRunContext(loaded, io);
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

/** Tracks in the Spotify stage at once: enough to fill a 50-id batch read. */
const SPOTIFY_STAGE_LIMIT = 50;

interface DownloadFlags {
  resume: boolean;
  prune: boolean;
  force: boolean;
  /** Links or `liked` on the command line replaced the config's lists. */
  oneShot: boolean;
  quiet: boolean;
  verbose: boolean;
  json: boolean;
}

async function download(ctx: RunContext, io: CliIo, flags: DownloadFlags): Promise<number> {
  const { loaded } = ctx;
  const d = loaded.config.download;
  const info = (text: string) => {
    if (!flags.quiet && !flags.json) io.err(`${text}\n`);
  };
  const warn = (text: string, hint?: string) => {
    io.err(`warning: ${printable(text)}\n`);
    if (hint) io.err(`hint: ${printable(hint)}\n`);
  };

  const controller = new AbortController();
  const layout = loaded.library;
  const startedAt = new Date();
  const tempRoot = tempRootFor(layout.baseDir);
  let lock: LibraryLock | undefined;
  let phase: "planning" | "running" = "planning";
  let spinner: PlanningProgress | undefined;
  let ownership: OwnershipRecord | undefined;
  const interrupt = interruptHandler({
    onFirst: () => {
      // While planning there is nothing to stop cleanly: the one line comes after, on the way out.
      if (phase === "running") {
        try {
          io.err("\nStopping: no new tracks start (Ctrl-C again to quit at once)\n");
        } catch {
          // After SIGHUP the terminal may be gone; stopping matters more than saying so.
        }
      }
      controller.abort();
    },
    onSecond: () => {
      // Files already placed stay tunedl's: the record is saved whole before the exit.
      ownership?.flushSync();
      hardExit(tempRoot);
    },
  });
  try {
    // Resolve the tools first: a missing yt-dlp should not cost a plan.
    const tools = d.plan_execution_enabled
      ? resolveAudioTools({ ytdlpPath: d.ytdlp_path, ffmpegPath: d.ffmpeg_path, env: io.env })
      : undefined;

    if (tools) {
      // Before the first search: the library can be written and no other run holds it.
      lock = await acquireLibraryLock(tempRoot);
      // Holding the lock, nothing in the temp folder belongs to a living run.
      await removeDeadRunLeftovers(tempRoot);
    }
    const hash = planHashFor(loaded);
    const cacheDir = ctx.paths.dir;
    const planFile = planFileFor(cacheDir, hash);
    let plan = flags.resume
      ? await resumablePlan(cacheDir, {
        configFile: loaded.file,
        configHash: hash,
        info,
        warn: (text) => io.err(`warning: ${printable(text)}\n`),
      })
      : undefined;
    // Every track not done (failed, not found, interrupted) is tried again, as a re-run would.
    if (plan) plan = await placePlan(reopenUnfinished(plan), placementFor(ctx));
    else {
      if (!flags.quiet && !flags.json) {
        spinner = new PlanningProgress({ out: terminalSink(io, "stderr"), env: io.env });
        if (!io.stderrIsTerminal) info("Planning...");
      }
      const planning = spinner;
      try {
        plan = await buildPlan(planSourcesFor(loaded), ctx.catalog, {
          ...placementFor(ctx),
          configHash: hash,
          artistAlbumGroups: d.artist_album_groups,
          signal: controller.signal,
          onWarning: (w) => {
            const text = `warning: ${w.source}: ${w.message}\n` +
              (w.hint ? `hint: ${w.hint}\n` : "");
            if (planning) planning.log(text);
            else io.err(text);
          },
          onProgress: (progress) => planning?.update(progress),
        });
      } finally {
        planning?.stop();
      }
      if (d.overwrite === "skip" && ctx.libraryIndex) {
        plan = await skipIndexedTracks(plan, ctx.libraryIndex);
      }
      plan = await recheckLibraryFiles(ctx, plan, {
        ffprobe: tools?.ffprobe ?? optionalFfprobe(loaded, io),
        signal: controller.signal,
      });
      const damaged = plan.items.filter((item) => item.damage !== undefined);
      for (const item of damaged) {
        warn(`${item.path}: ${item.damage}; downloading it again`);
      }
    }
    if (controller.signal.aborted) {
      io.err("Interrupted while planning: nothing was downloaded.\n");
      return 130;
    }
    ownership = await openOwnership(layout.baseDir, io);
    plan = markPlanDuplicates(plan, ownership, { mode: d.duplicates });
    if (!flags.oneShot) await syncOwnership(plan, ownership, { index: ctx.libraryIndex });
    // Refused before anything is downloaded: a prune that large is more likely a mistake.
    const prune = flags.prune
      ? preparePrune(plan, ownership, { loaded, force: flags.force })
      : undefined;
    phase = "running";
    if (!d.plan_execution_enabled || !tools) {
      io.out(formatPlan(plan, layout.baseDir, { listed: listedSources(loaded) }));
      info("plan_execution_enabled is false: nothing downloaded.");
      return sourcesExitCode(plan.sources);
    }
    const persist = d.plan_persistence_enabled && ctx.cacheWritable;
    const settings = trackSettingsFor(loaded);
    if (persist) await rememberPlan(cacheDir, loaded.file, hash);
    const recordFile = ctx.cacheWritable
      ? runRecordFileFor(plansDir(cacheDir), loaded.file)
      : undefined;
    // A run on links alone (no config file) is found by `tunedl report` without --config.
    const reportCommand = loaded.file === NO_CONFIG_FILE
      ? "tunedl report"
      : `tunedl report --config ${shellQuote(loaded.file)}`;

    const staleAfterMs = Math.max(2 * d.download_timeout * 1000, 60 * 60 * 1000);
    await removeStaleTagTemps(
      plan.items.flatMap((item) => item.type === "track" && item.path ? [item.path] : []),
      { olderThanMs: staleAfterMs },
    );
    try {
      await prefetchTrackDetails(plan.items, {
        settings,
        catalog: ctx.catalog,
        caches: ctx.caches,
      }, { signal: controller.signal });
    } catch (error) {
      // Only a head start: each track reads what it lacks itself, with retries.
      if (!isTunedlError(error) || stopsRun(error) || controller.signal.aborted) throw error;
      warn(`could not read track details ahead (${error.message}); reading them track by track`);
    }
    const providers = audioProviders(d.audio_providers, io, {
      requestTimeoutMs: d.request_timeout * 1000,
    });
    const lyricsTally = new LyricsTally();
    const worker = shareRecordings(
      createTrackWorker({
        lyrics: trackLyricsFor(loaded, io, { caches: ctx.caches, tally: lyricsTally }),
        settings,
        catalog: ctx.catalog,
        providers,
        caches: ctx.caches,
        libraryIndex: ctx.libraryIndex,
        tools,
        libraryRoot: layout.baseDir,
        warn: (message) => reporterWarn(message),
      }),
      {
        mode: d.duplicates,
        registry: registryForPlan(plan.items, {
          existing: libraryRecording(ownership, ctx.libraryIndex, {
            replaced: filesToReplace(plan),
          }),
        }),
        // A one-shot run's files are not the config's: they are never recorded, so never pruned.
        onWritten: flags.oneShot ? undefined : recordWrittenFiles(ownership, plan),
      },
    );
    const reporter = createProgressReporter({
      mode: flags.json ? "json" : "auto",
      quiet: flags.quiet,
      verbose: flags.verbose,
      out: terminalSink(io, "stdout"),
      env: io.env,
      libraryRoot: layout.baseDir,
    });
    const sourceProblems = (plan.sources ?? []).filter((source) => source.status !== "ok");
    const reporterWarn = (message: string) =>
      reporter.handle(
        { type: "warning", time: new Date().toISOString(), message } as ExecutionEvent,
      );
    try {
      const result = await executePlan(plan, {
        worker,
        // The Spotify stage is mostly cache lookups and batched reads; the
        // client itself bounds its requests in flight (spotify_concurrency).
        limits: { spotify: SPOTIFY_STAGE_LIMIT, search: d.search_concurrency, download: d.threads },
        maxRetries: d.max_retries,
        retryBaseDelayMs: 1000,
        signal: controller.signal,
        stopsRun,
        onCheckpoint: persist ? (p) => savePlan(planFile, p) : undefined,
        onEvent: (event) => {
          if (event.type === "run_finished") {
            event.summary.extra = { ...event.summary.extra, ...cacheFigures(ctx) };
            if (lyricsTally.total > 0) event.summary.extra.lyrics = lyricsTally.counts();
            event.summary.sources = sourceProblems;
            if (recordFile) event.summary.reportCommand = reportCommand;
          }
          reporter.handle(event);
        },
      });
      // The reporter already printed the summary with the run_finished event.
      reporter.close();
      await ownership.flush();
      const pruned = prune ? await prune.afterRun(result, { io, info, json: flags.json }) : 0;
      const line = resumeLine(result);
      if (line !== undefined) info(line);
      const exitCode = Math.max(exitCodeFor(result, { sources: plan.sources }), pruned);
      if (recordFile) {
        await saveRunRecord(
          recordFile,
          buildRunRecord(result.plan, {
            configFile: loaded.file,
            command: "download",
            startedAt,
            finishedAt: new Date(),
            exitCode,
            summary: result.summary,
            cancelled: result.cancelled,
            stoppedBy: result.stoppedBy,
          }),
        ).catch((error) =>
          warn(`could not save the run record ${recordFile}: ${(error as Error).message}`)
        );
      }
      return exitCode;
    } catch (error) {
      reporter.close();
      throw error;
    }
  } catch (error) {
    if (controller.signal.aborted) {
      spinner?.stop();
      // The cancellation itself is no error to report: say once what was interrupted.
      if (phase === "planning" || (isTunedlError(error) && error.code === "cancelled")) {
        io.err(
          phase === "planning"
            ? "Interrupted while planning: nothing was downloaded.\n"
            : "Interrupted. Run again with --resume to continue.\n",
        );
      } else reportError(error, io);
      return 130;
    }
    // A run that ended early (Spotify unreachable, refused credentials) is recorded too, so
    // `tunedl report` never shows an older run as the last one. Not when another run holds
    // the library: that run's record is the one to keep.
    const heldByAnother = isTunedlError(error) && error.detail?.lockHolder !== undefined;
    if (!heldByAnother) await recordFailedRun(ctx, error, startedAt);
    throw error;
  } finally {
    spinner?.stop();
    interrupt.dispose();
    await lock?.release();
  }
}

/** Saves the record of a run that a failure ended before or while it ran (best effort). */
async function recordFailedRun(ctx: RunContext, error: unknown, startedAt: Date): Promise<void> {
  if (!ctx.cacheWritable) return;
  const failure = toTunedlError(error);
  const empty = { version: 1 as const, config_hash: "", created_at: "", items: [] };
  const record = buildRunRecord(empty, {
    configFile: ctx.loaded.file,
    command: "download",
    startedAt,
    finishedAt: new Date(),
    exitCode: isTunedlError(error) ? failure.exitCode : ExitCode.failed,
    stoppedBy: { code: failure.code, message: failure.message, hint: failure.hint },
  });
  await saveRunRecord(runRecordFileFor(plansDir(ctx.paths.dir), ctx.loaded.file), record)
    .catch(() => {});
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
