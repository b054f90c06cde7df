/**
 * Text for terminals: colours, control-character scrubbing and display width.
 * Track names come from Spotify and YouTube and may hold anything, including
 * escape sequences that would wreck the live display or a cron log.
 */
import { removeUnsafeCharacters, shortenText } from "../util/mod.ts";

/** SGR codes used by tunedl's output. */
export const Sgr = { bold: "1", dim: "2", red: "31", green: "32", yellow: "33", cyan: "36" };

/** Wraps text in an SGR code when colour is on; returns it as is otherwise. */
export type Paint = (code: string, text: string) => string;

/** A Paint that colours (`color` true) or does nothing. */
export function painter(color: boolean): Paint {
  return color ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;
}

/** Whether a terminal understands escape sequences: any but `TERM=dumb` (Emacs shells, some CI logs). */
export function terminalHandlesEscapes(
  isTerminal: boolean,
  env: Record<string, string | undefined> = {},
): boolean {
  // Windows consoles leave TERM unset; Deno turns on their escape-sequence mode itself.
  return isTerminal && env.TERM !== "dumb";
}

/** Whether to colour output: only where escapes work, and never when NO_COLOR is set (non-empty). */
export function colorEnabled(
  isTerminal: boolean,
  env: Record<string, string | undefined> = {},
): boolean {
  const noColor = env.NO_COLOR;
  return terminalHandlesEscapes(isTerminal, env) && (noColor === undefined || noColor === "");
}

/** Longest single text printed; longer ones (a 20 MB title from a server) are cut. */
export const MAX_PRINTED_TEXT = 2000;

/**
 * Text fit for one line of a terminal or log: control characters (escape,
 * newline, ...) become spaces, bidi overrides and other reordering marks are
 * removed (they make "evil.exe.mp3" display as something else), and it is
 * cut to {@link MAX_PRINTED_TEXT} characters.
 */
export function printable(text: string): string {
  // Cut first: cleaning megabytes only to print a line wastes time.
  const head = text.length > MAX_PRINTED_TEXT * 2 ? text.slice(0, MAX_PRINTED_TEXT * 2) : text;
  // deno-lint-ignore no-control-regex
  const oneLine = head.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
  return shortenText(removeUnsafeCharacters(oneLine), { max: MAX_PRINTED_TEXT });
}

/** Columns a code point takes in a terminal: 2 for wide East Asian and emoji, 0 for combining. */
function codePointWidth(codePoint: number): number {
  if (
    (codePoint >= 0x0300 && codePoint <= 0x036f) || (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f)
  ) {
    return 0;
  }
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Columns a string without escape sequences takes in a terminal. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += codePointWidth(char.codePointAt(0)!);
  return width;
}

/** Cuts text to at most `width` columns, ending in "..." when cut. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  const room = Math.max(0, width - 3);
  let used = 0;
  let result = "";
  for (const char of text) {
    const charWidth = codePointWidth(char.codePointAt(0)!);
    if (used + charWidth > room) break;
    result += char;
    used += charWidth;
  }
  return result + ".".repeat(Math.min(3, width));
}
