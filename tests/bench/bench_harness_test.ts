/**
 * The benchmark harness's pure parts: the synthetic catalog's shape, the
 * minimum-request arithmetic, the plan lower bound, and the figures' targets.
 */
import assert from "node:assert/strict";
import { readDenoJson, runtimeFlags } from "../../scripts/runtime_flags.ts";
import { catalogSearchRule, queryWords } from "../../bench/bench_world.ts";
import {
  describeMiss,
  extraRequests,
  figuresFor,
  formatTable,
  missedTargets,
  phasesText,
  type RunRecord,
  spotifyPhasesOf,
} from "../../bench/figures.ts";
import {
  type ClientLimits,
  executeLowerBound,
  idealExecuteMs,
  minimumRequests,
  planChainDepth,
  planLowerBound,
  type RequestInputs,
  requestInputs,
  warmLowerBoundMs,
} from "../../bench/minimum_requests.ts";
import { resultVariant } from "../../bench/run.ts";
import { createFakeTools, type FakeTools } from "../../bench/fake_tools.ts";
import {
  BASE_LIBRARY,
  buildSyntheticLibrary,
  QUICK_LIBRARY,
  scaledLibrary,
} from "../../bench/synthetic_catalog.ts";
import { executionTimes, parseGnuTime } from "../../bench/tunedl_process.ts";
import type { RawObject } from "../fakes/spotify_fake.ts";

const ORIGIN = "http://127.0.0.1:9";
const ID = /^[0-9A-Za-z]{22}$/;

Deno.test("synthetic library: the 1x sizes of the issue", () => {
  const library = buildSyntheticLibrary(BASE_LIBRARY, { imageOrigin: ORIGIN });
  const { catalog, sources } = library;
  assert.equal(sources.playlists.length, 20);
  assert.equal(sources.artists.length, 10);
  assert.equal(sources.songs.length, 100);
  for (const id of sources.playlists) assert.equal(catalog.playlist_items[id].length, 150);
  for (const id of sources.artists) {
    const albums = catalog.artist_albums[id];
    assert.equal(albums.length, 20);
    for (const album of albums) {
      assert.equal(album.album_group, "album");
      assert.equal(catalog.album_tracks[String(album.id)].length, 10);
    }
  }
  // About a third of playlist rows and songs are tracks of the listed artists.
  const artistTracks = new Set(
    sources.artists.flatMap((id) =>
      catalog.artist_albums[id].flatMap((a) =>
        catalog.album_tracks[String(a.id)].map((t) => String(t.id))
      )
    ),
  );
  const rows = sources.playlists.flatMap((id) => catalog.playlist_items[id]);
  const sharedRows = rows.filter((row) => artistTracks.has(String((row.track as RawObject).id)));
  assert.equal(sharedRows.length, 20 * 50);
  assert.equal(sources.songs.filter((id) => artistTracks.has(id)).length, 33);
});

Deno.test("synthetic library: entities have the recorded catalog's shape", () => {
  const { catalog, sources, ownerId } = buildSyntheticLibrary(QUICK_LIBRARY, {
    imageOrigin: ORIGIN,
  });
  for (const [id, track] of Object.entries(catalog.tracks)) {
    assert.match(id, ID);
    assert.equal(track.type, "track");
    assert.match(String((track.external_ids as RawObject).isrc), /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/);
    assert.equal((track.album as RawObject).type, "album");
    assert.ok(Array.isArray(track.available_markets));
  }
  for (const [id, album] of Object.entries(catalog.albums)) {
    const page = album.tracks as RawObject;
    assert.equal(page.total, catalog.album_tracks[id].length);
    assert.deepEqual(
      (page.items as RawObject[]).map((t) => t.id),
      catalog.album_tracks[id].slice(0, 50).map((t) => t.id),
    );
    assert.ok(String((album.images as RawObject[])[0].url).startsWith(`${ORIGIN}/image/`));
  }
  for (const artist of Object.values(catalog.artists)) {
    assert.ok((artist.genres as string[]).length > 0);
  }
  for (const id of sources.playlists) {
    const playlist = catalog.playlists[id];
    assert.equal((playlist.owner as RawObject).id, ownerId);
    assert.ok(String(playlist.snapshot_id).length > 0);
    for (const row of catalog.playlist_items[id]) {
      assert.ok(typeof row.added_at === "string");
      assert.equal((row.track as RawObject).type, "track");
    }
  }
  // Every source id exists, and every song is a distinct full track.
  for (const id of sources.songs) assert.ok(catalog.tracks[id]);
  assert.equal(new Set(sources.songs).size, sources.songs.length);
});

