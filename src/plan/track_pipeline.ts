/**
 * The per-track pipeline the executor drives: enrich (Spotify details) ->
 * resolve (search and match, or a stored match) -> produce (yt-dlp + ffmpeg,
 * tags and cover) -> record (library index), plus re-tags and M3U files. Each
 * step is a call into its own stage.
 */
import { writeFileAtomic } from "../util/mod.ts";
import { type AudioFormat, type TrackMetadata } from "../model/mod.ts";
import { dirname } from "node:path";
import {
  type AudioTools,
  diskFullError,
  expectTagTemps,
  type ProcessRunner,
  produceTrackFile,
  retagFile,
  SourceUnavailableError,
  tagsFromTrack,
  tagTempsCheckedFile,
  tempRootFor,
} from "../audio/mod.ts";
import type { CacheSet } from "../cache/mod.ts";
import {
  CancelledError,
  isNoSpaceError,
  isTunedlError,
  NotFoundError,
  StorageError,
  TunedlError,
} from "../errors/mod.ts";
import { type LibraryIndex, libraryStateDir, renderM3u } from "../library/mod.ts";
import type { ProducedFile, StageContext, TrackWorker } from "./execute.ts";
import type { ResolvedSource } from "./execution_events.ts";
import { produceWithFallback } from "./source_fallback.ts";
import { type PlanItem, trackMetadata } from "./model.ts";
import type { TrackDetailsReader } from "./spotify_catalog.ts";
import type { TrackLyrics } from "./track_lyrics.ts";
import { type CoverSource, createCoverStore } from "./cover_store.ts";
import { stopsRun } from "./stop_policy.ts";
import {
  type AudioCandidate,
  type AudioProvider,
  findBestMatch,
  type MatchResult,
} from "../search/mod.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Accepted matches are kept long: the same Spotify track keeps its recording. */
const MATCH_TTL_MS = 180 * DAY_MS;

/** The download settings the pipeline applies to every track. */
export interface TrackSettings {
  /** Audio format of the library files. */
  format: AudioFormat;
  /** Target bitrate ("192k"), or "auto" / "disable"; ignored for flac. */
  bitrate: string;
  /** Lowest match score (0 to 1) a search result needs to be downloaded. */
  matchThreshold: number;
  /** How far, in seconds, a result's length may differ from Spotify's. */
  durationToleranceSec: number;
  /** Longest time one download may take. */
  downloadTimeoutMs: number;
  /** Time limit of a web request (the cover) to start answering or to pause; twice that in all. */
  requestTimeoutMs: number;
  /** Netscape cookies.txt passed to yt-dlp; none when undefined. */
  cookiesFile?: string;
  /** Extra yt-dlp arguments from the config, added to every download. */
  ytdlpArgs: readonly string[];
  /** Spotify track id -> audio URL to download instead of searching. */
  overrides: Readonly<Record<string, string>>;
}

/** What the pipeline needs; the CLI wires the real parts. */
export interface TrackPipelineOptions {
  /** The download settings applied to every track. */
  settings: TrackSettings;
  /** Reads a track's full details (ISRC, album, genres) before searching. */
  catalog: TrackDetailsReader;
  /** Where to search for audio, in order of preference. */
  providers: AudioProvider[];
  /** The run's caches: search answers, chosen matches, and file-exists answers to invalidate. */
  caches: CacheSet;
  /** Track id -> file in the library; null without a cache file. */
  libraryIndex: LibraryIndex | null;
  /** Paths of yt-dlp, ffmpeg and ffprobe. */
  tools: AudioTools;
  /** Library root; temp files go to `<root>/.tunedl-tmp` (same file system). */
  libraryRoot: string;
  /** HTTP client for cover images; global fetch by default. */
  fetch?: typeof fetch;
  /**
   * Where covers come from, fetched once per run; default: a store that keeps every cover of
   * the run in memory (the CLI passes one that keeps them on disk).
   */
  covers?: CoverSource;
  /** Told about non-fatal problems (a cover that could not be fetched). */
  warn?: (message: string) => void;
  /** Lyrics for each file; absent with `lyrics: off`. */
  lyrics?: TrackLyrics;
  /** Runs yt-dlp, ffmpeg and ffprobe; runProcess by default (e.g. with the run's watchdog). */
  run?: ProcessRunner;
}

/** A match decision kept per Spotify track id. */
interface StoredMatch {
  url: string;
  provider: string;
  score: number;
  title: string;
}

