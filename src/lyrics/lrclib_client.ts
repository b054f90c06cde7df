/**
 * The LRCLIB client: `GET /api/get` for the exact recording (title, artist,
 * album, duration), then `GET /api/search` when that finds nothing. Every
 * answer, "not found" included, is kept in the cache given, so a second run
 * asks nothing; failures (HTTP errors, timeouts, malformed answers) are thrown
 * as LyricsError and never cached.
 */
import { CancelledError, TunedlError } from "../errors/mod.ts";
import {
  AnswerTooLargeError,
  type BoundedResponse,
  failureReason,
  fetchBounded,
  limitsFromTimeout,
} from "../util/mod.ts";
import type { LyricsAnswer, LyricsQuery } from "./model.ts";

/** The public LRCLIB service. */
export const DEFAULT_LRCLIB_URL = "https://lrclib.net";

/** A search answer lists a few dozen songs with their lyrics: far below this. */
const MAX_ANSWER_BYTES = 2_000_000;

/** A lyrics lookup failed (the service, the network or its answer); never fails a track. */
export class LyricsError extends TunedlError {
  override code = "lyrics_failed";
}

/** The cache a client keeps answers in (a TieredCache fits). */
export interface LyricsCache {
  getOrLoad<T>(
    key: string,
    loader: () => Promise<T>,
    options: { ttlFor: (value: T) => number },
  ): Promise<T>;
}

/** Options of {@link createLrclibClient}. */
export interface LrclibClientOptions {
  /** Origin of the service (TUNEDL_LYRICS_URL); default https://lrclib.net. */
  baseUrl?: string;
  /** Sent with every request; LRCLIB asks clients to name themselves. */
  userAgent: string;
  cache?: LyricsCache;
  fetch?: typeof fetch;
  /** Time limit of one request; default 15 s. */
  timeoutMs?: number;
  /** How long a found answer is kept; default 90 days. */
  foundTtlMs?: number;
  /** How long "not found" is kept; default 7 days (lyrics get added). */
  notFoundTtlMs?: number;
}

/** Looks up lyrics for recordings. */
export interface LrclibClient {
  lookup(query: LyricsQuery, options?: { signal?: AbortSignal }): Promise<LyricsAnswer>;
  /** Requests sent so far (cache hits send none). */
  requests(): number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** LRCLIB matches /api/get durations within 2 s; search results are held to the same. */
const DURATION_SLACK_SEC = 2;

/** One record as LRCLIB sends it (fields tunedl reads). */
interface LrclibRecord {
  id?: number;
  trackName?: string;
  artistName?: string;
  albumName?: string;
  duration?: number;
  instrumental?: boolean;
  plainLyrics?: string | null;
  syncedLyrics?: string | null;
}

/** Creates a client for one run. */
export function createLrclibClient(options: LrclibClientOptions): LrclibClient {
  const base = (options.baseUrl || DEFAULT_LRCLIB_URL).replace(/\/+$/, "");
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const foundTtl = options.foundTtlMs ?? 90 * DAY_MS;
  const notFoundTtl = options.notFoundTtlMs ?? 7 * DAY_MS;
  let sent = 0;

  async function request(path: string, what: string, signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) throw new CancelledError(`cancelled: lyrics of ${what}`);
    let response: BoundedResponse;
    sent++;
    try {
      response = await fetchBounded(`${base}${path}`, {
        headers: { "user-agent": options.userAgent, accept: "application/json" },
      }, {
        limits: limitsFromTimeout(timeoutMs, MAX_ANSWER_BYTES),
        what: "LRCLIB",
        fetch: fetchFn,
        signal,
        readBody: (status) => status !== 404,
      });
    } catch (cause) {
      if (signal?.aborted) throw new CancelledError(`cancelled: lyrics of ${what}`, { cause });
      throw new LyricsError(
        `lyrics of ${what}: LRCLIB could not be reached (${failureReason(cause, "LRCLIB")})`,
        { cause, retryable: !(cause instanceof AnswerTooLargeError) },
      );
    }
    if (response.status === 404) return undefined;
    if (!response.ok) {
      throw new LyricsError(`lyrics of ${what}: LRCLIB answered HTTP ${response.status}`, {
        retryable: response.status >= 500 || response.status === 429,
      });
    }
    try {
      return JSON.parse(response.text());
    } catch (cause) {
      throw new LyricsError(`lyrics of ${what}: LRCLIB sent a malformed answer (not JSON)`, {
        cause,
      });
    }
  }