Deno.test("synthetic library: deterministic, and scale multiplies the sources", () => {
  const a = buildSyntheticLibrary(QUICK_LIBRARY, { imageOrigin: ORIGIN });
  const b = buildSyntheticLibrary(QUICK_LIBRARY, { imageOrigin: ORIGIN });
  assert.deepEqual(a.sources, b.sources);
  const ten = scaledLibrary(10);
  assert.equal(ten.playlists, 200);
  assert.equal(ten.artists, 100);
  assert.equal(ten.songs, 1000);
  assert.equal(ten.tracksPerPlaylist, 150);
  assert.throws(() => scaledLibrary(0), RangeError);
});

const INPUTS: RequestInputs = {
  songs: 100,
  artistAlbumCounts: Array(10).fill(20),
  albumTrackCounts: Array(200).fill(10),
  playlistRows: Array(20).fill(150),
  isrcReads: 1200,
  genreReads: 210,
  plannedTracks: 4000,
};

Deno.test("minimum requests: pre-2026 batch reads and pages of 100", () => {
  const plan = minimumRequests(INPUTS, "pre2026", "plan");
  const parts = Object.fromEntries(plan.parts.map((p) => [p.name, p.requests]));
  assert.deepEqual(parts, {
    token: 1,
    songs: 2, // ceil(100 / 50)
    artists: 1, // ceil(10 / 50)
    "artist album lists": 10,
    albums: 10, // ceil(200 / 20)
    playlists: 20,
    "playlist pages": 20, // 20 x ceil(50 / 100)
  });
  assert.equal(plan.total, 64);
  const download = minimumRequests(INPUTS, "pre2026", "download");
  assert.equal(download.total, 64 + 24 + 5); // ceil(1200 / 50), ceil(210 / 50)
});

Deno.test("minimum requests: 2026 single reads and pages of 50", () => {
  const plan = minimumRequests(INPUTS, "2026", "plan");
  const parts = Object.fromEntries(plan.parts.map((p) => [p.name, p.requests]));
  assert.equal(parts.songs, 100);
  assert.equal(parts.artists, 10);
  assert.equal(parts.albums, 200);
  assert.equal(parts.playlists, 20);
  assert.equal(parts["playlist pages"], 40); // 20 x ceil(100 / 50)
  assert.equal(plan.total, 1 + 100 + 10 + 10 + 200 + 60);
  const download = minimumRequests(INPUTS, "2026", "download");
  assert.equal(download.total, plan.total + 1200 + 210);
});

Deno.test("minimum requests: long albums and artists page, warm runs only revalidate", () => {
  const inputs: RequestInputs = {
    ...INPUTS,
    artistAlbumCounts: [120],
    albumTrackCounts: [10, 51, 150],
  };
  const plan = minimumRequests(inputs, "2026", "plan");
  const parts = Object.fromEntries(plan.parts.map((p) => [p.name, p.requests]));
  assert.equal(parts["artist album lists"], 3);
  assert.equal(parts["album track pages"], 0 + 1 + 2);
  const warm = minimumRequests(INPUTS, "pre2026", "revalidate");
  assert.equal(warm.total, 21);
  const noPlaylists = minimumRequests({ ...INPUTS, playlistRows: [] }, "2026", "revalidate");
  assert.equal(noPlaylists.total, 0);
  for (const part of plan.parts) assert.ok(part.formula.length > 0);
});

