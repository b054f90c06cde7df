import assert from "node:assert/strict";
import { type MemoryCacheStats, TtlLruCache } from "../../src/cache/mod.ts";

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/** A promise plus its resolve/reject, to hold a loader open. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

Deno.test("TtlLruCache: entries expire at their TTL and count as misses and expirations", () => {
  const clock = manualClock();
  const cache = new TtlLruCache<string>({ maxSize: 10, ttlMs: 1000, now: clock.now });
  cache.set("a", "A");
  cache.set("b", "B", { ttlMs: 5000 });
  clock.advance(999);
  assert.equal(cache.get("a"), "A");
  clock.advance(1); // exactly at the TTL: expired
  assert.equal(cache.get("a"), undefined);
  assert.equal(cache.has("a"), false);
  assert.equal(cache.get("b"), "B");
  clock.advance(4000);
  assert.equal(cache.has("b"), false);
  const stats = cache.stats();
  assert.equal(stats.hits, 2);
  assert.equal(stats.misses, 1);
  assert.equal(stats.expirations, 2);
  assert.equal(stats.size, 0);
});

Deno.test("TtlLruCache: ttl 0 stores nothing, Infinity never expires", () => {
  const clock = manualClock();
  const cache = new TtlLruCache<number>({ maxSize: 3, ttlMs: Infinity, now: clock.now });
  cache.set("forever", 1);
  cache.set("never", 2, { ttlMs: 0 });
  clock.advance(10 ** 12);
  assert.equal(cache.get("forever"), 1);
  assert.equal(cache.has("never"), false);
  assert.throws(() => cache.set("x", 3, { ttlMs: -1 }), RangeError);
  assert.throws(() => new TtlLruCache({ maxSize: 1.5, ttlMs: 1 }), RangeError);
});

Deno.test("TtlLruCache: evicts exactly the least recently used entry", () => {
  const cache = new TtlLruCache<number>({ maxSize: 3, ttlMs: 60_000 });
  cache.set("a", 1);
  cache.set("b", 2);
  cache.set("c", 3);
  assert.equal(cache.get("a"), 1); // order now b, c, a
  cache.set("d", 4); // evicts b
  assert.equal(cache.has("b"), false);
  assert.deepEqual(["a", "c", "d"].map((k) => cache.has(k)), [true, true, true]);
  cache.set("c", 30); // overwriting makes c most recent: order a, d, c
  cache.set("e", 5); // evicts a
  assert.equal(cache.has("a"), false);
  assert.equal(cache.has("d"), true);
  // has() must not refresh: d is still the oldest.
  cache.set("f", 6);
  assert.equal(cache.has("d"), false);
  assert.deepEqual(["c", "e", "f"].map((k) => cache.get(k)), [30, 5, 6]);
  assert.equal(cache.stats().evictions, 3);
  assert.equal(cache.size, 3);
});

Deno.test("TtlLruCache: an expired LRU entry pushed out counts as an expiration", () => {
  const clock = manualClock();
  const cache = new TtlLruCache<number>({ maxSize: 2, ttlMs: 1000, now: clock.now });
  cache.set("old", 1, { ttlMs: 10 });
  cache.set("live", 2);
  clock.advance(20);
  cache.set("new", 3);
  const stats = cache.stats();
  assert.equal(stats.evictions, 0);
  assert.equal(stats.expirations, 1);
  assert.equal(cache.get("live"), 2);
});

Deno.test("TtlLruCache: delete and clear", () => {
  const cache = new TtlLruCache<number>({ maxSize: 5, ttlMs: 1000 });
  cache.set("a", 1);
  cache.set("b", 2);
  assert.equal(cache.delete("a"), true);
  assert.equal(cache.delete("a"), false);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.get("b"), undefined);
});

Deno.test("TtlLruCache: concurrent getOrLoad of one key runs the loader once", async () => {
  const cache = new TtlLruCache<string>({ maxSize: 5, ttlMs: 1000 });
  const gate = deferred<string>();
  let calls = 0;
  const loader = () => {
    calls++;
    return gate.promise;
  };
  const first = cache.getOrLoad("k", loader);
  const second = cache.getOrLoad("k", loader);
  const other = cache.getOrLoad("other", () => Promise.resolve("O"));
  gate.resolve("V");
  assert.deepEqual(await Promise.all([first, second, other]), ["V", "V", "O"]);
  assert.equal(calls, 1);
  assert.equal(await cache.getOrLoad("k", loader), "V"); // now cached
  assert.equal(calls, 1);
  const stats = cache.stats();
  assert.equal(stats.loads, 2);
  assert.equal(stats.coalesced, 1);
  assert.equal(stats.hits, 1);
  assert.equal(stats.misses, 3);
});

Deno.test("TtlLruCache: a rejected load reaches every waiter and is not cached", async () => {
  const cache = new TtlLruCache<string>({ maxSize: 5, ttlMs: 1000 });
  const gate = deferred<string>();
  let calls = 0;
  const failing = () => {
    calls++;
    return gate.promise;
  };
  const first = cache.getOrLoad("k", failing);
  const second = cache.getOrLoad("k", failing);
  gate.reject(new Error("boom"));
  await assert.rejects(first, /boom/);
  await assert.rejects(second, /boom/);
  assert.equal(calls, 1);
  assert.equal(cache.has("k"), false);
  // The next call loads again, and a loader that throws synchronously is a rejection too.
  await assert.rejects(
    cache.getOrLoad("k", () => {
      calls++;
      throw new Error("sync boom");
    }),
    /sync boom/,
  );
  assert.equal(await cache.getOrLoad("k", () => Promise.resolve("ok")), "ok");
  assert.equal(calls, 2);
});

Deno.test("TtlLruCache: ttlFor picks the TTL from the loaded value", async () => {
  const clock = manualClock();
  const cache = new TtlLruCache<string | null>({ maxSize: 5, ttlMs: 10_000, now: clock.now });
  const ttlFor = (value: string | null) => value === null ? 100 : 10_000;
  await cache.getOrLoad("missing", () => Promise.resolve(null), { ttlFor });
  await cache.getOrLoad("found", () => Promise.resolve("x"), { ttlFor, ttlMs: 1 });
  await cache.getOrLoad("short", () => Promise.resolve("y"), { ttlMs: 50 });
  clock.advance(100);
  assert.equal(cache.has("missing"), false);
  assert.equal(cache.has("short"), false);
  assert.equal(cache.has("found"), true);
});

Deno.test("TtlLruCache: set or delete during a load wins over the load's result", async () => {
  const cache = new TtlLruCache<string>({ maxSize: 5, ttlMs: 1000 });
  const slow = deferred<string>();
  const loading = cache.getOrLoad("k", () => slow.promise);
  cache.set("k", "explicit");
  slow.resolve("stale");
  assert.equal(await loading, "stale");
  assert.equal(cache.get("k"), "explicit");

  const slow2 = deferred<string>();
  const loading2 = cache.getOrLoad("j", () => slow2.promise);
  cache.delete("j");
  // A new caller after delete starts its own load instead of joining the old one.
  const fresh = cache.getOrLoad("j", () => Promise.resolve("fresh"));
  slow2.resolve("stale");
  assert.equal(await loading2, "stale");
  assert.equal(await fresh, "fresh");
  assert.equal(cache.get("j"), "fresh");
});

Deno.test("TtlLruCache: many interleaved async callers see consistent values", async () => {
  const cache = new TtlLruCache<number>({ maxSize: 8, ttlMs: 1000 });
  const calls = new Map<string, number>();
  const load = (key: string) => async () => {
    calls.set(key, (calls.get(key) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 1));
    return Number(key.slice(1));
  };
  const keys = Array.from({ length: 200 }, (_, i) => `k${i % 5}`);
  const values = await Promise.all(keys.map((key) => cache.getOrLoad(key, load(key))));
  assert.deepEqual(values, keys.map((key) => Number(key.slice(1))));
  assert.deepEqual([...calls.values()], [1, 1, 1, 1, 1]);
  const stats = cache.stats();
  assert.equal(stats.hits + stats.misses, 200);
  assert.equal(stats.loads, 5);
  assert.equal(stats.coalesced, 195);
});

type Op = ["set", string] | ["get", string] | ["tick", number];

const statsTable: Array<{
  name: string;
  maxSize: number;
  ops: Op[];
  expect: Partial<MemoryCacheStats>;
}> = [
  { name: "nothing yet", maxSize: 2, ops: [], expect: { hits: 0, misses: 0, hitRate: 0 } },
  {
    name: "one hit one miss",
    maxSize: 2,
    ops: [["set", "a"], ["get", "a"], ["get", "b"]],
    expect: { hits: 1, misses: 1, hitRate: 0.5, size: 1 },
  },
  {
    name: "three hits one miss",
    maxSize: 2,
    ops: [["set", "a"], ["get", "a"], ["get", "a"], ["get", "a"], ["get", "z"]],
    expect: { hits: 3, misses: 1, hitRate: 0.75 },
  },
  {
    name: "evictions",
    maxSize: 2,
    ops: [["set", "a"], ["set", "b"], ["set", "c"], ["set", "d"], ["get", "a"], ["get", "d"]],
    expect: { hits: 1, misses: 1, evictions: 2, size: 2, maxSize: 2 },
  },
  {
    name: "expired lookups are misses and expirations",
    maxSize: 4,
    ops: [["set", "a"], ["set", "b"], ["tick", 1000], ["get", "a"], ["get", "b"], ["get", "a"]],
    expect: { hits: 0, misses: 3, hitRate: 0, expirations: 2, size: 0 },
  },
];

for (const row of statsTable) {
  Deno.test(`TtlLruCache stats: ${row.name}`, () => {
    const clock = manualClock();
    const cache = new TtlLruCache<number>({ maxSize: row.maxSize, ttlMs: 1000, now: clock.now });
    for (const op of row.ops) {
      if (op[0] === "set") cache.set(op[1], 1);
      else if (op[0] === "get") cache.get(op[1]);
      else clock.advance(op[1]);
    }
    const stats = cache.stats();
    for (const [field, value] of Object.entries(row.expect)) {
      assert.equal(stats[field as keyof MemoryCacheStats], value, field);
    }
  });
}