  async function load(query: LyricsQuery, signal?: AbortSignal): Promise<LyricsAnswer> {
    const what = `${query.artists[0] ?? ""} - ${query.title}`;
    const durationSec = Math.round(query.durationMs / 1000);
    const params = new URLSearchParams({
      track_name: query.title,
      artist_name: query.artists[0] ?? "",
      album_name: query.album,
      duration: String(durationSec),
    });
    const exact = await request(`/api/get?${params}`, what, signal);
    if (exact !== undefined) return answerOf(checkRecord(exact, what));
    const searchParams = new URLSearchParams({
      track_name: query.title,
      artist_name: query.artists[0] ?? "",
    });
    const found = await request(`/api/search?${searchParams}`, what, signal);
    if (found === undefined) return { kind: "not_found" };
    if (!Array.isArray(found)) {
      throw new LyricsError(`lyrics of ${what}: LRCLIB sent a malformed answer (no result list)`);
    }
    const best = bestSearchResult(found.map((record) => checkRecord(record, what)), query);
    return best ? answerOf(best) : { kind: "not_found" };
  }

  return {
    lookup(query, lookupOptions = {}) {
      const run = () => load(query, lookupOptions.signal);
      if (!options.cache) return run();
      return options.cache.getOrLoad<LyricsAnswer>(lyricsCacheKey(query), run, {
        ttlFor: (answer) => answer.kind === "not_found" ? notFoundTtl : foundTtl,
      });
    },
    requests: () => sent,
  };
}

/** The cache key of a recording: the same fields LRCLIB matches on. */
export function lyricsCacheKey(query: LyricsQuery): string {
  const parts = [
    query.artists[0] ?? "",
    query.title,
    query.album,
    String(Math.round(query.durationMs / 1000)),
  ];
  return `lrclib:${parts.map((part) => part.trim().toLowerCase()).join("|")}`;
}

function checkRecord(value: unknown, what: string): LrclibRecord {
  const malformed = (detail: string) =>
    new LyricsError(`lyrics of ${what}: LRCLIB sent a malformed answer (${detail})`);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw malformed("not a record");
  }
  const record = value as Record<string, unknown>;
  for (const key of ["plainLyrics", "syncedLyrics"]) {
    const field = record[key];
    if (field !== undefined && field !== null && typeof field !== "string") {
      throw malformed(`${key} is not text`);
    }
  }
  if (record.duration !== undefined && typeof record.duration !== "number") {
    throw malformed("duration is not a number");
  }
  if (
    record.instrumental !== undefined && record.instrumental !== null &&
    typeof record.instrumental !== "boolean"
  ) {
    throw malformed("instrumental is not true or false");
  }
  return record as LrclibRecord;
}

function answerOf(record: LrclibRecord): LyricsAnswer {
  const synced = record.syncedLyrics?.trim() ? record.syncedLyrics : undefined;
  const plain = record.plainLyrics?.trim() ? record.plainLyrics : undefined;
  if (synced || plain) {
    return { kind: "found", ...(synced ? { synced } : {}), ...(plain ? { plain } : {}) };
  }
  return record.instrumental ? { kind: "instrumental" } : { kind: "not_found" };
}

function words(text: string | undefined): string {
  return (text ?? "").toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/**
 * The search result for the same recording: same artist and title (one may
 * carry extra words such as "Remastered"), duration within 2 s when both are
 * known; synced lyrics first, then plain, then the closest duration.
 */
export function bestSearchResult(
  records: readonly LrclibRecord[],
  query: LyricsQuery,
): LrclibRecord | undefined {
  const artist = words(query.artists[0]);
  const title = words(query.title);
  const durationSec = query.durationMs / 1000;
  const matching = records.filter((record) => {
    const recordArtist = words(record.artistName);
    const recordTitle = words(record.trackName);
    if (!recordArtist.includes(artist) && !artist.includes(recordArtist)) return false;
    if (!recordTitle.includes(title) && !title.includes(recordTitle)) return false;
    if (recordTitle === "" || recordArtist === "") return false;
    if (durationSec > 0 && typeof record.duration === "number") {
      return Math.abs(record.duration - durationSec) <= DURATION_SLACK_SEC;
    }
    return true;
  });
  const rank = (record: LrclibRecord) =>
    record.syncedLyrics?.trim() ? 0 : record.plainLyrics?.trim() ? 1 : 2;
  const offBy = (record: LrclibRecord) =>
    typeof record.duration === "number" ? Math.abs(record.duration - durationSec) : 99;
  return [...matching].sort((a, b) => rank(a) - rank(b) || offBy(a) - offBy(b))[0];
}
