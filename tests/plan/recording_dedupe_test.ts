import assert from "node:assert/strict";
import {
  markKnownDuplicates,
  type PlanItem,
  type RecordingClaim,
  recordingKeys,
  RecordingRegistry,
} from "../../src/plan/mod.ts";
import type { TrackMetadata } from "../../src/model/mod.ts";
import { planOf, tick, trackItem } from "../fakes/fake_track_worker.ts";

Deno.test("recordingKeys: the ISRC (normalized) and every track id, relinked ones too", () => {
  const cases: [Partial<TrackMetadata>, string[]][] = [
    [{ spotifyId: "a", isrc: " gb2ld1700381 " }, ["isrc:GB2LD1700381", "track:a"]],
    [{ spotifyId: "a" }, ["track:a"]],
    [{ spotifyId: "a", linkedFromId: "b" }, ["track:a", "track:b"]],
    [{ spotifyId: "a", linkedFromId: "a" }, ["track:a"]],
    [{}, []],
  ];
  for (const [track, keys] of cases) assert.deepEqual(recordingKeys(track), keys);
});

Deno.test("RecordingRegistry: the first claim leads, later ones wait and share its file", async () => {
  const registry = new RecordingRegistry();
  const first = await registry.claim(["isrc:X", "track:a"]);
  assert.ok("lead" in first);
  let shared: unknown;
  const second = registry.claim(["isrc:X", "track:b"]).then((claim) => (shared = claim));
  await tick();
  assert.equal(shared, undefined, "waits while the lead fetches");
  first.lead.done({ path: "/music/a.mp3" });
  await second;
  assert.deepEqual(shared, { recording: { path: "/music/a.mp3" } });
  // Known from now on, also through another of the lead's keys.
  assert.deepEqual(await registry.claim(["track:a"]), { recording: { path: "/music/a.mp3" } });
});

Deno.test("RecordingRegistry: an abandoned lead passes to one waiting claim", async () => {
  const registry = new RecordingRegistry();
  const first = await registry.claim(["isrc:X"]);
  assert.ok("lead" in first);
  const claims = [registry.claim(["isrc:X"]), registry.claim(["isrc:X"])];
  first.lead.abandon();
  const [second, third] = [await claims[0], claims[1]];
  assert.ok("lead" in second, "the next claim leads");
  let thirdClaim: unknown;
  void third.then((claim) => (thirdClaim = claim));
  await tick();
  assert.equal(thirdClaim, undefined, "the third still waits");
  second.lead.done({ path: "/music/x.mp3" });
  assert.deepEqual(await third, { recording: { path: "/music/x.mp3" } });
});

Deno.test("RecordingRegistry: a file already in the library is shared without a lead", async () => {
  const asked: string[][] = [];
  const registry = new RecordingRegistry({
    existing: (keys) => {
      asked.push([...keys]);
      return Promise.resolve(keys.includes("isrc:OLD") ? { path: "/music/old.mp3" } : undefined);
    },
  });
  assert.deepEqual(await registry.claim(["isrc:OLD"]), { recording: { path: "/music/old.mp3" } });
  assert.deepEqual(await registry.claim(["isrc:OLD"]), { recording: { path: "/music/old.mp3" } });
  assert.equal(asked.length, 1, "asked once, then known");
  const fresh = await registry.claim(["isrc:NEW"]);
  assert.ok("lead" in fresh);
});

Deno.test("RecordingRegistry: a waiting claim stops when its signal aborts", async () => {
  const registry = new RecordingRegistry();
  const first = await registry.claim(["isrc:X"]);
  assert.ok("lead" in first);
  const controller = new AbortController();
  const waiting = registry.claim(["isrc:X"], controller.signal);
  controller.abort();
  await assert.rejects(waiting, { code: "cancelled" });
  first.lead.abandon();
});

Deno.test("RecordingRegistry: claims on disjoint keys do not wait for each other", async () => {
  const registry = new RecordingRegistry();
  const a = await registry.claim(["isrc:A", "track:a"]);
  let b: RecordingClaim | undefined;
  void registry.claim(["isrc:B", "track:b"]).then((claim) => (b = claim));
  await tick();
  assert.ok("lead" in a);
  assert.ok(b !== undefined && "lead" in b, "b leads at once");
});