Deno.test("plan lower bound: chain, concurrency and rate limit", () => {
  assert.equal(planChainDepth(INPUTS, "pre2026"), 3); // token, artist albums, albums
  assert.equal(planChainDepth({ ...INPUTS, albumTrackCounts: [80] }, "2026"), 4);
  const bound = planLowerBound(INPUTS, "pre2026", {
    latencyMs: 30,
    limits: { concurrency: 4, rate: { requests: 10, windowMs: 1000, burst: 10 } },
    startupMs: 100,
  });
  assert.equal(bound.chainMs, 90);
  assert.equal(bound.concurrencyMs, Math.ceil(63 / 4) * 30);
  assert.equal(bound.rateLimitMs, (63 - 10) * 100 + 30); // a burst of 10, then 100 ms each
  assert.equal(bound.ms, 100 + 5330);
  const bursty = planLowerBound(INPUTS, "pre2026", {
    latencyMs: 30,
    limits: { concurrency: 4, rate: { requests: 10, windowMs: 1000, burst: 300 } },
    startupMs: 100,
  });
  assert.equal(bursty.rateLimitMs, 30); // all 63 fit the burst
  assert.equal(bursty.ms, 100 + Math.ceil(63 / 4) * 30);
  const unlimited = planLowerBound(INPUTS, "pre2026", {
    latencyMs: 30,
    limits: { concurrency: 4 },
    startupMs: 0,
  });
  assert.equal(unlimited.ms, 480);
  assert.equal(idealExecuteMs(4000, 200, 8), 100_000);
});

Deno.test("execute lower bound: tool work or the download stage's Spotify reads", () => {
  const limits = { concurrency: 4, rate: { requests: 10, windowMs: 1000, burst: 300 } };
  const options = { downloads: 4000, workMsPerTrack: 200, threads: 8, latencyMs: 30, limits };
  const pre = executeLowerBound(INPUTS, "pre2026", options);
  assert.equal(pre.spotifyRequests, 24 + 5);
  assert.equal(pre.spotifyMs, Math.ceil(29 / 4) * 30); // within the burst: concurrency bound
  assert.equal(pre.ms, 100_000); // the work dominates
  const now = executeLowerBound(INPUTS, "2026", options);
  assert.equal(now.spotifyRequests, 1410);
  // The 2026 plan's own reads spent the burst: single reads at 10 per second dominate.
  assert.ok(minimumRequests(INPUTS, "2026", "plan").total - 1 >= 300);
  assert.equal(now.ms, 1410 * 100 + 30);
  const small = executeLowerBound(INPUTS, "2026", {
    ...options,
    limits: { concurrency: 4, rate: { requests: 10, windowMs: 1000, burst: 5000 } },
  });
  assert.ok(5000 - (minimumRequests(INPUTS, "2026", "plan").total - 1) >= 1410);
  assert.equal(small.spotifyMs, Math.max(Math.ceil(1410 / 4) * 30, 30)); // the rest of a big burst
  const none = executeLowerBound({ ...INPUTS, isrcReads: 0, genreReads: 0 }, "2026", options);
  assert.equal(none.spotifyMs, 0);
  assert.equal(none.ms, none.workMs);
});

Deno.test("request inputs: counted from the library, playlists optional", () => {
  const library = buildSyntheticLibrary(QUICK_LIBRARY, { imageOrigin: ORIGIN });
  const withLists = requestInputs(library, { includePlaylists: true });
  const without = requestInputs(library, { includePlaylists: false });
  assert.equal(withLists.songs, 10);
  assert.deepEqual(withLists.artistAlbumCounts, [3, 3]);
  assert.equal(withLists.albumTrackCounts.length, 6);
  assert.deepEqual(withLists.playlistRows, [30, 30]);
  assert.deepEqual(without.playlistRows, []);
  // Album tracks also in a playlist or song come with an ISRC: fewer reads with playlists.
  assert.ok(withLists.isrcReads < without.isrcReads);
  // Without playlists: the 30 tracks of the artists' albums, less those listed as songs.
  const artistTracks = new Set(
    library.sources.artists.flatMap((id) =>
      library.catalog.artist_albums[id].flatMap((a) =>
        library.catalog.album_tracks[String(a.id)].map((t) => String(t.id))
      )
    ),
  );
  const songsOnAlbums = library.sources.songs.filter((id) => artistTracks.has(id)).length;
  assert.equal(songsOnAlbums, 3);
  assert.equal(without.isrcReads, 30 - songsOnAlbums);
  assert.ok(withLists.plannedTracks > without.plannedTracks);
});

