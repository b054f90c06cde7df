/**
 * The real TrackWorker: Spotify details, search and match, yt-dlp + ffmpeg,
 * tags and cover, the library index and M3U files. Wiring only: each step is
 * a call into its own folder.
 */
import { dirname, join } from "node:path";
import {
  type AudioFormat,
  type AudioTools,
  produceTrackFile,
  retagFile,
  tagsFromTrack,
} from "../audio/mod.ts";
import type { CacheSet } from "../cache/mod.ts";
import type { LoadedConfig } from "../config/mod.ts";
import { NotFoundError } from "../errors/mod.ts";
import { renderM3u, writeFileAtomic } from "../library/mod.ts";
import {
  type PlanItem,
  type ResolvedSource,
  type TrackDetailsReader,
  trackMetadata,
  type TrackWorker,
} from "../plan/mod.ts";
import {
  type AudioCandidate,
  type AudioProvider,
  findBestMatch,
  type MatchResult,
} from "../search/mod.ts";
import type { TrackMetadata } from "../spotify/mod.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Accepted matches are kept long: the same Spotify track keeps its recording. */
const MATCH_TTL_MS = 180 * DAY_MS;

/** What the worker needs; the download command builds it. */
export interface TrackWorkerDeps {
  loaded: LoadedConfig;
  catalog: TrackDetailsReader;
  providers: AudioProvider[];
  caches: CacheSet;
  tools: AudioTools;
  /** Library root; temp files go to `<root>/.tunedl-tmp` (same file system). */
  libraryRoot: string;
  fetch?: typeof fetch;
  /** Told about non-fatal problems (a cover that could not be fetched). */
  warn?: (message: string) => void;
}

/** The folder under the library root where tracks are assembled before the rename. */
export function tempRootFor(libraryRoot: string): string {
  return join(libraryRoot, ".tunedl-tmp");
}

/** A match decision kept per Spotify track id. */
interface StoredMatch {
  url: string;
  provider: string;
  score: number;
  title: string;
}

