import { type TrackMetadata } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import { posix, win32 } from "node:path";
import { ConfigError } from "../../src/errors/mod.ts";
import {
  createPlanItem,
  itemsById,
  type M3uMetadata,
  type OptimizeOptions,
  optimizePlan,
  type Plan,
  type PlanItem,
  planToJson,
} from "../../src/plan/mod.ts";

const NOW = new Date("2026-01-02T03:04:05Z");

function track(
  id: string,
  title: string,
  artist: string,
  extra: Partial<TrackMetadata> = {},
): TrackMetadata {
  return {
    spotifyId: id,
    spotifyUrl: `https://open.spotify.com/track/${id}`,
    title,
    artists: [artist],
    artistIds: ["ar"],
    album: "Album",
    albumId: "al",
    albumArtists: [artist],
    trackNumber: 1,
    trackCount: 1,
    discNumber: 1,
    discCount: 1,
    releaseDate: "2020-01-01",
    durationMs: 200_000,
    explicit: false,
    genres: [],
    ...extra,
  };
}

function trackItem(
  id: string,
  metadata: TrackMetadata,
  parentId: string | null,
  extra: Partial<PlanItem> = {},
): PlanItem {
  return createPlanItem({
    id,
    type: "track",
    name: `${metadata.artists.join(", ")} - ${metadata.title}`,
    spotify_id: metadata.spotifyId,
    spotify_url: metadata.spotifyUrl,
    parent_id: parentId,
    parent_ids: parentId ? [parentId] : [],
    metadata,
    ...extra,
  }, NOW);
}

const ONE = track("T1", "One", "Ann", { album: "First", trackNumber: 1 });
const TWO = track("T2", "Two", "Ann", { album: "First", trackNumber: 2 });
const THREE = track("T3", "Three", "Bob", { album: "Solo" });

/** An album (T1, T2), a playlist (T2, T3, T2) with its M3U, and the song T3: shaped like the generator's output. */
function mixedPlan(): Plan {
  const album = createPlanItem({
    id: "album:AL1",
    type: "album",
    name: "First",
    children: ["track:T1", "track:T2"],
  }, NOW);
  const playlist = createPlanItem({
    id: "playlist:PL1",
    type: "playlist",
    name: "Road Trip",
    children: ["track:T2#2", "track:T3", "track:T2#3"],
  }, NOW);
  const m3u = createPlanItem({
    id: "m3u:PL1",
    type: "m3u",
    name: "Road Trip",
    parent_id: "playlist:PL1",
    parent_ids: ["playlist:PL1"],
    metadata: {
      playlistName: "Road Trip",
      trackItemIds: ["track:T2#2", "track:T3", "track:T2#3"],
    } satisfies M3uMetadata,
  }, NOW);
  return {
    version: 1,
    config_hash: "hash",
    created_at: NOW.toISOString(),
    items: [
      album,
      trackItem("track:T1", ONE, "album:AL1"),
      trackItem("track:T2", TWO, "album:AL1"),
      playlist,
      trackItem("track:T2#2", TWO, "playlist:PL1"),
      trackItem("track:T3", THREE, "playlist:PL1"),
      trackItem("track:T2#3", TWO, "playlist:PL1"),
      m3u,
      trackItem("track:T3#2", THREE, null),
    ],
  };
}

// The paths here are POSIX ones, so POSIX rules apply on every OS; a test passes win32 to check
// Windows paths.
function options(extra: Partial<OptimizeOptions> = {}): OptimizeOptions {
  return {
    platformPath: posix,
    baseDir: "/music",
    outputTemplate: "{artist}/{album}/{track-number} - {title}.{output-ext}",
    format: "mp3",
    overwrite: "skip",
    fileExists: () => false,
    ...extra,
  };
}

