import assert from "node:assert/strict";
import { CancelledError, NetworkError, ServiceUnreachableError } from "../../src/errors/mod.ts";
import {
  findBestMatch,
  type MatchTarget,
  SearchError,
  youTubeMusicFilterParams,
  YouTubeMusicProvider,
  YouTubeProvider,
  youTubeVideoFilterParams,
} from "../../src/search/mod.ts";
import { type FakeYouTubeResult, startFakeYouTube } from "../fakes/youtube_fake.ts";
import { type Misbehavior, startMisbehavingServer } from "../fakes/misbehaving_server.ts";
import { AnswerTooLargeError, hasUnsafeCharacters } from "../../src/util/mod.ts";

const synthetic: FakeYouTubeResult[] = [
  {
    videoId: "song0000001",
    title: "WAP",
    artists: ["Cardi B", "Megan Thee Stallion"],
    album: "WAP (feat. Megan Thee Stallion)",
    durationMs: 187_000,
    kind: "song",
    explicit: true,
    topResult: true,
  },
  {
    videoId: "video000001",
    title: "WAP (Official Music Video)",
    artists: ["Cardi B"],
    durationMs: 265_000,
    kind: "video",
  },
  {
    videoId: "fanup000001",
    title: "Cardi B - WAP (Lyrics)",
    channel: "Lyric Corner",
    durationMs: 188_000,
    kind: "ugc",
  },
];

Deno.test("YouTube Music provider: recorded ISRC answer through the fake, request shaped like WEB_REMIX", async () => {
  const fake = startFakeYouTube();
  try {
    const provider = new YouTubeMusicProvider({ fetch, baseUrl: fake.url });
    const candidates = await provider.search("GB2LD2210007", {});
    assert.equal(candidates.length, 1);
    const [top] = candidates;
    assert.equal(top.title, "Nobody Else");
    assert.deepEqual(top.artists, ["Abstrakt"]);
    assert.equal(top.durationMs, 163_000);
    assert.equal(top.url, `${fake.url}/watch?v=nfyk-V5CoIE`);
    assert.equal(fake.searches.length, 1);
    const [request] = fake.searches;
    assert.equal(request.clientName, "WEB_REMIX");
    assert.match(request.clientVersion ?? "", /^1\.2024/);
    assert.equal(request.hl, "en");
    assert.equal(request.gl, "US");
    assert.equal(request.params, undefined);
  } finally {
    await fake.close();
  }
});

Deno.test("YouTube Music provider: synthetic results in real shapes, top card, explicit badge, songs filter", async () => {
  const fake = startFakeYouTube({ rules: [{ query: "cardi b wap", results: synthetic }] });
  try {
    const provider = new YouTubeMusicProvider({ fetch, baseUrl: fake.url });
    const all = await provider.search("Cardi B WAP", {});
    assert.deepEqual(
      all.map((c) => [
        c.videoId,
        c.resultType,
        c.artists.join("+"),
        c.album,
        c.channel,
        c.explicit,
        c.topResult,
      ]),
      [
        [
          "song0000001",
          "song",
          "Cardi B+Megan Thee Stallion",
          "WAP (feat. Megan Thee Stallion)",
          undefined,
          true,
          true,
        ],
        ["video000001", "video", "Cardi B", undefined, undefined, undefined, undefined],
        ["fanup000001", "video", "", undefined, "Lyric Corner", undefined, undefined],
      ],
    );
    assert.ok(all.every((c) => c.url === `${fake.url}/watch?v=${c.videoId}`));

    const songs = await provider.search("Cardi B WAP", { filter: "songs" });
    assert.deepEqual(songs.map((c) => c.videoId), ["song0000001"]);
    assert.equal(fake.searches[1].params, youTubeMusicFilterParams.songs);
    const videos = await provider.search("Cardi B WAP", { filter: "videos", limit: 1 });
    assert.deepEqual(videos.map((c) => c.videoId), ["video000001"]);
  } finally {
    await fake.close();
  }
});

