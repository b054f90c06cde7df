/**
 * Files already in the library are only "present" when they are whole. tunedl records the length
 * it verified when it wrote a file; a file that changed since, or was recorded before lengths
 * were kept (such as the truncated files a full disk left with older versions), is read again,
 * and one whose length does not match is downloaded again. Files tunedl never wrote are not
 * probed: it cannot know what they should be.
 */
import {
  type CheckedFile,
  type LibraryEntry,
  type LibraryIndex,
  sameMtime,
  type StatFile,
} from "../library/mod.ts";
import type { TrackMetadata } from "../model/mod.ts";
import type { Plan, PlanItem } from "./model.ts";
import { forEachAtOnce } from "../util/mod.ts";

/** Slack for a file tunedl verified itself: "a second or two", plus 0.5 % for long files. */
export const verifiedToleranceSec = 2;

/** Options of {@link recheckPresentFiles}. */
export interface LengthCheckOptions {
  /** Where tunedl recorded the files it wrote. */
  index: Pick<LibraryIndex, "entries" | "record">;
  /** Reads a file's current size and mtime (undefined or a throw when it is missing). */
  stat: StatFile;
  /** Seconds of audio in a file (ffprobe); throws when the file cannot be read as audio. */
  probe?: (path: string) => Promise<number | undefined>;
  /**
   * Slack against Spotify's length for files recorded without a verified length: the match
   * accepted only candidates this close (download.duration_tolerance).
   */
  legacyToleranceSec: number;
  /** Files probed at once; default 4. */
  concurrency?: number;
  /**
   * Files found whole by an earlier check, by track id (the index's copy of them): one that is
   * where the plan puts it and unchanged since (size and time) needs no look at its entry.
   */
  checked?: ReadonlyMap<string, CheckedFile>;
  /** Told of every present file found whole and unchanged, for the next run's `checked`. */
  onWhole?: (trackId: string, file: CheckedFile) => void;
}

/** Why a file's length does not match what it should be, or undefined (pure). */
export function lengthProblem(
  actualSec: number | undefined,
  expectedSec: number | undefined,
  toleranceSec: number,
  options: { onlyShorter?: boolean; expectedName?: string } = {},
): string | undefined {
  if (actualSec === undefined || !Number.isFinite(actualSec) || actualSec <= 0) {
    return "it has no readable length";
  }
  if (expectedSec === undefined || !Number.isFinite(expectedSec) || expectedSec <= 0) {
    return undefined;
  }
  const difference = options.onlyShorter
    ? expectedSec - actualSec
    : Math.abs(actualSec - expectedSec);
  if (difference <= toleranceSec + expectedSec * 0.005) return undefined;
  return `it is ${seconds(actualSec)} long, ${options.expectedName ?? "the track"} ${
    seconds(expectedSec)
  }`;
}

/**
 * The most a file recorded without a verified length may fall short of Spotify's length. Tighter
 * than the match's tolerance: a cut-off file is what this looks for, and a whole file that is
 * this much shorter is downloaded once more and from then on trusted by its verified length.
 */
export const legacyShortfallSec = 5;

function seconds(value: number): string {
  return value < 10 ? `${value.toFixed(1)} s` : `${Math.round(value)} s`;
}

/** Tracks counted as present: skipped as existing, or about to be re-tagged in place. */
function isPresent(item: PlanItem): boolean {
  if (item.type !== "track" || item.path === undefined || !item.spotify_id) return false;
  return (item.status === "skipped" && item.skip_reason === "exists") ||
    (item.status === "pending" && item.action === "retag");
}

/**
 * Returns the plan with present tracks whose recorded file is not whole set to download again
 * (`damage` says why); files that pass get their checked length recorded.
 */
export async function recheckPresentFiles(plan: Plan, options: LengthCheckOptions): Promise<Plan> {
  const items = [...plan.items];
  const present = items.map((item, index) => ({ item, index })).filter(({ item }) =>
    isPresent(item)
  );
  // A warm run has thousands of present files and a read of the index costs far more than a
  // stat: files found whole before and unchanged since are settled by their stat alone.
  const unsettled: typeof present = [];
  await forEachAtOnce(present, STATS_AT_ONCE, async (work) => {
    if (!await stillWhole(work.item, options)) unsettled.push(work);
  });
  // The rest read together: one KV read per ten tracks instead of one each.
  const recorded = await options.index.entries(unsettled.map(({ item }) => item.spotify_id!));
  const entryOf = new Map(unsettled.map(({ item }, at) => [item, recorded[at]]));
  await forEachAtOnce(unsettled, options.concurrency ?? 4, async ({ item, index }) => {
    const outcome = await checkOne(item, entryOf.get(item), options);
    if (outcome.whole) options.onWhole?.(item.spotify_id!, outcome.whole);
    if (outcome.damage !== undefined) {
      const redo: PlanItem = {
        ...item,
        status: "pending",
        action: "download",
        damage: outcome.damage,
      };
      delete redo.skip_reason;
      items[index] = redo;
    }
  });
  return { ...plan, items };
}

/** Stats at once while settling files by an earlier check. */
const STATS_AT_ONCE = 32;

/** Whether an earlier check found this file whole and it is unchanged since (told onWhole). */
async function stillWhole(item: PlanItem, options: LengthCheckOptions): Promise<boolean> {
  const trackId = item.spotify_id!;
  const known = options.checked?.get(trackId);
  if (known === undefined || known.path !== item.path) return false;
  const current = await options.stat(known.path).catch(() => undefined);
  if (current === undefined || current.size !== known.size) return false;
  if (!sameMtime(current.mtimeMs, known.mtimeMs)) return false;
  options.onWhole?.(trackId, known);
  return true;
}

/** What checking one present file found: why it is not whole, or that it is (and as what). */
interface CheckOutcome {
  damage?: string;
  whole?: CheckedFile;
}

async function checkOne(
  item: PlanItem,
  entry: LibraryEntry | undefined,
  options: LengthCheckOptions,
): Promise<CheckOutcome> {
  const trackId = item.spotify_id!;
  if (entry === undefined || entry.path !== item.path) return {};
  const current = await options.stat(entry.path).catch(() => undefined);
  if (current === undefined) return {};
  const unchanged = current.size === entry.size && sameMtime(current.mtimeMs, entry.mtimeMs);
  const whole = (): CheckOutcome =>
    current.mtimeMs === null
      ? {}
      : { whole: { path: entry.path, size: current.size, mtimeMs: current.mtimeMs } };
  // Written and verified by tunedl, untouched since: nothing to read.
  if (unchanged && entry.durationSec !== undefined) return whole();
  if (options.probe === undefined) return {};
  let actual: number | undefined;
  try {
    actual = await options.probe(entry.path);
  } catch {
    actual = undefined;
  }
  const problem = entry.durationSec !== undefined
    ? lengthProblem(actual, entry.durationSec, verifiedToleranceSec)
    // Recorded before lengths were kept: only Spotify's length to go by, and a cut-off file
    // is shorter.
    : lengthProblem(
      actual,
      ((item.metadata as TrackMetadata | null)?.durationMs ?? 0) / 1000,
      Math.min(options.legacyToleranceSec, legacyShortfallSec),
      { onlyShorter: true, expectedName: "the Spotify track" },
    );
  if (problem !== undefined) return { damage: problem };
  await options.index.record(trackId, {
    path: entry.path,
    size: current.size,
    mtimeMs: current.mtimeMs ?? entry.mtimeMs,
    durationSec: actual,
  });
  return whole();
}