Deno.test("optimizePlan merges repeated tracks and rewrites children and M3U lists", async () => {
  const result = await optimizePlan(mixedPlan(), options());
  assert.deepEqual(result.items.map((item) => item.id), [
    "album:AL1",
    "playlist:PL1",
    "track:T1",
    "track:T2",
    "track:T3",
    "m3u:PL1",
  ]);
  const byId = itemsById(result.items);
  const two = byId.get("track:T2") as PlanItem;
  assert.equal(two.parent_id, "album:AL1");
  assert.deepEqual(two.parent_ids, ["album:AL1", "playlist:PL1"]);
  const three = byId.get("track:T3") as PlanItem;
  assert.equal(three.parent_id, "playlist:PL1");
  assert.deepEqual(three.parent_ids, ["playlist:PL1"]);
  assert.deepEqual(byId.get("album:AL1")?.children, ["track:T1", "track:T2"]);
  assert.deepEqual(byId.get("playlist:PL1")?.children, ["track:T2", "track:T3"]);
  const m3u = byId.get("m3u:PL1")?.metadata as M3uMetadata;
  assert.deepEqual(m3u.trackItemIds, ["track:T2", "track:T3", "track:T2"]);
  // Every reference points at an item that exists.
  for (const item of result.items) {
    for (const child of item.children) assert.ok(byId.has(child), child);
  }
});

Deno.test("optimizePlan merges items that repeat the very same id", async () => {
  const plan = mixedPlan();
  plan.items.push(trackItem("track:T1", ONE, "playlist:PL1"));
  const result = await optimizePlan(plan, options());
  const ones = result.items.filter((item) => item.id === "track:T1");
  assert.equal(ones.length, 1);
  assert.deepEqual(ones[0].parent_ids, ["album:AL1", "playlist:PL1"]);
});

Deno.test("optimizePlan assigns track and M3U paths; {playlist} is the first playlist parent", async () => {
  const result = await optimizePlan(
    mixedPlan(),
    options({
      outputTemplate: "{playlist}/{artist} - {title}",
      m3uTemplate: "Playlists/{playlist}",
    }),
  );
  const byId = itemsById(result.items);
  assert.equal(byId.get("track:T1")?.path, "/music/Ann - One.mp3");
  assert.equal(byId.get("track:T2")?.path, "/music/Road Trip/Ann - Two.mp3");
  assert.equal(byId.get("track:T3")?.path, "/music/Road Trip/Bob - Three.mp3");
  assert.equal(byId.get("m3u:PL1")?.path, "/music/Playlists/Road Trip.m3u8");
  assert.equal(byId.get("album:AL1")?.path, undefined);

  const defaults = await optimizePlan(mixedPlan(), options());
  assert.equal(itemsById(defaults.items).get("m3u:PL1")?.path, "/music/Road Trip.m3u8");
  assert.equal(itemsById(defaults.items).get("track:T2")?.path, "/music/Ann/First/02 - Two.mp3");
});

Deno.test("optimizePlan gives different tracks with the same path distinct names, in order", async () => {
  const a = track("A", "Intro", "Band", { album: "X" });
  const b = track("B", "Intro", "Band", { album: "Y" });
  const c = track("C", "INTRO", "band", { album: "Z" });
  const plan: Plan = {
    version: 1,
    config_hash: "h",
    created_at: NOW.toISOString(),
    items: [
      trackItem("track:A", a, null),
      trackItem("track:B", b, null),
      trackItem("track:C", c, null),
    ],
  };
  const result = await optimizePlan(plan, options({ outputTemplate: "{artist} - {title}" }));
  assert.deepEqual(result.items.map((item) => item.path), [
    "/music/Band - Intro.mp3",
    "/music/Band - Intro (2).mp3",
    // Same name on a case-insensitive file system (macOS, Windows).
    "/music/band - INTRO (3).mp3",
  ]);
});

