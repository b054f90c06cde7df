/**
 * A cache file that is locked, cannot be created or belongs to another format
 * gives null plus one warning, so the run continues with memory caches. Tests
 * run as root, where chmod does not stop writes, so "unwritable" is made with a
 * path whose parent is a regular file, and a directory where the file should be.
 */
import assert from "node:assert/strict";
import { openPersistentCache } from "../../src/cache/mod.ts";
import { readUntilLine, spawnDenoSnippet } from "../cache/kv_subprocess.ts";
import { removeWithRetry } from "../fakes/file_tree.ts";

async function openExpectingNull(
  path: string,
  options: { busyTimeoutMs?: number } = {},
): Promise<string> {
  const warnings: string[] = [];
  const cache = await openPersistentCache(path, { warn: (m) => warnings.push(m), ...options });
  if (cache !== null) await cache.close();
  assert.equal(cache, null, `expected null for ${path}`);
  assert.equal(warnings.length, 1);
  const [warning] = warnings;
  assert.ok(warning.includes(path), warning);
  assert.ok(warning.includes("tunedl cache clear"), warning);
  assert.ok(!warning.includes("\n"), "one line");
  return warning;
}

Deno.test("unusable cache: parent of the path is a regular file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-unusable-" });
  try {
    await Deno.writeTextFile(`${dir}/not-a-folder`, "x");
    const warning = await openExpectingNull(`${dir}/not-a-folder/cache.kv`);
    assert.match(warning, /cannot be (created|opened)/);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("unusable cache: a folder stands where the file should be", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-unusable-" });
  try {
    await Deno.mkdir(`${dir}/cache.kv`);
    const warning = await openExpectingNull(`${dir}/cache.kv`);
    assert.match(warning, /cannot be read \(not a regular file\)/);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("unusable cache: written by another format version", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-unusable-" });
  try {
    const path = `${dir}/cache.kv`;
    const kv = await Deno.openKv(path);
    await kv.set(["m", "schema"], 99);
    kv.close();
    const warning = await openExpectingNull(path);
    assert.match(warning, /another tunedl version/);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("unusable cache: a file locked exclusively by another process", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-unusable-" });
  const path = `${dir}/cache.kv`;
  const seed = await openPersistentCache(path);
  assert.ok(seed);
  await seed.set("meta", "k", 1);
  await seed.close();
  // Another program holds SQLite's exclusive lock until told to stop (stdin is
  // closed, so it waits on a file we delete to release it).
  const release = `${dir}/release`;
  await Deno.writeTextFile(release, "");
  const locker = spawnDenoSnippet(`
    import { DatabaseSync } from "node:sqlite";
    const db = new DatabaseSync(${JSON.stringify(path)});
    db.exec("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;");
    console.log("LOCKED");
    while (true) {
      try { Deno.statSync(${JSON.stringify(release)}); } catch { break; }
      await new Promise((r) => setTimeout(r, 20));
    }
    db.exec("COMMIT");
    db.close(); // keeps db alive (and locked) until here
  `);
  const { text, reader } = await readUntilLine(locker.stdout, "LOCKED");
  try {
    assert.ok(text.includes("LOCKED"), `locker did not start: ${text}`);
    const warning = await openExpectingNull(path, { busyTimeoutMs: 100 });
    assert.match(warning, /locked by another program/);
  } finally {
    await Deno.remove(release);
    await reader.cancel();
    const status = await locker.status;
    await locker.stderr.cancel();
    assert.equal(status.code, 0);
  }
  // Once the lock is gone the same file opens again.
  const again = await openPersistentCache(path);
  assert.ok(again);
  assert.equal(await again.get("meta", "k"), 1);
  await again.close();
  await removeWithRetry(dir, { recursive: true });
});
