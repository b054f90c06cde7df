/**
 * Turns a plain YouTube (WEB client) search answer into candidates: every
 * `videoRenderer` with a length, whether listed directly or inside a shelf.
 * Live streams (no length), shorts, channels, playlists and ads are skipped.
 */
import {
  asArray,
  asRecord,
  dig,
  digString,
  parseAnswer,
  parseClockDuration,
  type ParseContext,
  plainText,
  watchUrl,
} from "./innertube_json.ts";
import type { AudioCandidate } from "./model.ts";

/** Candidates of a YouTube search answer, in answer order; throws SearchError if malformed. */
export function parseYouTubeSearch(
  answer: unknown,
  context: ParseContext,
  options: { limit?: number } = {},
): AudioCandidate[] {
  return parseAnswer(answer, { provider: "youtube", findSections, readSection }, {
    ...context,
    limit: options.limit,
  });
}

function readSection(section: unknown, baseUrl: string): Omit<AudioCandidate, "rank">[] {
  const found: Omit<AudioCandidate, "rank">[] = [];
  for (const item of asArray(dig(section, "itemSectionRenderer", "contents"))) {
    const video = asRecord(dig(item, "videoRenderer"));
    if (video) pushVideo(found, video, baseUrl);
    const shelfItems = dig(item, "shelfRenderer", "content", "verticalListRenderer", "items");
    for (const shelfItem of asArray(shelfItems)) {
      const inner = asRecord(dig(shelfItem, "videoRenderer"));
      if (inner) pushVideo(found, inner, baseUrl);
    }
  }
  return found;
}

function findSections(answer: unknown): unknown[] | undefined {
  const list = dig(
    answer,
    "contents",
    "twoColumnSearchResultsRenderer",
    "primaryContents",
    "sectionListRenderer",
    "contents",
  );
  if (Array.isArray(list)) return list;
  // A continuation page appends item sections.
  const commands = asArray(dig(answer, "onResponseReceivedCommands"));
  if (commands.length === 0) return undefined;
  return commands.flatMap((command) =>
    asArray(dig(command, "appendContinuationItemsAction", "continuationItems"))
  );
}

function pushVideo(
  found: Omit<AudioCandidate, "rank">[],
  video: Record<string, unknown>,
  baseUrl: string,
): void {
  const videoId = typeof video.videoId === "string" ? video.videoId : undefined;
  const title = plainText(video.title);
  const lengthText = plainText(video.lengthText) ||
    asArray(video.thumbnailOverlays)
      .map((overlay) => plainText(dig(overlay, "thumbnailOverlayTimeStatusRenderer", "text")))
      .find((text) => text.length > 0) ||
    "";
  const durationMs = parseClockDuration(lengthText);
  if (!videoId || !title || durationMs === undefined) return;

  const channel = plainText(video.ownerText) || plainText(video.longBylineText) || undefined;
  const isTopicChannel = channel !== undefined && / - Topic$/i.test(channel);
  const isOfficialArtistChannel = asArray(video.ownerBadges).some((badge) =>
    digString(badge, "metadataBadgeRenderer", "style") === "BADGE_STYLE_TYPE_VERIFIED_ARTIST"
  );
  const artists = channel === undefined
    ? []
    : isTopicChannel
    ? [channel.replace(/ - Topic$/i, "")]
    : isOfficialArtistChannel
    ? [channel]
    : [];
  const candidate: Omit<AudioCandidate, "rank"> = {
    provider: "youtube",
    videoId,
    url: watchUrl(baseUrl, videoId),
    title,
    artists,
    durationMs,
    isOfficialArtistChannel,
    isTopicChannel,
    resultType: isTopicChannel ? "song" : "video",
  };
  if (channel !== undefined) candidate.channel = channel;
  found.push(candidate);
}
