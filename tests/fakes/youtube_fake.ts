/**
 * A loopback stand-in for YouTube Music and YouTube: answers
 * `POST /youtubei/v1/search` like InnerTube (WEB_REMIX and WEB answer shapes)
 * and serves media bytes at `GET /watch?v=<id>` with Range support, so the
 * real yt-dlp (generic extractor) can download from it.
 *
 * Search answers come from (a) the recorded fixtures in
 * tests/fixtures/recorded/youtube-music/ for their queries (WEB_REMIX only; compared
 * by words, so "Lost Identities - Moments" gets the "Lost Identities Moments"
 * recording), and (b) a programmable
 * table of synthetic results rendered in the real renderer shapes (the same
 * keys and nesting as the recordings).
 *
 * yt-dlp notes (checked with 2023.03.04): its generic extractor GETs the URL
 * and treats it as a direct media link when the Content-Type is audio/* or
 * video/*, but takes the file extension only from the URL path; for
 * "/watch?v=<id>" it would save "<name>.unknown_video". So /watch?v=<id>
 * answers 302 to a file-like "/media/<id>.<ext>" (ext from the content type:
 * audio/mp4 -> m4a, audio/webm -> webm, audio/mpeg -> mp3, audio/ogg -> ogg),
 * which yt-dlp follows and then names the file "<name>.m4a". The media answer
 * has Content-Type, Content-Length, Accept-Ranges and 206/416 Range handling.
 */
import { fixtureUrl } from "./fixtures.ts";

/** One synthetic search result. */
export interface FakeYouTubeResult {
  videoId: string;
  title: string;
  artists?: string[];
  album?: string;
  durationMs: number;
  /** Uploading channel (fan uploads; defaults follow the kind). */
  channel?: string;
  /**
   * "song": the released audio (YTM ATV row, YouTube "Artist - Topic" upload);
   * "video": official music video (YTM OMV, YouTube verified artist channel);
   * "ugc": any other upload (lyric channels, fans).
   */
  kind: "song" | "video" | "ugc";
  explicit?: boolean;
  /** Also render it as YouTube Music's top-result card. */
  topResult?: boolean;
}

/** What the fake saw in one search request. */
export interface FakeSearchRequest {
  clientName: string;
  clientVersion?: string;
  query: string;
  params?: string;
  hl?: string;
  gl?: string;
}

/** A table row: which queries get which results. */
export interface FakeSearchRule {
  /** Exact query (compared case-insensitively, trimmed) or a predicate. */
  query: string | ((query: string, request: FakeSearchRequest) => boolean);
  results: FakeYouTubeResult[];
  /** Answer only this client; both when absent. */
  client?: "WEB_REMIX" | "WEB";
}

/** Bytes served at /watch?v=<id>. */
export interface FakeMedia {
  body: Uint8Array;
  contentType: string;
}

/** An injected failure: an HTTP status and optional raw body. */
export interface FakeFault {
  status: number;
  body?: string;
}

/** Options of startFakeYouTube. */
export interface FakeYouTubeOptions {
  /** Answer the recorded fixtures' queries with their recordings (default true). */
  fixtures?: boolean;
  rules?: FakeSearchRule[];
  media?: Map<string, FakeMedia>;
  /** Delay before each search answer. */
  latencyMs?: number;
  /** Decides a failure for a search (index counts searches from 0). */
  fault?: (request: FakeSearchRequest, index: number) => FakeFault | undefined;
  /** Awaited before each search is answered (after it is recorded): holds a run mid-way. */
  gate?: () => Promise<void>;
}

/** A media request the fake served. */
export interface FakeMediaRequest {
  method: string;
  /** "/watch" (answered with a redirect) or "/media/<id>.<ext>". */
  path: string;
  videoId: string;
  range?: string;
  status: number;
}

