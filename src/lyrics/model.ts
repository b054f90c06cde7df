/** Lyrics as tunedl uses them: what to ask for, what LRCLIB answered, what a track got. */

export type { LyricsMode } from "../model/mod.ts";

/** What identifies a recording to LRCLIB. */
export interface LyricsQuery {
  title: string;
  /** Track artists, main artist first. */
  artists: string[];
  album: string;
  durationMs: number;
}

/** LRCLIB's answer for one recording, reduced to what tunedl keeps (and caches). */
export type LyricsAnswer =
  | { kind: "found"; synced?: string; plain?: string }
  | { kind: "instrumental" }
  | { kind: "not_found" };

/** What one track got: the lyrics written, or why none. */
export type LyricsStatus = "synced" | "plain" | "instrumental" | "not_found" | "failed";

/** The lyrics to write for a track: the tag text, and the `.lrc` file's text when synced. */
export interface LyricsResult {
  status: LyricsStatus;
  /** Text for the file's lyrics tag (LRC lines when synced). */
  tag?: string;
  /** Whole `.lrc` file (header + timed lines); only for synced lyrics. */
  lrcFile?: string;
  /** Why the lookup failed (status "failed"). */
  message?: string;
}
