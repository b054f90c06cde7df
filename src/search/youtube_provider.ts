/** The plain YouTube provider: InnerTube search with the WEB client. */
import { postInnertubeSearch } from "./innertube_client.ts";
import type { AudioCandidate, AudioProvider, ProviderSearchOptions } from "./model.ts";
import type { InnertubeProviderOptions } from "./youtube_music_provider.ts";
import { parseYouTubeSearch } from "./youtube_parser.ts";

/** Origin of the real YouTube. */
export const defaultYouTubeUrl = "https://www.youtube.com";

/** Search `params` of YouTube's "Type: Video" filter (YouTube has no songs filter). */
export const youTubeVideoFilterParams = "EgIQAQ==";

/** Searches YouTube through its InnerTube API. */
export class YouTubeProvider implements AudioProvider {
  readonly name = "youtube" as const;
  readonly baseUrl: string;
  readonly #options: InnertubeProviderOptions;

  constructor(options: InnertubeProviderOptions) {
    this.#options = options;
    this.baseUrl = (options.baseUrl ?? defaultYouTubeUrl).replace(/\/+$/, "");
  }

  /** Searches YouTube videos; both filters mean "videos only". */
  async search(query: string, options: ProviderSearchOptions = {}): Promise<AudioCandidate[]> {
    if (query.trim() === "") return [];
    const answer = await postInnertubeSearch(this.#options.fetch, {
      provider: this.name,
      baseUrl: this.baseUrl,
      client: {
        clientName: "WEB",
        clientId: "1",
        clientVersion: this.#options.clientVersion ?? "2.20240823.01.00",
        hl: this.#options.hl ?? "en",
        gl: this.#options.gl ?? "US",
      },
      query,
      params: options.filter ? youTubeVideoFilterParams : undefined,
    }, { signal: options.signal });
    return parseYouTubeSearch(answer, { baseUrl: this.baseUrl, query }, { limit: options.limit });
  }
}