/** Builds the worker the executor drives for a real download. */
export function createTrackWorker(deps: TrackWorkerDeps): TrackWorker {
  const d = deps.loaded.config.download;
  const overrides = deps.loaded.config.overrides;
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const covers = new Map<string, Promise<Uint8Array | undefined>>();
  const searchCache = {
    get: (key: string) => deps.caches.search.get<AudioCandidate[]>(key),
    set: (key: string, value: AudioCandidate[]) => deps.caches.search.set(key, value),
  };

  function cover(url: string | undefined, signal: AbortSignal): Promise<Uint8Array | undefined> {
    if (!url) return Promise.resolve(undefined);
    let pending = covers.get(url);
    if (!pending) {
      pending = fetchCover(url, fetchFn, signal).catch((error) => {
        deps.warn?.(`could not fetch the cover ${url}: ${(error as Error).message}`);
        return undefined;
      });
      covers.set(url, pending);
    }
    return pending;
  }

  /** The match of this track, or of another track of the same recording (by ISRC). */
  async function storedMatch(track: TrackMetadata): Promise<StoredMatch | undefined> {
    for (const key of matchKeys(track)) {
      const found = await deps.caches.match.get<StoredMatch>(key);
      if (found) return found;
    }
    return undefined;
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
      const result = await findBestMatch(track, deps.providers, {
        threshold: d.match_threshold,
        durationToleranceSec: d.duration_tolerance,
        signal: ctx.signal,
        searchCache,
      });
      if (result.status !== "found" || !result.best) throw notFound(item, result);
      const best = result.best;
      const match: StoredMatch = {
        url: best.candidate.url,
        provider: best.candidate.provider,
        score: best.score.total,
        title: best.candidate.title,
      };
      await Promise.all(
        matchKeys(track).map((key) => deps.caches.match.set(key, match, { ttlMs: MATCH_TTL_MS })),
      );
      return match;
    },

    async produce(item, source, ctx) {
      const track = trackMetadata(item);
      const path = item.path;
      if (!path) throw new Error(`plan item ${item.id} has no output path`);
      const coverBytes = await cover(track.coverUrl, ctx.signal);
      const produced = await produceTrackFile(source.url, path, {
        format: d.format as AudioFormat,
        bitrate: d.bitrate,
        tags: tagsFromTrack(track, { sourceUrl: source.url }),
        cover: coverBytes,
        tools: deps.tools,
        tempRoot: tempRootFor(deps.libraryRoot),
        signal: ctx.signal,
        timeoutMs: d.download_timeout * 1000,
        cookiesFile: d.cookies_file,
        extraArgs: d.ytdlp_args,
        onStage: (stage, progress) => {
          ctx.stage(stage);
          if (progress?.fraction !== undefined) ctx.progress(progress.fraction);
        },
      });
      deps.caches.files.invalidate(path);
      const info = await Deno.stat(path);
      await deps.caches.library?.record(track.spotifyId, {
        path,
        size: info.size,
        mtimeMs: info.mtime?.getTime() ?? 0,
      });
      return { path, bytes: produced.bytes ?? info.size };
    },

    async retag(item, ctx) {
      const track = trackMetadata(item);
      if (!item.path) throw new Error(`plan item ${item.id} has no output path`);
      const known = await storedMatch(track);
      await retagFile(item.path, tagsFromTrack(track, { sourceUrl: known?.url }), {
        cover: await cover(track.coverUrl, ctx.signal),
        signal: ctx.signal,
      });
      deps.caches.files.invalidate(item.path);
    },

    async writeM3u(item, tracks) {
      if (!item.path) throw new Error(`plan item ${item.id} has no output path`);
      const entries = tracks.filter((t) => t.path && t.metadata).map((t) => {
        const meta = trackMetadata(t);
        return {
          path: t.path!,
          durationMs: meta.durationMs,
          artists: meta.artists,
          title: meta.title,
        };
      });
      await Deno.mkdir(dirname(item.path), { recursive: true });
      await writeFileAtomic(item.path, renderM3u(entries, { m3uPath: item.path }));
      deps.caches.files.invalidate(item.path);
      return { written: entries.length, leftOut: tracks.length - entries.length };
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
  deps: Pick<TrackWorkerDeps, "loaded" | "catalog" | "caches">,
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
 * Whether a track lacks its ISRC, so its full track must be read: every file
 * carries its ISRC (also with an override or a remembered match), and the
 * ISRC is what ties the releases of one recording together.
 */
function needsFullTrack(
  track: TrackMetadata,
  _deps: Pick<TrackWorkerDeps, "loaded" | "caches">,
): Promise<boolean> {
  return Promise.resolve(!track.isrc);
}

/** Where a match is kept: per track, and per recording (one match serves every release). */
function matchKeys(track: TrackMetadata): string[] {
  const isrc = track.isrc?.trim().toUpperCase();
  return isrc ? [`match:${track.spotifyId}`, `match:isrc:${isrc}`] : [`match:${track.spotifyId}`];
}

function notFound(item: PlanItem, result: MatchResult): NotFoundError {
  const best = result.best;
  const tried = result.queries.map((q) => `${q.provider} "${q.query}"`).join(", ");
  return new NotFoundError(
    `no confident match for ${item.name}${
      best ? ` (best: "${best.candidate.title}" at ${best.score.total.toFixed(2)})` : ""
    }`,
    {
      hint: `Searched ${tried || "nothing"}. Run \`tunedl explain ${item.spotify_url}\` to see ` +
        "the candidates, or add the right audio URL under overrides: in the config.",
      detail: {
        bestCandidate: best
          ? { title: best.candidate.title, url: best.candidate.url, score: best.score.total }
          : undefined,
        reason: result.reason,
      },
    },
  );
}

async function fetchCover(
  url: string,
  fetchFn: typeof fetch,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(20_000);
  const response = await fetchFn(url, { signal: AbortSignal.any([signal, timeout]) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
