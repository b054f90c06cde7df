/**
 * The track worker, one fetch per recording: wraps the real worker so that
 * tracks of one recording (same ISRC or relinked id) are searched, downloaded
 * and converted once, and every other place gets its file as
 * `download.duplicates` says. Also tells the ownership record about each
 * file written.
 */
import { placeCopy } from "../library/mod.ts";
import type { DuplicatesMode, TrackMetadata } from "../model/mod.ts";
import type { ProducedFile, StageContext, TrackWorker } from "./execute.ts";
import type { PlanItem } from "./model.ts";
import { trackMetadata } from "./model.ts";
import { lrcPathFor } from "./track_lyrics.ts";
import {
  recordingKeys,
  type RecordingLead,
  RecordingRegistry,
  type SharedRecording,
} from "./recording_dedupe.ts";

/** A file the wrapped worker wrote (or pointed a track at), for the ownership record. */
export interface WrittenFile {
  /** The plan item the file is for. */
  item: PlanItem;
  /** Absolute path of the file. */
  path: string;
  /** What the file is: a track's audio, a playlist's M3U, or a track's `.lrc` lyrics. */
  kind: "track" | "m3u" | "lyrics";
  /** The track points at another track's file instead of having its own (`skip`). */
  shared?: boolean;
  /** The file was already as it should be and was not written again (an M3U). */
  unchanged?: boolean;
}

/** Options of {@link shareRecordings}. */
export interface ShareRecordingsOptions {
  /** What a recording's other places get: a copy, a hard link, or nothing (skip). */
  mode: DuplicatesMode;
  /**
   * Who fetches which recording; a fresh registry by default. A function is called when the
   * first track asks: a run with nothing to download never builds it.
   */
  registry?: RecordingRegistry | (() => RecordingRegistry);
  /** Told about every library file written, after it is in place. */
  onWritten?: (file: WrittenFile) => void;
  /** Hard-link function for `link` (tests refuse links with it). */
  linkFile?: (from: string, to: string) => Promise<void>;
}

/** Seeds a registry with the recordings a plan already has on disk. */
export function registryForPlan(
  items: readonly PlanItem[],
  options: ConstructorParameters<typeof RecordingRegistry>[0] = {},
): RecordingRegistry {
  const registry = new RecordingRegistry(options);
  for (const item of items) {
    if (item.type !== "track" || item.metadata === null || item.path === undefined) continue;
    const present = item.status === "completed" ||
      (item.status === "skipped" && item.skip_reason === "exists");
    if (present) {
      registry.remember(recordingKeys(item.metadata as TrackMetadata), { path: item.path });
    }
  }
  return registry;
}

/** Wraps a worker so each recording is fetched once and its other places are copied, linked or shared. */
export function shareRecordings(inner: TrackWorker, options: ShareRecordingsOptions): TrackWorker {
  let registry: RecordingRegistry | undefined;
  const registryNow = (): RecordingRegistry => {
    const given = options.registry;
    registry ??= typeof given === "function" ? given() : given ?? new RecordingRegistry();
    return registry;
  };
  const leads = new Map<string, RecordingLead>();
  const shared = new Map<string, SharedRecording>();
  const written = (file: WrittenFile) => {
    try {
      options.onWritten?.(file);
    } catch {
      // Bookkeeping must not fail a track whose file is in place.
    }
  };

  async function placeShared(
    item: PlanItem,
    recording: SharedRecording,
    ctx: StageContext,
  ): Promise<ProducedFile> {
    const target = item.path;
    if (options.mode === "skip" || target === undefined || target === recording.path) {
      written({ item, path: recording.path, kind: "track", shared: true });
      return { path: recording.path, skipped: "duplicate" };
    }
    ctx.stage(options.mode === "link" ? "link" : "copy");
    const retag = inner.retag?.bind(inner);
    let tempPath: string | undefined;
    let how: "copied" | "linked";
    try {
      how = await placeCopy(recording.path, target, {
        link: options.mode === "link",
        linkFile: options.linkFile,
        // A copy carries its own release's tags, cover and lyrics; a link is the same file.
        prepare: retag
          ? async (temp) => {
            tempPath = temp;
            const copy = { ...item, path: temp };
            await retag(copy, ctx);
            // What the retag learnt (its lyrics) belongs to the item, not to the hidden copy.
            if (copy.lyrics !== undefined) item.lyrics = copy.lyrics;
            if (copy.lyrics_error !== undefined) item.lyrics_error = copy.lyrics_error;
          }
          : undefined,
      });
    } catch (error) {
      if (tempPath) await Deno.remove(lrcPathFor(tempPath)).catch(() => {});
      throw error;
    }
    // A synced `.lrc` goes beside the file: the copy's was written beside its hidden name,
    // a link takes the first file's.
    const lrcFrom = how === "copied" && tempPath
      ? lrcPathFor(tempPath)
      : lrcPathFor(recording.path);
    await placeLrc(lrcFrom, lrcPathFor(target), { move: how === "copied" && !!tempPath });
    written({ item, path: target, kind: "track" });
    noteLrc(item, target);
    const { size } = Deno.statSync(target);
    return { path: target, bytes: size, copiedFrom: recording.path };
  }

  /** Tells the ownership record about a track's `.lrc`, when there is one. */
  function noteLrc(item: PlanItem, trackPath: string): void {
    const lrc = lrcPathFor(trackPath);
    if (isFile(lrc)) written({ item, path: lrc, kind: "lyrics" });
  }

  return {
    enrich: inner.enrich?.bind(inner),
    retag: inner.retag?.bind(inner),

    async awaitRecording(item, signal) {
      await inner.awaitRecording?.(item, signal);
      if (item.action === "retag" || item.metadata === null) return;
      const keys = recordingKeys(trackMetadata(item));
      if (keys.length === 0) return;
      const claim = await registryNow().claim(keys, signal);
      if ("lead" in claim) leads.set(item.id, claim.lead);
      else shared.set(item.id, claim.recording);
    },

    async resolveSource(item, ctx) {
      const recording = shared.get(item.id);
      if (recording) return recording.source ?? { url: recording.path, provider: "library" };
      return await inner.resolveSource(item, ctx);
    },

    async produce(item, source, ctx) {
      const recording = shared.get(item.id);
      if (recording) return await placeShared(item, recording, ctx);
      const produced = await inner.produce(item, source, ctx);
      if (produced.skipped === undefined) {
        written({ item, path: produced.path, kind: "track" });
        noteLrc(item, produced.path);
      }
      leads.get(item.id)?.done({ path: produced.path, source });
      leads.delete(item.id);
      return produced;
    },

    release(item) {
      inner.release?.(item);
      leads.get(item.id)?.abandon();
      leads.delete(item.id);
      shared.delete(item.id);
    },

    async writeM3u(item, tracks, ctx) {
      const result = await inner.writeM3u(item, tracks, ctx);
      if (item.path !== undefined) {
        written({ item, path: item.path, kind: "m3u", unchanged: result.unchanged });
      }
      return result;
    },
  };
}

/** Whether path is a file; synchronous, as it runs once per track and costs microseconds. */
function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Moves or copies a `.lrc` beside its track; nothing when there is none. */
async function placeLrc(from: string, to: string, options: { move: boolean }): Promise<void> {
  if (!isFile(from)) return;
  if (options.move) await Deno.rename(from, to);
  else await placeCopy(from, to);
}