Deno.test("optimizePlan never hands a completed track's path to another track", async () => {
  const done = trackItem("track:OLD", track("OLD", "Intro", "Band"), null, {
    status: "completed",
    path: "/music/Band - Intro.mp3",
    progress: 1,
  });
  const fresh = trackItem("track:NEW", track("NEW", "Intro", "Band"), null);
  const plan: Plan = {
    version: 1,
    config_hash: "h",
    created_at: NOW.toISOString(),
    items: [fresh, done],
  };
  const result = await optimizePlan(plan, options({ outputTemplate: "{artist} - {title}" }));
  const byId = itemsById(result.items);
  assert.equal(byId.get("track:NEW")?.path, "/music/Band - Intro (2).mp3");
  assert.equal(byId.get("track:OLD")?.path, "/music/Band - Intro.mp3");
});

Deno.test("optimizePlan applies the overwrite modes to files that exist", async () => {
  const existing = new Set(["/music/Ann/First/01 - One.mp3"]);
  const checked: string[] = [];
  const fileExists = (path: string) => {
    checked.push(path);
    return Promise.resolve(existing.has(path));
  };
  const expectations: [OptimizeOptions["overwrite"], Partial<PlanItem>, Partial<PlanItem>][] = [
    ["skip", { status: "skipped", skip_reason: "exists", action: undefined }, {
      status: "pending",
      action: "download",
    }],
    ["overwrite", { status: "pending", skip_reason: undefined, action: "download" }, {
      status: "pending",
      action: "download",
    }],
    ["metadata", { status: "pending", skip_reason: undefined, action: "retag" }, {
      status: "pending",
      action: "download",
    }],
  ];
  for (const [overwrite, forExisting, forMissing] of expectations) {
    checked.length = 0;
    const plan = mixedPlan();
    // As a previous run with "skip" left it.
    Object.assign(plan.items[1], { status: "skipped", skip_reason: "exists" });
    const result = await optimizePlan(plan, options({ overwrite, fileExists }));
    const byId = itemsById(result.items);
    const one = byId.get("track:T1") as PlanItem;
    for (const [key, value] of Object.entries(forExisting)) {
      assert.equal(one[key as keyof PlanItem], value, `${overwrite}: ${key}`);
    }
    assert.ok(
      !("skip_reason" in one) || one.status === "skipped",
      `${overwrite}: skip_reason removed`,
    );
    const two = byId.get("track:T2") as PlanItem;
    for (const [key, value] of Object.entries(forMissing)) {
      assert.equal(two[key as keyof PlanItem], value, `${overwrite}: ${key}`);
    }
    assert.deepEqual(checked.sort(), [
      "/music/Ann/First/01 - One.mp3",
      "/music/Ann/First/02 - Two.mp3",
      "/music/Bob/Solo/01 - Three.mp3",
    ]);
  }
});

Deno.test("optimizePlan is deterministic and leaves its input unchanged", async () => {
  const plan = mixedPlan();
  const before = planToJson(plan);
  const first = planToJson(
    await optimizePlan(plan, options({ fileExists: (p) => p.includes("One") })),
  );
  const second = planToJson(
    await optimizePlan(mixedPlan(), options({ fileExists: (p) => p.includes("One") })),
  );
  assert.equal(first, second);
  assert.equal(planToJson(plan), before);
  // Optimizing an optimized plan changes nothing.
  const again = planToJson(
    await optimizePlan(
      JSON.parse(first) as Plan,
      options({ fileExists: (p) => p.includes("One") }),
    ),
  );
  assert.equal(again, first);
});