/** A running fake. */
export interface FakeYouTube {
  /** Origin, e.g. "http://127.0.0.1:41234" (what TUNEDL_YOUTUBE_URL would hold). */
  url: string;
  port: number;
  /** Every search request, in arrival order. */
  searches: FakeSearchRequest[];
  mediaRequests: FakeMediaRequest[];
  addRule(rule: FakeSearchRule): void;
  /** Serves media at /watch?v=<videoId> from now on; undefined takes it away (a removed video). */
  setMedia(videoId: string, media: FakeMedia | undefined): void;
  /** The next `count` searches answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

const fixtureDir = fixtureUrl("youtube-music/");
const fixtureFiles = ["search-isrc-GB2LD2210007.json", "search-lost-identities-moments.json"];

interface Recording {
  query: string;
  response: unknown;
}

function loadRecordings(): Recording[] {
  return fixtureFiles.map((file) => {
    const data = JSON.parse(Deno.readTextFileSync(new URL(file, fixtureDir)));
    return { query: data.request.query as string, response: data.response };
  });
}

/** Starts the fake on 127.0.0.1 with a random free port. */
export function startFakeYouTube(options: FakeYouTubeOptions = {}): FakeYouTube {
  const recordings = options.fixtures === false ? [] : loadRecordings();
  const rules = [...(options.rules ?? [])];
  const media = options.media ?? new Map<string, FakeMedia>();
  const searches: FakeSearchRequest[] = [];
  const mediaRequests: FakeMediaRequest[] = [];
  let pendingFailures: FakeFault[] = [];
  // Pending latency timers, ended early by close() so no timer outlives a test.
  const sleepers = new Map<ReturnType<typeof setTimeout>, () => void>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sleepers.delete(timer);
        resolve();
      }, ms);
      sleepers.set(timer, resolve);
    });

  const handleSearch = async (request: Request): Promise<Response> => {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return invalidArgument();
    }
    const client = dig(body, "context", "client") as Record<string, unknown> | undefined;
    const query = dig(body, "query");
    const clientName = client?.clientName;
    if (typeof clientName !== "string" || typeof query !== "string") return invalidArgument();
    const params = dig(body, "params");
    const seen: FakeSearchRequest = { clientName, query };
    if (typeof params === "string") seen.params = params;
    if (typeof client?.clientVersion === "string") seen.clientVersion = client.clientVersion;
    if (typeof client?.hl === "string") seen.hl = client.hl;
    if (typeof client?.gl === "string") seen.gl = client.gl;
    const index = searches.length;
    searches.push(seen);

    if (options.gate) await options.gate();
    if (options.latencyMs) await delay(options.latencyMs);
    const fault = pendingFailures.shift() ?? options.fault?.(seen, index);
    if (fault) {
      return new Response(fault.body ?? JSON.stringify({ error: { code: fault.status } }), {
        status: fault.status,
        headers: { "content-type": "application/json" },
      });
    }
    if (clientName !== "WEB_REMIX" && clientName !== "WEB") return invalidArgument();

    const key = query.trim().toLowerCase();
    if (clientName === "WEB_REMIX") {
      // Like the real search, punctuation does not matter: "A - B" finds the "A B" recording.
      const recorded = recordings.find((recording) => words(recording.query) === words(query));
      if (recorded) return json(recorded.response);
    }
    const rule = rules.find((candidate) =>
      (candidate.client === undefined || candidate.client === clientName) &&
      (typeof candidate.query === "string"
        ? candidate.query.trim().toLowerCase() === key
        : candidate.query(query, seen))
    );
    const results = rule?.results ?? [];
    return json(
      clientName === "WEB_REMIX"
        ? renderMusicSearch(results, seen)
        : renderWebSearch(results, seen),
    );
  };

  const handleMedia = (request: Request, url: URL): Response => {
    const watch = url.pathname === "/watch";
    const fileMatch = /^\/media\/([^/]+)\.([a-z0-9]+)$/.exec(url.pathname);
    const videoId = watch ? url.searchParams.get("v") ?? "" : decodeURIComponent(fileMatch![1]);
    const item = media.get(videoId);
    const range = request.headers.get("range") ?? undefined;
    const record = (status: number) => {
      const entry: FakeMediaRequest = {
        method: request.method,
        path: url.pathname,
        videoId,
        status,
      };
      if (range) entry.range = range;
      mediaRequests.push(entry);
    };
    if (!item || (!watch && fileMatch![2] !== mediaExtension(item.contentType))) {
      record(404);
      return new Response("no such video", { status: 404 });
    }
    if (watch) {
      record(302);
      const location = `/media/${encodeURIComponent(videoId)}.${mediaExtension(item.contentType)}`;
      return new Response(null, { status: 302, headers: { location } });
    }
    const size = item.body.byteLength;
    const headers: Record<string, string> = {
      "content-type": item.contentType,
      "accept-ranges": "bytes",
    };
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (range) {
      const parsed = parseRange(range, size);
      if (!parsed) {
        record(416);
        return new Response(null, { status: 416, headers: { "content-range": `bytes */${size}` } });
      }
      [start, end] = parsed;
      status = 206;
      headers["content-range"] = `bytes ${start}-${end}/${size}`;
    }
    headers["content-length"] = String(end - start + 1);
    record(status);
    const bytes = item.body.slice(start, end + 1);
    return new Response(request.method === "HEAD" ? null : bytes, { status, headers });
  };

  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/youtubei/v1/search") {
      return handleSearch(request);
    }
    const isMediaPath = url.pathname === "/watch" ||
      /^\/media\/[^/]+\.[a-z0-9]+$/.test(url.pathname);
    if ((request.method === "GET" || request.method === "HEAD") && isMediaPath) {
      return handleMedia(request, url);
    }
    return new Response("not found", { status: 404 });
  });
  const port = server.addr.port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    searches,
    mediaRequests,
    addRule(rule) {
      rules.unshift(rule);
    },
    setMedia(videoId, item) {
      if (item === undefined) media.delete(videoId);
      else media.set(videoId, item);
    },
    failNext(count, status = 503) {
      pendingFailures = [
        ...pendingFailures,
        ...Array.from({ length: count }, () => ({ status })),
      ];
    },
    close() {
      for (const [timer, wake] of sleepers) {
        clearTimeout(timer);
        wake();
      }
      sleepers.clear();
      return server.shutdown();
    },
  };
}

