/**
 * The lyrics outcomes of one run, counted for the summary, `--json` and the
 * run record (`tunedl report`): how many tracks got synced or plain lyrics,
 * were instrumental or had none, and every failed lookup with its reason.
 */
import type { LyricsStatus } from "./model.ts";

/** A track whose lyrics lookup failed. */
export interface LyricsFailure {
  id: string;
  name: string;
  message: string;
}

/** The counts as JSON-able data (snake_case keys). */
export interface LyricsCounts {
  synced: number;
  plain: number;
  instrumental: number;
  not_found: number;
  failed: number;
  failures: LyricsFailure[];
}

/** Counts lyrics outcomes as tracks finish. */
export class LyricsTally {
  readonly #counts: LyricsCounts = {
    synced: 0,
    plain: 0,
    instrumental: 0,
    not_found: 0,
    failed: 0,
    failures: [],
  };

  /** Records one track's outcome. */
  record(status: LyricsStatus, track: { id: string; name: string; message?: string }): void {
    this.#counts[status]++;
    if (status === "failed") {
      this.#counts.failures.push({
        id: track.id,
        name: track.name,
        message: track.message ?? "lyrics lookup failed",
      });
    }
  }

  /** Tracks counted so far. */
  get total(): number {
    const c = this.#counts;
    return c.synced + c.plain + c.instrumental + c.not_found + c.failed;
  }

  /** A copy of the counts. */
  counts(): LyricsCounts {
    return { ...this.#counts, failures: [...this.#counts.failures] };
  }
}

/** One summary line: "3 synced, 1 plain, 2 not found, 1 failed" (zeros left out). */
export function formatLyricsCounts(counts: LyricsCounts): string {
  const parts: string[] = [];
  if (counts.synced) parts.push(`${counts.synced} synced`);
  if (counts.plain) parts.push(`${counts.plain} plain`);
  if (counts.instrumental) parts.push(`${counts.instrumental} instrumental`);
  if (counts.not_found) parts.push(`${counts.not_found} not found`);
  if (counts.failed) parts.push(`${counts.failed} failed`);
  return parts.length > 0 ? parts.join(", ") : "none looked up";
}
