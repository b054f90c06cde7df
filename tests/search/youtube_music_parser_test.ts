import assert from "node:assert/strict";
import { parseYouTubeMusicSearch, SearchError } from "../../src/search/mod.ts";
import { fixtureUrl } from "../fakes/fixtures.ts";

const fixtures = fixtureUrl("youtube-music/");
const base = "https://music.youtube.com";

function recording(file: string): { query: string; response: unknown } {
  const data = JSON.parse(Deno.readTextFileSync(new URL(file, fixtures)));
  return { query: data.request.query, response: data.response };
}

Deno.test("ISRC fixture: the only match, in the top-result card, is Nobody Else by Abstrakt", () => {
  const { query, response } = recording("search-isrc-GB2LD2210007.json");
  const candidates = parseYouTubeMusicSearch(response, { baseUrl: base, query });
  assert.deepEqual(candidates, [{
    provider: "youtube-music",
    videoId: "nfyk-V5CoIE",
    url: "https://music.youtube.com/watch?v=nfyk-V5CoIE",
    title: "Nobody Else",
    artists: ["Abstrakt"],
    album: "Nobody Else",
    // The card says 2:43; Spotify's length is 162 s.
    durationMs: 163_000,
    isOfficialArtistChannel: false,
    isTopicChannel: true,
    explicit: false,
    resultType: "song",
    musicVideoType: "MUSIC_VIDEO_TYPE_ATV",
    topResult: true,
    rank: 1,
  }]);
});

Deno.test("text fixture: card, its extra rows and the song/video shelves (German titles), deduplicated", () => {
  const { query, response } = recording("search-lost-identities-moments.json");
  const candidates = parseYouTubeMusicSearch(response, { baseUrl: base, query });
  const summary = candidates.map((c) => [
    c.rank,
    c.videoId,
    c.title,
    c.artists.join(" + "),
    c.album ?? "",
    c.durationMs,
    c.resultType,
    c.channel ?? "",
  ]);
  assert.deepEqual(summary, [
    [1, "fxhzvHrTO2k", "Moments", "Robbie Rosen + Lost Identities", "", 221_000, "video", ""],
    [
      2,
      "wgpEmlJ3guA",
      "Moments (Acoustic Version)",
      "Lost Identities + Robbie Rosen",
      "Moments (Acoustic Version)",
      169_000,
      "song",
      "",
    ],
    [
      3,
      "PVUe0rW8qkE",
      "Somebody Like You",
      "Bassanova + Van Maximilian + Robbie Rosen",
      "Somebody Like You",
      187_000,
      "song",
      "",
    ],
    [4, "0h6XAAwX8II", "Moments", "Lost Identities + Robbie Rosen", "Moments", 220_000, "song", ""],
    [5, "r51FxWfnbh0", "Those Lost", "Moments", "Morning In Solace", 248_000, "song", ""],
    [6, "14CjyUYO8lE", "Moments", "Robbie Rosen + Lost Identities", "", 219_000, "video", ""],
    [
      7,
      "GnKXjblvqOg",
      "Lost Identities & Robbie Rosen - Moments (Lyrics)",
      "",
      "",
      218_000,
      "video",
      "Lyrics Kart",
    ],
    [
      8,
      "EPwGkq2QZ8w",
      "Robbie Rosen FT Lost Identities - Moments",
      "",
      "",
      220_000,
      "video",
      "Luimarose",
    ],
  ]);
  // Albums, playlists, artists, podcasts and episodes have no video + duration: not candidates.
  assert.ok(!candidates.some((c) => c.videoId === "6V5zEW6WiYI"));
  const official = candidates.find((c) => c.videoId === "14CjyUYO8lE")!;
  assert.equal(official.isOfficialArtistChannel, true);
  assert.equal(official.explicit, undefined);
  const fan = candidates.find((c) => c.videoId === "GnKXjblvqOg")!;
  assert.equal(fan.isOfficialArtistChannel, false);
  assert.equal(fan.isTopicChannel, false);
  assert.equal(fan.musicVideoType, "MUSIC_VIDEO_TYPE_UGC");
  assert.ok(candidates.every((c) => c.url === `${base}/watch?v=${c.videoId}`));
});

