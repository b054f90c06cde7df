/**
 * What the executor reports while it runs (events) and when it is done (the
 * run summary). Plain JSON-able data, so `--json` output is just one event per
 * line and reporters can be tested with hand-made events.
 */
import type { PlanItemError, PlanSource } from "./model.ts";

/** Where a track's audio was found. */
export interface ResolvedSource {
  /** The URL yt-dlp downloads (a watch URL, or a configured override). */
  url: string;
  /** Which search provider found it ("youtube-music" or "youtube"), or "override". */
  provider: string;
  /** Match score, when the matcher gives one. */
  score?: number;
  /** The candidate's title, when the matcher gives one. */
  title?: string;
}

/** How an item ended: "not_found" is a failure with code not_found, reported apart. */
export type ItemOutcome = "completed" | "skipped" | "failed" | "not_found";

/** Fields every event has. */
export interface EventBase {
  /** ISO 8601 time the event happened. */
  time: string;
}

/** The run began; `total` items (tracks and M3Us) will run. */
export interface RunStartedEvent extends EventBase {
  /** Event kind; always "run_started". */
  type: "run_started";
  /** Items (tracks and M3Us) this run will execute. */
  total: number;
  /** Of `total`, how many are tracks (the rest are M3U files). */
  tracks: number;
  /** Tracks already finished in the plan (completed or skipped) that will not run again. */
  alreadyDone: number;
}

/** An item's first stage started. */
export interface ItemStartedEvent extends EventBase {
  /** Event kind; always "item_started". */
  type: "item_started";
  /** Plan item id (`track:<spotify id>` or `m3u:<playlist id>`). */
  id: string;
  /** Display name: "Artists - Title" for a track, the playlist name for an M3U. */
  name: string;
}

/** An item entered a stage ("spotify", "search", "download", "convert", "tag", "retag", "m3u"). */
export interface StageEvent extends EventBase {
  /** Event kind; always "stage". */
  type: "stage";
  /** Plan item id (`track:<spotify id>` or `m3u:<playlist id>`). */
  id: string;
  /** The stage entered. */
  stage: string;
}

/** A started item waits for a slot of its next stage (or for a retry): it is queued, not working. */
export interface ItemWaitingEvent extends EventBase {
  /** Event kind; always "item_waiting". */
  type: "item_waiting";
  /** Plan item id (`track:<spotify id>` or `m3u:<playlist id>`). */
  id: string;
  /** The stage it waits to enter. */
  stage: string;
}

/** A running item reported progress (throttled to steps of 5%). */
export interface ItemProgressEvent extends EventBase {
  /** Event kind; always "item_progress". */
  type: "item_progress";
  /** Plan item id (`track:<spotify id>` or `m3u:<playlist id>`). */
  id: string;
  /** 0 to 1. */
  progress: number;
}

/** An item finished, one way or another. */
export interface ItemFinishedEvent extends EventBase {
  /** Event kind; always "item_finished". */
  type: "item_finished";
  /** Plan item id (`track:<spotify id>` or `m3u:<playlist id>`). */
  id: string;
  /** Display name: "Artists - Title" for a track, the playlist name for an M3U. */
  name: string;
  /** Whether the item is a track or an M3U file. */
  itemType: "track" | "m3u";
  /** What was done to a track. */
  action?: "download" | "retag";
  /** How it ended. */
  status: ItemOutcome;
  /** Absolute path of the file written or kept; undefined when none. */
  path?: string;
  /** Why it failed; set for failed and not_found. */
  error?: PlanItemError;
  /** Where a downloaded track's audio came from. */
  source?: ResolvedSource;
  /** Why a skipped item was skipped. */
  skipReason?: string;
  /** The file a track was copied or linked from (its recording was fetched once, for another place). */
  copiedFrom?: string;
}

/** An item was interrupted by cancellation and is pending again. */
export interface ItemCancelledEvent extends EventBase {
  /** Event kind; always "item_cancelled". */
  type: "item_cancelled";
  /** Plan item id (`track:<spotify id>` or `m3u:<playlist id>`). */
  id: string;
}

/** A stage of an item failed with a retryable error and will be tried again. */
export interface ItemRetryEvent extends EventBase {
  /** Event kind; always "item_retry". */
  type: "item_retry";
  /** Plan item id (`track:<spotify id>` or `m3u:<playlist id>`). */
  id: string;
  /** 1 for the first retry. */
  attempt: number;
  /** Wait before the retry, in milliseconds. */
  delayMs: number;
  /** The retryable failure. */
  error: PlanItemError;
}

/** An M3U file was written. */
export interface M3uWrittenEvent extends EventBase {
  /** Event kind; always "m3u_written". */
  type: "m3u_written";
  /** Plan item id of the M3U (`m3u:<playlist id>`). */
  id: string;
  /** Absolute path of the M3U file. */
  path: string;
  /** Entries written. */
  tracks: number;
  /** Tracks of the playlist not in the file (failed, missing). */
  leftOut: number;
}