/** File extension yt-dlp should give media of this content type. */
export function mediaExtension(contentType: string): string {
  const type = contentType.split(";")[0].trim().toLowerCase();
  const known: Record<string, string> = {
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/webm": "webm",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/opus": "opus",
    "audio/flac": "flac",
    "video/mp4": "mp4",
    "video/webm": "webm",
  };
  return known[type] ?? "bin";
}

function parseRange(header: string, size: number): [number, number] | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return undefined;
  return [start, end];
}

function words(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function dig(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    headers: { "content-type": "application/json; charset=UTF-8" },
  });
}

function invalidArgument(): Response {
  return new Response(
    JSON.stringify({
      error: {
        code: 400,
        message: "Request contains an invalid argument.",
        status: "INVALID_ARGUMENT",
      },
    }),
    { status: 400, headers: { "content-type": "application/json; charset=UTF-8" } },
  );
}

// ---- YouTube Music (WEB_REMIX) shapes, as in the recordings ----

const songsFilterPrefix = "EgWKAQII";
const videosFilterPrefix = "EgWKAQIQ";

function clock(ms: number): string {
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`
    : `${minutes}:${seconds}`;
}

function fakeId(prefix: string, text: string): string {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return `${prefix}${hash.toString(36)}`;
}

function musicVideoType(result: FakeYouTubeResult): string {
  return result.kind === "song"
    ? "MUSIC_VIDEO_TYPE_ATV"
    : result.kind === "video"
    ? "MUSIC_VIDEO_TYPE_OMV"
    : "MUSIC_VIDEO_TYPE_UGC";
}

function musicWatchEndpoint(result: FakeYouTubeResult) {
  return {
    watchEndpoint: {
      videoId: result.videoId,
      watchEndpointMusicSupportedConfigs: {
        watchEndpointMusicConfig: { musicVideoType: musicVideoType(result) },
      },
    },
  };
}

function browseRun(text: string, pageType: string, prefix: string) {
  return {
    text,
    navigationEndpoint: {
      browseEndpoint: {
        browseId: fakeId(prefix, text),
        browseEndpointContextSupportedConfigs: { browseEndpointContextMusicConfig: { pageType } },
      },
    },
  };
}

const dot = { text: " \u2022 " };

/** Subtitle runs: "[Label • ]Artist & Artist • Album|views • 3:40". */
function musicSubtitleRuns(result: FakeYouTubeResult, label: string | undefined, german: boolean) {
  const runs: unknown[] = [];
  if (label) runs.push({ text: label }, dot);
  if (result.kind === "ugc") {
    runs.push(browseRun(result.channel ?? "Fan uploads", "MUSIC_PAGE_TYPE_USER_CHANNEL", "UC"));
  } else {
    (result.artists ?? []).forEach((artist, index, all) => {
      if (index > 0) {
        runs.push({ text: index === all.length - 1 ? (german ? " und " : " & ") : ", " });
      }
      runs.push(browseRun(artist, "MUSIC_PAGE_TYPE_ARTIST", "UC"));
    });
  }
  runs.push(dot);
  if (result.kind === "song" && result.album) {
    runs.push(browseRun(result.album, "MUSIC_PAGE_TYPE_ALBUM", "MPREb_"));
  } else {
    runs.push({ text: german ? "1.234 Aufrufe" : "1.2K views" });
  }
  runs.push(dot, { text: clock(result.durationMs) });
  return runs;
}

const explicitBadge = {
  musicInlineBadgeRenderer: {
    trackingParams: "CAAQ",
    icon: { iconType: "MUSIC_EXPLICIT_BADGE" },
    accessibilityData: { accessibilityData: { label: "Explicit" } },
  },
};

function flexColumn(runs: unknown[]) {
  return {
    musicResponsiveListItemFlexColumnRenderer: {
      text: { runs },
      displayPriority: "MUSIC_RESPONSIVE_LIST_ITEM_COLUMN_DISPLAY_PRIORITY_HIGH",
    },
  };
}

function musicRow(result: FakeYouTubeResult, label: string | undefined, german: boolean) {
  const row: Record<string, unknown> = {
    trackingParams: "CAAQ",
    flexColumns: [
      flexColumn([{ text: result.title, navigationEndpoint: musicWatchEndpoint(result) }]),
      flexColumn(musicSubtitleRuns(result, label, german)),
      flexColumn([{ text: german ? "1234\u00a0Wiedergaben" : "1.2K plays" }]),
    ],
    playlistItemData: { videoId: result.videoId },
    flexColumnDisplayStyle: "MUSIC_RESPONSIVE_LIST_ITEM_FLEX_COLUMN_DISPLAY_STYLE_TWO_LINE_STACK",
    itemHeight: "MUSIC_ITEM_HEIGHT_DEFAULT",
  };
  if (result.explicit) row.badges = [explicitBadge];
  return { musicResponsiveListItemRenderer: row };
}

function musicShelf(title: string, rows: unknown[]) {
  return {
    musicShelfRenderer: {
      title: { runs: [{ text: title }] },
      contents: rows,
      trackingParams: "CAAQ",
    },
  };
}

function musicCard(result: FakeYouTubeResult, german: boolean) {
  const label = result.kind === "song" ? (german ? "Titel" : "Song") : "Video";
  const card: Record<string, unknown> = {
    trackingParams: "CAAQ",
    title: { runs: [{ text: result.title, navigationEndpoint: musicWatchEndpoint(result) }] },
    subtitle: { runs: musicSubtitleRuns(result, label, german) },
    contents: [],
    onTap: musicWatchEndpoint(result),
    header: {
      musicCardShelfHeaderBasicRenderer: {
        title: { runs: [{ text: german ? "Top-Ergebnis" : "Top result" }] },
      },
    },
  };
  if (result.explicit) card.subtitleBadges = [explicitBadge];
  return { musicCardShelfRenderer: card };
}

function renderMusicSearch(results: FakeYouTubeResult[], request: FakeSearchRequest) {
  const german = request.hl === "de";
  const params = request.params ?? "";
  const onlySongs = params.startsWith(songsFilterPrefix);
  const onlyVideos = params.startsWith(videosFilterPrefix);
  const sections: unknown[] = [];
  const filtered = onlySongs || onlyVideos;
  if (!filtered) {
    const top = results.find((result) => result.topResult);
    if (top) sections.push(musicCard(top, german));
  }
  const songs = results.filter((result) => result.kind === "song");
  const videos = results.filter((result) => result.kind !== "song");
  // Filtered answers list rows without the type label; unfiltered shelves too,
  // except that the video shelf (like the recordings) starts rows with "Video".
  if (!onlyVideos && songs.length > 0) {
    sections.push(
      musicShelf(
        german ? "Titel" : "Songs",
        songs.map((song) => musicRow(song, undefined, german)),
      ),
    );
  }
  if (!onlySongs && videos.length > 0) {
    const label = filtered ? undefined : "Video";
    sections.push(musicShelf("Videos", videos.map((video) => musicRow(video, label, german))));
  }
  if (sections.length === 0) {
    sections.push({
      itemSectionRenderer: {
        contents: [{
          messageRenderer: {
            text: { runs: [{ text: german ? "Keine Ergebnisse" : "No results" }] },
          },
        }],
      },
    });
  }
  return {
    responseContext: { serviceTrackingParams: [], maxAgeSeconds: 120 },
    contents: {
      tabbedSearchResultsRenderer: {
        tabs: [{
          tabRenderer: {
            title: "YT Music",
            selected: true,
            content: { sectionListRenderer: { contents: sections } },
            tabIdentifier: "music_search_catalog",
          },
        }],
      },
    },
    trackingParams: "CAAQ",
  };
}

// ---- YouTube (WEB) shapes ----

function channelRuns(name: string) {
  const handle = `/@${name.replace(/[^\p{L}\p{N}]+/gu, "")}`;
  return {
    runs: [{
      text: name,
      navigationEndpoint: {
        commandMetadata: {
          webCommandMetadata: {
            url: handle,
            webPageType: "WEB_PAGE_TYPE_CHANNEL",
            apiUrl: "/youtubei/v1/browse",
          },
        },
        browseEndpoint: { browseId: fakeId("UC", name), canonicalBaseUrl: handle },
      },
    }],
  };
}

function webVideo(result: FakeYouTubeResult) {
  const artist = result.artists?.[0] ?? "Unknown Artist";
  const channel = result.channel ??
    (result.kind === "song"
      ? `${artist} - Topic`
      : result.kind === "video"
      ? artist
      : "Fan uploads");
  const length = clock(result.durationMs);
  const renderer: Record<string, unknown> = {
    videoId: result.videoId,
    thumbnail: {
      thumbnails: [{
        url: `https://i.ytimg.com/vi/${result.videoId}/hq720.jpg`,
        width: 360,
        height: 202,
      }],
    },
    title: {
      runs: [{ text: result.title }],
      accessibility: { accessibilityData: { label: `${result.title} by ${channel}` } },
    },
    longBylineText: channelRuns(channel),
    publishedTimeText: { simpleText: "2 years ago" },
    lengthText: {
      accessibility: { accessibilityData: { label: length } },
      simpleText: length,
    },
    viewCountText: { simpleText: "1,234 views" },
    navigationEndpoint: {
      commandMetadata: {
        webCommandMetadata: {
          url: `/watch?v=${result.videoId}`,
          webPageType: "WEB_PAGE_TYPE_WATCH",
        },
      },
      watchEndpoint: { videoId: result.videoId },
    },
    ownerText: channelRuns(channel),
    shortBylineText: channelRuns(channel),
    thumbnailOverlays: [{
      thumbnailOverlayTimeStatusRenderer: { text: { simpleText: length }, style: "DEFAULT" },
    }],
  };
  if (result.kind === "video") {
    renderer.ownerBadges = [{
      metadataBadgeRenderer: {
        icon: { iconType: "OFFICIAL_ARTIST_BADGE" },
        style: "BADGE_STYLE_TYPE_VERIFIED_ARTIST",
        tooltip: "Official Artist Channel",
      },
    }];
  }
  return { videoRenderer: renderer };
}

function renderWebSearch(results: FakeYouTubeResult[], _request: FakeSearchRequest) {
  const items = results.length > 0
    ? results.map(webVideo)
    : [{ backgroundPromoRenderer: { title: { runs: [{ text: "No results found" }] } } }];
  return {
    responseContext: { serviceTrackingParams: [] },
    estimatedResults: String(results.length),
    contents: {
      twoColumnSearchResultsRenderer: {
        primaryContents: {
          sectionListRenderer: {
            contents: [
              { itemSectionRenderer: { contents: items, trackingParams: "CAAQ" } },
              {
                continuationItemRenderer: {
                  trigger: "CONTINUATION_TRIGGER_ON_ITEM_SHOWN",
                  continuationEndpoint: {
                    continuationCommand: {
                      token: "EpcDEgV",
                      request: "CONTINUATION_REQUEST_TYPE_SEARCH",
                    },
                  },
                },
              },
            ],
          },
        },
      },
    },
    trackingParams: "CAAQ",
  };
}
