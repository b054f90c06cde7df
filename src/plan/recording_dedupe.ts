/**
 * One fetch per recording. Releases list the same recording under different
 * Spotify track ids (the single, the album, a compilation, a playlist's copy),
 * but with one ISRC; a relinked track names the id it stands for. These keys
 * tie such tracks together, at plan time where the ISRC is already known and
 * while running where only the full-track read reveals it.
 */
import { CancelledError } from "../errors/mod.ts";
import type { DuplicatesMode, TrackMetadata } from "../model/mod.ts";
import type { ResolvedSource } from "./execution_events.ts";
import type { Plan, PlanItem } from "./model.ts";

/** The keys under which one recording is known: its ISRC and its track ids (relinked ones too). */
export function recordingKeys(track: Partial<TrackMetadata>): string[] {
  const keys: string[] = [];
  const isrc = track.isrc?.trim().toUpperCase();
  if (isrc) keys.push(`isrc:${isrc}`);
  if (track.spotifyId) keys.push(`track:${track.spotifyId}`);
  if (track.linkedFromId && track.linkedFromId !== track.spotifyId) {
    keys.push(`track:${track.linkedFromId}`);
  }
  return keys;
}

/** A recording's file in the library, and where its audio came from when this run fetched it. */
export interface SharedRecording {
  /** Absolute path of the recording's file in the library. */
  path: string;
  /** Where its audio came from, when this run fetched it; undefined for a file already there. */
  source?: ResolvedSource;
}

/** The lead on a recording: this item fetches it; the others wait for done() or abandon(). */
export interface RecordingLead {
  /** The lead got the file: every waiting item shares `recording`. */
  done(recording: SharedRecording): void;
  /** The lead failed: the next waiting item leads instead. */
  abandon(): void;
}

/** What {@link RecordingRegistry.claim} gives: a recording to share, or the lead. */
export type RecordingClaim = { recording: SharedRecording } | { lead: RecordingLead };

/** Options of {@link RecordingRegistry}. */
export interface RecordingRegistryOptions {
  /** A file of the recording already in the library (ownership record, library index), checked once per lead. */
  existing?: (keys: readonly string[]) => Promise<SharedRecording | undefined>;
}

/**
 * Who fetches which recording in this run. The first item to claim a
 * recording leads; others claiming it meanwhile wait (without holding a
 * worker slot) and then share the file. A lead that fails hands the
 * recording to the next waiting item, which tries itself.
 */
export class RecordingRegistry {
  readonly #known = new Map<string, SharedRecording>();
  readonly #busy = new Map<string, Promise<void>>();
  readonly #existing: RecordingRegistryOptions["existing"];

  /** `options.existing` finds a recording's file already in the library. */
  constructor(options: RecordingRegistryOptions = {}) {
    this.#existing = options.existing;
  }