/** Builds the worker the executor drives for a real download. */
export function createTrackWorker(deps: TrackPipelineOptions): TrackWorker {
  const d = deps.settings;
  const overrides = d.overrides;
  const covers = deps.covers ??
    createCoverStore({ fetch: deps.fetch, timeoutMs: d.requestTimeoutMs, warn: deps.warn });
  const searchCache = {
    get: (key: string) => deps.caches.search.get<AudioCandidate[]>(key),
    set: (key: string, value: AudioCandidate[]) => deps.caches.search.set(key, value),
  };
  // A re-tag may leave a temp copy beside its track (see stale_tag_temps.ts): said once a run.
  let tagTempsExpected: Promise<void> | undefined;

  /** The match of this track, or of another track of the same recording (by ISRC). */
  async function storedMatch(track: TrackMetadata): Promise<StoredMatch | undefined> {
    for (const key of matchKeys(track)) {
      const found = await deps.caches.match.get<StoredMatch>(key);
      if (found) return found;
    }
    return undefined;
  }

  /** The best match above the threshold, passing over dead URLs; throws when there is none. */
  async function searchMatch(
    item: PlanItem,
    signal: AbortSignal,
    dead?: ReadonlySet<string>,
  ): Promise<StoredMatch> {
    const result = await findBestMatch(trackMetadata(item), deps.providers, {
      threshold: d.matchThreshold,
      durationToleranceSec: d.durationToleranceSec,
      signal,
      searchCache,
      exclude: dead,
    });
    if (result.status !== "found" || !result.best) throw notFound(item, result);
    const best = result.best;
    return {
      url: best.candidate.url,
      provider: best.candidate.provider,
      score: best.score.total,
      title: best.candidate.title,
    };
  }

  /** Keeps a match per track and per recording: one match serves every release. */
  async function rememberMatch(track: TrackMetadata, match: StoredMatch): Promise<void> {
    await Promise.all(
      matchKeys(track).map((key) => deps.caches.match.set(key, match, { ttlMs: MATCH_TTL_MS })),
    );
  }

  /** Downloads, converts, tags and places one track from one source; records it in the index. */
  async function produceFrom(
    item: PlanItem,
    source: ResolvedSource,
    ctx: StageContext,
    lyrics: ReturnType<TrackLyrics["lookup"]> | undefined,
  ): Promise<ProducedFile> {
    const track = trackMetadata(item);
    const path = outputPathOf(item);
    // Fetched while the programs run; tagging waits for it. A cancelled fetch rejects, and if
    // the track fails before tagging nothing awaits it: that rejection is expected, not lost.
    const coverBytes = covers.get(track.coverUrl, ctx.signal);
    coverBytes.catch(() => {});
    const produced = await produceTrackFile(source.url, path, {
      format: d.format,
      bitrate: d.bitrate,
      tags: tagsFromTrack(track, { sourceUrl: source.url }),
      lyrics: lyrics?.then((result) => result.tag),
      cover: coverBytes,
      tools: deps.tools,
      tempRoot: tempRootFor(deps.libraryRoot),
      signal: ctx.signal,
      timeoutMs: d.downloadTimeoutMs,
      run: deps.run,
      cookiesFile: d.cookiesFile,
      extraArgs: d.ytdlpArgs,
      onStage: (stage, progress) => {
        // The programs are done (a dead source shows before this): tagging, the move and the
        // index do not need a download slot.
        if (stage === "tag") ctx.releaseSlot();
        ctx.stage(stage);
        if (progress?.fraction !== undefined) ctx.progress(progress.fraction);
      },
    });
    deps.caches.files.invalidate(path);
    if (lyrics) await deps.lyrics?.finish(item, path, await lyrics);
    // Synchronous: metadata of a file just written, cheaper than a worker thread's round trip.
    const info = Deno.statSync(path);
    const entry = {
      path,
      size: info.size,
      mtimeMs: info.mtime?.getTime() ?? 0,
      durationSec: produced.durationSeconds,
    };
    // Also under the recording, so another release of it finds this file (recording_dedupe.ts).
    const isrc = track.isrc?.trim().toUpperCase();
    await Promise.all([
      deps.libraryIndex?.record(track.spotifyId, entry),
      isrc ? deps.libraryIndex?.record(`isrc:${isrc}`, entry) : undefined,
    ]);
    return { path, bytes: produced.bytes ?? info.size };
  }

  return {
    async enrich(item, ctx) {
      const track = trackMetadata(item);
      const needsIsrc = await needsFullTrack(track, deps);
      const [full, genres] = await Promise.all([
        needsIsrc ? deps.catalog.fullTrack(track.spotifyId, { signal: ctx.signal }) : undefined,
        track.genres.length === 0 && track.artistIds[0]
          ? deps.catalog.artistGenres(track.artistIds[0], { signal: ctx.signal })
          : undefined,
      ]);
      const merged: TrackMetadata = { ...track };
      if (full?.isrc) merged.isrc = full.isrc;
      if (genres) merged.genres = genres;
      item.metadata = merged;
    },

    async resolveSource(item, ctx): Promise<ResolvedSource> {
      const track = trackMetadata(item);
      const override = overrides[track.spotifyId];
      if (override) return { url: override, provider: "override" };
      const known = await storedMatch(track);
      if (known) return { ...known };
      ctx.stage("search");
      const match = await searchMatch(item, ctx.signal);
      await rememberMatch(track, match);
      return match;
    },

    async produce(item, resolved, ctx) {
      const track = trackMetadata(item);
      outputPathOf(item);
      // Looked up while the audio downloads; awaited only when the file is tagged.
      const lyrics = deps.lyrics?.lookup(track, ctx.signal);
      let source = resolved;
      const produced = await produceWithFallback(resolved, {
        produce: (candidate) => {
          source = candidate;
          return produceFrom(item, candidate, ctx, lyrics);
        },
        nextSource: async (dead) => {
          ctx.stage("search");
          try {
            return await searchMatch(item, ctx.signal, dead);
          } catch (error) {
            if (error instanceof NotFoundError) return undefined;
            throw error;
          }
        },
        isDead: (error) => error instanceof SourceUnavailableError,
        dropsMatch: dropsStoredMatch,
        forgetMatch: async () => {
          await Promise.all(matchKeys(track).map((key) => deps.caches.match.delete(key)));
        },
        rememberMatch: (next) => rememberMatch(track, next as StoredMatch),
        onFallback: (_dead, next, error) =>
          deps.warn?.(
            `${item.name}: ${(error as Error).message}; trying the next match "${next.title}" ` +
              `(${next.score?.toFixed(2)}) ${next.url}`,
          ),
        exhausted: (error, dead) => noOtherMatch(item, error, dead),
      });
      return source === resolved ? produced : { ...produced, source };
    },

    async retag(item, ctx) {
      const track = trackMetadata(item);
      const path = outputPathOf(item);
      const known = await storedMatch(track);
      const lyrics = await deps.lyrics?.lookup(track, ctx.signal);
      const tags = tagsFromTrack(track, { sourceUrl: known?.url });
      await (tagTempsExpected ??= expectTagTemps(
        tagTempsCheckedFile(libraryStateDir(deps.libraryRoot)),
      ));
      await orDiskFull(
        retagFile(path, lyrics?.tag ? { ...tags, lyrics: lyrics.tag } : tags, {
          cover: await covers.get(track.coverUrl, ctx.signal),
          signal: ctx.signal,
          tempDir: tempRootFor(deps.libraryRoot),
        }),
        deps.libraryRoot,
        `re-tagging ${path}`,
      );
      deps.caches.files.invalidate(path);
      if (lyrics) await deps.lyrics?.finish(item, path, lyrics);
      // New tags change the size, not the audio: the verified length still holds.
      const recorded = await deps.libraryIndex?.entry(track.spotifyId);
      if (recorded?.path === path) {
        const info = await Deno.stat(path);
        await deps.libraryIndex?.record(track.spotifyId, {
          ...recorded,
          size: info.size,
          mtimeMs: info.mtime?.getTime() ?? 0,
        });
      }
    },

    async writeM3u(item, tracks) {
      const m3uPath = outputPathOf(item);
      const entries = tracks.filter((t) => t.path && t.metadata).map((t) => {
        const meta = trackMetadata(t);
        return {
          path: t.path!,
          durationMs: meta.durationMs,
          artists: meta.artists,
          title: meta.title,
        };
      });
      const text = renderM3u(entries, { m3uPath });
      const result = { written: entries.length, leftOut: tracks.length - entries.length };
      // A re-run over an unchanged playlist writes (and flushes to disk) nothing.
      if (await readTextOrUndefined(m3uPath) === text) return { ...result, unchanged: true };
      await Deno.mkdir(dirname(m3uPath), { recursive: true });
      await orDiskFull(writeFileAtomic(m3uPath, text), deps.libraryRoot, `writing ${m3uPath}`);
      deps.caches.files.invalidate(m3uPath);
      return result;
    },
  };
}

