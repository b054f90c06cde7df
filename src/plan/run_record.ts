/**
 * The run record: what the last download of a config did, saved next to its plan so
 * `tunedl report` can show it after the scrollback is gone (cron, a NAS). Plain JSON with
 * snake_case keys; `toReportJson` is the exact document `tunedl report --json` prints.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { ExitCode, isTunedlError, toTunedlError } from "../errors/mod.ts";
import { writeFileAtomic } from "../util/mod.ts";
import type { RunSummary } from "./execution_events.ts";
import type { Plan, PlanSourceStatus } from "./model.ts";

/** One failed or not-found item of a run. */
export interface RunRecordItem {
  /** Spotify id of the track or playlist (the plan item id when it has none). */
  spotify_id: string;
  /** Display name: "Artists - Title" for a track, the playlist name for an M3U. */
  name: string;
  /** "not_found" when no confident match was found, else "failed". */
  status: "failed" | "not_found";
  /** The error's stable code ("not_found", "network", ...). */
  code: string;
  /** The error's one-line message. */
  message: string;
  /** What the user can do about it; null when the message says enough. */
  hint: string | null;
}

/** One configured source and how reading it went. */
export interface RunRecordSource {
  /** The source's name from Spotify, else the display name in the config, else its link. */
  name: string;
  /** The source's Spotify link as the config gives it. */
  url: string;
  /** Whether it was read whole, with parts left out, or not at all. */
  status: PlanSourceStatus;
  /** Why it failed, or which parts were left out; null when it was read whole. */
  message: string | null;
}

/** The run's figures. */
export interface RunRecordCounts {
  /** Tracks in the plan (sources that could not be read not counted). */
  tracks: number;
  /** Tracks downloaded by this run. */
  downloaded: number;
  /** Tracks whose existing file only got its tags rewritten by this run. */
  retagged: number;
  /** Tracks skipped because their file already exists. */
  already_present: number;
  /** Tracks skipped for other reasons (duplicates, ...). */
  skipped: number;
  /** Tracks and M3Us that failed for another reason than not found. */
  failed: number;
  /** Tracks no confident match was found for. */
  not_found: number;
  /** Tracks left pending (the run was stopped before them). */
  pending: number;
  /** M3U files written by this run. */
  m3us_written: number;
  /** Sources read whole. */
  sources_ok: number;
  /** Sources read with parts left out. */
  sources_partial: number;
  /** Sources that could not be read at all. */
  sources_failed: number;
}

/** What `tunedl report --json` prints. */
export interface RunReport {
  /** The exit code the run ended with (see ExitCode). */
  exit_code: number;
  /** The run's figures. */
  counts: RunRecordCounts;
  /** Every failed and not-found track or M3U, in plan order. */
  items: RunRecordItem[];
  /** Every configured source, in config order. */
  sources: RunRecordSource[];
}

/** The saved record: the report plus when, what and the best candidates of not-found items. */
export interface RunRecord extends RunReport {
  /** Format version of the record; always 1. */
  version: 1;
  /** The config file the run used, as given. */
  config_file: string;
  /** The command that ran (e.g. "download"). */
  command: string;
  /** ISO 8601 time the run began. */
  started_at: string;
  /** ISO 8601 time the run ended. */
  finished_at: string;
  /** Set when Ctrl-C ended the run. */
  cancelled: boolean;
  /** The failure that stopped the run early, if one did. */
  stopped_by: { code: string; message: string; hint: string | null } | null;
  /** Not-found item id (spotify id) to the best rejected candidate, as text. */
  best_candidates: Record<string, string>;
}

/** What buildRunRecord needs besides the plan. */
export interface RunRecordInput {
  /** The config file the run used, as given. */
  configFile: string;
  /** The command that ran (e.g. "download"). */
  command: string;
  /** When the run began. */
  startedAt: Date;
  /** When the run ended. */
  finishedAt: Date;
  /** The exit code the run ends with. */
  exitCode: number;
  /** The executor's summary of this run (downloads, M3Us, best candidates). */
  summary?: RunSummary;
  /** Whether Ctrl-C ended the run; false by default. */
  cancelled?: boolean;
  /** The failure that stopped the run early, if one did. */
  stoppedBy?: { code: string; message: string; hint?: string };
}

/** A short stable key for a config file's path. */
export function configFileKey(configFile: string): string {
  return createHash("sha256").update(configFile).digest("hex").slice(0, 16);
}

/** Where the record of a config's last run lives: next to its saved plans. */
export function runRecordFileFor(plansDir: string, configFile: string): string {
  return join(plansDir, `run-${configFileKey(configFile)}.json`);
}

