/**
 * Damaged cache files must not stop (or crash) a run. A fully garbage file makes
 * Deno.openKv throw, but a valid KV file whose later pages are garbage opens
 * and then makes Deno panic in a background thread, which no try/catch stops.
 * Every open here runs in a child process so a panic cannot kill the runner.
 */
import assert from "node:assert/strict";
import { checkCacheFile, cleanCloseFile, openPersistentCache } from "../../src/cache/mod.ts";
import { cacheModUrl, runDenoSnippet } from "../cache/kv_subprocess.ts";
import { removeWithRetry, waitUntilReleased } from "../fakes/file_tree.ts";

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function garbage(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Writes a KV file with about 1 MB of entries (hundreds of SQLite pages). */
async function writeBigKv(path: string): Promise<void> {
  const kv = await Deno.openKv(path);
  try {
    for (let batch = 0; batch < 10; batch++) {
      const op = kv.atomic();
      for (let i = 0; i < 200; i++) {
        const n = batch * 200 + i;
        // Some entries expire so the background expiry task has work to read.
        op.set(["e", "spotify", `k${n}`], { pad: "v".repeat(500), n }, {
          expireIn: n % 2 === 0 ? 3_600_000 : undefined,
        });
      }
      assert.equal((await op.commit()).ok, true);
    }
  } finally {
    kv.close();
  }
}

async function removeSideFiles(path: string): Promise<void> {
  for (const side of [`${path}-wal`, `${path}-shm`]) {
    await removeWithRetry(side, { missingOk: true });
  }
}

/** Overwrites everything from the 9th SQLite page on with garbage. */
async function damageLaterPages(path: string): Promise<{ pageSize: number; pages: number }> {
  const bytes = await Deno.readFile(path);
  const raw = (bytes[16] << 8) | bytes[17];
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = bytes.length / pageSize;
  assert.ok(pages > 50, `expected many pages, got ${pages}`);
  bytes.set(garbage(bytes.length - 8 * pageSize), 8 * pageSize);
  await Deno.writeFile(path, bytes);
  return { pageSize, pages };
}

/** A child that opens the file through openPersistentCache and keeps running a while. */
function guardedOpenSnippet(path: string): string {
  return `
    import { openPersistentCache } from ${JSON.stringify(cacheModUrl)};
    const cache = await openPersistentCache(${JSON.stringify(path)}, {
      warn: (m) => console.error("WARN " + m),
    });
    console.log("RESULT " + (cache === null ? "null" : "cache"));
    // Give any background KV thread time to hit the damage.
    await new Promise((r) => setTimeout(r, 500));
    await cache?.close();
    console.log("SURV" + "IVED");
  `;
}

/** A child that opens the file with Deno.openKv directly (the trap this code avoids). */
function rawOpenSnippet(path: string): string {
  return `
    try {
      const kv = await Deno.openKv(${JSON.stringify(path)});
      try { await kv.get(["e", "spotify", "k5"]); } catch { /* read errors are catchable */ }
      await new Promise((r) => setTimeout(r, 500));
      kv.close();
    } catch { /* an open error is catchable too */ }
    console.log("SURV" + "IVED");
  `;
}

function assertRefusedAndAlive(
  result: { code: number; stdout: string; stderr: string },
  path: string,
  reason: RegExp,
): void {
  const context = `stdout: ${result.stdout}\nstderr: ${result.stderr}`;
  assert.equal(result.code, 0, context);
  assert.doesNotMatch(result.stderr, /panicked/, context);
  assert.match(result.stdout, /^RESULT null$/m, context);
  assert.match(result.stdout, /^SURVIVED$/m, context);
  const warnings = result.stderr.split("\n").filter((line) => line.startsWith("WARN "));
  assert.equal(warnings.length, 1, context);
  assert.ok(warnings[0].includes(path), context);
  assert.ok(warnings[0].includes("tunedl cache clear"), context);
  assert.match(warnings[0], reason, context);
}

Deno.test("corrupt cache: a fully garbage file is refused and the run continues", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-corrupt-" });
  try {
    const path = `${dir}/cache.kv`;
    await Deno.writeFile(path, garbage(64 * 1024));
    const check = await checkCacheFile(path);
    assert.equal(!check.ok && check.problem, "not_database");
    assertRefusedAndAlive(
      await runDenoSnippet(guardedOpenSnippet(path)),
      path,
      /not a tunedl cache/,
    );
    // The refused file is left for `tunedl cache clear`, not silently replaced.
    assert.equal((await Deno.stat(path)).size, 64 * 1024);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("corrupt cache: a KV file with garbage past its first pages is refused, no panic", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-corrupt-" });
  try {
    const path = `${dir}/cache.kv`;
    await writeBigKv(path);
    // Windows: until KV lets go of the file it may still checkpoint into it, after the damage.
    await waitUntilReleased(path);
    await removeSideFiles(path);
    assert.deepEqual(await checkCacheFile(path), { ok: true, exists: true });
    await damageLaterPages(path);
    await removeSideFiles(path);

    const check = await checkCacheFile(path);
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.problem, "damaged");

    // Control: this really is the file that brings Deno down when opened directly.
    const control = await runDenoSnippet(rawOpenSnippet(path));
    assert.ok(
      control.code !== 0 && !/^SURVIVED$/m.test(control.stdout),
      `expected the unguarded open to fail: code ${control.code}, stderr: ${control.stderr}`,
    );

    assertRefusedAndAlive(await runDenoSnippet(guardedOpenSnippet(path)), path, /is damaged/);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});

Deno.test("corrupt cache: damage right after a clean close is found: the stamp no longer matches", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-corrupt-" });
  try {
    const path = `${dir}/cache.kv`;
    const cache = await openPersistentCache(path);
    assert.ok(cache);
    for (let batch = 0; batch < 20; batch++) {
      await cache.setMany(
        "spotify",
        Array.from(
          { length: 50 },
          (_, i) => [`k${batch}-${i}`, { pad: "v".repeat(1000) }] as const,
        ),
      );
    }
    await cache.close();
    await waitUntilReleased(path);
    await Deno.stat(cleanCloseFile(path));
    // Same size, same inode, written right after the close: only its time tells.
    await damageLaterPages(path);
    assertRefusedAndAlive(await runDenoSnippet(guardedOpenSnippet(path)), path, /is damaged/);
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});