Deno.test("search rule: every track by ISRC or 'artists - title'", () => {
  const library = buildSyntheticLibrary(QUICK_LIBRARY, { imageOrigin: ORIGIN });
  const rule = catalogSearchRule(library.catalog);
  const match = rule.query as (query: string) => boolean;
  const track = library.catalog.tracks[library.sources.songs[0]];
  const artist = String((track.artists as RawObject[])[0].name);
  assert.ok(match(String((track.external_ids as RawObject).isrc)));
  assert.equal(rule.results[0].title, track.name);
  assert.ok(match(`${artist} - ${track.name}`));
  assert.equal(rule.results[0].videoId, String(track.id).slice(0, 11));
  assert.equal(match("nothing like this"), false);
  assert.deepEqual(rule.results, []);
  assert.equal(queryWords("A, B - Title!"), "a b title");
});

/** A pre-2026 cold plan's record at 30 ms of latency, with its lower bound. */
function coldPlanRun(
  fields: Pick<RunRecord, "wallMs" | "spotifyRequests"> & Partial<RunRecord>,
  limits: ClientLimits,
  startupMs: number,
): RunRecord {
  return {
    run: "cold-plan",
    command: "tunedl plan",
    code: 0,
    spotifyByEndpoint: {},
    minimum: minimumRequests(INPUTS, "pre2026", "plan"),
    extraRequests: {},
    searches: 0,
    downloads: 0,
    covers: 0,
    lowerBound: planLowerBound(INPUTS, "pre2026", { latencyMs: 30, limits, startupMs }),
    ...fields,
  };
}

Deno.test("figures: targets met or not, extra requests per endpoint", () => {
  const minimum = minimumRequests(INPUTS, "pre2026", "plan");
  const actual = { "POST /api/token": 1, "GET /v1/albums/{id}": 200, "GET /v1/albums": 0 };
  assert.deepEqual(extraRequests(actual, minimum)["GET /v1/albums/{id}"], {
    actual: 200,
    minimum: 0,
  });
  assert.equal(extraRequests(actual, minimum)["POST /api/token"], undefined);
  const run = coldPlanRun(
    { wallMs: 7000, peakRssMB: 160, spotifyRequests: 67 },
    { concurrency: 4, rate: { requests: 10, windowMs: 1000, burst: 1 } },
    0,
  );
  const figures = figuresFor(1, "pre2026", [run], { threads: 8 });
  const byName = Object.fromEntries(figures.map((f) => [f.name, f]));
  assert.equal(byName["Spotify requests"].met, true); // 67 <= 1.05 x 64
  assert.equal(byName["wall time"].met, true); // 7000 <= 1.2 x 6230
  assert.equal(byName["peak RSS"].met, false); // 160 MB >= 150
  const slow = figuresFor(1, "pre2026", [{ ...run, spotifyRequests: 68, wallMs: 7500 }], {
    threads: 8,
  });
  assert.equal(slow.find((f) => f.name === "Spotify requests")!.met, false);
  assert.equal(slow.find((f) => f.name === "wall time")!.met, false);
});