Deno.test("limit keeps the first candidates; watch URLs use the configured origin", () => {
  const { query, response } = recording("search-lost-identities-moments.json");
  const candidates = parseYouTubeMusicSearch(response, {
    baseUrl: "http://127.0.0.1:9/",
    query,
  }, { limit: 2 });
  assert.deepEqual(candidates.map((c) => c.url), [
    "http://127.0.0.1:9/watch?v=fxhzvHrTO2k",
    "http://127.0.0.1:9/watch?v=wgpEmlJ3guA",
  ]);
});

function row(title: string, videoId: string, subtitle: unknown[], extra: object = {}) {
  return {
    musicResponsiveListItemRenderer: {
      flexColumns: [
        {
          musicResponsiveListItemFlexColumnRenderer: {
            text: {
              runs: [{
                text: title,
                navigationEndpoint: {
                  watchEndpoint: {
                    videoId,
                    watchEndpointMusicSupportedConfigs: {
                      watchEndpointMusicConfig: { musicVideoType: "MUSIC_VIDEO_TYPE_ATV" },
                    },
                  },
                },
              }],
            },
          },
        },
        { musicResponsiveListItemFlexColumnRenderer: { text: { runs: subtitle } } },
      ],
      ...extra,
    },
  };
}

function answer(sections: unknown[]) {
  return {
    contents: {
      tabbedSearchResultsRenderer: {
        tabs: [{
          tabRenderer: { selected: true, content: { sectionListRenderer: { contents: sections } } },
        }],
      },
    },
  };
}

Deno.test("explicit badge, unlinked artists and an English label are read", () => {
  const shelf = {
    musicShelfRenderer: {
      title: { runs: [{ text: "Songs" }] },
      contents: [
        row("WAP", "wap00000001", [
          { text: "Song" },
          { text: " • " },
          { text: "Cardi B & Megan Thee Stallion" },
          { text: " • " },
          { text: "1:03:05" },
        ], {
          badges: [{ musicInlineBadgeRenderer: { icon: { iconType: "MUSIC_EXPLICIT_BADGE" } } }],
        }),
      ],
    },
  };
  const [candidate] = parseYouTubeMusicSearch(answer([shelf]), { baseUrl: base, query: "wap" });
  assert.equal(candidate.explicit, true);
  assert.deepEqual(candidate.artists, ["Cardi B", "Megan Thee Stallion"]);
  assert.equal(candidate.durationMs, 3_785_000);
  assert.equal(candidate.resultType, "song");
});

Deno.test("rows without a duration are skipped", () => {
  const shelf = {
    musicShelfRenderer: {
      contents: [row("Moments", "abc", [{ text: "Single" }, { text: " • " }, { text: "2022" }])],
    },
  };
  assert.deepEqual(parseYouTubeMusicSearch(answer([shelf]), { baseUrl: base, query: "q" }), []);
});

Deno.test("an answer without results is empty, not an error", () => {
  const empty = answer([{
    itemSectionRenderer: {
      contents: [{ messageRenderer: { text: { runs: [{ text: "No results" }] } } }],
    },
  }]);
  assert.deepEqual(parseYouTubeMusicSearch(empty, { baseUrl: base, query: "q" }), []);
});

Deno.test("a malformed answer is a SearchError naming provider and query", () => {
  for (const bad of [{}, null, "text", { contents: { somethingElse: {} } }]) {
    assert.throws(
      () => parseYouTubeMusicSearch(bad, { baseUrl: base, query: "Some Query" }),
      (error: unknown) =>
        error instanceof SearchError && error.provider === "youtube-music" &&
        error.query === "Some Query" && error.message.includes("YouTube Music") &&
        error.message.includes('"Some Query"') && error.code === "search" && !error.retryable,
    );
  }
});
