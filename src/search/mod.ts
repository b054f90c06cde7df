/** Audio search: YouTube Music / YouTube providers and matching candidates to Spotify tracks. */
export type {
  AudioCandidate,
  AudioProvider,
  FetchFunction,
  ProviderSearchOptions,
  ResultType,
  SearchCache,
} from "./model.ts";
export { searchCacheKey } from "./model.ts";
export { providerLabel, SearchError } from "./errors.ts";
export type { InnertubeProviderOptions } from "./innertube_provider.ts";
export {
  DEFAULT_SEARCH_TIMEOUT_MS,
  MAX_SEARCH_ANSWER_BYTES,
  type SearchRequestLimits,
} from "./innertube_client.ts";
export {
  defaultYouTubeMusicUrl,
  youTubeMusicFilterParams,
  YouTubeMusicProvider,
} from "./youtube_music_provider.ts";
export {
  defaultYouTubeUrl,
  YouTubeProvider,
  youTubeVideoFilterParams,
} from "./youtube_provider.ts";
export { parseYouTubeMusicSearch } from "./youtube_music_parser.ts";
export { parseYouTubeSearch } from "./youtube_parser.ts";
export type { ParseContext } from "./innertube_json.ts";
export {
  cleanChannel,
  defaultDurationToleranceSec,
  defaultSongDurationToleranceSec,
  mainArtists,
  type MatchOptions,
  type MatchRule,
  matchScore,
  type MatchTarget,
  minTitleSimilarity,
  neutralPartValue,
  type ScoreBreakdown,
} from "./match_score.ts";
export {
  cleanContextFor,
  cleanTitle,
  countVersionMarkers,
  remasterYears,
  titleWordDifference,
  type VersionMarker,
  versionMarkers,
  type VersionWord,
} from "./title_parts.ts";
export {
  defaultMatchThreshold,
  findBestMatch,
  type FindBestMatchOptions,
  type MatchQuery,
  type MatchResult,
  type PlannedQuery,
  type ScoredCandidate,
  searchQueries,
} from "./find_best_match.ts";
export { explainMatch, type ExplainOptions } from "./explain_match.ts";
export { nameKey, normalizeText, textSimilarity } from "./text_similarity.ts";
