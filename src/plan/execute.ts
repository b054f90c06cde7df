/**
 * The executor, tunedl's third stage: runs the pending items of a plan. Each
 * track flows on its own through three limited pools (Spotify → search →
 * download), so searching the next tracks goes on while others download. The
 * real work is done by an injected TrackWorker; this file only schedules,
 * retries, records statuses and reports.
 */
import { toTunedlError, TunedlError } from "../errors/mod.ts";
import {
  copyPlanItems,
  type M3uMetadata,
  type Plan,
  type PlanItem,
  type PlanItemError,
  resetToPending,
} from "./model.ts";
import { abortableSleep, backoffDelayMs, TaskPool } from "../util/mod.ts";
import { rollUpAfterStart, rollUpAncestors, rollUpContainers } from "./container_status.ts";
import {
  emptyRunSummary,
  type ExecutionEvent,
  type ItemOutcome,
  type NotFoundEntry,
  type ResolvedSource,
  type RunStop,
  type RunSummary,
} from "./execution_events.ts";

/** What a worker stage gets besides the item. */
export interface StageContext {
  /** Aborts when the run is cancelled; pass it to every request and child process. */
  signal: AbortSignal;
  /** Reports a sub-stage ("convert", "tag") for the progress display and the plan. */
  stage(name: string): void;
  /** Reports how far the current item is, 0 to 1. */
  progress(fraction: number): void;
  /**
   * Hands the stage's pool slot to the next track while this one finishes
   * work the limit is not about (tagging, moving the file, bookkeeping once
   * the download tools are done). Only the first call counts.
   */
  releaseSlot(): void;
}

/** The file a worker produced for a track. */
export interface ProducedFile {
  /** Absolute path of the file in the library. */
  path: string;
  /** Its size in bytes, when the worker knows it. */
  bytes?: number;
  /** Set when the worker found nothing to do (e.g. "exists"): the item ends skipped. */
  skipped?: string;
  /** The source the file came from, when not the one resolved (a dead video's runner-up). */
  source?: ResolvedSource;
  /** The library file this one was copied or linked from (the same recording, fetched once). */
  copiedFrom?: string;
}

/** What writing one M3U file did. */
export interface M3uWriteResult {
  /** Entries written to the file. */
  written: number;
  /** Tracks handed to the writer that it left out (no file to point at). */
  leftOut: number;
  /** The file already held exactly this playlist and was left as it was. */
  unchanged?: boolean;
}

/**
 * The real work for one item, implemented by the CLI with Spotify, search,
 * yt-dlp and ffmpeg, and by fakes in tests. Errors should be TunedlErrors;
 * `retryable` decides whether the executor tries the stage again.
 */
export interface TrackWorker {
  /** Spotify stage (e.g. fetch the full track for its ISRC); may change item.metadata. */
  enrich?(item: PlanItem, ctx: StageContext): Promise<void>;
  /**
   * After the Spotify stage and outside every pool: waits while another item fetches the same
   * recording, so two tracks with one ISRC are fetched once.
   */
  awaitRecording?(item: PlanItem, signal: AbortSignal): Promise<void>;
  /** Called once when a track's run ends, whatever the outcome, to let go of what it held. */
  release?(item: PlanItem): void;
  /** Search stage; throws a TunedlError with code "not_found" when no match is confident. */
  resolveSource(item: PlanItem, ctx: StageContext): Promise<ResolvedSource>;
  /** Download, convert and tag. */
  produce(item: PlanItem, source: ResolvedSource, ctx: StageContext): Promise<ProducedFile>;
  /** Rewrites the tags of an existing file (overwrite: metadata). */
  retag?(item: PlanItem, ctx: StageContext): Promise<void>;
  /** Writes an M3U item's file; `tracks` are its playable tracks in playlist order. */
  writeM3u(item: PlanItem, tracks: PlanItem[], ctx: StageContext): Promise<M3uWriteResult>;
}

