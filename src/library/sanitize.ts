/**
 * File and folder names that are safe on Windows, macOS and Linux at once, so a
 * library written on a NAS can be copied to any computer unchanged.
 */
import { removeUnsafeCharacters } from "../util/mod.ts";

/** Options of {@link sanitizePathComponent}. */
export interface SanitizeOptions {
  /** Put in place of reserved and control characters; default "_". */
  replacement?: string;
  /** Longest result in UTF-8 bytes; default 255 (the limit of ext4, APFS and NTFS). */
  maxBytes?: number;
  /** Keep a trailing ".ext" when the name must be shortened; default true. */
  keepExtension?: boolean;
}

/** The most bytes a file or folder name may have on common file systems. */
export const MAX_NAME_BYTES = 255;

// Reserved on Windows (and ":" on macOS Finder), plus C0/C1 control characters.
// deno-lint-ignore no-control-regex
const UNSAFE_CHARACTERS = /[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/g;
// Windows refuses these device names, with or without an extension.
const WINDOWS_RESERVED_STEM = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const EXTENSION = /\.[A-Za-z0-9]{1,8}$/;
const LEADING_DOTS_AND_SPACES = /^[\s.]+/u;
const TRAILING_DOTS_AND_SPACES = /[\s.]+$/u;

const encoder = new TextEncoder();
// Made on first use: building ICU's break iterator costs about 15 ms, and only a
// name too long for the file system needs it.
let graphemes: Intl.Segmenter | undefined;

/** Number of bytes a string takes in UTF-8. */
export function utf8ByteLength(text: string): number {
  return encoder.encode(text).length;
}

/**
 * Names made safe so far, per set of options: a plan's thousands of paths repeat each artist and
 * album. The default options (every plan's) have their own maps, so a lookup builds no key.
 */
const defaultSafeNames = { folder: new Map<string, string>(), file: new Map<string, string>() };
const otherSafeNames = new Map<string, Map<string, string>>();
/** Names remembered per set of options; a map that fills up starts again. */
const SAFE_NAMES_KEPT = 10_000;

/** Turns any text into one safe file or folder name (never empty, ".", ".." or a device name). */
export function sanitizePathComponent(name: string, options: SanitizeOptions = {}): string {
  const replacement = options.replacement ?? "_";
  const maxBytes = options.maxBytes ?? MAX_NAME_BYTES;
  const keepExtension = options.keepExtension ?? true;
  let names: Map<string, string> | undefined;
  if (replacement === "_" && maxBytes === MAX_NAME_BYTES) {
    names = keepExtension ? defaultSafeNames.file : defaultSafeNames.folder;
  } else {
    const key = `${replacement}\0${maxBytes}\0${keepExtension}`;
    names = otherSafeNames.get(key);
    if (names === undefined) {
      if (otherSafeNames.size >= 16) otherSafeNames.clear();
      otherSafeNames.set(key, names = new Map());
    }
  }
  let safe = names.get(name);
  if (safe === undefined) {
    safe = safeName(name, { replacement, maxBytes, keepExtension });
    if (names.size >= SAFE_NAMES_KEPT) names.clear();
    names.set(name, safe);
  }
  return safe;
}

function safeName(name: string, options: Required<SanitizeOptions>): string {
  const { replacement, maxBytes } = options;
  if (replacement.match(UNSAFE_CHARACTERS) !== null) {
    throw new TypeError(`unsafe replacement character ${JSON.stringify(replacement)}`);
  }
  // Lone surrogates cannot be written as UTF-8; NFC keeps macOS and Linux names equal.
  let safe = name.toWellFormed().normalize("NFC").trim();
  safe = safe.replace(UNSAFE_CHARACTERS, replacement);
  // Bidi overrides and other invisible reordering marks: "evil\u202Egpj.exe" shows as "evilexe.jpg".
  safe = removeUnsafeCharacters(safe);
  // Leading dots hide files (and make "." / ".."); Windows drops trailing dots and spaces.
  safe = safe.replace(LEADING_DOTS_AND_SPACES, "").replace(TRAILING_DOTS_AND_SPACES, "");
  if (safe === "") safe = replacement === "" ? "_" : replacement;
  safe = avoidDeviceName(safe);
  // A UTF-16 unit is at most 3 bytes of UTF-8: most names need no encoding to know they fit.
  if (safe.length * 3 > maxBytes && utf8ByteLength(safe) > maxBytes) {
    safe = shortenName(safe, maxBytes, options.keepExtension);
  }
  return safe;
}

/** Inserts text before a file name's extension ("a.mp3" + " (2)" = "a (2).mp3"), keeping it short enough. */
export function addNameSuffix(
  fileName: string,
  suffix: string,
  options: SanitizeOptions = {},
): string {
  const maxBytes = options.maxBytes ?? MAX_NAME_BYTES;
  const { stem, extension } = splitExtension(fileName);
  const stemBudget = maxBytes - utf8ByteLength(suffix) - utf8ByteLength(extension);
  const shortStem = cutToBytes(stem, Math.max(stemBudget, 0)).replace(TRAILING_DOTS_AND_SPACES, "");
  return `${shortStem}${suffix}${extension}`;
}

function avoidDeviceName(name: string): string {
  const dot = name.indexOf(".");
  const stem = dot === -1 ? name : name.slice(0, dot);
  const trimmedStem = stem.replace(/ +$/, "");
  if (!WINDOWS_RESERVED_STEM.test(trimmedStem)) return name;
  return `${trimmedStem}_${name.slice(trimmedStem.length)}`;
}

function splitExtension(name: string): { stem: string; extension: string } {
  const match = EXTENSION.exec(name);
  if (match === null || match.index === 0) return { stem: name, extension: "" };
  return { stem: name.slice(0, match.index), extension: match[0] };
}

function shortenName(name: string, maxBytes: number, keepExtension: boolean): string {
  const { stem, extension } = keepExtension ? splitExtension(name) : { stem: name, extension: "" };
  const stemBudget = maxBytes - utf8ByteLength(extension);
  let shortStem = cutToBytes(stem, stemBudget).replace(TRAILING_DOTS_AND_SPACES, "");
  if (shortStem === "") shortStem = "_";
  return shortStem + extension;
}

/** The longest prefix of whole grapheme clusters (emoji, accented letters) within the byte budget. */
function cutToBytes(text: string, maxBytes: number): string {
  let result = "";
  let used = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  for (const { segment } of graphemes.segment(text)) {
    const size = utf8ByteLength(segment);
    if (used + size > maxBytes) {
      // A single oversized cluster (hundreds of combining marks) is cut between code points.
      if (result === "") {
        for (const codePoint of segment) {
          const codePointSize = utf8ByteLength(codePoint);
          if (used + codePointSize > maxBytes) break;
          result += codePoint;
          used += codePointSize;
        }
      }
      break;
    }
    result += segment;
    used += size;
  }
  return result;
}