  /** Notes a file of a recording that is already in place (an earlier run's, found by the plan). */
  remember(keys: readonly string[], recording: SharedRecording): void {
    for (const key of keys) if (!this.#known.has(key)) this.#known.set(key, recording);
  }

  /** The file known for any of the keys. */
  known(keys: readonly string[]): SharedRecording | undefined {
    for (const key of keys) {
      const recording = this.#known.get(key);
      if (recording) return recording;
    }
    return undefined;
  }

  /** Shares a known recording, waits for one being fetched, or takes the lead. */
  async claim(keys: readonly string[], signal?: AbortSignal): Promise<RecordingClaim> {
    while (true) {
      if (signal?.aborted) throw new CancelledError("Cancelled.", { cause: signal.reason });
      const known = this.known(keys);
      if (known) return { recording: known };
      const busy = keys.map((key) => this.#busy.get(key)).find((p) => p !== undefined);
      if (busy) {
        await untilSettledOrAborted(busy, signal);
        continue;
      }
      let release = () => {};
      const turn = new Promise<void>((resolve) => (release = resolve));
      for (const key of keys) this.#busy.set(key, turn);
      let settled = false;
      const settle = (recording?: SharedRecording) => {
        if (settled) return;
        settled = true;
        if (recording) this.remember(keys, recording);
        for (const key of keys) if (this.#busy.get(key) === turn) this.#busy.delete(key);
        release();
      };
      let existing: SharedRecording | undefined;
      try {
        existing = await this.#existing?.(keys);
      } catch (error) {
        settle();
        throw error;
      }
      if (existing) {
        settle(existing);
        return { recording: existing };
      }
      return { lead: { done: (recording) => settle(recording), abandon: () => settle() } };
    }
  }
}

function untilSettledOrAborted(promise: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new CancelledError("Cancelled.", { cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

/** Options of {@link markKnownDuplicates}. */
export interface MarkDuplicatesOptions {
  /** How other places get their file; "skip" points them at the shared file. */
  mode: DuplicatesMode;
  /** A file of the recording already in the library that the plan does not show (ownership record). */
  existing?: (keys: readonly string[]) => string | undefined;
}

/**
 * Marks, in a plan whose paths are assigned, every track to download whose
 * recording another item already fetches or whose file exists: `duplicate_of`
 * names that item (or the file). Only what the plan knows (ISRCs of playlist
 * and full tracks, relinked ids); the run finds the rest. With `skip` a track
 * whose recording is on disk already is present, at that file.
 */
export function markKnownDuplicates(plan: Plan, options: MarkDuplicatesOptions): Plan {
  // Only a track about to be fetched can be marked: a re-run with none changes nothing.
  if (!plan.items.some((item) => item.type === "track" && isCandidate(item))) return plan;
  // Copied on write: only the few items marked (or unmarked) are copies, the rest are shared
  // with the input (each copy of thousands of items stayed alive for the whole download).
  const items = [...plan.items];
  const indexOf = new Map(items.map((item, index) => [item, index]));
  const copies = new Set<PlanItem>();
  const writable = (item: PlanItem): PlanItem => {
    if (copies.has(item)) return item;
    const copy = { ...item };
    items[indexOf.get(item)!] = copy;
    copies.add(copy);
    return copy;
  };
  const firstByKey = new Map<string, PlanItem>();
  const onDisk = (item: PlanItem) =>
    item.status === "completed" || (item.status === "skipped" && item.skip_reason === "exists");
  // Files in place lead first, so a new release of a recording the library has is a copy.
  const tracks = items.filter((item) => item.type === "track" && item.metadata !== null);
  const ordered = [...tracks.filter(onDisk), ...tracks.filter((item) => !onDisk(item))];
  for (const planned of ordered) {
    let item = planned;
    const keys = recordingKeys(item.metadata as TrackMetadata);
    const candidate = isCandidate(item);
    if (candidate && item.duplicate_of !== undefined) {
      item = writable(item);
      delete item.duplicate_of;
    }
    const leader = keys.map((key) => firstByKey.get(key)).find((found) => found !== undefined);
    if (leader !== undefined) {
      if (candidate) {
        const { id, path } = leader;
        markDuplicate(writable(item), id, onDisk(leader) ? path : undefined, options.mode);
      }
      continue;
    }
    if (!candidate && !onDisk(item)) continue;
    const file = candidate ? options.existing?.(keys) : undefined;
    if (file !== undefined) {
      item = writable(item);
      markDuplicate(item, file, file, options.mode);
    }
    // The leader as marked: its path is the one later places share.
    for (const key of keys) firstByKey.set(key, item);
  }
  return { ...plan, items };
}

function markDuplicate(
  item: PlanItem,
  of: string,
  existingFile: string | undefined,
  mode: DuplicatesMode,
): void {
  item.duplicate_of = of;
  if (mode === "skip" && existingFile !== undefined) {
    item.status = "skipped";
    item.skip_reason = "exists";
    item.path = existingFile;
    delete item.action;
  }
}

/** A track the run will fetch: one that may turn out to be another's recording. */
function isCandidate(item: PlanItem): boolean {
  return item.status === "pending" && item.action !== "retag";
}