/**
 * Reads, ahead of the run and in as few requests as the API allows, the full
 * tracks (for their ISRC) and artists (for genres) that the tracks about to be
 * searched will need: the same reads enrich() would make one by one.
 */
export async function prefetchTrackDetails(
  items: readonly PlanItem[],
  deps: Pick<TrackPipelineOptions, "settings" | "catalog" | "caches">,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const wanted = await Promise.all(items.map(async (item) => {
    if (item.type !== "track" || item.action === "retag") return undefined;
    if (item.status !== "pending" && item.status !== "in_progress") return undefined;
    const track = trackMetadata(item);
    const searched = await needsFullTrack(track, deps);
    return {
      trackId: searched ? track.spotifyId : undefined,
      artistId: track.genres.length === 0 ? track.artistIds[0] : undefined,
    };
  }));
  await deps.catalog.prefetch(wanted.filter((w) => w !== undefined), options);
}

/**
 * The prefetch as a head start only: each track reads what it lacks itself, with retries, so a
 * failed prefetch is told to `warn` and the run goes on; unless it is one that stops the run
 * (stopsRun), the run was cancelled, or it is no expected failure.
 */
export async function headStartTrackDetails(
  items: readonly PlanItem[],
  deps: Pick<TrackPipelineOptions, "settings" | "catalog" | "caches">,
  options: { signal?: AbortSignal; warn: (message: string) => void },
): Promise<void> {
  try {
    await prefetchTrackDetails(items, deps, { signal: options.signal });
  } catch (error) {
    if (!isTunedlError(error) || stopsRun(error) || options.signal?.aborted) throw error;
    options.warn(
      `could not read track details ahead (${error.message}); reading them track by track`,
    );
  }
}