Deno.test("optimizePlan leaves completed items exactly as they are", async () => {
  const plan = mixedPlan();
  const done = trackItem("track:T3#2", THREE, null, {
    status: "completed",
    path: "/music/elsewhere/Three.mp3",
    progress: 1,
    completed_at: NOW.toISOString(),
  });
  plan.items[8] = done;
  const m3u = plan.items[7];
  m3u.status = "completed";
  m3u.path = "/music/old.m3u8";
  const checked: string[] = [];
  const result = await optimizePlan(
    plan,
    options({
      fileExists: (path) => {
        checked.push(path);
        return true;
      },
    }),
  );
  const byId = itemsById(result.items);
  // The finished copy of T3 wins over the pending one, in the first copy's place.
  assert.deepEqual(result.items.map((item) => item.id), [
    "album:AL1",
    "playlist:PL1",
    "track:T1",
    "track:T2",
    "track:T3#2",
    "m3u:PL1",
  ]);
  const three = byId.get("track:T3#2") as PlanItem;
  assert.equal(three.status, "completed");
  assert.equal(three.path, "/music/elsewhere/Three.mp3");
  assert.equal(three.completed_at, NOW.toISOString());
  assert.equal(three.action, undefined);
  assert.equal(three.parent_id, "playlist:PL1");
  assert.equal(byId.get("m3u:PL1")?.path, "/music/old.m3u8");
  assert.equal(byId.get("m3u:PL1")?.status, "completed");
  assert.deepEqual((byId.get("m3u:PL1")?.metadata as M3uMetadata).trackItemIds, [
    "track:T2",
    "track:T3#2",
    "track:T2",
  ]);
  assert.ok(!checked.includes("/music/elsewhere/Three.mp3"));
});

Deno.test("optimizePlan keeps items skipped for other reasons and tracks without metadata", async () => {
  const plan = mixedPlan();
  Object.assign(plan.items[1], { status: "skipped", skip_reason: "unavailable" });
  plan.items.push(
    createPlanItem({ id: "track:BROKEN", type: "track", name: "x", status: "failed" }, NOW),
  );
  const result = await optimizePlan(plan, options({ fileExists: () => true }));
  const byId = itemsById(result.items);
  assert.equal(byId.get("track:T1")?.skip_reason, "unavailable");
  assert.equal(byId.get("track:T1")?.path, undefined);
  assert.equal(byId.get("track:BROKEN")?.status, "failed");
  assert.equal(byId.get("track:BROKEN")?.path, undefined);
});

Deno.test("optimizePlan reports a bad output template as a ConfigError", async () => {
  await assert.rejects(
    () => optimizePlan(mixedPlan(), options({ outputTemplate: "{artist}/{song}" })),
    (error: unknown) => error instanceof ConfigError && error.message.includes("{song}"),
  );
});

Deno.test("optimizePlan keeps the ISRC and genres a later copy of a merged track carries", async () => {
  const fromAlbum = track("T9", "Nine", "Artist");
  const fromPlaylist = track("T9", "Nine", "Artist", { isrc: "GBXYZ2600001", genres: ["edm"] });
  const plan: Plan = {
    version: 1,
    config_hash: "h",
    created_at: NOW.toISOString(),
    items: [
      trackItem("track:T9", fromAlbum, "album:AL9"),
      trackItem("track:T9#2", fromPlaylist, "playlist:PL9"),
    ],
  };
  const result = await optimizePlan(plan, options());
  const tracks = result.items.filter((item) => item.type === "track");
  assert.equal(tracks.length, 1);
  const metadata = tracks[0].metadata as TrackMetadata;
  assert.equal(metadata.isrc, "GBXYZ2600001");
  assert.deepEqual(metadata.genres, ["edm"]);
  assert.equal((plan.items[0].metadata as TrackMetadata).isrc, undefined, "input not changed");
});

Deno.test("optimizePlan on Windows: drive-letter paths, backslashes, and numbered names", async () => {
  const a = track("A", "Intro", "Band", { album: "X" });
  const b = track("B", "intro", "BAND", { album: "Y" });
  const plan: Plan = {
    version: 1,
    config_hash: "h",
    created_at: NOW.toISOString(),
    items: [trackItem("track:A", a, null), trackItem("track:B", b, null)],
  };
  const result = await optimizePlan(
    plan,
    options({
      baseDir: "D:\\Music",
      outputTemplate: "{artist}\\{artist} - {title}",
      platformPath: win32,
    }),
  );
  assert.deepEqual(result.items.map((item) => item.path), [
    "D:\\Music\\Band\\Band - Intro.mp3",
    "D:\\Music\\BAND\\BAND - intro (2).mp3",
  ]);
});
