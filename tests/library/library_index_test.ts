import { LibraryIndex, type StatFile } from "../../src/library/mod.ts";
import assert from "node:assert/strict";
import { openPersistentCache, type PersistentCache } from "../../src/cache/mod.ts";
import { removeWithRetry } from "../fakes/file_tree.ts";

/** Real stat of the file system, as the CLI wires it. */
const realStat: StatFile = async (path) => {
  try {
    const info = await Deno.stat(path);
    return { size: info.size, mtimeMs: info.mtime?.getTime() ?? null };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
};

Deno.test("LibraryIndex: trusts an entry only while size and mtime match one stat", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-library-" });
  const cache = await openPersistentCache(`${dir}/cache.kv`);
  try {
    assert.ok(cache, "the cache opens (needs --unstable-kv)");
    const index = new LibraryIndex(cache);
    const song = `${dir}/song.mp3`;
    await Deno.writeFile(song, new Uint8Array(1000));
    const info = await Deno.stat(song);
    await index.record("track1", { path: song, size: 1000, mtimeMs: info.mtime!.getTime() });

    let statCalls = 0;
    const countingStat: StatFile = (path) => {
      statCalls++;
      return realStat(path);
    };
    assert.deepEqual(await index.lookup("track1", { stat: countingStat }), {
      path: song,
      size: 1000,
      mtimeMs: info.mtime!.getTime(),
    });
    assert.equal(statCalls, 1);
    assert.equal(await index.lookup("unknown", { stat: countingStat }), undefined);
    assert.equal(statCalls, 1); // no entry, no stat

    // Same size, different mtime: the file was replaced behind tunedl's back.
    await Deno.utime(song, 1_000_000, 1_000_000);
    assert.equal(await index.lookup("track1", { stat: countingStat }), undefined);
    assert.equal(await cache.get("library", "track1"), undefined, "stale entry is deleted");

    // Size change.
    const now = await Deno.stat(song);
    await index.record("track1", { path: song, size: 999, mtimeMs: now.mtime!.getTime() });
    assert.equal(await index.lookup("track1", { stat: realStat }), undefined);

    // File gone (stat returns undefined) and a stat that throws.
    await index.record("track2", { path: `${dir}/gone.mp3`, size: 1, mtimeMs: 1 });
    assert.equal(await index.lookup("track2", { stat: realStat }), undefined);
    await index.record("track3", { path: song, size: 1000, mtimeMs: now.mtime!.getTime() });
    const throwing: StatFile = () => Promise.reject(new Error("permission denied"));
    assert.equal(await index.lookup("track3", { stat: throwing }), undefined);
    assert.equal(await cache.get("library", "track3"), undefined);

    await index.record("track4", { path: song, size: 1000, mtimeMs: now.mtime!.getTime() });
    await index.forget("track4");
    assert.equal(await index.lookup("track4", { stat: realStat }), undefined);
  } finally {
    await cache?.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("LibraryIndex: a malformed stored entry is dropped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-library-" });
  const cache = await openPersistentCache(`${dir}/cache.kv`);
  try {
    assert.ok(cache, "the cache opens (needs --unstable-kv)");
    await cache.set("library", "t", { path: 5 });
    const index = new LibraryIndex(cache);
    assert.equal(await index.lookup("t", { stat: realStat }), undefined);
    assert.equal(await cache.count("library"), 0);
  } finally {
    await cache?.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("LibraryIndex: entries are read together in order; checked files are kept per library", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-library-" });
  const cache = await openPersistentCache(`${dir}/cache.kv`);
  try {
    assert.ok(cache, "the cache opens (needs --unstable-kv)");
    const index = new LibraryIndex(cache);
    await index.record("t1", { path: "/m/1.mp3", size: 1, mtimeMs: 10, durationSec: 3 });
    await index.record("t3", { path: "/m/3.mp3", size: 3, mtimeMs: 30 });
    await cache.set("library", "t4", { path: 4 }); // not an entry
    assert.deepEqual(await index.entries(["t3", "t2", "t1", "t4"]), [
      { path: "/m/3.mp3", size: 3, mtimeMs: 30 },
      undefined,
      { path: "/m/1.mp3", size: 1, mtimeMs: 10, durationSec: 3 },
      undefined,
    ]);

    assert.equal((await index.checkedFiles("/m")).size, 0);
    const files = new Map([["t1", { path: "/m/1.mp3", size: 1, mtimeMs: 10 }]]);
    await index.saveCheckedFiles("/m", files);
    await index.saveCheckedFiles("/other", new Map());
    assert.deepEqual(await index.checkedFiles("/m"), files);
    assert.equal((await index.checkedFiles("/other")).size, 0);
    // The copy is no track's entry.
    assert.equal(await index.entry("checked-files:/m"), undefined);
    // A damaged copy reads as none: every file is then looked up by its entry.
    await cache.set("library", "checked-files:/m", { files: [["t1", "/m/1.mp3", "big", 10], 7] });
    assert.equal((await index.checkedFiles("/m")).size, 0);
    await cache.set("library", "checked-files:/m", "garbage");
    assert.equal((await index.checkedFiles("/m")).size, 0);
  } finally {
    await cache?.close();
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("LibraryIndex: records made while a commit is under way go together in the next one", async () => {
  const commits: string[][] = [];
  let open: () => void = () => {};
  const stored = new Map<string, unknown>();
  const cache = {
    get: (_ns: string, key: string) => Promise.resolve(stored.get(key)),
    delete: (_ns: string, key: string) => Promise.resolve(void stored.delete(key)),
    setMany: async (_ns: string, entries: [string, unknown][]) => {
      commits.push(entries.map(([key]) => key));
      // The first commit is slow: everything recorded meanwhile waits for the next.
      if (commits.length === 1) await new Promise<void>((resolve) => (open = resolve));
      for (const [key, value] of entries) stored.set(key, value);
    },
  } as unknown as PersistentCache;
  const index = new LibraryIndex(cache);
  const entry = (n: number) => ({ path: `/music/${n}.mp3`, size: n, mtimeMs: n });
  const first = [index.record("a", entry(1)), index.record("isrc:A", entry(1))];
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(commits, [["a", "isrc:A"]], "the same turn's records: one commit");
  const later = ["b", "c", "d"].map((id, n) => index.record(id, entry(n + 2)));
  // Not committed yet, but read back as recorded.
  assert.deepEqual(await index.entry("c"), entry(3));
  assert.deepEqual(await index.entries(["c", "b"]), [entry(3), entry(2)]);
  const forgotten = index.forget("d");
  open();
  await Promise.all([...first, ...later, forgotten]);
  assert.deepEqual(commits, [["a", "isrc:A"], ["b", "c"]]);
  assert.deepEqual(await index.entry("b"), entry(2));
  assert.equal(await index.entry("d"), undefined);
});
