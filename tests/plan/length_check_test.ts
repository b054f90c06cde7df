import assert from "node:assert/strict";
import type { LibraryEntry } from "../../src/library/mod.ts";
import {
  createPlanItem,
  lengthProblem,
  type Plan,
  type PlanItem,
  recheckPresentFiles,
} from "../../src/plan/mod.ts";

Deno.test("lengthProblem: within the tolerance passes; cut short or unreadable does not", () => {
  const table: [
    actual: number | undefined,
    expected: number | undefined,
    tol: number,
    ok: boolean,
  ][] = [
    [30, 30, 2, true],
    [28.5, 30, 2, true],
    [16, 30, 2, false],
    [25, 30, 2, false],
    // Files recorded before lengths were kept: Spotify's length with the match's tolerance.
    [25, 30, 15, true],
    [16, 200, 15, false],
    [undefined, 30, 2, false],
    [0, 30, 2, false],
    [30, undefined, 2, true],
  ];
  for (const [actual, expected, tolerance, ok] of table) {
    const problem = lengthProblem(actual, expected, tolerance);
    assert.equal(problem === undefined, ok, `${actual} vs ${expected} (${tolerance}): ${problem}`);
  }
  assert.equal(lengthProblem(16, 30, 2), "it is 16 s long, the track 30 s");
  // Files recorded before lengths were kept: only a shortfall counts.
  assert.equal(lengthProblem(40, 30, 5, { onlyShorter: true }), undefined);
  assert.ok(lengthProblem(24, 30, 5, { onlyShorter: true }));
});

/** A present track (skipped as existing) of Spotify length durationMs at path. */
function presentTrack(id: string, path: string, durationMs = 30_000): PlanItem {
  return createPlanItem({
    id: `track:${id}`,
    type: "track",
    name: `Artist - ${id}`,
    spotify_id: id,
    status: "skipped",
    skip_reason: "exists",
    path,
    metadata: { durationMs } as PlanItem["metadata"],
  });
}

function planOf(items: PlanItem[]): Plan {
  return { version: 1, config_hash: "h", created_at: "2026-01-01T00:00:00.000Z", items };
}

/** An index in memory, the files' stats and lengths in tables; records what was probed. */
function world(
  entries: Record<string, LibraryEntry>,
  files: Record<string, { size: number; mtimeMs: number; seconds?: number }>,
) {
  const index = new Map(Object.entries(entries));
  const probed: string[] = [];
  return {
    index,
    probed,
    options: {
      index: {
        entries: (ids: readonly string[]) => Promise.resolve(ids.map((id) => index.get(id))),
        record: (id: string, entry: LibraryEntry) => {
          index.set(id, entry);
          return Promise.resolve();
        },
      },
      stat: (path: string) => {
        const file = files[path];
        return Promise.resolve(file ? { size: file.size, mtimeMs: file.mtimeMs } : undefined);
      },
      probe: (path: string) => {
        probed.push(path);
        const seconds = files[path]?.seconds;
        return seconds === undefined
          ? Promise.reject(new Error("Invalid data found when processing input"))
          : Promise.resolve(seconds);
      },
      legacyToleranceSec: 15,
    },
  };
}

Deno.test("recheckPresentFiles: a verified, unchanged file is trusted without reading it", async () => {
  const w = world(
    { a: { path: "/m/a.mp3", size: 100, mtimeMs: 5, durationSec: 30 } },
    { "/m/a.mp3": { size: 100, mtimeMs: 5, seconds: 1 } },
  );
  const plan = planOf([presentTrack("a", "/m/a.mp3")]);
  const checked = await recheckPresentFiles(plan, w.options);
  assert.deepEqual(checked.items, plan.items);
  assert.deepEqual(w.probed, []);
});

Deno.test("recheckPresentFiles: files recorded without a length are read; one cut short is downloaded again", async () => {
  const w = world(
    {
      // Written by an older tunedl on a disk that filled up: 16 s of a 30 s track.
      cut: { path: "/m/cut.mp3", size: 100, mtimeMs: 5 },
      whole: { path: "/m/whole.mp3", size: 200, mtimeMs: 6 },
      garbage: { path: "/m/garbage.mp3", size: 10, mtimeMs: 7 },
    },
    {
      "/m/cut.mp3": { size: 100, mtimeMs: 5, seconds: 16 },
      "/m/whole.mp3": { size: 200, mtimeMs: 6, seconds: 41.5 },
      "/m/garbage.mp3": { size: 10, mtimeMs: 7 },
    },
  );
  const plan = planOf([
    presentTrack("cut", "/m/cut.mp3"),
    presentTrack("whole", "/m/whole.mp3"),
    presentTrack("garbage", "/m/garbage.mp3"),
  ]);
  const checked = await recheckPresentFiles(plan, w.options);
  const [cut, whole, garbage] = checked.items;
  assert.equal(cut.status, "pending");
  assert.equal(cut.action, "download");
  assert.equal(cut.skip_reason, undefined);
  assert.equal(cut.damage, "it is 16 s long, the Spotify track 30 s");
  assert.equal(garbage.damage, "it has no readable length");
  assert.deepEqual(whole, plan.items[1]);
  // The whole one is now verified: the next plan trusts it without reading it.
  assert.equal(w.index.get("whole")?.durationSec, 41.5);
  assert.equal(w.index.get("cut")?.durationSec, undefined);
});

