/**
 * The end-of-run report: a small table of what happened, then every failure
 * and not-found track with its reason and what to do about it. Plain text;
 * colour only when asked (a terminal without NO_COLOR).
 */
import { ExitCode } from "../errors/mod.ts";
import { formatLyricsCounts, type LyricsCounts } from "../lyrics/mod.ts";
import type { ExecutionResult, PlanSource, RunStop, RunSummary } from "../plan/mod.ts";
import { formatBytes, formatDuration } from "../util/mod.ts";
import { painter, printable, Sgr } from "./terminal_text.ts";

const { bold, red, green, yellow } = Sgr;

/** Options of formatRunSummary. */
export interface RunSummaryFormatOptions {
  color: boolean;
  /** The failure that stopped the run early, shown first under the table. */
  stoppedBy?: RunStop;
  /** Also tunedl's own figures (cache hit rates, request counts) from `summary.extra`. */
  verbose?: boolean;
}

/** Formats a run summary as lines of text ending in a newline. */
export function formatRunSummary(summary: RunSummary, options: RunSummaryFormatOptions): string {
  const paint = painter(options.color);
  const failedCount = summary.failures.length;
  const notFoundCount = summary.notFound.length;
  const rows: [string, string][] = [];
  const count = (value: number, code: string) =>
    value > 0 ? paint(code, String(value)) : String(value);
  rows.push([
    "Downloaded",
    count(summary.downloaded, green) +
    (summary.bytesWritten > 0 ? `  (${formatBytes(summary.bytesWritten)})` : ""),
  ]);
  // A recording fetched once for several releases: its other files are copies, not downloads.
  if (summary.copied > 0) {
    rows.push(["Copied", `${summary.copied}  (same recording, fetched once)`]);
  }
  if (summary.retagged > 0) rows.push(["Retagged", String(summary.retagged)]);
  rows.push(["Already present", String(summary.alreadyPresent)]);
  if (summary.skipped > 0) rows.push(["Skipped", String(summary.skipped)]);
  rows.push(["Not found", count(notFoundCount, yellow)]);
  const reasons = Object.entries(summary.failedByReason)
    .sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b))
    .map(([code, n]) => `${code} ${n}`)
    .join(", ");
  rows.push(["Failed", count(failedCount, red) + (reasons === "" ? "" : `  (${reasons})`)]);
  rows.push(["M3Us written", String(summary.m3usWritten)]);
  const sourceProblems = (summary.sources ?? []).filter((source) => source.status !== "ok");
  if (sourceProblems.length > 0) {
    const failedSources = sourceProblems.filter((source) => source.status === "failed").length;
    const partial = sourceProblems.length - failedSources;
    rows.push([
      "Sources unread",
      paint(
        red,
        [
          failedSources > 0 ? `${failedSources} failed` : "",
          partial > 0 ? `${partial} partial` : "",
        ].filter(Boolean).join(", "),
      ),
    ]);
  }
  // What to do about pending tracks is said once, by the command, after the summary.
  if (summary.pending > 0) rows.push(["Left pending", paint(yellow, String(summary.pending))]);
  // Lyrics are part of what the user asked for, not one of tunedl's own figures.
  const lyricsCounts = lyricsCountsOf(summary.extra);
  if (lyricsCounts) rows.push(["Lyrics", formatLyricsCounts(lyricsCounts)]);
  rows.push(["Time", formatDuration(summary.durationMs)]);
  if (options.verbose) rows.push(...extraRows(summary.extra));

  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [paint(bold, "Summary")];
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${value}`);

  const stop = options.stoppedBy;
  if (stop !== undefined) {
    // Every other track would fail the same way, so the run stopped instead of repeating it.
    lines.push("", paint(bold, "Stopped:"));
    lines.push(`  - ${paint(red, printable(stop.itemName))} [${stop.itemId}] ${stop.code}`);
    lines.push(`    ${printable(stop.message)}`);
    if (stop.hint) lines.push(`    hint: ${printable(stop.hint)}`);
  }

  if (notFoundCount > 0) {
    lines.push("", paint(bold, `Not found (${notFoundCount}):`));
    for (const entry of summary.notFound) {
      lines.push(`  - ${paint(yellow, printable(entry.name))} [${entry.id}]`);
      lines.push(`    ${printable(entry.message)}`);
      // The message of a not-found match names its best candidate already.
      if (entry.bestCandidate && !entry.message.includes("best ")) {
        lines.push(`    best candidate: ${printable(entry.bestCandidate)}`);
      }
      if (entry.hint) lines.push(`    hint: ${printable(entry.hint)}`);
    }
  }
  if (failedCount > 0) {
    lines.push("", paint(bold, `Failed (${failedCount}):`));
    for (const failure of summary.failures) {
      lines.push(`  - ${paint(red, printable(failure.name))} [${failure.id}] ${failure.code}`);
      lines.push(`    ${printable(failure.message)}`);
      if (failure.hint) lines.push(`    hint: ${printable(failure.hint)}`);
    }
  }
  const lyrics = lyricsCountsOf(summary.extra);
  if (lyrics && lyrics.failures.length > 0) {
    // Not a failed track: the file is complete, only its lyrics are missing.
    lines.push("", paint(bold, `Lyrics not written (${lyrics.failures.length}):`));
    for (const failure of lyrics.failures) {
      lines.push(`  - ${paint(yellow, printable(failure.name))} [${failure.id}]`);
      lines.push(`    ${printable(failure.message)}`);
    }
    lines.push(
      "    The tracks are complete; `tunedl download --overwrite metadata` adds the lyrics later.",
    );
  }
  if (sourceProblems.length > 0) {
    lines.push("", paint(bold, `Sources not fully read (${sourceProblems.length}):`));
    for (const source of sourceProblems) {
      const colour = source.status === "failed" ? red : yellow;
      lines.push(`  - ${paint(colour, printable(source.name))} ${source.status} <${source.url}>`);
      if (source.message) lines.push(`    ${printable(source.message)}`);
      if (source.hint) lines.push(`    hint: ${printable(source.hint)}`);
    }
  }
  const anythingWrong = failedCount > 0 || notFoundCount > 0 || sourceProblems.length > 0 ||
    stop !== undefined;
  if (anythingWrong && summary.reportCommand) {
    lines.push("", `Every failure and its reason, also later: ${summary.reportCommand}`);
  }
  return `${lines.join("\n")}\n`;
}

function lyricsCountsOf(extra: Record<string, unknown>): LyricsCounts | undefined {
  const value = extra.lyrics;
  return value !== null && typeof value === "object" &&
      Array.isArray((value as LyricsCounts).failures)
    ? value as LyricsCounts
    : undefined;
}

/**
 * The process exit code for a run: 130 cancelled, the stopping failure's own code (3 login,
 * 4 missing program, 5 unreachable), 1 if anything failed or was not found or a source could
 * not be read (wholly or in part), else 0.
 */
export function exitCodeFor(
  result: Pick<ExecutionResult, "cancelled" | "summary" | "stoppedBy">,
  options: { sources?: readonly PlanSource[] } = {},
): number {
  if (result.cancelled) return ExitCode.interrupted;
  if (result.stoppedBy !== undefined) return result.stoppedBy.exitCode;
  const { failures, notFound } = result.summary;
  if (failures.length > 0 || notFound.length > 0) return ExitCode.failed;
  return sourcesExitCode(options.sources);
}

/** 1 when any source could not be read (wholly or in part), else 0. */
export function sourcesExitCode(sources: readonly PlanSource[] = []): number {
  return sources.some((source) => source.status !== "ok") ? ExitCode.failed : ExitCode.ok;
}

/**
 * Rows for the CLI's extra facts: `cache_hit_rates` ({ name: 0..1 }) becomes one
 * "Cache hits" row; other plain values are shown under their key made a label
 * (`spotify_requests` -> "Spotify requests").
 */
function extraRows(extra: Record<string, unknown>): [string, string][] {
  const rows: [string, string][] = [];
  for (const [key, value] of Object.entries(extra)) {
    if (key === "cache_hit_rates" && value !== null && typeof value === "object") {
      const rates = Object.entries(value as Record<string, unknown>)
        .filter((entry): entry is [string, number] => typeof entry[1] === "number")
        .map(([name, rate]) => `${name} ${Math.round(rate * 100)}%`);
      if (rates.length > 0) rows.push(["Cache hits", rates.join(", ")]);
    } else if (key === "lyrics") {
      continue; // a row of its own, also without --verbose
    } else if (["string", "number", "boolean"].includes(typeof value)) {
      rows.push([labelOf(key), String(value)]);
    }
  }
  return rows;
}

/** A snake_case key as a row label: "spotify_requests" -> "Spotify requests". */
function labelOf(key: string): string {
  const words = key.split("_").join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
