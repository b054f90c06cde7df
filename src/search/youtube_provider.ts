/** The plain YouTube provider: InnerTube search with the WEB client. */
import { InnertubeProvider, type InnertubeProviderOptions } from "./innertube_provider.ts";
import { parseYouTubeSearch } from "./youtube_parser.ts";

/** Origin of the real YouTube. */
export const defaultYouTubeUrl = "https://www.youtube.com";

/** Search `params` of YouTube's "Type: Video" filter (YouTube has no songs filter). */
export const youTubeVideoFilterParams = "EgIQAQ==";

/** Searches YouTube videos; both filters mean "videos only". */
export class YouTubeProvider extends InnertubeProvider<"youtube"> {
  /** Searches www.youtube.com unless `options.baseUrl` says otherwise. */
  constructor(options: InnertubeProviderOptions) {
    super({
      name: "youtube",
      defaultBaseUrl: defaultYouTubeUrl,
      client: { clientName: "WEB", clientId: "1", clientVersion: "2.20240823.01.00" },
      filterParams: { songs: youTubeVideoFilterParams, videos: youTubeVideoFilterParams },
      parse: parseYouTubeSearch,
    }, options);
  }
}