Deno.test("YouTube provider: WEB answers with Topic, official and fan uploads", async () => {
  const fake = startFakeYouTube({ rules: [{ query: "Cardi B WAP", results: synthetic }] });
  try {
    const provider = new YouTubeProvider({ fetch, baseUrl: fake.url });
    const candidates = await provider.search("Cardi B WAP", { filter: "videos" });
    assert.deepEqual(
      candidates.map((c) => [
        c.videoId,
        c.channel,
        c.artists.join("+"),
        c.isTopicChannel,
        c.isOfficialArtistChannel,
        c.resultType,
        c.durationMs,
      ]),
      [
        ["song0000001", "Cardi B - Topic", "Cardi B", true, false, "song", 187_000],
        ["video000001", "Cardi B", "Cardi B", false, true, "video", 265_000],
        ["fanup000001", "Lyric Corner", "", false, false, "video", 188_000],
      ],
    );
    assert.equal(candidates[0].url, `${fake.url}/watch?v=song0000001`);
    assert.equal(fake.searches[0].clientName, "WEB");
    assert.equal(fake.searches[0].params, youTubeVideoFilterParams);
    // The recordings are YouTube Music answers; plain YouTube does not get them.
    assert.deepEqual(await provider.search("GB2LD2210007", {}), []);
  } finally {
    await fake.close();
  }
});

Deno.test("server failures are retryable NetworkErrors; bad answers are SearchErrors", async () => {
  const fake = startFakeYouTube({
    rules: [{ query: "ok", results: synthetic }],
    fault: (request) =>
      request.query === "bad json"
        ? { status: 200, body: "<html>consent</html>" }
        : request.query === "odd shape"
        ? { status: 200, body: '{"responseContext":{}}' }
        : request.query === "refused"
        ? { status: 400, body: '{"error":{"code":400,"status":"INVALID_ARGUMENT"}}' }
        : undefined,
  });
  try {
    const music = new YouTubeMusicProvider({ fetch, baseUrl: fake.url });
    fake.failNext(1, 503);
    await assert.rejects(
      () => music.search("ok", {}),
      (error: unknown) =>
        error instanceof NetworkError && error.retryable && /HTTP 503/.test(error.message),
    );
    assert.equal((await music.search("ok", {})).length, 3);
    fake.failNext(1, 429);
    await assert.rejects(
      () => new YouTubeProvider({ fetch, baseUrl: fake.url }).search("ok", {}),
      NetworkError,
    );

    for (const query of ["bad json", "odd shape", "refused"]) {
      await assert.rejects(
        () => music.search(query, {}),
        (error: unknown) =>
          error instanceof SearchError && error.provider === "youtube-music" &&
          error.query === query && !error.retryable && error.message.includes(`"${query}"`),
      );
    }
  } finally {
    await fake.close();
  }
});

Deno.test("an origin that refuses every attempt is reported unreachable, naming it", async () => {
  const fake = startFakeYouTube();
  const origin = fake.url;
  await fake.close();
  const music = new YouTubeMusicProvider({
    fetch,
    baseUrl: origin,
    limits: { retries: 1, retryDelayMs: 1 },
  });
  await assert.rejects(
    () => music.search("anything", {}),
    (error: unknown) =>
      error instanceof ServiceUnreachableError && error.exitCode === 5 &&
      error.message.startsWith(`YouTube Music is not answering at ${origin} (`) &&
      error.message.endsWith("; 2 attempts)"),
  );
});

