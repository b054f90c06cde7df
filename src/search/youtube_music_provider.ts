/** The YouTube Music provider: InnerTube search with the WEB_REMIX client. */
import { InnertubeProvider, type InnertubeProviderOptions } from "./innertube_provider.ts";
import { parseYouTubeMusicSearch } from "./youtube_music_parser.ts";

/** Origin of the real YouTube Music. */
export const defaultYouTubeMusicUrl = "https://music.youtube.com";

/** Search `params` YouTube Music's own pages send for its "Songs" and "Videos" filters. */
export const youTubeMusicFilterParams = {
  songs: "EgWKAQIIAWoQEAMQBBAJEAoQBRAREBAQFQ==",
  videos: "EgWKAQIQAWoQEAMQBBAJEAoQBRAREBAQFQ==",
} as const;

/** Searches YouTube Music; the top-result card and every song/video shelf count. */
export class YouTubeMusicProvider extends InnertubeProvider<"youtube-music"> {
  /** Searches music.youtube.com unless `options.baseUrl` says otherwise. */
  constructor(options: InnertubeProviderOptions) {
    super({
      name: "youtube-music",
      defaultBaseUrl: defaultYouTubeMusicUrl,
      client: { clientName: "WEB_REMIX", clientId: "67", clientVersion: "1.20240824.01.00" },
      filterParams: youTubeMusicFilterParams,
      parse: parseYouTubeMusicSearch,
    }, options);
  }
}
