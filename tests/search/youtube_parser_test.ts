import assert from "node:assert/strict";
import { parseYouTubeSearch, SearchError } from "../../src/search/mod.ts";

const base = "https://www.youtube.com";

function video(
  videoId: string,
  title: string,
  channel: string,
  length: string | undefined,
  badgeStyle?: string,
) {
  const owner = {
    runs: [{
      text: channel,
      navigationEndpoint: { browseEndpoint: { browseId: "UCx", canonicalBaseUrl: "/@x" } },
    }],
  };
  const renderer: Record<string, unknown> = {
    videoId,
    title: { runs: [{ text: title }] },
    longBylineText: owner,
    ownerText: owner,
    navigationEndpoint: { watchEndpoint: { videoId } },
  };
  if (length) {
    renderer.lengthText = { simpleText: length };
    renderer.thumbnailOverlays = [{
      thumbnailOverlayTimeStatusRenderer: { text: { simpleText: length } },
    }];
  }
  if (badgeStyle) renderer.ownerBadges = [{ metadataBadgeRenderer: { style: badgeStyle } }];
  return { videoRenderer: renderer };
}

function answer(items: unknown[]) {
  return {
    contents: {
      twoColumnSearchResultsRenderer: {
        primaryContents: {
          sectionListRenderer: {
            contents: [
              { itemSectionRenderer: { contents: items } },
              { continuationItemRenderer: { trigger: "CONTINUATION_TRIGGER_ON_ITEM_SHOWN" } },
            ],
          },
        },
      },
    },
  };
}

Deno.test("videos become candidates with channel kinds; streams, shorts and channels are skipped", () => {
  const parsed = parseYouTubeSearch(
    answer([
      video("topic000001", "Moments", "Lost Identities - Topic", "3:40"),
      { channelRenderer: { channelId: "UCabc", title: { simpleText: "Lost Identities" } } },
      video(
        "official001",
        "Moments (Official Video)",
        "Robbie Rosen",
        "3:41",
        "BADGE_STYLE_TYPE_VERIFIED_ARTIST",
      ),
      video("livestream1", "24/7 lofi radio", "Lofi Girl", undefined),
      { reelShelfRenderer: { items: [] } },
      video(
        "verified001",
        "Moments reaction",
        "Some Vlogger",
        "12:03",
        "BADGE_STYLE_TYPE_VERIFIED",
      ),
      {
        shelfRenderer: {
          title: { simpleText: "People also watched" },
          content: {
            verticalListRenderer: {
              items: [video("fan00000001", "Moments - Lyrics", "Lyrics Kart", "3:38")],
            },
          },
        },
      },
      video("topic000001", "Moments", "Lost Identities - Topic", "3:40"),
    ]),
    { baseUrl: base, query: "Lost Identities - Moments" },
  );
  assert.deepEqual(parsed, [
    {
      provider: "youtube",
      videoId: "topic000001",
      url: "https://www.youtube.com/watch?v=topic000001",
      title: "Moments",
      artists: ["Lost Identities"],
      durationMs: 220_000,
      isOfficialArtistChannel: false,
      isTopicChannel: true,
      resultType: "song",
      channel: "Lost Identities - Topic",
      rank: 1,
    },
    {
      provider: "youtube",
      videoId: "official001",
      url: "https://www.youtube.com/watch?v=official001",
      title: "Moments (Official Video)",
      artists: ["Robbie Rosen"],
      durationMs: 221_000,
      isOfficialArtistChannel: true,
      isTopicChannel: false,
      resultType: "video",
      channel: "Robbie Rosen",
      rank: 2,
    },
    {
      provider: "youtube",
      videoId: "verified001",
      url: "https://www.youtube.com/watch?v=verified001",
      title: "Moments reaction",
      artists: [],
      durationMs: 723_000,
      isOfficialArtistChannel: false,
      isTopicChannel: false,
      resultType: "video",
      channel: "Some Vlogger",
      rank: 3,
    },
    {
      provider: "youtube",
      videoId: "fan00000001",
      url: "https://www.youtube.com/watch?v=fan00000001",
      title: "Moments - Lyrics",
      artists: [],
      durationMs: 218_000,
      isOfficialArtistChannel: false,
      isTopicChannel: false,
      resultType: "video",
      channel: "Lyrics Kart",
      rank: 4,
    },
  ]);
});

Deno.test("a continuation page is read too; an empty result list is empty", () => {
  const continuation = {
    onResponseReceivedCommands: [{
      appendContinuationItemsAction: {
        continuationItems: [{
          itemSectionRenderer: { contents: [video("next0000001", "Song", "Band - Topic", "2:00")] },
        }],
      },
    }],
  };
  const parsed = parseYouTubeSearch(continuation, { baseUrl: base, query: "q" });
  assert.deepEqual(parsed.map((c) => c.videoId), ["next0000001"]);
  const empty = answer([{
    backgroundPromoRenderer: { title: { runs: [{ text: "No results" }] } },
  }]);
  assert.deepEqual(parseYouTubeSearch(empty, { baseUrl: base, query: "q" }), []);
});

Deno.test("a malformed YouTube answer is a SearchError", () => {
  assert.throws(
    () => parseYouTubeSearch({ contents: {} }, { baseUrl: base, query: "x y" }),
    (error: unknown) =>
      error instanceof SearchError && error.provider === "youtube" && error.query === "x y" &&
      /^YouTube search for "x y" failed/.test(error.message),
  );
});