Deno.test("figures: a run's wall time is split at its first Spotify request and last answer", () => {
  const at = 1_000_000;
  const table: Array<[string, { receivedAt: number; answeredAt?: number }[], unknown]> = [
    ["none", [], undefined],
    ["still pending only", [{ receivedAt: at + 5 }], undefined],
    ["one", [{ receivedAt: at + 300, answeredAt: at + 330 }], {
      firstRequestMs: 300,
      lastAnswerMs: 330,
    }],
    ["out of order, one pending", [
      { receivedAt: at + 420, answeredAt: at + 900 },
      { receivedAt: at + 280, answeredAt: at + 310 },
      { receivedAt: at + 950 },
    ], { firstRequestMs: 280, lastAnswerMs: 900 }],
  ];
  for (const [name, requests, expected] of table) {
    assert.deepEqual(spotifyPhasesOf(requests, at), expected, name);
  }
  const run = { wallMs: 1500, spotifyPhases: { firstRequestMs: 280, lastAnswerMs: 900 } };
  assert.equal(phasesText(run), "0.28 / 0.62 / 0.60 s");
  assert.equal(
    phasesText(run, { startupMs: 193, requestsMs: 240 }),
    "0.28 / 0.62 / 0.60 s (bound 0.19 / 0.24 / 0)",
  );
  assert.equal(phasesText({ wallMs: 1500 }), undefined, "no Spotify traffic: no row");
  // The cold plan shows the row beside its bound's parts; without phases, no row.
  const plan = coldPlanRun(
    { wallMs: 1500, spotifyRequests: 64, spotifyPhases: run.spotifyPhases },
    { concurrency: 8, rate: { requests: 10, windowMs: 1000, burst: 300 } },
    190,
  );
  const row = (r: RunRecord) =>
    figuresFor(1, "pre2026", [r], { threads: 8 }).find((f) => f.name.includes("first request"));
  const bound = plan.lowerBound!;
  assert.equal(
    row(plan)?.text,
    `0.28 / 0.62 / 0.60 s (bound 0.19 / ${((bound.ms - 190) / 1000).toFixed(2)} / 0)`,
  );
  assert.equal(row({ ...plan, spotifyPhases: undefined }), undefined);
});

Deno.test("figures: the efficiency target is judged at the issue's 8 threads and 200 ms of work", () => {
  const limits = { concurrency: 4, rate: { requests: 10, windowMs: 1000, burst: 300 } };
  const cold = (workMs: number, threads: number): RunRecord => ({
    run: "cold-download",
    command: "tunedl download",
    code: 0,
    wallMs: 200_000,
    executeMs: 150_000,
    workMs,
    peakRssMB: 140,
    spotifyRequests: 93,
    spotifyByEndpoint: {},
    minimum: minimumRequests(INPUTS, "pre2026", "plan"),
    extraRequests: {},
    searches: 4000,
    downloads: 4000,
    covers: 0,
    executeBound: executeLowerBound(INPUTS, "pre2026", {
      downloads: 4000,
      workMsPerTrack: workMs,
      threads,
      latencyMs: 30,
      limits,
    }),
  });
  const table: [
    workMs: number,
    threads: number,
    target: string | undefined,
    met: boolean | null,
  ][] = [
    [200, 8, ">= 0.9", false], // 100 s of work over 150 s: 0.67
    [20, 8, undefined, null], // fast stand-ins: tunedl's own CPU is the bound, not judged
    [200, 4, undefined, null],
  ];
  for (const [workMs, threads, target, met] of table) {
    const figure = figuresFor(1, "pre2026", [cold(workMs, threads)], { threads })
      .find((f) => f.name === `executor efficiency (threads ${threads})`)!;
    assert.equal(figure.target, target, `${workMs} ms, ${threads} threads`);
    assert.equal(figure.met ?? null, met, `${workMs} ms, ${threads} threads`);
  }
  // The slot beyond the work is split into the two stand-ins' own starts and tunedl's share.
  const slotted: RunRecord = {
    ...cold(200, 8),
    downloadSlot: { medianMs: 217, p90Ms: 230, totalMs: 4000 * 217 },
  };
  const split = (standInStartMs?: number) =>
    figuresFor(1, "pre2026", [slotted], { threads: 8, standInStartMs })
      .find((f) => f.name.includes("stand-in starts"));
  assert.equal(split(4.3)?.text, "8.6 / 8.4 ms");
  assert.equal(split(undefined), undefined, "not measured: not shown");
});

