/**
 * Plain data of the search stage: what a provider returns for one search and
 * the port every provider implements. Everything here is JSON-serializable so
 * a search cache can store candidate lists as they are.
 */

import type { ProviderName } from "../model/mod.ts";

/**
 * What a result row is. "song" is an auto-generated audio track of the
 * official release (YouTube Music "ATV"); "video" is any other video (an
 * official music video, a lyric video or a fan upload).
 */
export type ResultType = "song" | "video";

/** One video a provider found for a query. */
export interface AudioCandidate {
  provider: ProviderName;
  videoId: string;
  /** Watch URL on the provider's origin (`<origin>/watch?v=<id>`), what the downloader fetches. */
  url: string;
  title: string;
  /** Credited artists as the provider lists them; empty when it names only an uploader. */
  artists: string[];
  album?: string;
  durationMs?: number;
  /** Uploading channel, when the answer names it. */
  channel?: string;
  /** Uploaded by the artist's own (verified) channel, or an official music video. */
  isOfficialArtistChannel: boolean;
  /** An auto-generated "Artist - Topic" upload of the released recording. */
  isTopicChannel: boolean;
  /** Known only where the provider shows an explicit badge (YouTube Music). */
  explicit?: boolean;
  resultType: ResultType;
  /** YouTube Music's own classification ("MUSIC_VIDEO_TYPE_ATV", "..._OMV", "..._UGC"). */
  musicVideoType?: string;
  /** Came from the "top result" card of the answer. */
  topResult?: boolean;
  /**
   * The recording's ISRC, where a provider states it. YouTube's search answers
   * do not today; a candidate with the track's ISRC is the same recording, so
   * its version words are not held against it.
   */
  isrc?: string;
  /** 1-based position among the candidates of this answer. */
  rank: number;
}

/** Options of one provider search. */
export interface ProviderSearchOptions {
  signal?: AbortSignal;
  /** Keep at most this many candidates. */
  limit?: number;
  /** Ask the service for only songs or only videos. */
  filter?: "songs" | "videos";
}

/** A searchable audio source. */
export interface AudioProvider {
  readonly name: ProviderName;
  /** Searches the source; throws NetworkError (retryable) or SearchError. */
  search(query: string, options: ProviderSearchOptions): Promise<AudioCandidate[]>;
}

/** The fetch function providers call (the global `fetch` fits). */
export type FetchFunction = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

/** Optional store of provider answers, keyed by provider and query (see searchCacheKey). */
export interface SearchCache {
  get(key: string): Promise<AudioCandidate[] | undefined>;
  set(key: string, value: AudioCandidate[]): Promise<void>;
}

/** The key a search cache stores one provider answer under. */
export function searchCacheKey(provider: ProviderName, query: string): string {
  return `${provider}:${query.trim().toLowerCase()}`;
}
