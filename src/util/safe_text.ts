/**
 * Text from servers and files made safe to show or store: no control
 * characters (NUL, ESC, ...) that cut strings or drive a terminal, no
 * bidirectional overrides that make `evil.exe.mp3` display as something else,
 * and no field long enough to flood a log.
 */

/**
 * C0 and C1 controls, DEL, and the Unicode formatting marks that reorder or
 * hide text: bidi embeddings/overrides/isolates (U+202A-202E, U+2066-2069),
 * LRM/RLM/ALM, and the line/paragraph separators.
 */
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Whether the text holds a character {@link removeUnsafeCharacters} would drop. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/** The text without control characters and bidi formatting marks; `replacement` stands in for each. */
export function removeUnsafeCharacters(
  text: string,
  options: { replacement?: string } = {},
): string {
  return text.replace(UNSAFE, options.replacement ?? "");
}

/** Longest single text field printed or logged, in characters. */
export const MAX_SHOWN_TEXT = 300;

/** The text cut to `max` characters (default {@link MAX_SHOWN_TEXT}), marked with "…" when cut. */
export function shortenText(text: string, options: { max?: number } = {}): string {
  const max = Math.max(1, options.max ?? MAX_SHOWN_TEXT);
  if (text.length <= max) return text;
  // Never split a surrogate pair: half an emoji is not text.
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A field from outside made fit to print: unsafe characters removed (tabs/newlines as spaces), shortened. */
export function displayText(text: string, options: { max?: number } = {}): string {
  const flat = text.replace(/[\t\n\r]/g, " ");
  // Shorten first: cleaning 20 MB only to show 300 characters wastes time.
  const max = options.max ?? MAX_SHOWN_TEXT;
  const head = flat.length > max * 4 ? flat.slice(0, max * 4) : flat;
  return shortenText(removeUnsafeCharacters(head), { max });
}