Deno.test("figures: each carries its run's load; missed targets are named with it", () => {
  const minimum = minimumRequests(INPUTS, "pre2026", "revalidate");
  const warm: RunRecord = {
    run: "warm",
    command: "tunedl download",
    code: 0,
    wallMs: 1500,
    peakRssMB: 120,
    spotifyRequests: 21,
    spotifyByEndpoint: {},
    minimum,
    extraRequests: {},
    searches: 0,
    downloads: 0,
    covers: 0,
    load: [2.345, 1.5],
    loadDuring: 2.1,
    memory: {
      samples: 10,
      atPeakRss: { atMs: 900, rssMB: 118, heapTotalMB: 60, heapUsedMB: 40, externalMB: 5 },
      peakHeapUsedMB: 45,
      peakExternalMB: 6,
    },
  };
  const figures = figuresFor(1, "pre2026", [warm], { threads: 8 });
  for (const figure of figures) {
    assert.deepEqual(figure.load, { before: 2.35, after: 1.5, during: 2.1 }, figure.name);
  }
  const missed = missedTargets(figures);
  assert.deepEqual(missed.map((f) => f.name), ["wall time"]); // 1.5 s, target < 1
  assert.equal(
    describeMiss(missed[0]),
    "target missed: 1x pre2026 warm wall time = 1.5 s (target < 1; load 2.4>1.5 (~2.1))",
  );
  const memory = figures.find((f) => f.name.startsWith("at sampled RSS peak"))!;
  assert.equal(memory.text, "40 / 5 MB of 118 MB");
  const table = formatTable(figures);
  assert.match(table.split("\n")[0], /load$/);
  assert.match(table, /wall time .* NO +2\.4>1\.5 \(~2\.1\)/);
  // A fast run misses nothing.
  assert.deepEqual(
    missedTargets(figuresFor(1, "pre2026", [{ ...warm, wallMs: 800 }], { threads: 8 })),
    [],
  );
});

Deno.test("process readings: GNU time's max RSS and the JSON events' phases", () => {
  assert.deepEqual(parseGnuTime("102400 1.50 0.25\n"), { peakRssMiB: 100, cpuSeconds: 1.75 });
  assert.deepEqual(
    parseGnuTime("Command exited with non-zero status 1\n51200 0 0\n"),
    { peakRssMiB: 50, cpuSeconds: 0 },
  );
  assert.deepEqual(parseGnuTime(""), {});
  const spawned = Date.parse("2026-01-01T00:00:00.000Z");
  const stdout = [
    '{"type":"run_started","time":"2026-01-01T00:00:02.500Z","total":3,"alreadyDone":0}',
    '{"type":"stage","id":"t1","stage":"download","time":"2026-01-01T00:00:03.000Z"}',
    '{"type":"stage","id":"t1","stage":"download","time":"2026-01-01T00:00:03.100Z"}',
    '{"type":"stage","id":"t1","stage":"convert","time":"2026-01-01T00:00:03.200Z"}',
    '{"type":"item_finished","id":"t1","action":"download","status":"completed",' +
    '"time":"2026-01-01T00:00:03.250Z"}',
    // t2 hands its slot on when tagging starts: its slot ends there.
    '{"type":"stage","id":"t2","stage":"download","time":"2026-01-01T00:00:04.000Z"}',
    '{"type":"stage","id":"t2","stage":"tag","time":"2026-01-01T00:00:04.200Z"}',
    '{"type":"stage","id":"t2","stage":"place","time":"2026-01-01T00:00:04.300Z"}',
    '{"type":"item_finished","id":"t2","action":"download","status":"completed",' +
    '"time":"2026-01-01T00:00:04.400Z"}',
    "not json",
    '{"type":"run_finished","time":"2026-01-01T00:00:07.500Z","cancelled":false,' +
    '"summary":{"downloaded":3}}',
  ].join("\n");
  const times = executionTimes(stdout, spawned);
  assert.equal(times.planMs, 2500);
  assert.equal(times.executeMs, 5000);
  assert.equal(times.summary?.downloaded, 3);
  assert.equal(times.events, 10);
  assert.deepEqual(times.downloadSlotMs, [200, 250]);
});

