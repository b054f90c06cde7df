/** The YouTube Music provider: InnerTube search with the WEB_REMIX client. */
import { postInnertubeSearch } from "./innertube_client.ts";
import type {
  AudioCandidate,
  AudioProvider,
  FetchFunction,
  ProviderSearchOptions,
} from "./model.ts";
import { parseYouTubeMusicSearch } from "./youtube_music_parser.ts";

/** Origin of the real YouTube Music. */
export const defaultYouTubeMusicUrl = "https://music.youtube.com";

/** Search `params` YouTube Music's own pages send for its "Songs" and "Videos" filters. */
export const youTubeMusicFilterParams = {
  songs: "EgWKAQIIAWoQEAMQBBAJEAoQBRAREBAQFQ==",
  videos: "EgWKAQIQAWoQEAMQBBAJEAoQBRAREBAQFQ==",
} as const;

/** Settings shared by the InnerTube providers. */
export interface InnertubeProviderOptions {
  fetch: FetchFunction;
  /** Origin of every request and of candidate watch URLs (TUNEDL_YOUTUBE_URL in the CLI). */
  baseUrl?: string;
  /** Interface language of the answer; "en" keeps labels predictable. */
  hl?: string;
  /** Country whose catalog is searched. */
  gl?: string;
  clientVersion?: string;
}

/** Searches YouTube Music through its InnerTube API. */
export class YouTubeMusicProvider implements AudioProvider {
  readonly name = "youtube-music" as const;
  readonly baseUrl: string;
  readonly #options: InnertubeProviderOptions;

  constructor(options: InnertubeProviderOptions) {
    this.#options = options;
    this.baseUrl = (options.baseUrl ?? defaultYouTubeMusicUrl).replace(/\/+$/, "");
  }

  /** Searches YouTube Music; the top-result card and every song/video shelf count. */
  async search(query: string, options: ProviderSearchOptions = {}): Promise<AudioCandidate[]> {
    if (query.trim() === "") return [];
    const answer = await postInnertubeSearch(this.#options.fetch, {
      provider: this.name,
      baseUrl: this.baseUrl,
      client: {
        clientName: "WEB_REMIX",
        clientId: "67",
        clientVersion: this.#options.clientVersion ?? "1.20240824.01.00",
        hl: this.#options.hl ?? "en",
        gl: this.#options.gl ?? "US",
      },
      query,
      params: options.filter ? youTubeMusicFilterParams[options.filter] : undefined,
    }, { signal: options.signal });
    return parseYouTubeMusicSearch(answer, { baseUrl: this.baseUrl, query }, {
      limit: options.limit,
    });
  }
}
