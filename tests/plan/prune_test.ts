import assert from "node:assert/strict";
import {
  findRemovals,
  needsForce,
  type OwnedFileInfo,
  type PlanItem,
  rollUpContainers,
  sourcesByItem,
  unreadSources,
} from "../../src/plan/mod.ts";
import { containerItem, m3uItem, planOf, trackItem } from "../fakes/fake_track_worker.ts";

const track = (id: string, fields: Partial<PlanItem> = {}) =>
  trackItem(`track:${id}`, { spotify_id: id, path: `/music/${id}.mp3`, ...fields });

const owned = (id: string, sources: string[], fields: Partial<OwnedFileInfo> = {}) =>
  [`/music/${id}.mp3`, { kind: "track", spotify_id: id, sources, ...fields }] as const;

/** A plan: playlist p lists a and b; artist r has album l with c; the config also lists playlist gone. */
function samplePlan(options: { playlistFailed?: boolean } = {}) {
  const a = track("a");
  const b = track("b");
  const c = track("c");
  const playlist = options.playlistFailed
    ? containerItem("playlist:p", "playlist", [], {
      status: "failed",
      error: { code: "network", message: "Spotify answered 500" },
    })
    : containerItem("playlist:p", "playlist", [a, b], { name: "Mix" });
  const album = containerItem("album:l", "album", [c]);
  const artist = containerItem("artist:r", "artist", [album]);
  const items = options.playlistFailed
    ? [playlist, album, artist, c]
    : [playlist, album, artist, a, b, c, m3uItem("m3u:p", ["track:a", "track:b"])];
  return planOf(items);
}

const configured = new Set(["playlist:p", "artist:r"]);

Deno.test("sourcesByItem: each item's top-level sources, through albums and artists", () => {
  const sources = sourcesByItem(samplePlan().items);
  assert.deepEqual(sources.get("track:a"), ["playlist:p"]);
  assert.deepEqual(sources.get("track:c"), ["artist:r"]);
  assert.deepEqual(sources.get("artist:r"), ["artist:r"]);
});

Deno.test("sourcesByItem: several parents, repeated parents, a missing parent and a cycle", () => {
  const item = (id: string, parentIds: string[], parentId: string | null = null) =>
    ({ ...track(id), id, parent_ids: parentIds, parent_id: parentId }) as PlanItem;
  const items = [
    item("playlist:p", []),
    item("album:l", ["artist:r"]),
    item("artist:r", []),
    item("t1", ["playlist:p", "album:l"]),
    item("t2", ["playlist:p", "playlist:p"]),
    item("t3", ["album:l"], "playlist:p"),
    item("t4", ["album:l"], "album:l"),
    item("t5", ["gone", "album:l"]),
    item("c1", ["c2"]),
    item("c2", ["c1"]),
  ];
  const sources = sourcesByItem(items);
  const cases: [id: string, roots: string[]][] = [
    ["t1", ["playlist:p", "artist:r"]],
    ["t2", ["playlist:p"]],
    ["t3", ["artist:r", "playlist:p"]],
    ["t4", ["artist:r"]],
    ["t5", ["artist:r"]],
    ["album:l", ["artist:r"]],
    ["c1", []],
    ["c2", []],
  ];
  for (const [id, roots] of cases) assert.deepEqual(sources.get(id), roots, id);
});

Deno.test("findRemovals: owned files no source lists any more, with why", () => {
  const plan = samplePlan();
  const files = [
    owned("a", ["playlist:p"]),
    owned("x", ["playlist:p"]),
    owned("y", ["playlist:gone"]),
    owned("z", []),
    owned("c", ["artist:r"]),
  ];
  const removals = findRemovals(plan, files, { configuredSources: configured });
  assert.deepEqual(removals, [
    { path: "/music/x.mp3", spotify_id: "x", reason: 'no longer on playlist "Mix"' },
    { path: "/music/y.mp3", spotify_id: "y", reason: "playlist:gone is no longer in the config" },
    { path: "/music/z.mp3", spotify_id: "z", reason: "no source of the config lists it" },
  ]);
});

Deno.test("findRemovals: a source that could not be read keeps its files, also after the run", () => {
  const plan = samplePlan({ playlistFailed: true });
  const files = [owned("a", ["playlist:p"]), owned("b", ["playlist:p", "artist:r"])];
  assert.deepEqual(findRemovals(plan, files, { configuredSources: configured }), []);
  // Running the plan keeps the failed, childless playlist failed; the unread list agrees.
  const unread = unreadSources(plan);
  rollUpContainers(plan.items, new Date());
  assert.equal(plan.items[0].status, "failed");
  assert.deepEqual(findRemovals(plan, files, { configuredSources: configured }), []);
  assert.deepEqual(
    findRemovals(plan, files, { configuredSources: configured, unreadSources: unread }),
    [],
  );
});

Deno.test("findRemovals: a withheld playlist and a source outside this run keep their files", () => {
  const withheld = planOf([
    containerItem("playlist:p", "playlist", [], { status: "skipped", skip_reason: "withheld" }),
  ]);
  assert.deepEqual(
    findRemovals(withheld, [owned("a", ["playlist:p"])], { configuredSources: configured }),
    [],
  );
  // `download liked`: the config's playlist was not read in this run at all.
  const likedOnly = planOf([containerItem("playlist:liked", "playlist", [])]);
  assert.deepEqual(
    findRemovals(likedOnly, [owned("a", ["playlist:p"])], { configuredSources: configured }),
    [],
  );
});

Deno.test("findRemovals: a shared file (duplicates: skip) stays while a track pointing at it is listed", () => {
  const plan = samplePlan();
  const file = owned("old", ["playlist:gone"], { shared_by: ["b"] });
  assert.deepEqual(findRemovals(plan, [file], { configuredSources: configured }), []);
});

Deno.test("findRemovals: an M3U of a playlist removed from the config goes too", () => {
  const plan = samplePlan();
  const m3u = ["/music/Old.m3u8", {
    kind: "m3u",
    spotify_id: "o",
    sources: ["playlist:o"],
  }] as const;
  const current = ["/music/m3u:p.m3u", { kind: "m3u", sources: ["playlist:p"] }] as const;
  const removals = findRemovals(plan, [m3u, current], { configuredSources: configured });
  assert.deepEqual(removals.map((r) => r.path), ["/music/Old.m3u8"]);
});

Deno.test("needsForce: more than a quarter of the owned files", () => {
  const cases: [number, number, boolean][] = [
    [0, 0, false],
    [1, 4, false],
    [2, 8, false],
    [3, 8, true],
    [1, 3, true],
    [10, 10, true],
  ];
  for (const [count, ownedCount, expected] of cases) {
    assert.equal(needsForce(count, ownedCount), expected, `${count} of ${ownedCount}`);
  }
});

Deno.test("findRemovals: a track's .lrc stays with its track and goes with it", () => {
  const plan = samplePlan();
  const lrc = (id: string) =>
    [`/music/${id}.lrc`, { kind: "lyrics", spotify_id: id, sources: ["playlist:p"] }] as const;
  const removals = findRemovals(plan, [lrc("a"), lrc("x")], { configuredSources: configured });
  assert.deepEqual(removals.map((r) => r.path), ["/music/x.lrc"]);
});
