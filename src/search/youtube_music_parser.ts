/**
 * Turns a YouTube Music (WEB_REMIX) search answer into candidates. Shelves are
 * recognized by their rows (a watchEndpoint video id plus a duration), never
 * by their localized titles, and the top-result card is read as well: an ISRC
 * search often has its only match there.
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
  type TextRun,
  textRuns,
  watchUrl,
} from "./innertube_json.ts";
import type { AudioCandidate, ResultType } from "./model.ts";

/** Candidates of a YouTube Music search answer, in answer order; throws SearchError if malformed. */
export function parseYouTubeMusicSearch(
  answer: unknown,
  context: ParseContext,
  options: { limit?: number } = {},
): AudioCandidate[] {
  return parseAnswer(answer, { provider: "youtube-music", findSections, readSection }, {
    ...context,
    limit: options.limit,
  });
}

function readSection(section: unknown, baseUrl: string): Omit<AudioCandidate, "rank">[] {
  const found: Omit<AudioCandidate, "rank">[] = [];
  const card = asRecord(dig(section, "musicCardShelfRenderer"));
  if (card) {
    const top = parseCard(card, baseUrl);
    if (top) found.push(top);
    found.push(...parseRows(card.contents, baseUrl));
  }
  const shelf = asRecord(dig(section, "musicShelfRenderer"));
  if (shelf) found.push(...parseRows(shelf.contents, baseUrl));
  return found;
}

function findSections(answer: unknown): unknown[] | undefined {
  const contents = dig(answer, "contents");
  const tabs = asArray(dig(contents, "tabbedSearchResultsRenderer", "tabs"));
  if (tabs.length > 0) {
    const tab = tabs.find((t) => dig(t, "tabRenderer", "selected") === true) ?? tabs[0];
    const list = dig(tab, "tabRenderer", "content", "sectionListRenderer", "contents");
    return Array.isArray(list) ? list : undefined;
  }
  const direct = dig(contents, "sectionListRenderer", "contents");
  if (Array.isArray(direct)) return direct;
  // A continuation page holds one shelf's rows.
  const continued = dig(answer, "continuationContents", "musicShelfContinuation");
  if (asRecord(continued)) return [{ musicShelfRenderer: continued }];
  return undefined;
}

function parseRows(rows: unknown, baseUrl: string): Omit<AudioCandidate, "rank">[] {
  const parsed: Omit<AudioCandidate, "rank">[] = [];
  for (const row of asArray(rows)) {
    const item = asRecord(dig(row, "musicResponsiveListItemRenderer"));
    if (!item) continue;
    const candidate = parseRow(item, baseUrl);
    if (candidate) parsed.push(candidate);
  }
  return parsed;
}

function parseRow(
  item: Record<string, unknown>,
  baseUrl: string,
): Omit<AudioCandidate, "rank"> | undefined {
  const columns = asArray(item.flexColumns).map((column) =>
    dig(column, "musicResponsiveListItemFlexColumnRenderer", "text")
  );
  const titleRuns = textRuns(columns[0]);
  const watch = asRecord(dig(titleRuns[0]?.navigationEndpoint, "watchEndpoint")) ??
    asRecord(
      dig(
        item,
        "overlay",
        "musicItemThumbnailOverlayRenderer",
        "content",
        "musicPlayButtonRenderer",
        "playNavigationEndpoint",
        "watchEndpoint",
      ),
    );
  const subtitle = textRuns(columns[1]);
  for (const fixed of asArray(item.fixedColumns)) {
    const text = dig(fixed, "musicResponsiveListItemFixedColumnRenderer", "text");
    subtitle.push({ text: " • " }, ...textRuns(text));
  }
  return buildCandidate({
    baseUrl,
    title: titleRuns.map((run) => run.text).join(""),
    watch,
    subtitle,
    badges: item.badges,
    topResult: false,
  });
}

function parseCard(
  card: Record<string, unknown>,
  baseUrl: string,
): Omit<AudioCandidate, "rank"> | undefined {
  const titleRuns = textRuns(card.title);
  const watch = asRecord(dig(titleRuns[0]?.navigationEndpoint, "watchEndpoint")) ??
    asRecord(dig(card, "onTap", "watchEndpoint"));
  return buildCandidate({
    baseUrl,
    title: plainText(card.title),
    watch,
    subtitle: textRuns(card.subtitle),
    badges: [...asArray(card.subtitleBadges), ...asArray(card.badges)],
    topResult: true,
  });
}

interface RowParts {
  baseUrl: string;
  title: string;
  watch: Record<string, unknown> | undefined;
  subtitle: TextRun[];
  badges: unknown;
  topResult: boolean;
}