Deno.test("aborting during a slow answer cancels the search", async () => {
  const fake = startFakeYouTube({ latencyMs: 5_000 });
  try {
    const music = new YouTubeMusicProvider({ fetch, baseUrl: fake.url });
    const controller = new AbortController();
    const pending = music.search("slow", { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(() => pending, CancelledError);
  } finally {
    await fake.close();
  }
});

Deno.test("findBestMatch end to end: the ISRC card answers in one request", async () => {
  const fake = startFakeYouTube();
  try {
    const providers = [
      new YouTubeMusicProvider({ fetch, baseUrl: fake.url }),
      new YouTubeProvider({ fetch, baseUrl: fake.url }),
    ];
    const track: MatchTarget = {
      title: "Nobody Else",
      artists: ["Abstrakt"],
      album: "Nobody Else",
      durationMs: 162_000,
      explicit: false,
      isrc: "GB2LD2210007",
    };
    const result = await findBestMatch(track, providers);
    assert.equal(result.status, "found");
    assert.equal(result.best?.candidate.videoId, "nfyk-V5CoIE");
    assert.equal(result.best?.candidate.url, `${fake.url}/watch?v=nfyk-V5CoIE`);
    assert.equal(fake.searches.length, 1);
  } finally {
    await fake.close();
  }
});

Deno.test("findBestMatch end to end: text search on the recorded answer picks the song row", async () => {
  const fake = startFakeYouTube();
  try {
    const providers = [
      new YouTubeMusicProvider({ fetch, baseUrl: fake.url }),
      new YouTubeProvider({ fetch, baseUrl: fake.url }),
    ];
    const track: MatchTarget = {
      title: "Moments",
      artists: ["Lost Identities"],
      album: "Moments",
      durationMs: 220_500,
      explicit: false,
    };
    const result = await findBestMatch(track, providers);
    assert.equal(result.status, "found");
    assert.equal(result.best?.candidate.videoId, "0h6XAAwX8II");
    assert.deepEqual(fake.searches.map((s) => [s.clientName, s.query]), [
      ["WEB_REMIX", "Lost Identities - Moments"],
    ]);
    const rejected = result.candidates.find((c) => c.candidate.videoId === "wgpEmlJ3guA");
    assert.match(rejected?.score.rejected ?? "", /length differs/);
  } finally {
    await fake.close();
  }
});

Deno.test("findBestMatch end to end: only a live video anywhere means not_found after every query", async () => {
  const fake = startFakeYouTube({
    rules: [{
      query: (query) => query.toLowerCase().includes("glass"),
      results: [{
        videoId: "live0000001",
        title: "Glass Houses (Live)",
        artists: ["Some Band"],
        durationMs: 200_000,
        kind: "video",
      }],
    }],
  });
  try {
    const providers = [
      new YouTubeMusicProvider({ fetch, baseUrl: fake.url }),
      new YouTubeProvider({ fetch, baseUrl: fake.url }),
    ];
    const track: MatchTarget = {
      title: "Glass Houses",
      artists: ["Some Band"],
      album: "First Album",
      durationMs: 199_000,
      explicit: false,
    };
    const result = await findBestMatch(track, providers);
    assert.equal(result.status, "not_found");
    assert.equal(result.best?.candidate.videoId, "live0000001");
    assert.equal(fake.searches.length, 4);
    assert.match(result.reason ?? "", /live version/);
  } finally {
    await fake.close();
  }
});

Deno.test("a search origin that hangs, trickles or sends without end gives a bounded outcome", async () => {
  const cases: [Misbehavior, (error: unknown) => boolean][] = [
    [
      "hang",
      (e) =>
        e instanceof ServiceUnreachableError &&
        /no answer within 0\.2 s; 2 attempts\)$/.test(e.message),
    ],
    [
      "trickle",
      (e) =>
        e instanceof ServiceUnreachableError &&
        /the answer took longer than 0\.4 s; 2 attempts\)$/.test(e.message),
    ],
    [
      "endless",
      (e) => e instanceof AnswerTooLargeError && /larger than 5\.0 MB/.test(e.message),
    ],
  ];
  for (const [mode, expected] of cases) {
    await using server = startMisbehavingServer(mode, { trickleMs: 20 });
    const music = new YouTubeMusicProvider({
      fetch,
      baseUrl: server.url,
      limits: { timeoutMs: mode === "endless" ? 30_000 : 200, retryDelayMs: 1 },
    });
    const error = await music.search("anything", {}).catch((e) => e);
    assert.ok(expected(error), `${mode}: ${error}`);
  }
});

Deno.test("a huge title in an answer is cut and cleaned before it is scored or shown", async () => {
  const huge = "\u202e\u0000\u001b[31m" + "A".repeat(1024 * 1024);
  const fake = startFakeYouTube({
    fixtures: false,
    rules: [{
      query: () => true,
      results: [{
        videoId: "vHuge000001",
        title: huge,
        artists: ["Artist\u0000X"],
        durationMs: 200_000,
        kind: "song",
      }],
    }],
  });
  try {
    const music = new YouTubeMusicProvider({ fetch, baseUrl: fake.url });
    const [candidate] = await music.search("anything", {});
    assert.ok(candidate.title.length <= 500, `title of ${candidate.title.length} characters`);
    assert.ok(!hasUnsafeCharacters(candidate.title), JSON.stringify(candidate.title.slice(0, 9)));
    assert.deepEqual(candidate.artists, ["ArtistX"]);
  } finally {
    await fake.close();
  }
});
