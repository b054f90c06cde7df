/** From LRCLIB's answer and the mode to what a track gets (pure). */
import { lrcFileText, lrcLines, plainFromLrc, textLines } from "./lrc.ts";
import type { LyricsAnswer, LyricsMode, LyricsQuery, LyricsResult } from "./model.ts";

/**
 * Synced mode: timed LRC into the tag and a `.lrc` file, else plain text into
 * the tag. Plain mode: plain text (or the synced lines without their times)
 * into the tag only. Instrumental and not found: nothing.
 */
export function chooseLyrics(
  answer: LyricsAnswer,
  mode: Exclude<LyricsMode, "off">,
  track: LyricsQuery,
): LyricsResult {
  if (answer.kind !== "found") return { status: answer.kind };
  const timed = answer.synced === undefined ? undefined : lrcLines(answer.synced);
  const plainLines = answer.plain === undefined ? [] : textLines(answer.plain);
  if (mode === "synced" && timed) {
    return { status: "synced", tag: timed.join("\n"), lrcFile: lrcFileText(timed, track) };
  }
  if (plainLines.length > 0) return { status: "plain", tag: plainLines.join("\n") };
  if (timed) return { status: "plain", tag: plainFromLrc(timed) };
  return { status: "not_found" };
}