function buildCandidate(parts: RowParts): Omit<AudioCandidate, "rank"> | undefined {
  const videoId = typeof parts.watch?.videoId === "string" ? parts.watch.videoId : undefined;
  if (!videoId || !parts.title) return undefined;
  const musicVideoType = digString(
    parts.watch,
    "watchEndpointMusicSupportedConfigs",
    "watchEndpointMusicConfig",
    "musicVideoType",
  );
  if (musicVideoType === "MUSIC_VIDEO_TYPE_PODCAST_EPISODE") return undefined;
  const subtitle = readSubtitle(parts.subtitle);
  // Rows without a duration are artists, albums, playlists or episodes.
  if (subtitle.durationMs === undefined) return undefined;

  const resultType: ResultType = musicVideoType
    ? (musicVideoType === "MUSIC_VIDEO_TYPE_ATV" ? "song" : "video")
    : (subtitle.album !== undefined || subtitle.label === "song" ? "song" : "video");
  const candidate: Omit<AudioCandidate, "rank"> = {
    provider: "youtube-music",
    videoId,
    url: watchUrl(parts.baseUrl, videoId),
    title: parts.title,
    artists: subtitle.artists,
    durationMs: subtitle.durationMs,
    isOfficialArtistChannel: musicVideoType === "MUSIC_VIDEO_TYPE_OMV" ||
      musicVideoType === "MUSIC_VIDEO_TYPE_OFFICIAL_SOURCE_MUSIC",
    isTopicChannel: resultType === "song",
    resultType,
  };
  // Only the catalog's audio tracks carry a reliable explicit badge.
  if (resultType === "song") candidate.explicit = hasExplicitBadge(parts.badges);
  if (subtitle.album !== undefined) candidate.album = subtitle.album;
  if (subtitle.channel !== undefined) candidate.channel = subtitle.channel;
  if (musicVideoType !== undefined) candidate.musicVideoType = musicVideoType;
  if (parts.topResult) candidate.topResult = true;
  return candidate;
}

interface Subtitle {
  label?: "song" | "video" | "other";
  artists: string[];
  channel?: string;
  album?: string;
  durationMs?: number;
}

/** Result-type labels YouTube Music puts first in a subtitle (English and German answers). */
const typeLabels: Record<string, Subtitle["label"]> = {
  song: "song",
  titel: "song",
  video: "video",
  episode: "other",
  folge: "other",
  podcast: "other",
  album: "other",
  single: "other",
  ep: "other",
  playlist: "other",
  artist: "other",
  "künstler": "other",
  profile: "other",
  profil: "other",
};

const separatorRun = /^\s*(?:,|&|and|und|x|et|y|e)\s*$/i;

/** Reads "Label • Artist & Artist • Album • 3:40" (label, album and views optional). */
function readSubtitle(runs: TextRun[]): Subtitle {
  const segments: TextRun[][] = [[]];
  for (const run of runs) {
    if (run.text.trim() === "•") segments.push([]);
    else segments[segments.length - 1].push(run);
  }
  const subtitle: Subtitle = { artists: [] };
  const rest: TextRun[][] = [];
  segments.forEach((segment, index) => {
    const text = segment.map((run) => run.text).join("").trim();
    if (!text) return;
    const pageTypes = segment.map(pageTypeOf);
    const duration = parseClockDuration(text);
    if (duration !== undefined) {
      subtitle.durationMs = duration;
    } else if (pageTypes.includes("MUSIC_PAGE_TYPE_ALBUM")) {
      subtitle.album = segment.find((run) => pageTypeOf(run) === "MUSIC_PAGE_TYPE_ALBUM")!.text;
    } else if (
      pageTypes.includes("MUSIC_PAGE_TYPE_ARTIST") ||
      pageTypes.includes("MUSIC_PAGE_TYPE_USER_CHANNEL")
    ) {
      subtitle.artists.push(...namesOf(segment, "MUSIC_PAGE_TYPE_ARTIST"));
      const channels = namesOf(segment, "MUSIC_PAGE_TYPE_USER_CHANNEL");
      if (channels.length > 0) subtitle.channel = channels.join(", ");
    } else if (index === 0 && segment.length === 1 && text.toLowerCase() in typeLabels) {
      subtitle.label = typeLabels[text.toLowerCase()];
    } else if (!looksLikeCount(text)) {
      rest.push(segment);
    }
  });
  // Artists without a link (no channel on YouTube Music) come as plain text.
  if (subtitle.artists.length === 0 && subtitle.channel === undefined && rest.length > 0) {
    subtitle.artists = rest[0]
      .filter((run) => !separatorRun.test(run.text))
      .flatMap((run) => run.text.split(/\s*(?:,|&)\s*/))
      .map((name) => name.trim())
      .filter((name) => name.length > 0);
  }
  return subtitle;
}

function namesOf(segment: TextRun[], pageType: string): string[] {
  return segment.filter((run) => pageTypeOf(run) === pageType).map((run) => run.text.trim());
}

function pageTypeOf(run: TextRun): string | undefined {
  return digString(
    run.navigationEndpoint,
    "browseEndpoint",
    "browseEndpointContextSupportedConfigs",
    "browseEndpointContextMusicConfig",
    "pageType",
  );
}

/** "909.011 Aufrufe", "1.2M views", "3701 plays": view and play counts. */
function looksLikeCount(text: string): boolean {
  return /^[\d.,\s\u00a0]+(?:[kmb]|mio\.?|mrd\.?|tsd\.?)?[\s\u00a0]*(?:views?|plays?|aufrufe?|wiedergaben?|songs|subscribers|abonnenten)$/i
    .test(text);
}

function hasExplicitBadge(badges: unknown): boolean {
  return asArray(badges).some((badge) =>
    digString(badge, "musicInlineBadgeRenderer", "icon", "iconType") === "MUSIC_EXPLICIT_BADGE"
  );
}
