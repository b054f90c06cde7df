/**
 * Two tunedl processes on one cache file (cron overlapping a manual run) must
 * not corrupt it: KV's SQLite transactions serialize their writes.
 */
import assert from "node:assert/strict";
import { checkCacheFile, openPersistentCache } from "../../src/cache/mod.ts";
import { cacheModUrl, readUntilLine, spawnDenoSnippet } from "../cache/kv_subprocess.ts";
import { removeWithRetry } from "../fakes/file_tree.ts";

const WRITES = 300;
const SHARED = 40;

function writerSnippet(path: string, go: string, name: string): string {
  return `
    import { openPersistentCache } from ${JSON.stringify(cacheModUrl)};
    const cache = await openPersistentCache(${JSON.stringify(path)}, {
      warn: (m) => console.error("WARN " + m),
      statsFlushEvery: 25,
    });
    if (cache === null) Deno.exit(3);
    console.log("READY");
    // Start together so the writes really interleave.
    while (true) {
      try { Deno.statSync(${JSON.stringify(go)}); break; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 5));
    }
    for (let i = 0; i < ${WRITES}; i++) {
      await cache.set("spotify", ${JSON.stringify(name)} + ":" + i, { by: ${
    JSON.stringify(name)
  }, i, pad: "p".repeat(200) });
      if (i < ${SHARED}) {
        await cache.set("search", "shared:" + i, { by: ${JSON.stringify(name)}, i });
        await cache.get("search", "shared:" + i); // a hit: this process just wrote it
        await cache.get("match", ${JSON.stringify(name)} + ":none:" + i); // a miss
      }
    }
    // A value big enough to be split into chunks, written by both.
    await cache.set("spotify", "big", { by: ${
    JSON.stringify(name)
  }, items: Array.from({ length: 2000 }, (_, i) => "item " + i + " ".repeat(60)) });
    await cache.close();
    console.log("DONE");
  `;
}

Deno.test("two processes writing one cache file concurrently keep it intact", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-concurrent-" });
  const path = `${dir}/cache.kv`;
  const go = `${dir}/go`;
  const children = ["alpha", "beta"].map((name) => spawnDenoSnippet(writerSnippet(path, go, name)));
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  try {
    for (const child of children) {
      const { text, reader } = await readUntilLine(child.stdout, "READY");
      readers.push(reader);
      if (!text.includes("READY")) {
        const stderr = await new Response(child.stderr).text();
        assert.fail(`writer did not start (exit ${(await child.status).code}): ${text} ${stderr}`);
      }
    }
    await Deno.writeTextFile(go, "");
    const outputs = await Promise.all(children.map(async (child, index) => {
      const [status, stderr] = await Promise.all([
        child.status,
        new Response(child.stderr).text(),
      ]);
      let rest = "";
      const decoder = new TextDecoder();
      while (true) {
        const { value, done } = await readers[index].read();
        if (done) break;
        rest += decoder.decode(value, { stream: true });
      }
      return { code: status.code, stderr, rest };
    }));
    for (const output of outputs) {
      assert.equal(output.code, 0, output.stderr);
      assert.ok(output.rest.includes("DONE"), output.stderr);
      assert.doesNotMatch(output.stderr, /WARN|panicked|error/i);
    }

    assert.deepEqual(await checkCacheFile(path), { ok: true, exists: true });
    const cache = await openPersistentCache(path);
    assert.ok(cache);
    try {
      // Both processes' statistics were added, none lost to a race (read before
      // this process's own lookups add to them).
      const stats = await cache.stats();
      assert.equal(stats.search.hits, 2 * SHARED);
      assert.equal(stats.match.misses, 2 * SHARED);
      for (const name of ["alpha", "beta"]) {
        for (let i = 0; i < WRITES; i++) {
          const got: { by: string; i: number } | undefined = await cache.get(
            "spotify",
            `${name}:${i}`,
          );
          assert.deepEqual(got && { by: got.by, i: got.i }, { by: name, i });
        }
      }
      for (let i = 0; i < SHARED; i++) {
        const value = await cache.get<{ by: string; i: number }>("search", `shared:${i}`);
        assert.ok(value && ["alpha", "beta"].includes(value.by) && value.i === i);
      }
      const big = await cache.get<{ by: string; items: string[] }>("spotify", "big");
      assert.ok(big && ["alpha", "beta"].includes(big.by));
      assert.equal(big.items.length, 2000);
      assert.equal(big.items[1999], "item 1999" + " ".repeat(60));
      assert.equal(await cache.count("spotify"), 2 * WRITES + 1);
    } finally {
      await cache.close();
    }
  } finally {
    for (const child of children) {
      try {
        child.kill();
      } catch {
        // Already exited.
      }
    }
    await removeWithRetry(dir, { recursive: true });
  }
});