Deno.test("warm bound and result variants", () => {
  const options = {
    latencyMs: 30,
    limits: { concurrency: 4, rate: { requests: 10, windowMs: 1000, burst: 300 } },
    startupMs: 50,
  };
  // 20 snapshot checks fit the burst: 5 rounds of 4 in flight, after the token.
  assert.equal(warmLowerBoundMs(INPUTS, "pre2026", options), 50 + 150);
  const noBurst = {
    ...options,
    limits: { concurrency: 4, rate: { ...options.limits.rate, burst: 10 } },
  };
  // A burst of 10, then one every 100 ms: the last of 20 starts after 1 s.
  assert.equal(warmLowerBoundMs(INPUTS, "pre2026", noBurst), 50 + 1030);
  assert.equal(warmLowerBoundMs({ ...INPUTS, playlistRows: [] }, "2026", options), 50);
  assert.equal(resultVariant([]), "");
  assert.equal(resultVariant(["--scale", "10", "--keep", "--out", "x.json"]), "");
  assert.equal(
    resultVariant(["--scale", "10", "--runs", "cold-plan", "--work-ms=50"]),
    " --runs cold-plan --work-ms=50",
  );
});

Deno.test({
  name: "stand-ins: the C build and the bash scripts answer tunedl alike",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const bash = await createFakeTools({ workMs: 4, formats: ["mp3"], kind: "bash" });
    const built = await createFakeTools({ workMs: 4, formats: ["mp3"], kind: "auto" });
    try {
      if (built.kind !== "c") {
        console.warn("no C compiler: only the bash stand-ins are checked");
        return;
      }
      const expected = await standInAnswers(bash);
      assert.deepEqual(
        [expected.download.code, expected.convert.code, expected.unknownFormat, expected.log],
        [0, 0, 1, ["https://x/v"]],
      );
      assert.match(expected.download.text, /^tunedl-file <job>\/download\.m4a$/m);
      assert.deepEqual(await standInAnswers(built), expected);
    } finally {
      await bash.remove();
      await built.remove();
    }
  },
});

/** What tunedl sees of one set of stand-ins: output, exit codes, files, the download log. */
async function standInAnswers(tools: FakeTools) {
  const job = await Deno.makeTempDir({ dir: tools.dir });
  const run = async (program: string, args: string[]) => {
    const output = await new Deno.Command(program, { args, stdout: "piped", stderr: "null" })
      .output();
    const text = new TextDecoder().decode(output.stdout).replaceAll(job, "<job>");
    return { code: output.code, text };
  };
  return {
    download: await run(tools.ytdlp, ["--paths", job, "--", "https://x/v"]),
    convert: await run(tools.ffmpeg, ["-i", `${job}/download.m4a`, `${job}/a.mp3`]),
    unknownFormat: (await run(tools.ffmpeg, ["-i", "x", `${job}/a.wav`])).code,
    probe: await run(tools.ffprobe, ["x"]),
    version: await run(tools.ytdlp, ["--version"]),
    downloaded: await Deno.readFile(`${job}/download.m4a`),
    converted: await Deno.readFile(`${job}/a.mp3`),
    log: await tools.downloads(),
  };
}

Deno.test("bench task: the harness runs with the V8 flags of the cli task that key Deno's code cache", async () => {
  // V8 refuses code cached under another flag set: a harness on other flags (it loads the fakes,
  // which share modules with tunedl) made the next tunedl run compile those again and rewrite
  // about 6 MB of Deno's code cache. Memory saver mode is not part of that key (measured).
  const json = await readDenoJson(new URL("../../deno.json", import.meta.url));
  const keyed = (task: string) =>
    runtimeFlags(json, { task })
      .filter((flag) => flag.startsWith("--v8-flags="))
      .flatMap((flag) => flag.slice("--v8-flags=".length).split(","))
      .filter((flag) => flag !== "--memory-saver-mode");
  assert.deepEqual(keyed("bench"), keyed("cli"));
});
