import { type ProviderName } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import { CancelledError, NetworkError } from "../../src/errors/mod.ts";
import {
  type AudioCandidate,
  type AudioProvider,
  explainMatch,
  findBestMatch,
  type MatchTarget,
  type ProviderSearchOptions,
  type SearchCache,
  searchCacheKey,
  SearchError,
  searchQueries,
} from "../../src/search/mod.ts";

/** An in-memory provider answering from a table, recording its calls. */
class TableProvider implements AudioProvider {
  calls: string[] = [];
  constructor(
    readonly name: ProviderName,
    readonly table: Record<string, AudioCandidate[]>,
    readonly failure?: Error,
  ) {}
  search(query: string, options: ProviderSearchOptions): Promise<AudioCandidate[]> {
    this.calls.push(query);
    options.signal?.throwIfAborted();
    if (this.failure) return Promise.reject(this.failure);
    return Promise.resolve(this.table[query] ?? []);
  }
}

class MemoryCache implements SearchCache {
  store = new Map<string, AudioCandidate[]>();
  get(key: string) {
    return Promise.resolve(this.store.get(key));
  }
  set(key: string, value: AudioCandidate[]) {
    this.store.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

function candidate(
  provider: ProviderName,
  videoId: string,
  title: string,
  artists: string[],
  durationSec: number,
  rank = 1,
): AudioCandidate {
  return {
    provider,
    videoId,
    url: `http://127.0.0.1/watch?v=${videoId}`,
    title,
    artists,
    durationMs: durationSec * 1000,
    isOfficialArtistChannel: false,
    isTopicChannel: provider === "youtube-music",
    resultType: provider === "youtube-music" ? "song" : "video",
    rank,
  };
}

const nobodyElse: MatchTarget = {
  title: "Nobody Else",
  artists: ["Abstrakt"],
  album: "Nobody Else",
  durationMs: 162_000,
  explicit: false,
  isrc: "GB2LD2210007",
};

Deno.test("queries: ISRC, then 'artists - title', then with the album (unless it is the title)", () => {
  assert.deepEqual(searchQueries(nobodyElse), [
    { query: "GB2LD2210007", isrc: true },
    { query: "Abstrakt - Nobody Else", isrc: false },
  ]);
  assert.deepEqual(
    searchQueries({
      title: "Moments",
      artists: ["Lost Identities", "Robbie Rosen"],
      album: "Best",
    }),
    [
      { query: "Lost Identities, Robbie Rosen - Moments", isrc: false },
      { query: "Lost Identities, Robbie Rosen - Moments Best", isrc: false },
    ],
  );
});

Deno.test("an ISRC hit on YouTube Music stops the search at once", async () => {
  const music = new TableProvider("youtube-music", {
    GB2LD2210007: [candidate("youtube-music", "nfyk-V5CoIE", "Nobody Else", ["Abstrakt"], 163)],
  });
  const youtube = new TableProvider("youtube", {});
  const result = await findBestMatch(nobodyElse, [music, youtube]);
  assert.equal(result.status, "found");
  assert.equal(result.best?.candidate.videoId, "nfyk-V5CoIE");
  assert.equal(result.best?.query, "GB2LD2210007");
  assert.deepEqual(music.calls, ["GB2LD2210007"]);
  assert.deepEqual(youtube.calls, []);
  assert.deepEqual(result.queries, [
    { provider: "youtube-music", query: "GB2LD2210007", count: 1, cached: false },
  ]);
  assert.equal(result.threshold, 0.7);
  // Plain data: survives JSON unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
});

Deno.test("falls through queries and providers in order; never sends the ISRC to YouTube", async () => {
  const track: MatchTarget = { ...nobodyElse, album: "Greatest Hits" };
  const music = new TableProvider("youtube-music", {
    "Abstrakt - Nobody Else": [
      candidate("youtube-music", "live", "Nobody Else (Live)", ["Abstrakt"], 163),
    ],
  });
  const youtube = new TableProvider("youtube", {
    "Abstrakt - Nobody Else Greatest Hits": [
      candidate("youtube", "wrong", "Nobody Else", ["Someone Else"], 162, 1),
      candidate("youtube", "right", "Abstrakt - Nobody Else (Audio)", ["Abstrakt"], 161, 2),
    ],
  });
  const result = await findBestMatch(track, [music, youtube]);
  assert.deepEqual(music.calls, [
    "GB2LD2210007",
    "Abstrakt - Nobody Else",
    "Abstrakt - Nobody Else Greatest Hits",
  ]);
  assert.deepEqual(youtube.calls, [
    "Abstrakt - Nobody Else",
    "Abstrakt - Nobody Else Greatest Hits",
  ]);
  assert.equal(result.status, "found");
  assert.equal(result.best?.candidate.videoId, "right");
  assert.deepEqual(result.candidates.map((c) => c.candidate.videoId), ["right", "live", "wrong"]);
  assert.deepEqual(result.queries.map((q) => [q.provider, q.count]), [
    ["youtube-music", 0],
    ["youtube-music", 1],
    ["youtube-music", 0],
    ["youtube", 0],
    ["youtube", 2],
  ]);
});

Deno.test("below the threshold: not_found with the closest candidate and a reason", async () => {
  const music = new TableProvider("youtube-music", {
    "Abstrakt - Nobody Else": [
      candidate("youtube-music", "live", "Nobody Else (Live)", ["Abstrakt"], 163),
      candidate("youtube-music", "other", "Somebody", ["Abstrakt"], 163, 2),
    ],
  });
  const result = await findBestMatch(nobodyElse, [music]);
  assert.equal(result.status, "not_found");
  assert.equal(result.best?.candidate.videoId, "live");
  assert.equal(result.best?.score.total, 0.65);
  assert.match(result.reason ?? "", /scored 0\.65, below the threshold 0\.70.*live version/);
  assert.equal(result.candidates.length, 2);

  const lenient = await findBestMatch(nobodyElse, [music], { threshold: 0.6 });
  assert.equal(lenient.status, "found");
  assert.equal(lenient.best?.candidate.videoId, "live");
});

Deno.test("nothing at all: not_found without a best candidate", async () => {
  const result = await findBestMatch(nobodyElse, [new TableProvider("youtube-music", {})]);
  assert.equal(result.status, "not_found");
  assert.equal(result.best, undefined);
  assert.equal(result.reason, "no search results for 2 queries");
  assert.match(explainMatch(result), /^Not found: no search results for 2 queries\./);
});

Deno.test("all rejected: the reason names the closest rejection", async () => {
  const music = new TableProvider("youtube-music", {
    "Abstrakt - Nobody Else": [
      candidate("youtube-music", "long", "Nobody Else", ["Abstrakt"], 300),
    ],
  });
  const result = await findBestMatch(nobodyElse, [music], { durationToleranceSec: 10 });
  assert.equal(result.status, "not_found");
  assert.match(
    result.reason ?? "",
    // Issue 16: released audio gets a tighter tolerance (5 s) below the configured one.
    /all 1 candidates were rejected.*length differs by 138 s \(tolerance 5 s for released audio\)/,
  );
});

Deno.test("the search cache answers repeated searches without the provider", async () => {
  const cache = new MemoryCache();
  const music = new TableProvider("youtube-music", {
    "Abstrakt - Nobody Else": [
      candidate("youtube-music", "nfyk-V5CoIE", "Nobody Else", ["Abstrakt"], 163),
    ],
  });
  const first = await findBestMatch(nobodyElse, [music], { searchCache: cache });
  assert.equal(first.status, "found");
  assert.deepEqual(music.calls, ["GB2LD2210007", "Abstrakt - Nobody Else"]);
  assert.deepEqual([...cache.store.keys()], [
    searchCacheKey("youtube-music", "GB2LD2210007"),
    searchCacheKey("youtube-music", "Abstrakt - Nobody Else"),
  ]);
  assert.deepEqual(cache.store.get("youtube-music:gb2ld2210007"), []);

  const second = await findBestMatch(nobodyElse, [music], { searchCache: cache });
  assert.deepEqual(music.calls.length, 2);
  assert.deepEqual(second.queries.map((q) => q.cached), [true, true]);
  assert.deepEqual(second.best, first.best);
});

Deno.test("a failing provider is skipped when another finds the track", async () => {
  const music = new TableProvider("youtube-music", {}, new NetworkError("HTTP 503"));
  const youtube = new TableProvider("youtube", {
    "Abstrakt - Nobody Else": [candidate("youtube", "yt", "Nobody Else", ["Abstrakt"], 162)],
  });
  const result = await findBestMatch(nobodyElse, [music, youtube]);
  assert.equal(result.status, "found");
  assert.equal(result.best?.candidate.videoId, "yt");
  assert.deepEqual(music.calls, ["GB2LD2210007"]);
  assert.deepEqual(result.queries[0], {
    provider: "youtube-music",
    query: "GB2LD2210007",
    count: 0,
    cached: false,
    error: "HTTP 503",
  });
});

Deno.test("a failed search with no accepted match throws instead of claiming not_found", async () => {
  const music = new TableProvider("youtube-music", {}, new NetworkError("HTTP 503"));
  const youtube = new TableProvider("youtube", {});
  await assert.rejects(() => findBestMatch(nobodyElse, [music, youtube]), NetworkError);
  const broken = new TableProvider(
    "youtube",
    {},
    new SearchError(
      { provider: "youtube", query: "Abstrakt - Nobody Else" },
      "the answer has no result sections",
    ),
  );
  await assert.rejects(() => findBestMatch(nobodyElse, [broken]), SearchError);
});

Deno.test("an aborted signal cancels the search", async () => {
  const controller = new AbortController();
  controller.abort();
  const music = new TableProvider("youtube-music", {});
  await assert.rejects(
    () => findBestMatch(nobodyElse, [music], { signal: controller.signal }),
    CancelledError,
  );
  assert.deepEqual(music.calls, []);
});

Deno.test("explainMatch lists searches, candidates with score parts, and why the winner won", async () => {
  const music = new TableProvider("youtube-music", {
    "Abstrakt - Nobody Else": [
      candidate("youtube-music", "live", "Nobody Else (Live)", ["Abstrakt"], 163),
      candidate("youtube-music", "nfyk-V5CoIE", "Nobody Else", ["Abstrakt"], 163, 2),
    ],
  });
  const result = await findBestMatch(nobodyElse, [music]);
  const text = explainMatch(result);
  assert.equal(
    text,
    [
      'Found "Nobody Else" by Abstrakt [youtube-music song nfyk-V5CoIE] with score 1.00 (threshold 0.70).',
      "Searches:",
      '  youtube-music "GB2LD2210007": 0 results',
      '  youtube-music "Abstrakt - Nobody Else": 2 results',
      "Candidates (best first):",
      '  1. 1.00  "Nobody Else" by Abstrakt [youtube-music song nfyk-V5CoIE]',
      '     title 1.00, artist 1.00, duration 1.00 (off by 1 s), bonus +0.10, length 2:43, query "Abstrakt - Nobody Else"',
      "     +0.10 YouTube Music song (the released audio)",
      '  2. 0.65  "Nobody Else (Live)" by Abstrakt [youtube-music song live]',
      '     title 1.00, artist 1.00, duration 1.00 (off by 1 s), bonus +0.10, penalty -0.35, length 2:43, query "Abstrakt - Nobody Else"',
      "     +0.10 YouTube Music song (the released audio)",
      "     -0.35 live version (not in the Spotify title)",
      'Why: it scored highest and at least 0.70; the runner-up "Nobody Else (Live)" by Abstrakt [youtube-music song live] scored 0.65.',
    ].join("\n"),
  );
});

Deno.test("explainMatch says why nothing was accepted", async () => {
  const music = new TableProvider("youtube-music", {
    "Abstrakt - Nobody Else": [
      candidate("youtube-music", "x", "Nobody Else", ["Someone"], 163),
    ],
  });
  const text = explainMatch(await findBestMatch(nobodyElse, [music]), { maxCandidates: 0 });
  assert.match(text, /^Not found: all 1 candidates were rejected/);
  assert.match(text, /\.\.\. and 1 more/);
  assert.match(
    text,
    /Why: every candidate was rejected \(closest: no artist of the track \(Abstrakt\)/,
  );
});

Deno.test("exclude: dead videos are passed over; the search goes on to the next query", async () => {
  const dead = candidate("youtube-music", "dead", "Nobody Else", ["Abstrakt"], 162);
  const music = new TableProvider("youtube-music", {
    GB2LD2210007: [dead],
    "Abstrakt - Nobody Else": [
      dead,
      candidate("youtube-music", "alive", "Nobody Else", ["Abstrakt"], 163, 2),
    ],
  });
  const result = await findBestMatch(nobodyElse, [music], { exclude: new Set([dead.url]) });
  assert.equal(result.status, "found");
  assert.equal(result.best?.candidate.videoId, "alive");
  assert.ok(!result.candidates.some((scored) => scored.candidate.videoId === "dead"));
  assert.deepEqual(music.calls, ["GB2LD2210007", "Abstrakt - Nobody Else"]);
  const none = await findBestMatch(nobodyElse, [music], {
    exclude: new Set([dead.url, "http://127.0.0.1/watch?v=alive"]),
  });
  assert.equal(none.status, "not_found");
});
