import assert from "node:assert/strict";
import { createCacheSet, FileExistsCache, openPersistentCache } from "../../src/cache/mod.ts";
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

Deno.test("FileExistsCache: probes once per path until invalidated or expired", async () => {
  const clock = manualClock();
  const onDisk = new Set<string>(["/music/a.mp3"]);
  const probed: string[] = [];
  const files = new FileExistsCache({
    maxSize: 100,
    ttlMs: 1000,
    now: clock.now,
    probe: (path) => {
      probed.push(path);
      return Promise.resolve(onDisk.has(path));
    },
  });
  assert.deepEqual(
    await Promise.all([files.exists("/music/a.mp3"), files.exists("/music/a.mp3")]),
    [true, true],
  );
  assert.equal(await files.exists("/music/b.mp3"), false);
  onDisk.add("/music/b.mp3"); // tunedl writes b and says so
  assert.equal(await files.exists("/music/b.mp3"), false, "still the cached answer");
  files.invalidate("/music/b.mp3");
  assert.equal(await files.exists("/music/b.mp3"), true);
  onDisk.delete("/music/a.mp3"); // changed behind tunedl's back: seen after the TTL
  clock.advance(1000);
  assert.equal(await files.exists("/music/a.mp3"), false);
  assert.deepEqual(probed, ["/music/a.mp3", "/music/b.mp3", "/music/b.mp3", "/music/a.mp3"]);
  files.clear();
  assert.equal(files.stats().size, 0);
});

Deno.test("CacheSet: statsReport adds up every cache's counters", async () => {
  const clock = manualClock();
  const dir = await Deno.makeTempDir({ prefix: "tunedl-cacheset-" });
  const persistent = await openPersistentCache(`${dir}/cache.kv`, { now: clock.now });
  assert.ok(persistent);
  const set = createCacheSet({
    persistent,
    spotify: { maxSize: 1, ttlMs: 60_000 },
    search: { maxSize: 10, ttlMs: 60_000, failureTtlMs: 1_000 },
    files: { maxSize: 10, ttlMs: 5_000, probe: (p) => Promise.resolve(p.endsWith(".mp3")) },
    now: clock.now,
  });
  try {
    assert.ok(set.persistent);
    const load = (v: string) => () => Promise.resolve(v);
    await set.spotify.getOrLoad("track:1", load("one")); // miss (source)
    await set.spotify.getOrLoad("track:2", load("two")); // miss, evicts track:1 from memory
    await set.spotify.getOrLoad("track:1", load("x")); // memory miss, file hit; evicts track:2
    await set.spotify.getOrLoad("track:1", load("x")); // memory hit
    assert.equal(await set.spotify.getOrLoad("track:1", load("x")), "one");
    await set.search.getOrLoad("q", () => Promise.resolve([])); // miss, short TTL
    clock.advance(1_000);
    await set.search.getOrLoad("q", () => Promise.resolve(["r"])); // expired -> miss
    await set.files.exists("/a.mp3");
    await set.files.exists("/a.mp3");
    await set.files.exists("/b.txt");

    const report = set.statsReport();
    assert.deepEqual(report.caches.map((c) => c.name), [
      "spotify",
      "search",
      "match",
      "lyrics",
      "files",
    ]);
    const [spotify, search, match, lyrics, files] = report.caches;
    assert.deepEqual(spotify, {
      name: "spotify",
      hits: 3,
      misses: 2,
      hitRate: 0.6,
      size: 1,
      evictions: 2,
      expirations: 0,
      persistentHits: 1,
    });
    assert.deepEqual(search, {
      name: "search",
      hits: 0,
      misses: 2,
      hitRate: 0,
      size: 1,
      evictions: 0,
      expirations: 1,
      persistentHits: 0,
    });
    assert.deepEqual(match, {
      name: "match",
      hits: 0,
      misses: 0,
      hitRate: 0,
      size: 0,
      evictions: 0,
      expirations: 0,
      persistentHits: 0,
    });
    assert.equal(lyrics.name, "lyrics");
    assert.deepEqual(files, {
      name: "files",
      hits: 1,
      misses: 2,
      hitRate: 1 / 3,
      size: 2,
      evictions: 0,
      expirations: 0,
    });
    // Plain data: survives JSON unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  } finally {
    await set.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("CacheSet: without a cache file everything is memory only", async () => {
  const set = createCacheSet({
    persistent: null,
    spotify: { maxSize: 10, ttlMs: 1000 },
    search: { maxSize: 10, ttlMs: 1000, failureTtlMs: 10 },
    files: { maxSize: 10, ttlMs: 1000, probe: () => Promise.resolve(true) },
  });
  assert.equal(set.persistent, null);
  assert.equal(await set.match.getOrLoad("m", () => Promise.resolve(1)), 1);
  assert.equal(await set.match.getOrLoad("m", () => Promise.resolve(2)), 1);
  const row = set.statsReport().caches.find((c) => c.name === "match");
  assert.equal(row?.persistentHits, undefined);
  assert.equal(row?.hits, 1);
  await set.close();
});

Deno.test("FileExistsCache: a probe's size and time are kept with the answer, for one stat per file", async () => {
  const facts = { "/m/a.mp3": { size: 10, mtimeMs: 5 } } as Record<
    string,
    { size: number; mtimeMs: number }
  >;
  const probed: string[] = [];
  const files = new FileExistsCache({
    maxSize: 100,
    ttlMs: 1000,
    probe: (path) => {
      probed.push(path);
      if (path.endsWith(".m3u8")) return Promise.resolve(true);
      return Promise.resolve(facts[path] ?? false);
    },
  });
  assert.equal(await files.exists("/m/a.mp3"), true);
  assert.deepEqual(await files.facts("/m/a.mp3"), { size: 10, mtimeMs: 5 });
  assert.equal(await files.exists("/m/gone.mp3"), false);
  assert.equal(await files.facts("/m/gone.mp3"), undefined);
  // A probe that only says "it exists" leaves the facts unknown.
  assert.equal(await files.exists("/m/list.m3u8"), true);
  assert.equal(await files.facts("/m/list.m3u8"), undefined);
  assert.deepEqual(probed, ["/m/a.mp3", "/m/gone.mp3", "/m/list.m3u8"]);
  files.invalidate("/m/a.mp3");
  facts["/m/a.mp3"] = { size: 11, mtimeMs: 6 };
  assert.deepEqual(await files.facts("/m/a.mp3"), { size: 11, mtimeMs: 6 });
});