function track(id: string, fields: Partial<TrackMetadata>, item: Partial<PlanItem> = {}): PlanItem {
  return trackItem(`track:${id}`, {
    spotify_id: id,
    path: `/music/${id}.mp3`,
    action: "download",
    metadata: { spotifyId: id, ...fields } as TrackMetadata,
    ...item,
  });
}

const byId = (items: PlanItem[], id: string) => items.find((item) => item.id === `track:${id}`)!;

Deno.test("markKnownDuplicates: later places of a known recording copy from the first", () => {
  const plan = planOf([
    track("a", { isrc: "X" }),
    track("b", { isrc: "X" }),
    track("c", { isrc: "Y" }),
    track("d", {}),
    track("e", { linkedFromId: "a" }),
  ]);
  const marked = markKnownDuplicates(plan, { mode: "copy" }).items;
  assert.equal(byId(marked, "a").duplicate_of, undefined);
  assert.equal(byId(marked, "b").duplicate_of, "track:a");
  assert.equal(byId(marked, "c").duplicate_of, undefined);
  assert.equal(byId(marked, "d").duplicate_of, undefined);
  assert.equal(byId(marked, "e").duplicate_of, "track:a", "a relinked copy");
  assert.equal(plan.items[1].duplicate_of, undefined, "the input plan is not changed");
});

Deno.test("markKnownDuplicates: copies only the items it changes; the input stays as it was", () => {
  const stale = track("c", { isrc: "Z" }, { duplicate_of: "track:gone" });
  const plan = planOf([track("a", { isrc: "X" }), track("b", { isrc: "X" }), stale]);
  const before = structuredClone(plan.items);
  const marked = markKnownDuplicates(plan, { mode: "copy" }).items;
  assert.equal(marked[0], plan.items[0], "an unchanged item is shared, not copied");
  assert.notEqual(marked[1], plan.items[1]);
  assert.equal(byId(marked, "b").duplicate_of, "track:a");
  assert.notEqual(byId(marked, "c"), stale);
  assert.equal(byId(marked, "c").duplicate_of, undefined, "a stale mark is cleared in the copy");
  assert.deepEqual(plan.items, before, "the input plan is not changed");
});

Deno.test("markKnownDuplicates: a recording on disk leads; with skip the others are present at its file", () => {
  const present = track("a", { isrc: "X" }, {
    status: "skipped",
    skip_reason: "exists",
    action: undefined,
  });
  const plan = planOf([track("b", { isrc: "X" }), present]);
  const copy = markKnownDuplicates(plan, { mode: "copy" }).items;
  assert.equal(byId(copy, "b").duplicate_of, "track:a");
  assert.equal(byId(copy, "b").status, "pending");
  const skip = markKnownDuplicates(plan, { mode: "skip" }).items;
  assert.equal(byId(skip, "b").status, "skipped");
  assert.equal(byId(skip, "b").path, "/music/a.mp3");
});

Deno.test("markKnownDuplicates: a file of the recording the ownership record knows counts too", () => {
  const plan = planOf([track("b", { isrc: "X" }), track("c", { isrc: "X" })]);
  const existing = (keys: readonly string[]) =>
    keys.includes("isrc:X") ? "/music/old/a.mp3" : undefined;
  const copy = markKnownDuplicates(plan, { mode: "copy", existing }).items;
  assert.equal(byId(copy, "b").duplicate_of, "/music/old/a.mp3");
  assert.equal(byId(copy, "c").duplicate_of, "track:b");
  const skip = markKnownDuplicates(plan, { mode: "skip", existing }).items;
  assert.deepEqual(
    [byId(skip, "b").path, byId(skip, "c").path],
    ["/music/old/a.mp3", "/music/old/a.mp3"],
  );
});

Deno.test("markKnownDuplicates: retags and failed tracks are left alone", () => {
  const plan = planOf([
    track("a", { isrc: "X" }),
    track("b", { isrc: "X" }, { action: "retag" }),
    track("c", { isrc: "X" }, { status: "failed" }),
  ]);
  const marked = markKnownDuplicates(plan, { mode: "copy" }).items;
  assert.equal(byId(marked, "b").duplicate_of, undefined);
  assert.equal(byId(marked, "c").duplicate_of, undefined);
});