/** What failedRunRecord needs: whose run, which command, when. */
export interface FailedRunInput {
  /** The config file whose run it was. */
  configFile: string;
  /** The command that ran ("download"). */
  command: string;
  /** When the run started. */
  startedAt: Date;
  /** When the failure ended it. */
  finishedAt: Date;
}

/**
 * The record of a run that a failure ended before or while it ran (Spotify unreachable, refused
 * credentials, a missing program): no items, the failure as what stopped it, and its exit code.
 */
export function failedRunRecord(error: unknown, input: FailedRunInput): RunRecord {
  const failure = toTunedlError(error);
  const empty: Plan = { version: 1, config_hash: "", created_at: "", items: [] };
  return buildRunRecord(empty, {
    ...input,
    exitCode: isTunedlError(error) ? failure.exitCode : ExitCode.failed,
    stoppedBy: { code: failure.code, message: failure.message, hint: failure.hint },
  });
}

/** Builds the record of a run from its final plan; every not-done item is counted. */
export function buildRunRecord(plan: Plan, input: RunRecordInput): RunRecord {
  const summary = input.summary;
  const best = new Map(
    (summary?.notFound ?? []).filter((entry) => entry.bestCandidate !== undefined)
      .map((entry) => [entry.id, entry.bestCandidate!]),
  );
  const items: RunRecordItem[] = [];
  const bestCandidates: Record<string, string> = {};
  let tracks = 0;
  let pending = 0;
  let alreadyPresent = 0;
  let skipped = 0;
  for (const item of plan.items) {
    // A source that could not be read has no metadata: it is reported under sources.
    if ((item.type !== "track" && item.type !== "m3u") || item.metadata === null) continue;
    if (item.type === "track") {
      tracks++;
      if (item.status === "pending" || item.status === "in_progress") pending++;
      if (item.status === "skipped") {
        if (item.skip_reason === "exists") alreadyPresent++;
        else skipped++;
      }
    }
    if (item.status !== "failed") continue;
    const notFound = item.error?.code === "not_found";
    const spotifyId = item.spotify_id ?? item.id;
    items.push({
      spotify_id: spotifyId,
      name: item.name,
      status: notFound ? "not_found" : "failed",
      code: item.error?.code ?? "error",
      message: item.error?.message ?? "failed",
      hint: item.error?.hint ?? null,
    });
    const candidate = best.get(item.id);
    if (notFound && candidate !== undefined) bestCandidates[spotifyId] = candidate;
  }
  const sources: RunRecordSource[] = (plan.sources ?? []).map((source) => ({
    name: source.name,
    url: source.url,
    status: source.status,
    message: source.message ?? null,
  }));
  const countSources = (status: PlanSourceStatus) =>
    sources.filter((source) => source.status === status).length;
  return {
    version: 1,
    config_file: input.configFile,
    command: input.command,
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    exit_code: input.exitCode,
    cancelled: input.cancelled ?? false,
    stopped_by: input.stoppedBy
      ? {
        code: input.stoppedBy.code,
        message: input.stoppedBy.message,
        hint: input.stoppedBy.hint ?? null,
      }
      : null,
    counts: {
      tracks,
      downloaded: summary?.downloaded ?? 0,
      retagged: summary?.retagged ?? 0,
      already_present: alreadyPresent,
      skipped,
      failed: items.filter((item) => item.status === "failed").length,
      not_found: items.filter((item) => item.status === "not_found").length,
      pending,
      m3us_written: summary?.m3usWritten ?? 0,
      sources_ok: countSources("ok"),
      sources_partial: countSources("partial"),
      sources_failed: countSources("failed"),
    },
    items,
    sources,
    best_candidates: bestCandidates,
  };
}

/** The exact `tunedl report --json` document of a record. */
export function toReportJson(record: RunReport): RunReport {
  return {
    exit_code: record.exit_code,
    counts: record.counts,
    items: record.items.map((item) => ({
      spotify_id: item.spotify_id,
      name: item.name,
      status: item.status,
      code: item.code,
      message: item.message,
      hint: item.hint,
    })),
    sources: record.sources.map((source) => ({
      name: source.name,
      url: source.url,
      status: source.status,
      message: source.message,
    })),
  };
}

/** Saves a record (atomically: a crash leaves the previous one whole). */
export async function saveRunRecord(path: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads a saved record; undefined when there is none; a TypeError when it is damaged. */
export async function readRunRecord(path: string): Promise<RunRecord | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const value = JSON.parse(text) as Partial<RunRecord> | null;
  if (
    value === null || typeof value !== "object" || value.version !== 1 ||
    typeof value.exit_code !== "number" || !Array.isArray(value.items) ||
    !Array.isArray(value.sources) || typeof value.counts !== "object"
  ) {
    throw new TypeError("not a tunedl run record (version 1)");
  }
  return value as RunRecord;
}