/** How many tasks of each stage may run at once. */
export interface StageLimits {
  /** Catalog reads (per track) running at once. */
  spotify: number;
  /** Audio searches running at once. */
  search: number;
  /** Downloads (yt-dlp + ffmpeg + tagging) running at once. */
  download: number;
}

/** Options of executePlan. */
export interface ExecuteOptions {
  /** Does each stage of a track and writes M3U files. */
  worker: TrackWorker;
  /** Per-stage concurrency. */
  limits: StageLimits;
  /** Retries per item (across its stages) for retryable errors. */
  maxRetries: number;
  /** First backoff wait, in milliseconds; doubled per retry, with jitter. */
  retryBaseDelayMs: number;
  /** Cap of one backoff wait; 30 s by default. */
  retryMaxDelayMs?: number;
  /** Aborting it stops the run: running items go back to pending and the result says cancelled. */
  signal?: AbortSignal;
  /** Waits between retries; rejects when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Clock for item and event timestamps; the real one by default. */
  now?: () => Date;
  /** Random numbers in [0, 1) for backoff jitter. */
  random?: () => number;
  /** Told about every event, in order, as it happens. */
  onEvent?: (event: ExecutionEvent) => void;
  /** Saves the plan; called at most every checkpointIntervalMs and once at the end. */
  onCheckpoint?: (plan: Plan) => Promise<void>;
  /**
   * Least time between two checkpoints, in milliseconds; default 2000. It grows to 20 times the
   * last save's duration (a plan of many thousand tracks), so saving stays a small share of the
   * run; 0 saves after every change.
   */
  checkpointIntervalMs?: number;
  /** Tracks in flight at once (between their first and last stage); bounds how far search runs ahead. */
  maxInFlight?: number;
  /** After cancellation, how long to wait for running tasks to stop before giving up on them. */
  cancelGraceMs?: number;
  /**
   * Whether a track's failure is one every other track would meet too (a missing program, a
   * rejected login): then the run stops there, and that track and the rest stay pending.
   */
  stopsRun?: (failure: TunedlError) => boolean;
  /**
   * The plan is given up to the executor: its items are changed in place instead of copied, and
   * the result's plan has them. Default false: the input plan is not changed. (A copy of every
   * item, and the metadata each finished track replaces, stayed alive for the whole download.)
   */
  owned?: boolean;
}

/** What executePlan returns. */
export interface ExecutionResult {
  /** The plan with updated statuses (a copy, unless `owned`: the input plan is not changed). */
  plan: Plan;
  /** The counts and failures for the end-of-run table and `--json`. */
  summary: RunSummary;
  /** Stopped by the caller's signal (Ctrl-C). */
  cancelled: boolean;
  /** Stopped by a failure that `stopsRun` picked out. */
  stoppedBy?: RunStop;
  /** The most tasks each stage ran at once. */
  peaks: StageLimits;
}

/** A track the executor leaves as it is: downloaded, or skipped (present, shared, not found). */
function isFinishedTrack(item: PlanItem): boolean {
  return item.type === "track" && (item.status === "completed" || item.status === "skipped");
}

/** Runs a plan's pending items with the given worker; resolves when all are done or cancelled. */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<ExecutionResult> {
  return await new PlanExecution(plan, options).run();
}

type WithoutTime<E> = E extends unknown ? Omit<E, "time"> : never;
type EventInput = WithoutTime<ExecutionEvent>;

/** Retries left for one item, shared by its stages. */
interface RetryBudget {
  used: number;
}

/** Why a track waits: M3U items listening for their tracks to finish. */
interface M3uWait {
  item: PlanItem;
  remaining: Set<string>;
}

const defaultCheckpointIntervalMs = 2000;
/** Checkpoints are at least this many times their own duration apart (at most 1/20 of the time). */
const checkpointShareInverse = 20;
const defaultRetryMaxDelayMs = 30_000;
const defaultCancelGraceMs = 5000;
const progressStep = 0.05;

