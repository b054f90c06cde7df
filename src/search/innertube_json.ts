/**
 * Small readers for InnerTube JSON, which is deeply nested and loosely shaped:
 * every accessor tolerates missing or mistyped fields and returns undefined.
 */
import { removeUnsafeCharacters, shortenText } from "../util/mod.ts";
import { type ProviderName } from "../model/mod.ts";
import { SearchError } from "./errors.ts";
import type { AudioCandidate } from "./model.ts";

/** A JSON object, or undefined when the value is not one. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/** A JSON array, or an empty one when the value is not one. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Follows a path of object keys and array indexes. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[key];
    } else {
      const record = asRecord(current);
      if (record === undefined) return undefined;
      current = record[key];
    }
  }
  return current;
}

/** A string at a path, or undefined. */
export function digString(value: unknown, ...path: (string | number)[]): string | undefined {
  const found = dig(value, ...path);
  return typeof found === "string" ? found : undefined;
}

/** One text run of a formatted InnerTube string. */
export interface TextRun {
  text: string;
  navigationEndpoint?: Record<string, unknown>;
}

/** The runs of a formatted string ({runs:[...]} or {simpleText}). */
export function textRuns(value: unknown): TextRun[] {
  const record = asRecord(value);
  if (record === undefined) return [];
  if (typeof record.simpleText === "string") return [{ text: record.simpleText }];
  const runs: TextRun[] = [];
  for (const run of asArray(record.runs)) {
    const text = digString(run, "text");
    if (text === undefined) continue;
    runs.push({ text, navigationEndpoint: asRecord(dig(run, "navigationEndpoint")) });
  }
  return runs;
}

/** The plain text of a formatted string. */
export function plainText(value: unknown): string {
  return textRuns(value).map((run) => run.text).join("");
}

/** "3:40" or "1:02:03" in milliseconds; undefined for anything else. */
export function parseClockDuration(text: string): number | undefined {
  const match = /^\s*(?:(\d{1,2}):)?(\d{1,3}):(\d{2})\s*$/.exec(text);
  if (!match) return undefined;
  const [, hours, minutes, seconds] = match;
  const total = Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
  return total * 1000;
}

/** `<origin>/watch?v=<id>`. */
export function watchUrl(baseUrl: string, videoId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/watch?v=${encodeURIComponent(videoId)}`;
}

/** Where a parsed answer came from; used in candidate URLs and error messages. */
export interface ParseContext {
  baseUrl: string;
  query: string;
}

/** Longest title, artist, album or channel name kept from an answer; real ones are under 200. */
export const MAX_CANDIDATE_TEXT = 500;

/**
 * The candidate with its text fields cut to a sane length and without control
 * characters or bidi overrides: they are scored, stored and printed, and a
 * server decides what is in them.
 */
export function cleanCandidateText<T extends Omit<AudioCandidate, "rank">>(candidate: T): T {
  const clean = (text: string) =>
    removeUnsafeCharacters(
      shortenText(text, { max: MAX_CANDIDATE_TEXT }).replace(/[\t\n\r]/g, " "),
    );
  return {
    ...candidate,
    title: clean(candidate.title),
    artists: candidate.artists.slice(0, 20).map(clean),
    ...(candidate.album === undefined ? {} : { album: clean(candidate.album) }),
    ...(candidate.channel === undefined ? {} : { channel: clean(candidate.channel) }),
  };
}

/** Gives 1-based ranks, dropping repeated video ids (the card repeats shelf rows). */
export function rankUnique(
  found: Omit<AudioCandidate, "rank">[],
  limit?: number,
): AudioCandidate[] {
  const seen = new Set<string>();
  const ranked: AudioCandidate[] = [];
  for (const candidate of found) {
    if (seen.has(candidate.videoId)) continue;
    seen.add(candidate.videoId);
    ranked.push({ ...cleanCandidateText(candidate), rank: ranked.length + 1 });
    if (limit !== undefined && ranked.length >= limit) break;
  }
  return ranked;
}

/** How one site lays out a search answer. */
export interface AnswerLayout {
  provider: ProviderName;
  /** The answer's result sections, or undefined when it has none (a malformed answer). */
  findSections(answer: unknown): unknown[] | undefined;
  /** The candidates of one section, in answer order. */
  readSection(section: unknown, baseUrl: string): Omit<AudioCandidate, "rank">[];
}

/** Ranked candidates of an answer laid out as `layout` says; throws SearchError if it has no sections. */
export function parseAnswer(
  answer: unknown,
  layout: AnswerLayout,
  options: ParseContext & { limit?: number },
): AudioCandidate[] {
  const sections = layout.findSections(answer);
  if (sections === undefined) {
    throw new SearchError(
      { provider: layout.provider, query: options.query },
      "the answer has no result sections",
    );
  }
  const found = sections.flatMap((section) => layout.readSection(section, options.baseUrl));
  return rankUnique(found, options.limit);
}
