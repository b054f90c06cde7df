/**
 * Lyrics for the tracks of a run: asked for while the audio downloads, written
 * into the tags, and (synced) into a `.lrc` file beside the track. A lyrics
 * failure never fails a track: it is recorded on the plan item (for the run
 * record) and counted in the tally (for the summary).
 */
import { isTunedlError } from "../errors/mod.ts";
import { writeFileAtomic } from "../util/mod.ts";
import {
  chooseLyrics,
  type LrclibClient,
  type LyricsMode,
  type LyricsResult,
  type LyricsTally,
} from "../lyrics/mod.ts";
import type { TrackMetadata } from "../model/mod.ts";
import type { PlanItem } from "./model.ts";

/** What a worker needs to add lyrics to its tracks. */
export interface TrackLyrics {
  /** Looks the track's lyrics up; never rejects (a failure is a "failed" result). */
  lookup(track: TrackMetadata, signal: AbortSignal): Promise<LyricsResult>;
  /** After the file is in place: writes the `.lrc` (synced) and records the outcome. */
  finish(item: PlanItem, trackPath: string, result: LyricsResult): Promise<void>;
}

/** The `.lrc` file of a track: the same path with the extension replaced. */
export function lrcPathFor(trackPath: string): string {
  return trackPath.replace(/\.[^./\\]*$/, "") + ".lrc";
}

/** Lyrics for a run in a mode other than off. */
export function createTrackLyrics(
  client: LrclibClient,
  options: { mode: Exclude<LyricsMode, "off">; tally?: LyricsTally },
): TrackLyrics {
  return {
    async lookup(track, signal) {
      const query = {
        title: track.title,
        artists: track.artists,
        album: track.album,
        durationMs: track.durationMs,
      };
      try {
        return chooseLyrics(await client.lookup(query, { signal }), options.mode, query);
      } catch (error) {
        const message = isTunedlError(error) || error instanceof Error
          ? error.message
          : String(error);
        return { status: "failed", message };
      }
    },

    async finish(item, trackPath, result) {
      let outcome = result;
      if (result.lrcFile !== undefined) {
        const lrcPath = lrcPathFor(trackPath);
        try {
          await writeFileAtomic(lrcPath, result.lrcFile);
        } catch (error) {
          outcome = {
            status: "failed",
            message: `cannot write ${lrcPath}: ${(error as Error).message}`,
          };
        }
      }
      item.lyrics = outcome.status;
      if (outcome.message) item.lyrics_error = outcome.message;
      else delete item.lyrics_error;
      options.tally?.record(outcome.status, {
        id: item.id,
        name: item.name,
        message: outcome.message,
      });
    },
  };
}