/** One run of one plan: the mutable state executePlan needs, kept together. */
class PlanExecution {
  readonly #plan: Plan;
  readonly #options: ExecuteOptions;
  readonly #byId: Map<string, PlanItem>;
  readonly #controller = new AbortController();
  readonly #pools: { spotify: TaskPool; search: TaskPool; download: TaskPool; m3u: TaskPool };
  readonly #window: TaskPool;
  readonly #now: () => Date;
  readonly #summary: RunSummary = emptyRunSummary();
  readonly #tasks: Promise<unknown>[] = [];
  readonly #m3uWaits = new Map<string, M3uWait>();
  readonly #m3usOfTrack = new Map<string, string[]>();
  readonly #reportedProgress = new Map<string, number>();
  readonly #toRun: PlanItem[] = [];
  // Set once the run has given up on stray tasks: their late results must not change the plan.
  #closed = false;
  #stoppedBy: RunStop | undefined;
  #lastCheckpointAt = 0;
  #checkpoint: Promise<void> | null = null;
  #checkpointStale = false;
  /** How long the last checkpoint took, in milliseconds. */
  #lastCheckpointMs = 0;
  /** maxRetries made safe: a NaN or negative setting must not mean endless retries. */
  get #maxRetries(): number {
    const value = this.#options.maxRetries;
    return Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;
  }

  constructor(plan: Plan, options: ExecuteOptions) {
    // Unless the plan is owned: a finished track is neither run nor changed again, so it is
    // shared with the caller's plan instead of copied (a warm run's plan is thousands of them).
    // The others are copied one level deep: the executor replaces an item's fields, never edits
    // their values in place, so metadata and lists are shared too.
    this.#plan = {
      ...plan,
      items: options.owned
        ? [...plan.items]
        : copyPlanItems(plan.items, { keep: isFinishedTrack, shallow: true }),
    };
    this.#options = options;
    this.#byId = new Map(this.#plan.items.map((item) => [item.id, item]));
    this.#now = options.now ?? (() => new Date());
    const { spotify, search, download } = options.limits;
    this.#pools = {
      spotify: new TaskPool({ limit: spotify }),
      search: new TaskPool({ limit: search }),
      download: new TaskPool({ limit: download }),
      m3u: new TaskPool({ limit: 1 }),
    };
    this.#window = new TaskPool({ limit: options.maxInFlight ?? spotify + search + 2 * download });
  }

  async run(): Promise<ExecutionResult> {
    const startedAt = this.#now().getTime();
    this.#lastCheckpointAt = startedAt;
    const external = this.#options.signal;
    const forwardAbort = () => this.#controller.abort(external?.reason);
    if (external?.aborted) forwardAbort();
    else external?.addEventListener("abort", forwardAbort, { once: true });
    try {
      this.#prepare();
      await this.#runAll();
    } finally {
      external?.removeEventListener("abort", forwardAbort);
    }
    return await this.#finish(startedAt);
  }

  /** Picks what runs, and links M3U items to the tracks they wait for. */
  #prepare(): void {
    let alreadyDone = 0;
    for (const item of this.#plan.items) {
      if (item.type !== "track" && item.type !== "m3u") continue;
      // An item in progress was interrupted by a previous run: do it again.
      if (item.status === "in_progress") resetToPending(item);
      if (item.status === "pending") this.#toRun.push(item);
      else if (item.type === "track" && item.status !== "failed") alreadyDone++;
    }
    for (const item of this.#toRun) {
      if (item.type !== "m3u") continue;
      const remaining = new Set<string>();
      for (const id of m3uTrackIds(item)) {
        const track = this.#byId.get(id);
        if (track?.type === "track" && track.status === "pending") remaining.add(id);
      }
      this.#m3uWaits.set(item.id, { item, remaining });
      for (const id of remaining) {
        const list = this.#m3usOfTrack.get(id) ?? [];
        list.push(item.id);
        this.#m3usOfTrack.set(id, list);
      }
    }
    this.#summary.total = this.#toRun.length;
    const tracks = this.#toRun.filter((item) => item.type === "track").length;
    this.#emit({ type: "run_started", total: this.#toRun.length, tracks, alreadyDone });
  }

  async #runAll(): Promise<void> {
    const signal = this.#controller.signal;
    for (const wait of this.#m3uWaits.values()) {
      if (wait.remaining.size === 0) this.#startM3u(wait.item);
    }
    for (const item of this.#toRun) {
      if (item.type !== "track") continue;
      // A queued track rejected by cancellation never started: it simply stays pending.
      const task = this.#window.run(() => this.#runTrack(item), { signal }).catch(() => {});
      this.#tasks.push(task);
    }
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      graceTimer = setTimeout(
        () => resolveGrace(),
        this.#options.cancelGraceMs ?? defaultCancelGraceMs,
      );
    };
    let resolveGrace = () => {};
    const graceOver = new Promise<void>((resolve) => (resolveGrace = resolve));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    try {
      await Promise.race([this.#settleAll(), graceOver]);
    } finally {
      signal.removeEventListener("abort", onAbort);
      clearTimeout(graceTimer);
    }
  }

  /** Waits for every task, including M3U tasks started while waiting. */
  async #settleAll(): Promise<void> {
    let settled = 0;
    while (settled < this.#tasks.length) {
      const batch = this.#tasks.slice(settled);
      settled = this.#tasks.length;
      await Promise.allSettled(batch);
    }
  }

  async #finish(startedAt: number): Promise<ExecutionResult> {
    this.#closed = true;
    for (const item of this.#toRun) {
      if (item.status !== "in_progress") continue;
      resetToPending(item);
      this.#emit({ type: "item_cancelled", id: item.id });
    }
    const now = this.#now();
    rollUpContainers(this.#plan.items, now);
    const summary = this.#summary;
    for (const item of this.#plan.items) {
      if (item.type !== "track" || item.status !== "skipped") continue;
      if (item.skip_reason === "exists") summary.alreadyPresent++;
      else summary.skipped++;
    }
    summary.pending = this.#toRun.filter((item) => item.status === "pending").length;
    summary.durationMs = Math.max(0, now.getTime() - startedAt);
    const stoppedBy = this.#stoppedBy;
    const cancelled = this.#controller.signal.aborted && stoppedBy === undefined;
    let saveError: unknown;
    await this.#checkpoint;
    if (this.#options.onCheckpoint !== undefined) {
      try {
        await this.#options.onCheckpoint(this.#plan);
      } catch (error) {
        saveError = error;
        this.#warnSaveFailed(error);
      }
    }
    this.#emit({ type: "run_finished", cancelled, summary, ...(stoppedBy ? { stoppedBy } : {}) });
    // Without the saved plan a later run cannot resume: the caller must hear about it.
    if (saveError !== undefined) throw saveError;
    return {
      plan: this.#plan,
      summary,
      cancelled,
      ...(stoppedBy ? { stoppedBy } : {}),
      peaks: {
        spotify: this.#pools.spotify.peak,
        search: this.#pools.search.peak,
        download: this.#pools.download.peak,
      },
    };
  }

  async #runTrack(item: PlanItem): Promise<void> {
    const worker = this.#options.worker;
    const action = item.action === "retag" ? "retag" : "download";
    const budget: RetryBudget = { used: 0 };
    let source: ResolvedSource | undefined;
    let produced: ProducedFile | undefined;
    try {
      if (action === "retag") {
        const retag = worker.retag?.bind(worker);
        if (retag === undefined) {
          throw new TunedlError(`cannot retag ${item.name}: retagging is not available`, {
            hint: "Report this as a bug: the downloader was started without a retag step.",
          });
        }
        await this.#stage(item, "retag", this.#pools.download, budget, (ctx) => retag(item, ctx));
      } else {
        const enrich = worker.enrich?.bind(worker);
        if (enrich !== undefined) {
          await this.#stage(
            item,
            "spotify",
            this.#pools.spotify,
            budget,
            (ctx) => enrich(item, ctx),
          );
        }
        await worker.awaitRecording?.(item, this.#controller.signal);
        const found = await this.#stage(
          item,
          "search",
          this.#pools.search,
          budget,
          (ctx) => worker.resolveSource(item, ctx),
        );
        source = found;
        produced = await this.#stage(
          item,
          "download",
          this.#pools.download,
          budget,
          (ctx) => worker.produce(item, found, ctx),
        );
      }
      this.#finishTrack(item, action, source, produced);
    } catch (error) {
      const failure = toTunedlError(error);
      if (this.#controller.signal.aborted) this.#cancelItem(item);
      else if (this.#options.stopsRun?.(failure)) this.#stopRun(item, failure);
      else this.#failItem(item, failure, action);
    } finally {
      try {
        worker.release?.(item);
      } catch {
        // Letting go must not turn a finished track into a failure.
      }
    }
  }

  /** Stops the run at a failure every track would meet: this track stays pending with the rest. */
  #stopRun(item: PlanItem, failure: TunedlError): void {
    if (this.#closed) return;
    this.#stoppedBy = {
      ...errorRecord(failure),
      itemId: item.id,
      itemName: item.name,
      exitCode: failure.exitCode,
    };
    // Pending, not failed: once the cause is fixed, --resume must try this track again.
    this.#cancelItem(item);
    this.#controller.abort(failure);
  }

  /** Runs one stage in its pool, retrying it alone while the error is retryable and budget lasts. */
  async #stage<T>(
    item: PlanItem,
    stage: string,
    pool: TaskPool,
    budget: RetryBudget,
    work: (ctx: StageContext) => Promise<T>,
  ): Promise<T> {
    const signal = this.#controller.signal;
    while (true) {
      // Between stages a started track waits for a slot: say so, or it looks busy in its last one.
      if (item.status === "in_progress" && !this.#closed) {
        this.#emit({ type: "item_waiting", id: item.id, stage });
      }
      try {
        return await pool.run((taskSignal, release) => {
          this.#enterStage(item, stage);
          return work(this.#contextFor(item, taskSignal, release));
        }, { signal });
      } catch (error) {
        if (signal.aborted) throw error;
        const failure = toTunedlError(error);
        if (!failure.retryable || budget.used >= this.#maxRetries) throw failure;
        budget.used++;
        const delayMs = backoffDelayMs(budget.used, {
          baseDelayMs: this.#options.retryBaseDelayMs,
          maxDelayMs: this.#options.retryMaxDelayMs ?? defaultRetryMaxDelayMs,
          random: this.#options.random,
        });
        this.#emit({
          type: "item_retry",
          id: item.id,
          attempt: budget.used,
          delayMs,
          error: errorRecord(failure),
        });
        await (this.#options.sleep ?? abortableSleep)(delayMs, signal);
      }
    }
  }

  #enterStage(item: PlanItem, stage: string): void {
    if (this.#closed) return;
    if (item.status !== "in_progress") {
      item.status = "in_progress";
      item.started_at = this.#now().toISOString();
      delete item.completed_at;
      delete item.error;
      this.#emit({ type: "item_started", id: item.id, name: item.name });
      rollUpAfterStart(item, this.#byId, this.#now());
    }
    item.stage = stage;
    this.#emit({ type: "stage", id: item.id, stage });
    this.#maybeCheckpoint();
  }

  #contextFor(item: PlanItem, signal: AbortSignal, releaseSlot: () => void): StageContext {
    return {
      signal,
      releaseSlot,
      stage: (name) => {
        if (this.#closed || item.status !== "in_progress") return;
        item.stage = name;
        this.#emit({ type: "stage", id: item.id, stage: name });
      },
      progress: (fraction) => {
        if (this.#closed || item.status !== "in_progress" || !Number.isFinite(fraction)) return;
        const progress = Math.min(1, Math.max(0, fraction));
        item.progress = progress;
        const last = this.#reportedProgress.get(item.id) ?? -1;
        if (Math.abs(progress - last) >= progressStep || (progress === 1 && last !== 1)) {
          this.#reportedProgress.set(item.id, progress);
          this.#emit({ type: "item_progress", id: item.id, progress });
        }
      },
    };
  }

  #finishTrack(
    item: PlanItem,
    action: "download" | "retag",
    source: ResolvedSource | undefined,
    produced: ProducedFile | undefined,
  ): void {
    if (this.#closed) return;
    let outcome: ItemOutcome = "completed";
    if (produced?.skipped !== undefined) {
      outcome = "skipped";
      item.status = "skipped";
      item.skip_reason = produced.skipped;
    } else {
      item.status = "completed";
      if (action === "retag") this.#summary.retagged++;
      else if (produced?.copiedFrom !== undefined) this.#summary.copied++;
      else {
        this.#summary.downloaded++;
        this.#summary.bytesWritten += produced?.bytes ?? 0;
      }
    }
    if (produced !== undefined) item.path = produced.path;
    item.progress = 1;
    item.completed_at = this.#now().toISOString();
    // Cleared, not deleted: deleting a field added before others turns the object into a
    // dictionary, 2.7 MB more for a 1x run's finished tracks (heap snapshot). JSON leaves it out.
    item.stage = undefined;
    delete item.error;
    this.#emit({
      type: "item_finished",
      id: item.id,
      name: item.name,
      itemType: "track",
      action,
      status: outcome,
      ...(item.path === undefined ? {} : { path: item.path }),
      ...((produced?.source ?? source) === undefined ? {} : { source: produced?.source ?? source }),
      ...(produced?.skipped === undefined ? {} : { skipReason: produced.skipped }),
      ...(produced?.copiedFrom === undefined ? {} : { copiedFrom: produced.copiedFrom }),
    });
    this.#afterFinished(item);
  }

  #failItem(item: PlanItem, failure: TunedlError, action?: "download" | "retag"): void {
    if (this.#closed) return;
    const error = errorRecord(failure);
    item.status = "failed";
    item.error = error;
    item.completed_at = this.#now().toISOString();
    const notFound = failure.code === "not_found";
    if (notFound) {
      this.#summary.notFound.push(notFoundEntry(item, failure));
    } else {
      const reasons = this.#summary.failedByReason;
      reasons[error.code] = (reasons[error.code] ?? 0) + 1;
      this.#summary.failures.push({ id: item.id, name: item.name, ...error });
    }
    this.#emit({
      type: "item_finished",
      id: item.id,
      name: item.name,
      itemType: item.type === "m3u" ? "m3u" : "track",
      ...(action === undefined ? {} : { action }),
      status: notFound ? "not_found" : "failed",
      error,
    });
    this.#afterFinished(item);
  }

  #cancelItem(item: PlanItem): void {
    if (this.#closed) return;
    const started = item.status === "in_progress";
    resetToPending(item);
    if (started) this.#emit({ type: "item_cancelled", id: item.id });
  }

  /** Updates containers above a finished item and starts M3Us that waited only for it. */
  #afterFinished(item: PlanItem): void {
    rollUpAncestors(item, this.#byId, this.#now());
    for (const m3uId of this.#m3usOfTrack.get(item.id) ?? []) {
      const wait = this.#m3uWaits.get(m3uId);
      if (wait === undefined) continue;
      wait.remaining.delete(item.id);
      if (wait.remaining.size === 0 && !this.#controller.signal.aborted) this.#startM3u(wait.item);
    }
    this.#maybeCheckpoint();
  }

  #startM3u(item: PlanItem): void {
    this.#tasks.push(this.#runM3u(item));
  }

  async #runM3u(item: PlanItem): Promise<void> {
    const worker = this.#options.worker;
    try {
      let leftOutByUs = 0;
      const result = await this.#stage(item, "m3u", this.#pools.m3u, { used: 0 }, (ctx) => {
        const tracks: PlanItem[] = [];
        leftOutByUs = 0;
        for (const id of m3uTrackIds(item)) {
          const track = this.#byId.get(id);
          if (track?.status === "completed" || track?.status === "skipped") tracks.push(track);
          else leftOutByUs++;
        }
        return worker.writeM3u(item, tracks, ctx);
      });
      if (this.#closed) return;
      const leftOut = leftOutByUs + result.leftOut;
      item.status = "completed";
      item.progress = 1;
      item.completed_at = this.#now().toISOString();
      item.stage = undefined;
      delete item.error;
      this.#summary.m3usWritten++;
      const path = item.path ?? "";
      this.#emit({
        type: "item_finished",
        id: item.id,
        name: item.name,
        itemType: "m3u",
        status: "completed",
        path,
      });
      this.#emit({ type: "m3u_written", id: item.id, path, tracks: result.written, leftOut });
      this.#afterFinished(item);
    } catch (error) {
      if (this.#controller.signal.aborted) this.#cancelItem(item);
      else this.#failItem(item, toTunedlError(error));
    }
  }

  #maybeCheckpoint(): void {
    const save = this.#options.onCheckpoint;
    if (save === undefined || this.#closed) return;
    if (this.#checkpoint !== null) {
      // Saves never overlap; the change is saved once the running save is done.
      this.#checkpointStale = true;
      return;
    }
    const now = this.#now().getTime();
    // A plan of many thousand tracks takes a while to save: saving stays a small share of the run.
    const least = this.#options.checkpointIntervalMs ?? defaultCheckpointIntervalMs;
    const interval = least > 0
      ? Math.max(least, checkpointShareInverse * this.#lastCheckpointMs)
      : 0;
    if (now - this.#lastCheckpointAt < interval) return;
    this.#lastCheckpointAt = now;
    let saving: Promise<void>;
    try {
      saving = save(this.#plan);
    } catch (error) {
      saving = Promise.reject(error);
    }
    this.#checkpointStale = false;
    this.#checkpoint = saving
      .catch((error) => this.#warnSaveFailed(error))
      .finally(() => {
        // On the run's clock, so a test's clock decides, as it does for the interval.
        this.#lastCheckpointMs = Math.max(0, this.#now().getTime() - now);
        this.#checkpoint = null;
        if (this.#checkpointStale) this.#maybeCheckpoint();
      });
  }

  #warnSaveFailed(error: unknown): void {
    const failure = toTunedlError(error);
    this.#emit({
      type: "warning",
      message: `Could not save the plan: ${failure.message}`,
      hint: failure.hint ?? "Check that the plan file's folder exists and is writable.",
    });
  }

  #emit(input: EventInput): void {
    const event = { ...input, time: this.#now().toISOString() } as ExecutionEvent;
    try {
      this.#options.onEvent?.(event);
    } catch {
      // A broken progress display must not stop downloads.
    }
  }
}

/** The track ids an M3U item lists, in order (empty for damaged metadata). */
function m3uTrackIds(item: PlanItem): string[] {
  const ids = (item.metadata as Partial<M3uMetadata> | null)?.trackItemIds;
  return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
}

function errorRecord(failure: TunedlError): PlanItemError {
  const record: PlanItemError = { code: failure.code, message: failure.message };
  if (failure.hint !== undefined) record.hint = failure.hint;
  return record;
}

function notFoundEntry(item: PlanItem, failure: TunedlError): NotFoundEntry {
  const entry: NotFoundEntry = { id: item.id, name: item.name, message: failure.message };
  if (failure.hint !== undefined) entry.hint = failure.hint;
  const detail = failure.detail;
  if (detail !== undefined) {
    entry.detail = detail;
    const candidate = candidateText(detail.bestCandidate);
    if (candidate !== undefined) entry.bestCandidate = candidate;
  }
  return entry;
}

/** The best candidate as text: a string as is, or an object's title, URL and score. */
function candidateText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object") return undefined;
  const { title, url, score } = value as { title?: unknown; url?: unknown; score?: unknown };
  const parts = [
    typeof title === "string" ? title : undefined,
    typeof url === "string" ? `<${url}>` : undefined,
    typeof score === "number" ? `score ${score.toFixed(2)}` : undefined,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(" ") : undefined;
}
