import assert from "node:assert/strict";
import {
  CacheValueError,
  checkCacheFile,
  MAX_PERSISTENT_VALUE_BYTES,
  openPersistentCache,
  type PersistentCache,
  removeCacheFile,
} from "../../src/cache/mod.ts";
import { removeWithRetry, waitUntilReleased } from "../fakes/file_tree.ts";

function manualClock(start = 1_700_000_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/** Opens a cache in a fresh temp folder; the test closes it and removes the folder. */
async function openTemp(
  now?: () => number,
  extra: { statsFlushEvery?: number; writeWindowMs?: number } = {},
): Promise<{ cache: PersistentCache; dir: string; path: string; warnings: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-cache-" });
  const path = `${dir}/sub/cache.kv`;
  const warnings: string[] = [];
  const cache = await openPersistentCache(path, {
    now,
    warn: (m) => warnings.push(m),
    ...extra,
  });
  assert.ok(cache, `expected the cache to open, warnings: ${warnings.join(" | ")}`);
  return { cache, dir, path, warnings };
}

Deno.test("PersistentCache: set/get round-trips JSON data per namespace", async () => {
  const { cache, dir, path, warnings } = await openTemp();
  try {
    assert.deepEqual(warnings, []);
    assert.equal((await Deno.stat(path)).isFile, true); // parent folder was created
    const track = { title: "Song", artists: ["A", "B"], durationMs: 1234, explicit: false };
    await cache.set("spotify", "track:1", track);
    await cache.set("search", "track:1", ["other namespace"]);
    assert.deepEqual(await cache.get("spotify", "track:1"), track);
    assert.deepEqual(await cache.get("search", "track:1"), ["other namespace"]);
    assert.equal(await cache.get("match", "track:1"), undefined);
    await cache.set("spotify", "track:1", { title: "Changed" });
    assert.deepEqual(await cache.get("spotify", "track:1"), { title: "Changed" });
    await cache.set("meta", "null", null);
    assert.equal(await cache.get("meta", "null"), null);
    await cache.delete("spotify", "track:1");
    assert.equal(await cache.get("spotify", "track:1"), undefined);
    // @ts-expect-error: unknown namespaces are a programming error
    await assert.rejects(cache.get("nope", "x"), RangeError);
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: a read past the expiry returns undefined (KV expiry is lazy)", async () => {
  const clock = manualClock();
  const { cache, dir } = await openTemp(clock.now);
  try {
    await cache.set("search", "q", { id: "abc" }, { ttlMs: 60_000 });
    await cache.set("search", "forever", 1);
    const entry = await cache.getEntry("search", "q");
    assert.deepEqual(entry, { value: { id: "abc" }, expiresAt: clock.now() + 60_000 });
    clock.advance(59_999);
    assert.deepEqual(await cache.get("search", "q"), { id: "abc" });
    clock.advance(1);
    assert.equal(await cache.get("search", "q"), undefined);
    assert.equal(await cache.count("search"), 1);
    clock.advance(10 ** 10);
    assert.equal(await cache.get("search", "forever"), 1);
    await cache.set("search", "gone", 1, { ttlMs: 0 });
    assert.equal(await cache.get("search", "gone"), undefined);
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: count, sizes and clear per namespace or all", async () => {
  const clock = manualClock();
  const { cache, dir } = await openTemp(clock.now);
  try {
    for (let i = 0; i < 5; i++) {
      await cache.set("spotify", `album:${i}`, { n: i, pad: "x".repeat(100) });
    }
    for (let i = 0; i < 3; i++) await cache.set("match", `t${i}`, "v");
    await cache.set("match", "short", "v", { ttlMs: 10 });
    clock.advance(10);
    assert.equal(await cache.count("spotify"), 5);
    assert.equal(await cache.count("match"), 3); // the expired one is not counted
    const sizes = await cache.sizes();
    assert.equal(sizes.spotify.entries, 5);
    assert.ok(
      sizes.spotify.bytes > 5 * 100 && sizes.spotify.bytes < 5 * 200,
      `${sizes.spotify.bytes}`,
    );
    assert.deepEqual(sizes.library, { entries: 0, bytes: 0 });
    assert.equal(sizes.match.bytes, "t0".length * 3 + '"v"'.length * 3);
    assert.equal(await cache.clear("match"), 4);
    assert.equal(await cache.count("match"), 0);
    assert.equal(await cache.count("spotify"), 5);
    assert.equal(await cache.clear(), 5);
    assert.deepEqual(Object.values(await cache.sizes()).map((s) => s.entries), [0, 0, 0, 0, 0, 0]);
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: values over 60 KB are split; too big or non-JSON values are refused", async () => {
  const { cache, dir } = await openTemp();
  try {
    // Multi-byte characters make sure limits are measured in bytes, not characters.
    const big = Array.from(
      { length: 3000 },
      (_, i) => ({ i, name: `trück ${i} ${"é".repeat(40)}` }),
    );
    await cache.set("spotify", "playlist:big", big);
    assert.deepEqual(await cache.get("spotify", "playlist:big"), big);
    await cache.set("spotify", "playlist:big", big.slice(0, 2)); // chunked -> inline
    assert.deepEqual(await cache.get("spotify", "playlist:big"), big.slice(0, 2));
    await cache.set("spotify", "playlist:big", big);
    await cache.delete("spotify", "playlist:big");
    assert.equal(await cache.get("spotify", "playlist:big"), undefined);
    await cache.set("spotify", "playlist:big", big);
    assert.equal(await cache.clear("spotify"), 1);
    assert.equal(await cache.get("spotify", "playlist:big"), undefined);

    const tooBig = "x".repeat(MAX_PERSISTENT_VALUE_BYTES);
    await assert.rejects(
      cache.set("spotify", "huge", tooBig),
      (error: unknown) =>
        error instanceof CacheValueError && /spotify\/huge/.test(error.message) &&
        error.message.includes(`at most ${MAX_PERSISTENT_VALUE_BYTES} bytes`),
    );
    await assert.rejects(cache.set("meta", "fn", () => 1), CacheValueError);
    await assert.rejects(
      cache.set(
        "meta",
        "cycle",
        (() => {
          const o: Record<string, unknown> = {};
          o.self = o;
          return o;
        })(),
      ),
      CacheValueError,
    );
    // A key longer than KV allows still works (it is hashed).
    const longKey = "q".repeat(5000);
    await cache.set("search", longKey, 1);
    assert.equal(await cache.get("search", longKey), 1);
    assert.equal(await cache.get("search", "q".repeat(4999)), undefined);
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: data and lifetime statistics survive close and reopen", async () => {
  const clock = manualClock();
  const { cache, dir, path } = await openTemp(clock.now, { statsFlushEvery: 1000 });
  await cache.set("spotify", "a", 1);
  await cache.get("spotify", "a");
  await cache.get("spotify", "a");
  await cache.get("spotify", "missing");
  await cache.get("search", "missing");
  // Unsaved counts are already part of stats().
  assert.deepEqual((await cache.stats()).spotify, { hits: 2, misses: 1, hitRate: 2 / 3 });
  await cache.close();
  await cache.close(); // twice is fine
  await assert.rejects(cache.get("spotify", "a"), /closed/);

  const again = await openPersistentCache(path, { now: clock.now, statsFlushEvery: 2 });
  assert.ok(again);
  try {
    assert.equal(await again.get("spotify", "a"), 1);
    assert.equal(await again.get("spotify", "b"), undefined); // second lookup: flushed
    const stats = await again.stats();
    assert.deepEqual(stats.spotify, { hits: 3, misses: 2, hitRate: 0.6 });
    assert.deepEqual(stats.search, { hits: 0, misses: 1, hitRate: 0 });
    assert.deepEqual(stats.library, { hits: 0, misses: 0, hitRate: 0 });
    await again.resetStats();
    assert.deepEqual((await again.stats()).spotify, { hits: 0, misses: 0, hitRate: 0 });
  } finally {
    await again.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("checkCacheFile and removeCacheFile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-cache-" });
  try {
    assert.deepEqual(await checkCacheFile(`${dir}/none.kv`), { ok: true, exists: false });
    await Deno.writeTextFile(`${dir}/text.kv`, "hello, not a database at all\n".repeat(200));
    const text = await checkCacheFile(`${dir}/text.kv`);
    assert.equal(text.ok, false);
    assert.equal(!text.ok && text.problem, "not_database");
    const cache = await openPersistentCache(`${dir}/good.kv`);
    assert.ok(cache);
    await cache.set("meta", "k", 1);
    await cache.close();
    // On Windows KV may hold the file a moment after close, and would then delete the -wal
    // written below as it lets go.
    await waitUntilReleased(`${dir}/good.kv`);
    assert.deepEqual(await checkCacheFile(`${dir}/good.kv`), { ok: true, exists: true });
    await Deno.writeTextFile(`${dir}/good.kv-wal`, "");
    const removed = await removeCacheFile(`${dir}/good.kv`);
    assert.ok(removed.includes(`${dir}/good.kv`) && removed.includes(`${dir}/good.kv-wal`));
    assert.deepEqual(await removeCacheFile(`${dir}/good.kv`), []);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: a value of many commits' worth of chunks is whole or absent, and leaves no chunks behind", async () => {
  const { cache, dir, path } = await openTemp();
  // About 2.4 MB: some 40 chunks, so several commits to write and several reads to fetch.
  const likedSongs = Array.from({ length: 4000 }, (_, i) => ({
    id: `track${i}`.padEnd(22, "x"),
    name: `Song ${i} ${"ä".repeat(200)}`,
  }));
  const fewer = likedSongs.slice(0, 3000);
  try {
    await cache.set("spotify", "liked", likedSongs);
    assert.deepEqual(await cache.get("spotify", "liked"), likedSongs);
    await cache.set("spotify", "liked", fewer);
    assert.deepEqual(await cache.get("spotify", "liked"), fewer);
  } finally {
    await cache.close();
  }
  const chunkCount = async () => {
    await waitUntilReleased(path);
    const kv = await Deno.openKv(path);
    try {
      return (await Array.fromAsync(kv.list({ prefix: ["k"] }))).length;
    } finally {
      kv.close();
    }
  };
  try {
    // Only the current value's chunks are left: the replaced value's went with it.
    const bytes = new TextEncoder().encode(JSON.stringify(fewer)).length;
    assert.equal(await chunkCount(), Math.ceil(bytes / 60_000));
    const reopened = await openPersistentCache(path, { warn: () => {} });
    assert.ok(reopened);
    try {
      assert.deepEqual(await reopened.get("spotify", "liked"), fewer);
      await reopened.delete("spotify", "liked");
      assert.equal(await reopened.get("spotify", "liked"), undefined);
    } finally {
      await reopened.close();
    }
    assert.equal(await chunkCount(), 0);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: getEntries reads many keys in their order, as getEntry would", async () => {
  const clock = manualClock();
  const { cache, dir } = await openTemp(clock.now, { statsFlushEvery: 1000 });
  try {
    const big = "x".repeat(150_000); // chunked: several KV values
    await cache.set("library", "a", { n: 1 });
    await cache.set("library", "big", { big });
    await cache.set("library", "soon", { n: 3 }, { ttlMs: 1000 });
    await cache.set("spotify", "a", { other: "namespace" });
    await cache.set("library", "forever", null);
    clock.advance(2000);
    const keys = [
      "a",
      "missing",
      "big",
      "soon",
      "forever",
      ...Array.from({ length: 25 }, (_, i) => `n${i}`),
    ];
    await cache.set("library", "n17", { n: 17 });
    const entries = await cache.getEntries<unknown>("library", keys);
    assert.equal(entries.length, keys.length);
    assert.deepEqual(entries[0], { value: { n: 1 }, expiresAt: null });
    assert.equal(entries[1], undefined);
    assert.deepEqual(entries[2]?.value, { big });
    assert.equal(entries[3], undefined, "expired");
    assert.deepEqual(entries[4], { value: null, expiresAt: null });
    assert.deepEqual(entries[5 + 17]?.value, { n: 17 });
    assert.equal(entries.filter((e) => e !== undefined).length, 4);
    // Each key counts one lookup, as get does.
    const stats = await cache.stats();
    assert.deepEqual([stats.library.hits, stats.library.misses], [4, keys.length - 4]);
    assert.deepEqual(await cache.getEntries("library", []), []);
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: setMany stores many values (small, big, expiring) like set", async () => {
  const clock = manualClock();
  const { cache, dir } = await openTemp(clock.now);
  try {
    const entries = Array.from({ length: 120 }, (_, n) => [`k${n}`, { n }] as const);
    const big = "x".repeat(150_000);
    await cache.set("library", "k7", { n: "old" });
    await cache.setMany("library", [...entries, ["big", big]]);
    for (const [key, value] of entries) assert.deepEqual(await cache.get("library", key), value);
    assert.equal(await cache.get("library", "big"), big);
    assert.equal(await cache.count("library"), 121);

    await cache.setMany("search", [["a", 1], ["b", 2]], { ttlMs: 1000 });
    assert.equal(await cache.get("search", "a"), 1);
    clock.advance(1000);
    assert.equal(await cache.get("search", "b"), undefined);

    await cache.setMany("library", [["k1", null], ["k2", null]], { ttlMs: 0 });
    assert.equal(await cache.get("library", "k1"), undefined);
    assert.equal(await cache.count("library"), 119);
    await assert.rejects(cache.setMany("library", [["k3", 1]], { ttlMs: -1 }), RangeError);
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

/** Counts KV commits (every write of the cache is one) while `body` runs. */
async function countingCommits<T>(body: (commits: () => number) => Promise<T>): Promise<T> {
  const prototype = Deno.AtomicOperation.prototype;
  const original = prototype.commit;
  let count = 0;
  prototype.commit = function (this: Deno.AtomicOperation) {
    count++;
    return original.call(this);
  };
  try {
    return await body(() => count);
  } finally {
    prototype.commit = original;
  }
}

Deno.test("PersistentCache: sets made together share one commit", async () => {
  const { cache, dir } = await openTemp();
  try {
    await countingCommits(async (commits) => {
      await Promise.all([
        ...Array.from({ length: 30 }, (_, i) => cache.set("search", `q${i}`, { i })),
        cache.set("match", "m", "url", { ttlMs: 60_000 }),
      ]);
      assert.equal(commits(), 1);
    });
    assert.deepEqual(await cache.get("search", "q29"), { i: 29 });
    assert.equal(await cache.get("match", "m"), "url");
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: a queued set is read back, replaced by a later one, and ordered before a delete", async () => {
  const { cache, dir } = await openTemp(undefined, { writeWindowMs: 60_000 });
  try {
    await countingCommits(async (commits) => {
      const first = cache.set("lyrics", "k", "old");
      const second = cache.set("lyrics", "k", "new");
      assert.equal(await cache.get("lyrics", "k"), "new", "read before the commit");
      assert.deepEqual(await cache.getEntries("lyrics", ["x", "k"]), [undefined, {
        value: "new",
        expiresAt: null,
      }]);
      assert.equal(commits(), 0, "nothing written within the window");
      const removed = cache.delete("lyrics", "k");
      await Promise.all([first, second, removed]);
    });
    assert.equal(await cache.get("lyrics", "k"), undefined, "the delete came last");
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: close writes the queued sets first", async () => {
  const { cache, dir, path } = await openTemp(undefined, { writeWindowMs: 60_000 });
  const pending = cache.set("search", "q", [1, 2, 3]);
  await cache.close();
  await pending;
  const again = await openPersistentCache(path);
  try {
    assert.deepEqual(await again!.get("search", "q"), [1, 2, 3]);
  } finally {
    await again!.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: reads made together share KV calls of ten keys", async () => {
  const { cache, dir } = await openTemp();
  try {
    await Promise.all(Array.from({ length: 25 }, (_, i) => cache.set("spotify", `t${i}`, i)));
    const prototype = Deno.Kv.prototype;
    const { get, getMany } = prototype;
    const calls = { get: 0, getMany: 0 };
    prototype.get = function (this: Deno.Kv, ...args: Parameters<Deno.Kv["get"]>) {
      calls.get++;
      return get.apply(this, args);
    } as Deno.Kv["get"];
    prototype.getMany = function (this: Deno.Kv, ...args: Parameters<Deno.Kv["getMany"]>) {
      calls.getMany++;
      return getMany.apply(this, args);
    } as Deno.Kv["getMany"];
    let values: unknown[];
    try {
      values = await Promise.all(
        Array.from({ length: 30 }, (_, i) => cache.get("spotify", `t${i}`)),
      );
    } finally {
      prototype.get = get;
      prototype.getMany = getMany;
    }
    assert.deepEqual(values, Array.from({ length: 30 }, (_, i) => i < 25 ? i : undefined));
    assert.deepEqual(calls, { get: 0, getMany: 3 });
  } finally {
    await cache.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("PersistentCache: a set after close rejects like every other call", async () => {
  const { cache, dir } = await openTemp();
  await cache.close();
  try {
    let thrown: unknown;
    const result = (() => {
      try {
        return cache.set("search", "q", 1);
      } catch (error) {
        thrown = error;
      }
    })();
    assert.equal(thrown, undefined, "no synchronous throw");
    await assert.rejects(result!, /is closed/);
    await assert.rejects(cache.get("search", "q"), /is closed/);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});
