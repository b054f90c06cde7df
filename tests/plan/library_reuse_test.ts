import { LibraryIndex } from "../../src/library/mod.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openPersistentCache } from "../../src/cache/mod.ts";
import { skipIndexedTracks, statFile } from "../../src/plan/library_reuse.ts";
import { createPlanItem, type Plan, type PlanItem } from "../../src/plan/mod.ts";

const CREATED = new Date("2025-06-01T12:00:00Z");

function trackItem(id: string, fields: Partial<PlanItem> = {}): PlanItem {
  return createPlanItem({
    id: `track:${id}`,
    type: "track",
    name: `Song ${id}`,
    spotify_id: id,
    path: `/library/new-layout/${id}.mp3`,
    action: "download",
    ...fields,
  }, CREATED);
}

/** A temp folder, an in-memory KV cache and its library index; all closed by dispose. */
async function setUp() {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-library-reuse-" });
  const cache = await openPersistentCache(":memory:");
  assert.ok(cache, "an in-memory cache opens");
  const index = new LibraryIndex(cache);
  /** Writes a file and records it in the index as tunedl would after a download. */
  const recordFile = async (trackId: string, name: string, bytes: number) => {
    const path = join(dir, name);
    await Deno.writeFile(path, new Uint8Array(bytes));
    const info = await Deno.stat(path);
    await index.record(trackId, { path, size: info.size, mtimeMs: info.mtime!.getTime() });
    return path;
  };
  return {
    dir,
    index,
    recordFile,
    async [Symbol.asyncDispose]() {
      await cache.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("skipIndexedTracks: an indexed, unchanged file is reused; changed or unknown ones stay pending", async () => {
  await using env = await setUp();
  const kept = await env.recordFile("same", "old-layout-same.mp3", 1000);
  const changed = await env.recordFile("changed", "old-layout-changed.mp3", 1000);
  await Deno.writeFile(changed, new Uint8Array(1500)); // re-encoded behind tunedl's back
  const removed = await env.recordFile("removed", "old-layout-removed.mp3", 1000);
  await Deno.remove(removed);
  const retagFile = await env.recordFile("retag", "retag.mp3", 1000);
  await env.recordFile("done", "done.mp3", 1000);

  const album = createPlanItem({
    id: "album:al1",
    type: "album",
    name: "Album",
    spotify_id: "same",
    children: ["track:same"],
  }, CREATED);
  const items = [
    album,
    trackItem("same"),
    trackItem("changed"),
    trackItem("removed"),
    trackItem("unknown"),
    trackItem("retag", { action: "retag", path: retagFile }),
    trackItem("done", { status: "completed", action: undefined }),
    trackItem("", { id: "track:no-id", spotify_id: undefined }),
  ];
  const plan: Plan = {
    version: 1,
    config_hash: "hash",
    created_at: CREATED.toISOString(),
    items,
  };
  const before = structuredClone(plan);

  const result = await skipIndexedTracks(plan, env.index);

  const reused = result.items[1];
  assert.equal(reused.status, "skipped");
  assert.equal(reused.skip_reason, "exists");
  assert.equal(reused.path, kept);
  assert.equal(reused.action, undefined);
  assert.equal(reused.id, "track:same");

  assert.equal(result.items.length, items.length);
  for (const index of [0, 2, 3, 4, 5, 6, 7]) {
    assert.deepEqual(result.items[index], items[index], `item ${items[index].id} is untouched`);
  }
  assert.deepEqual(plan, before, "the input plan is not modified");
  assert.equal(result.config_hash, "hash");

  // A stale entry is forgotten, so the next run does not stat the file again.
  assert.equal(await env.index.lookup("changed", { stat: statFile }), undefined);
  assert.deepEqual(await env.index.lookup("same", { stat: statFile }), {
    path: kept,
    size: 1000,
    mtimeMs: (await Deno.stat(kept)).mtime!.getTime(),
  });
});

Deno.test("skipIndexedTracks: a file with the same size but a new mtime stays pending", async () => {
  await using env = await setUp();
  const path = await env.recordFile("t1", "song.mp3", 500);
  const later = new Date(Date.now() + 60_000);
  await Deno.utime(path, later, later);
  const plan: Plan = {
    version: 1,
    config_hash: "hash",
    created_at: CREATED.toISOString(),
    items: [trackItem("t1")],
  };
  const result = await skipIndexedTracks(plan, env.index);
  assert.equal(result.items[0].status, "pending");
  assert.equal(result.items[0].path, "/library/new-layout/t1.mp3");
});

Deno.test("statFile: size and mtime of a file, undefined for a missing path or a folder", async () => {
  await using env = await setUp();
  const path = join(env.dir, "a.bin");
  await Deno.writeFile(path, new Uint8Array(42));
  const mtime = new Date("2024-02-03T04:05:06Z");
  await Deno.utime(path, mtime, mtime);
  assert.deepEqual(await statFile(path), { size: 42, mtimeMs: mtime.getTime() });
  assert.equal(await statFile(join(env.dir, "missing.bin")), undefined);
  assert.equal(await statFile(env.dir), undefined);
});
