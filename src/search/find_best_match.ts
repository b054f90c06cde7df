/**
 * Finds the audio for one track: searches the providers with increasingly
 * broad queries, scores every candidate and stops at the first confident one.
 * Below the threshold the answer is "not_found" with the closest candidate,
 * so a wrong song is never downloaded silently.
 */
import { type ProviderName } from "../model/mod.ts";
import { CancelledError, isTunedlError, toTunedlError } from "../errors/mod.ts";
import {
  type AudioCandidate,
  type AudioProvider,
  type SearchCache,
  searchCacheKey,
} from "./model.ts";
import {
  type MatchOptions,
  matchScore,
  type MatchTarget,
  type ScoreBreakdown,
} from "./match_score.ts";
import { normalizeText } from "./text_similarity.ts";

/** Default minimum total score of an accepted candidate. */
export const defaultMatchThreshold = 0.7;

/** A candidate with its score and the query that found it. */
export interface ScoredCandidate {
  candidate: AudioCandidate;
  score: ScoreBreakdown;
  query: string;
}

/** One search that was made (or answered from the cache). */
export interface MatchQuery {
  provider: ProviderName;
  query: string;
  /** Candidates the search returned. */
  count: number;
  cached: boolean;
  /** Message of the failure, when the search failed. */
  error?: string;
}

/** Outcome of findBestMatch; plain data, safe to JSON.stringify. */
export interface MatchResult {
  status: "found" | "not_found";
  /** The winner, or (not_found) the closest candidate. */
  best?: ScoredCandidate;
  /** Every distinct candidate seen, best first. */
  candidates: ScoredCandidate[];
  queries: MatchQuery[];
  threshold: number;
  /** Why nothing was accepted (not_found only). */
  reason?: string;
}

/** Options of findBestMatch. */
export interface FindBestMatchOptions extends MatchOptions {
  /** Minimum total score to accept (default 0.7). */
  threshold?: number;
  signal?: AbortSignal;
  searchCache?: SearchCache;
  /** Candidates kept per search (default: all the answer has). */
  limit?: number;
  /** URLs of candidates to pass over (videos already found dead). */
  exclude?: ReadonlySet<string>;
}

/** One planned search query. */
export interface PlannedQuery {
  query: string;
  /** ISRC queries go to YouTube Music only. */
  isrc: boolean;
}

/** The queries tried for a track, in order: ISRC, "artists - title", "artists - title album". */
export function searchQueries(track: MatchTarget): PlannedQuery[] {
  const planned: PlannedQuery[] = [];
  if (track.isrc && track.isrc.trim()) planned.push({ query: track.isrc.trim(), isrc: true });
  const artists = track.artists.filter((name) => name.trim()).join(", ");
  const base = artists ? `${artists} - ${track.title}` : track.title;
  planned.push({ query: base, isrc: false });
  const album = track.album?.trim();
  if (album && normalizeText(album) !== normalizeText(track.title)) {
    planned.push({ query: `${base} ${album}`, isrc: false });
  }
  return planned;
}

/**
 * Searches each provider in order with the planned queries and returns the
 * best candidate scoring at least the threshold. If no candidate is accepted
 * and some search failed, the first failure is thrown (retrying may help),
 * instead of claiming the track is not there.
 */
export async function findBestMatch(
  track: MatchTarget,
  providers: readonly AudioProvider[],
  options: FindBestMatchOptions = {},
): Promise<MatchResult> {
  const threshold = options.threshold ?? defaultMatchThreshold;
  const planned = searchQueries(track);
  const seen = new Map<string, ScoredCandidate>();
  const queries: MatchQuery[] = [];
  const failures: Error[] = [];

  for (const provider of providers) {
    for (const { query, isrc } of planned) {
      if (isrc && provider.name !== "youtube-music") continue;
      if (options.signal?.aborted) throw new CancelledError("search cancelled");
      let found: AudioCandidate[];
      let cached = false;
      try {
        const answer = await searchWithCache(provider, query, options);
        found = answer.candidates;
        cached = answer.cached;
      } catch (error) {
        const failure = toTunedlError(error);
        if (failure instanceof CancelledError) throw failure;
        if (!isTunedlError(error)) throw error;
        failures.push(failure);
        queries.push({ provider: provider.name, query, count: 0, cached, error: failure.message });
        // The next query would fail the same way at this provider.
        break;
      }
      queries.push({ provider: provider.name, query, count: found.length, cached });
      for (const candidate of found) {
        if (options.exclude?.has(candidate.url)) continue;
        const score = matchScore(track, candidate, options);
        const key = `${candidate.provider}:${candidate.videoId}`;
        const previous = seen.get(key);
        if (!previous || previous.score.total < score.total) {
          seen.set(key, { candidate, score, query });
        }
      }
      const ranked = sortScored([...seen.values()]);
      if (ranked.length > 0 && ranked[0].score.total >= threshold) {
        return { status: "found", best: ranked[0], candidates: ranked, queries, threshold };
      }
    }
  }

  if (failures.length > 0) throw failures[0];
  const candidates = sortScored([...seen.values()]);
  const result: MatchResult = {
    status: "not_found",
    candidates,
    queries,
    threshold,
    reason: notFoundReason(candidates, queries, threshold),
  };
  if (candidates.length > 0) result.best = candidates[0];
  return result;
}

async function searchWithCache(
  provider: AudioProvider,
  query: string,
  options: FindBestMatchOptions,
): Promise<{ candidates: AudioCandidate[]; cached: boolean }> {
  const key = searchCacheKey(provider.name, query);
  const hit = await options.searchCache?.get(key);
  if (hit !== undefined) return { candidates: hit, cached: true };
  const candidates = await provider.search(query, {
    signal: options.signal,
    limit: options.limit,
  });
  await options.searchCache?.set(key, candidates);
  return { candidates, cached: false };
}

/** Best first: total score, then the closer title and artist (for rejected ones), then answer rank. */
function sortScored(scored: ScoredCandidate[]): ScoredCandidate[] {
  return scored.sort((a, b) =>
    b.score.total - a.score.total ||
    (b.score.title + b.score.artist) - (a.score.title + a.score.artist) ||
    a.candidate.rank - b.candidate.rank
  );
}

function notFoundReason(
  candidates: readonly ScoredCandidate[],
  queries: readonly MatchQuery[],
  threshold: number,
): string {
  if (candidates.length === 0) {
    return `no search results for ${queries.length} ${queries.length === 1 ? "query" : "queries"}`;
  }
  const best = candidates[0];
  const title = `"${best.candidate.title}" (${best.candidate.provider} ${best.candidate.videoId})`;
  if (best.score.rejected) {
    return `all ${candidates.length} candidates were rejected; closest ${title}: ${best.score.rejected}`;
  }
  const why = best.score.notes.filter((note) => note.startsWith("-"));
  return `best candidate ${title} scored ${best.score.total.toFixed(2)}, below the threshold ${
    threshold.toFixed(2)
  }${why.length > 0 ? ` (${why.join("; ")})` : ""}`;
}
