import assert from "node:assert/strict";
import {
  checkCacheFile,
  cleanCloseFile,
  type CleanCloseStamp,
  cleanCloseStamp,
  openPersistentCache,
  recordCleanClose,
  sameAsStamped,
  takeCleanClose,
} from "../../src/cache/mod.ts";
import { removeWithRetry, waitUntilReleased } from "../fakes/file_tree.ts";

function fileInfo(fields: Partial<Deno.FileInfo>): Deno.FileInfo {
  return {
    isFile: true,
    isDirectory: false,
    isSymlink: false,
    size: 4096,
    mtime: new Date(1_000),
    atime: new Date(1_000),
    birthtime: null,
    ctime: new Date(2_000),
    dev: 7,
    ino: 42,
    mode: 0o644,
    nlink: 1,
    uid: 0,
    gid: 0,
    rdev: 0,
    blksize: 4096,
    blocks: 8,
    isBlockDevice: false,
    isCharDevice: false,
    isFifo: false,
    isSocket: false,
    ...fields,
  };
}

/** Waits until a file written in `dir` gets a change time after `ms`. */
async function untilFileTimesPass(dir: string, ms: number): Promise<void> {
  for (;;) {
    await Deno.writeTextFile(`${dir}/tick`, "");
    if ((await Deno.stat(`${dir}/tick`)).ctime!.getTime() > ms) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

Deno.test("sameAsStamped: only a file exactly as stamped counts as unchanged", () => {
  const stamp: CleanCloseStamp = cleanCloseStamp(fileInfo({}));
  const cases: Array<[string, Partial<Deno.FileInfo>, boolean]> = [
    ["as stamped", {}, true],
    ["other size", { size: 8192 }, false],
    ["written since", { mtime: new Date(1_001) }, false],
    ["times put back after a write", { ctime: new Date(3_000) }, false],
    ["copied over (other inode)", { ino: 43 }, false],
    ["other disk", { dev: 8 }, false],
    ["no modification time", { mtime: null }, false],
    ["read since (access time only)", { atime: new Date(9_000) }, true],
  ];
  for (const [name, fields, expected] of cases) {
    assert.equal(sameAsStamped(stamp, fileInfo(fields)), expected, name);
  }
});

Deno.test("takeCleanClose: reads the stamp once and removes it; a garbled one is no stamp", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-stamp-" });
  try {
    const path = `${dir}/cache.kv`;
    assert.equal(await takeCleanClose(path), undefined);
    await Deno.writeTextFile(path, "x");
    await recordCleanClose(path);
    const stamp = await takeCleanClose(path);
    assert.deepEqual(stamp, cleanCloseStamp(await Deno.stat(path)));
    assert.equal(await takeCleanClose(path), undefined, "taken once");
    await Deno.writeTextFile(cleanCloseFile(path), '{"size": "big"');
    assert.equal(await takeCleanClose(path), undefined);
    await assert.rejects(Deno.stat(cleanCloseFile(path)), Deno.errors.NotFound);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("checkCacheFile: a file unchanged since a clean close is not checked again; a change or a log file is", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-stamp-" });
  try {
    const path = `${dir}/cache.kv`;
    const cache = await openPersistentCache(path);
    assert.ok(cache);
    await cache.set("meta", "k", 1);
    await cache.close();
    await waitUntilReleased(path);
    const stamp = await takeCleanClose(path);
    assert.ok(stamp, "a clean close leaves a stamp");
    assert.deepEqual(await checkCacheFile(path, { cleanClose: stamp }), {
      ok: true,
      exists: true,
      unchanged: true,
    });
    // A log SQLite has not folded in yet: the stamp does not vouch for it.
    await Deno.writeTextFile(`${path}-wal`, "");
    assert.deepEqual(await checkCacheFile(path, { cleanClose: stamp }), { ok: true, exists: true });
    await Deno.remove(`${path}-wal`);
    // File times come from a coarse clock: a write in the close's own tick would look the same.
    await untilFileTimesPass(dir, stamp.ctime_ms!);
    const bytes = await Deno.readFile(path);
    await Deno.writeFile(path, bytes);
    await Deno.utime(path, new Date(), new Date(stamp.mtime_ms!));
    assert.deepEqual(await checkCacheFile(path, { cleanClose: stamp }), { ok: true, exists: true });
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("openPersistentCache: the stamp goes when the file opens and comes back when it closes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-stamp-" });
  try {
    const path = `${dir}/cache.kv`;
    const first = await openPersistentCache(path);
    assert.ok(first);
    await first.close();
    await Deno.stat(cleanCloseFile(path));
    const second = await openPersistentCache(path);
    assert.ok(second);
    // A run killed now must leave no stamp behind for a file it may have written.
    await assert.rejects(Deno.stat(cleanCloseFile(path)), Deno.errors.NotFound);
    await second.set("meta", "k", 2);
    await second.close();
    const stamp = await takeCleanClose(path);
    assert.ok(stamp && sameAsStamped(stamp, await Deno.stat(path)));
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});
