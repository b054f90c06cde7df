import assert from "node:assert/strict";
import { openPersistentCache, type PersistentCache, TieredCache } from "../../src/cache/mod.ts";
import { removeWithRetry } from "../fakes/file_tree.ts";

function manualClock(start = 1_700_000_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

async function withCacheFile(
  now: () => number,
  body: (path: string, cache: PersistentCache) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-tiered-" });
  const path = `${dir}/cache.kv`;
  const cache = await openPersistentCache(path, { now });
  assert.ok(cache);
  try {
    await body(path, cache);
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
}

Deno.test("TieredCache: loads once, then serves from memory, then from the file in a new run", async () => {
  const clock = manualClock();
  await withCacheFile(clock.now, async (path, file) => {
    let calls = 0;
    const loader = () => {
      calls++;
      return Promise.resolve({ title: "Song" });
    };
    const run1 = new TieredCache<{ title: string }>({
      namespace: "spotify",
      persistent: file,
      maxSize: 10,
      ttlMs: 60_000,
      now: clock.now,
    });
    const [a, b] = await Promise.all([run1.getOrLoad("t1", loader), run1.getOrLoad("t1", loader)]);
    assert.deepEqual([a, b], [{ title: "Song" }, { title: "Song" }]);
    assert.equal(await run1.get("t1").then((v) => v?.title), "Song");
    assert.equal(calls, 1);
    assert.deepEqual(await file.get("spotify", "t1"), { title: "Song" });
    const s1 = run1.stats();
    assert.equal(s1.hits, 2); // one coalesced, one memory hit
    assert.equal(s1.misses, 1);
    assert.deepEqual(s1.persistent, { hits: 0, misses: 1, errors: 0 });

    // A second run (new memory level) finds it in the file with the time it has left.
    clock.advance(50_000);
    const run2 = new TieredCache<{ title: string }>({
      namespace: "spotify",
      persistent: file,
      maxSize: 10,
      ttlMs: 60_000,
      now: clock.now,
    });
    assert.deepEqual(await run2.getOrLoad("t1", loader), { title: "Song" });
    assert.equal(calls, 1);
    assert.deepEqual(await run2.getOrLoad("t1", loader), { title: "Song" });
    const s2 = run2.stats();
    assert.equal(s2.hits, 2);
    assert.equal(s2.misses, 0);
    assert.equal(s2.persistent?.hits, 1);
    // The memory copy expires with the file's entry, not a fresh 60 s later.
    clock.advance(10_000);
    assert.equal(run2.memory.has("t1"), false);
    assert.deepEqual(await run2.getOrLoad("t1", loader), { title: "Song" });
    assert.equal(calls, 2);
    assert.ok(path.endsWith("cache.kv"));
  });
});

Deno.test("TieredCache: empty answers use the failure TTL; errors are stored nowhere", async () => {
  const clock = manualClock();
  await withCacheFile(clock.now, async (_path, file) => {
    const search = new TieredCache<string[]>({
      namespace: "search",
      persistent: file,
      maxSize: 10,
      ttlMs: 100_000,
      failureTtlMs: 1_000,
      now: clock.now,
    });
    await search.getOrLoad("nothing", () => Promise.resolve([]));
    await search.getOrLoad("found", () => Promise.resolve(["v1"]));
    await assert.rejects(search.getOrLoad("broken", () => Promise.reject(new Error("503"))), /503/);
    assert.equal(await file.get("search", "broken"), undefined);
    assert.equal(search.memory.has("broken"), false);
    const nothing = await file.getEntry("search", "nothing");
    assert.equal(nothing?.expiresAt, clock.now() + 1_000);
    clock.advance(1_000);
    assert.equal(await search.get("nothing"), undefined);
    assert.deepEqual(await search.get("found"), ["v1"]);
    await search.set("found", ["v2"], { ttlMs: 5 });
    assert.deepEqual(await file.get("search", "found"), ["v2"]);
    await search.delete("found");
    assert.equal(await search.get("found"), undefined);
    assert.equal(await file.get("search", "found"), undefined);
  });
});

Deno.test("TieredCache: without a file it is a memory cache", async () => {
  const cache = new TieredCache<number>({
    namespace: "match",
    persistent: null,
    maxSize: 2,
    ttlMs: 1000,
  });
  assert.equal(await cache.getOrLoad("a", () => Promise.resolve(1)), 1);
  assert.equal(await cache.getOrLoad("a", () => Promise.resolve(2)), 1);
  assert.equal(await cache.get("b"), undefined);
  const stats = cache.stats();
  assert.equal(stats.persistent, null);
  assert.equal(stats.hits, 1);
  assert.equal(stats.misses, 2);
  assert.equal(stats.hitRate, 1 / 3);
});

Deno.test("TieredCache: a failing file warns once and the run goes on in memory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-tiered-" });
  const file = await openPersistentCache(`${dir}/cache.kv`);
  assert.ok(file);
  await file.close(); // every later call throws "closed"
  const warnings: string[] = [];
  const cache = new TieredCache<string>({
    namespace: "spotify",
    persistent: file,
    maxSize: 5,
    ttlMs: 1000,
    warn: (m) => warnings.push(m),
  });
  try {
    assert.equal(await cache.getOrLoad("a", () => Promise.resolve("A")), "A");
    assert.equal(await cache.getOrLoad("b", () => Promise.resolve("B")), "B");
    assert.equal(await cache.get("a"), "A");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /Persistent cache \(spotify\) failed: .*closed/);
    assert.equal(cache.stats().persistent?.errors, 4);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("TieredCache: getMany answers from memory first, then the file, copied to memory with its time left", async () => {
  const clock = manualClock();
  await withCacheFile(clock.now, async (_path, file) => {
    const options = {
      namespace: "spotify" as const,
      persistent: file,
      maxSize: 100,
      ttlMs: 60_000,
      now: clock.now,
    };
    const run1 = new TieredCache<{ n: number }>(options);
    await run1.set("a", { n: 1 });
    await run1.set("b", { n: 2 }, { ttlMs: 10_000 });
    const run2 = new TieredCache<{ n: number }>(options);
    await run2.set("c", { n: 3 }); // in run2's memory too
    clock.advance(5_000);
    assert.deepEqual(await run2.getMany(["a", "nope", "b", "c"]), [
      { n: 1 },
      undefined,
      { n: 2 },
      { n: 3 },
    ]);
    const stats = run2.stats();
    assert.equal(stats.persistent?.hits, 2);
    assert.equal(stats.persistent?.misses, 1);
    // Copied to memory with the time it had left in the file: 5 s for b.
    clock.advance(6_000);
    assert.equal(run2.memory.get("b"), undefined);
    assert.deepEqual(run2.memory.get("a"), { n: 1 });
    const memoryOnly = new TieredCache<{ n: number }>({ ...options, persistent: null });
    await memoryOnly.set("x", { n: 9 });
    assert.deepEqual(await memoryOnly.getMany(["x", "y"]), [{ n: 9 }, undefined]);
  });
});

Deno.test("TieredCache: set does not wait for the file's commit; the file is written by its close", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-tiered-" });
  const path = `${dir}/cache.kv`;
  // A window no test waits out: set returns long before the group's commit.
  const file = await openPersistentCache(path, { writeWindowMs: 60_000 });
  assert.ok(file);
  try {
    const cache = new TieredCache<string>({
      namespace: "match",
      persistent: file,
      maxSize: 10,
      ttlMs: 60_000,
    });
    let settled = false;
    const setting = cache.set("k", "url").then(() => settled = true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(settled, true, "set resolved within the window");
    await setting;
    assert.equal(await cache.get("k"), "url");
    assert.equal(await file.get("match", "k"), "url", "the file answers with the queued value");
    await file.close();
    const again = await openPersistentCache(path);
    assert.equal(await again!.get("match", "k"), "url", "close wrote it");
    await again!.close();
  } finally {
    await file.close();
    await removeWithRetry(dir, { recursive: true });
  }
});