/**
 * Whether a track lacks its ISRC, so its full track must be read: every file
 * carries its ISRC (also with an override or a remembered match), and the
 * ISRC is what ties the releases of one recording together.
 */
function needsFullTrack(
  track: TrackMetadata,
  _deps: Pick<TrackPipelineOptions, "settings" | "caches">,
): Promise<boolean> {
  return Promise.resolve(!track.isrc);
}

/** Where a match is kept: per track, and per recording (one match serves every release). */
function matchKeys(track: TrackMetadata): string[] {
  const isrc = track.isrc?.trim().toUpperCase();
  return isrc ? [`match:${track.spotifyId}`, `match:isrc:${isrc}`] : [`match:${track.spotifyId}`];
}

/** Awaits work; a full disk becomes the run-stopping DiskFullError naming the library. */
async function orDiskFull<T>(work: Promise<T>, libraryRoot: string, what: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof CancelledError) && isNoSpaceError(error)) {
      throw await diskFullError(libraryRoot, { what, cause: error });
    }
    throw error;
  }
}

/**
 * Whether a failed download makes the next run search again instead of reusing the stored match:
 * yes when yt-dlp refused the video; not for what says nothing about it (a cancel, a full disk,
 * a network failure or a killed program, which are retried).
 */
function dropsStoredMatch(error: unknown): boolean {
  if (error instanceof CancelledError || error instanceof StorageError) return false;
  const failure = error as Partial<TunedlError>;
  return failure.retryable !== true && typeof failure.code === "string" &&
    DOWNLOAD_REFUSALS.has(failure.code);
}

// yt-dlp's failures that concern the video itself (download_errors.ts codes).
const DOWNLOAD_REFUSALS = new Set([
  "unavailable",
  "private",
  "region_blocked",
  "age_restricted",
  "sign_in_required",
  "download_failed",
]);

/** A dead video with no runner-up above the threshold: what was tried and what to do. */
function noOtherMatch(item: PlanItem, error: unknown, dead: readonly string[]): unknown {
  if (!(error instanceof SourceUnavailableError)) return error;
  const tried = dead.length === 1 ? dead[0] : `${dead.length} videos (${dead.join(", ")})`;
  return new SourceUnavailableError(
    error.code as "unavailable" | "private" | "region_blocked",
    `${error.message}; no other candidate for ${item.name} scored above the threshold`,
    {
      detail: { ...error.detail, tried: dead },
      hint: `Tried ${tried}. Run \`tunedl explain ${item.spotify_url}\` to see the candidates, ` +
        "or add a working audio URL under overrides: in the config.",
    },
  );
}

/** The path optimize gave a track or M3U; a saved plan edited by hand may lack it. */
function outputPathOf(item: PlanItem): string {
  if (item.path) return item.path;
  throw new TunedlError(`plan item ${item.id} has no output path`, {
    hint: "Run without --resume to plan afresh.",
  });
}

function notFound(item: PlanItem, result: MatchResult): NotFoundError {
  const best = result.best;
  const tried = result.queries.map((q) => `${q.provider} "${q.query}"`).join(", ");
  // The track's name is shown beside this message already: say what was found, not what was sought.
  const diff = best?.score.durationDiffSec;
  return new NotFoundError(
    best
      ? `no confident match; best "${best.candidate.title}" (score ${best.score.total.toFixed(2)}${
        diff === undefined ? "" : `, length off by ${Math.round(diff)} s`
      })`
      : "no confident match: the search found nothing",
    {
      hint: `Searched ${tried || "nothing"}. Run \`tunedl explain ${item.spotify_url}\` to see ` +
        "the candidates, or add the right audio URL under overrides: in the config.",
      detail: {
        bestCandidate: best
          ? {
            title: best.candidate.title,
            url: best.candidate.url,
            score: best.score.total,
            ...(diff === undefined ? {} : { duration_diff_sec: Math.round(diff) }),
          }
          : undefined,
        reason: result.reason,
      },
    },
  );
}

/** A text file's content, or undefined when it cannot be read (missing, a folder, not UTF-8). */
async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}