Deno.test("recheckPresentFiles: a verified file changed since is compared with its verified length", async () => {
  const w = world(
    { a: { path: "/m/a.mp3", size: 100, mtimeMs: 5, durationSec: 1 } },
    // Another tool rewrote it: new size and time; its audio is cut to 0.4 s of 1 s.
    { "/m/a.mp3": { size: 90, mtimeMs: 9, seconds: 0.4 } },
  );
  const checked = await recheckPresentFiles(planOf([presentTrack("a", "/m/a.mp3")]), w.options);
  // Spotify says 30 s, but what counts is what tunedl verified: 1 s.
  assert.equal(checked.items[0].damage, undefined);
  const w2 = world(
    { a: { path: "/m/a.mp3", size: 100, mtimeMs: 5, durationSec: 30 } },
    { "/m/a.mp3": { size: 90, mtimeMs: 9, seconds: 21 } },
  );
  const again = await recheckPresentFiles(planOf([presentTrack("a", "/m/a.mp3")]), w2.options);
  assert.equal(again.items[0].damage, "it is 21 s long, the track 30 s");
});

Deno.test("recheckPresentFiles: files tunedl did not record, and pending downloads, are left alone", async () => {
  const w = world(
    { other: { path: "/m/elsewhere.mp3", size: 1, mtimeMs: 1 } },
    { "/m/a.mp3": { size: 100, mtimeMs: 5, seconds: 3 }, "/m/other.mp3": { size: 1, mtimeMs: 1 } },
  );
  const pending = { ...presentTrack("b", "/m/b.mp3"), status: "pending" as const };
  delete pending.skip_reason;
  const plan = planOf([
    presentTrack("a", "/m/a.mp3"),
    presentTrack("other", "/m/other.mp3"),
    pending,
  ]);
  const checked = await recheckPresentFiles(plan, w.options);
  assert.deepEqual(checked.items, plan.items);
  assert.deepEqual(w.probed, []);
});

Deno.test("recheckPresentFiles: a file found whole before and unchanged since is settled by its stat alone", async () => {
  const w = world(
    {
      same: { path: "/m/same.mp3", size: 100, mtimeMs: 5, durationSec: 30 },
      touched: { path: "/m/touched.mp3", size: 200, mtimeMs: 6, durationSec: 30 },
      moved: { path: "/m/moved.mp3", size: 300, mtimeMs: 7, durationSec: 30 },
      fresh: { path: "/m/fresh.mp3", size: 400, mtimeMs: 8, durationSec: 30 },
    },
    {
      "/m/same.mp3": { size: 100, mtimeMs: 5 },
      // Changed since it was checked (cut short by hand): read again.
      "/m/touched.mp3": { size: 150, mtimeMs: 9, seconds: 10 },
      "/m/moved.mp3": { size: 300, mtimeMs: 7 },
      "/m/fresh.mp3": { size: 400, mtimeMs: 8 },
    },
  );
  const read: string[] = [];
  const index = {
    ...w.options.index,
    entries: (ids: readonly string[]) => {
      read.push(...ids);
      return w.options.index.entries(ids);
    },
  };
  const whole = new Map<string, unknown>();
  const plan = planOf([
    presentTrack("same", "/m/same.mp3"),
    presentTrack("touched", "/m/touched.mp3"),
    presentTrack("moved", "/m/moved.mp3"),
    presentTrack("fresh", "/m/fresh.mp3"),
  ]);
  const checked = await recheckPresentFiles(plan, {
    ...w.options,
    index,
    checked: new Map([
      ["same", { path: "/m/same.mp3", size: 100, mtimeMs: 5 }],
      ["touched", { path: "/m/touched.mp3", size: 200, mtimeMs: 6 }],
      // Checked at another path (the template changed): not this file.
      ["moved", { path: "/m/old/moved.mp3", size: 300, mtimeMs: 7 }],
    ]),
    onWhole: (id, file) => whole.set(id, file),
  });
  assert.deepEqual(read.sort(), ["fresh", "moved", "touched"]);
  assert.deepEqual(w.probed, ["/m/touched.mp3"]);
  assert.equal(checked.items[1].status, "pending");
  assert.equal(checked.items[1].damage, "it is 10 s long, the track 30 s");
  assert.deepEqual(checked.items.filter((i) => i.status === "skipped").map((i) => i.id), [
    "track:same",
    "track:moved",
    "track:fresh",
  ]);
  assert.deepEqual(Object.fromEntries(whole), {
    same: { path: "/m/same.mp3", size: 100, mtimeMs: 5 },
    moved: { path: "/m/moved.mp3", size: 300, mtimeMs: 7 },
    fresh: { path: "/m/fresh.mp3", size: 400, mtimeMs: 8 },
  });
});
