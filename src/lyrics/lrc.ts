/**
 * LRC text: checking that LRCLIB's synced lyrics are timed lines, deriving plain
 * text from them, and the `.lrc` file written beside a track.
 */

/** `[mm:ss.xx]` (also `[m:ss]`, `[mm:ss:xx]`, `[mmm:ss.xxx]`) at the start of a line. */
const TIME_TAG = /^\[\d{1,3}:\d{2}(?:[.:]\d{1,3})?\]/;
/** `[ar:Someone]`: an LRC header line. */
const ID_TAG = /^\[[a-z#]+:[^\]]*\]$/i;

/** The text's lines without trailing blanks or blank lines at either end (CRLF read as LF). */
export function textLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n").map((line) => line.trimEnd());
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines;
}

/** The timed lines of LRC text, or undefined when it is not LRC (a line without a time tag). */
export function lrcLines(text: string): string[] | undefined {
  const lines = textLines(text).filter((line) => line.trim() !== "");
  if (lines.length === 0) return undefined;
  let timed = 0;
  for (const line of lines) {
    if (TIME_TAG.test(line)) timed++;
    else if (!ID_TAG.test(line.trim())) return undefined;
  }
  return timed > 0 ? lines.filter((line) => TIME_TAG.test(line)) : undefined;
}

/** Plain lyrics from timed lines: the time tags dropped. */
export function plainFromLrc(lines: readonly string[]): string {
  return lines.map((line) => line.replace(/^(?:\[\d{1,3}:\d{2}(?:[.:]\d{1,3})?\])+\s?/, ""))
    .join("\n");
}

/** `m:ss` for an LRC `[length:]` tag. */
export function lrcLength(durationMs: number): string {
  const seconds = Math.max(0, Math.round(durationMs / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** Header values may not hold "]" or line breaks. */
function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, " ").replace(/\]/g, ")").trim();
}

/** The `.lrc` file: [ti] [ar] [al] [length] headers, then the timed lines, LF line ends. */
export function lrcFileText(
  lines: readonly string[],
  track: { title: string; artists: readonly string[]; album?: string; durationMs?: number },
): string {
  const header = [
    `[ti:${headerValue(track.title)}]`,
    `[ar:${headerValue(track.artists.join(", "))}]`,
  ];
  if (track.album) header.push(`[al:${headerValue(track.album)}]`);
  if (track.durationMs && track.durationMs > 0) {
    header.push(`[length:${lrcLength(track.durationMs)}]`);
  }
  return `${[...header, ...lines].join("\n")}\n`;
}