/** Something went wrong that does not stop the run (e.g. saving the plan). */
export interface WarningEvent extends EventBase {
  /** Event kind; always "warning". */
  type: "warning";
  /** What went wrong, one line. */
  message: string;
  /** What the user can do about it; undefined when the message says enough. */
  hint?: string;
}

/** Why a run stopped before its end: the failure and the track that met it first. */
export interface RunStop extends PlanItemError {
  /** Plan item id (`<type>:<spotify id>`), as in the saved plan. */
  itemId: string;
  /** The item's display name, as in the plan ("Artists - Title" for a track). */
  itemName: string;
  /** The failure's exit code, for the CLI. */
  exitCode: number;
}

/** The run is over (finished, cancelled, or stopped by a failure every track would meet). */
export interface RunFinishedEvent extends EventBase {
  /** Event kind; always "run_finished". */
  type: "run_finished";
  /** Whether the caller's signal (Ctrl-C) stopped the run. */
  cancelled: boolean;
  /** What the run did. */
  summary: RunSummary;
  /** Set when a failure stopped the run (see `ExecuteOptions.stopsRun`). */
  stoppedBy?: RunStop;
}

/** Everything the executor reports while running. */
export type ExecutionEvent =
  | RunStartedEvent
  | ItemStartedEvent
  | StageEvent
  | ItemWaitingEvent
  | ItemProgressEvent
  | ItemFinishedEvent
  | ItemCancelledEvent
  | ItemRetryEvent
  | M3uWrittenEvent
  | WarningEvent
  | RunFinishedEvent;

/** A track no confident match was found for. */
export interface NotFoundEntry {
  /** Plan item id of the track (`track:<spotify id>`). */
  id: string;
  /** Display name: "Artists - Title". */
  name: string;
  /** Why no candidate was accepted. */
  message: string;
  /** What the user can do (e.g. add an override); undefined when the message says enough. */
  hint?: string;
  /** Text of the best rejected candidate, when the error's detail names one. */
  bestCandidate?: string;
  /** The error's JSON-able detail, as the matcher gave it. */
  detail?: Record<string, unknown>;
}

/** An item that failed for another reason than not found. */
export interface FailureEntry {
  /** Plan item id (`<type>:<spotify id>`), as in the saved plan. */
  id: string;
  /** The item's display name, as in the plan ("Artists - Title" for a track). */
  name: string;
  /** The error's stable code ("network", "tag_failed", ...). */
  code: string;
  /** The error's one-line message. */
  message: string;
  /** What the user can do about it; undefined when the message says enough. */
  hint?: string;
}

/** What a run did, for the end-of-run table and `--json`. */
export interface RunSummary {
  /** Items (tracks and M3Us) this run set out to do. */
  total: number;
  /** Tracks downloaded (and converted, tagged, placed) by this run. */
  downloaded: number;
  /** Tracks whose file was copied or linked from the same recording fetched for another place. */
  copied: number;
  /** Tracks whose existing file only got its tags rewritten by this run. */
  retagged: number;
  /** Tracks skipped because the file already exists (whole plan, not just this run). */
  alreadyPresent: number;
  /** Tracks skipped for other reasons (duplicates, ...), whole plan. */
  skipped: number;
  /** Tracks no confident match was found for, in plan order. */
  notFound: NotFoundEntry[];
  /** Failure code to count; not_found is counted in `notFound`, not here. */
  failedByReason: Record<string, number>;
  /** Every other failed item, in plan order. */
  failures: FailureEntry[];
  /** M3U files written by this run. */
  m3usWritten: number;
  /** Bytes of the files produced, as far as the worker reported them. */
  bytesWritten: number;
  /** Items left pending (cancelled before they finished). */
  pending: number;
  /** Wall-clock length of the run, in milliseconds. */
  durationMs: number;
  /** Free-form facts the CLI adds, e.g. `cacheHitRates: { spotify: 0.9 }`. */
  extra: Record<string, unknown>;
  /** Configured sources that could not be read, or only in part (the CLI adds them). */
  sources?: PlanSource[];
  /** The command that shows every failure of this run again (`tunedl report ...`). */
  reportCommand?: string;
}

/** An empty summary, to be filled in. */
export function emptyRunSummary(): RunSummary {
  return {
    total: 0,
    downloaded: 0,
    copied: 0,
    retagged: 0,
    alreadyPresent: 0,
    skipped: 0,
    notFound: [],
    failedByReason: {},
    failures: [],
    m3usWritten: 0,
    bytesWritten: 0,
    pending: 0,
    durationMs: 0,
    extra: {},
  };
}
