import assert from "node:assert/strict";
import { join } from "node:path";
import { FileExistsCache, fileProbe, openPersistentCache } from "../../src/cache/mod.ts";
import {
  noWholeFiles,
  recheckLibraryFiles,
  rememberWholeFiles,
} from "../../src/cli/library_recheck.ts";
import type { RunContext } from "../../src/cli/run_context.ts";
import { parseConfig } from "../../src/config/mod.ts";
import { LibraryIndex } from "../../src/library/mod.ts";
import { createPlanItem, type Plan, type PlanItem } from "../../src/plan/mod.ts";

function track(id: string, path: string, status: "completed" | "skipped"): PlanItem {
  return createPlanItem({
    id: `track:${id}`,
    type: "track",
    name: id,
    spotify_id: id,
    path,
    status,
    ...(status === "skipped" ? { skip_reason: "exists" } : {}),
    metadata: { durationMs: 30_000 } as PlanItem["metadata"],
  });
}

const planOf = (items: PlanItem[]): Plan => ({
  version: 1,
  config_hash: "h",
  created_at: "2026-01-01T00:00:00.000Z",
  items,
});

/** A library index in a fresh cache, a config whose library is in the same temp folder. */
async function withLibrary(
  fn: (world: { index: LibraryIndex; root: string; context: () => RunContext }) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-recheck-" });
  const cache = await openPersistentCache(join(dir, "cache.kv"));
  assert.ok(cache);
  try {
    const index = new LibraryIndex(cache);
    const loaded = parseConfig(`version: "1.2"\ndownload:\n  output: "{title}"\n`, {
      file: join(dir, "config.yaml"),
      env: {},
    });
    // Each call a fresh file-exists cache, as each run has.
    const context = () =>
      ({
        libraryIndex: index,
        loaded,
        caches: {
          files: new FileExistsCache({ maxSize: 1000, ttlMs: 60_000, probe: fileProbe() }),
        },
      }) as unknown as RunContext;
    await fn({ index, root: loaded.library.baseDir, context });
  } finally {
    await cache.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("checked files: a download keeps the files it wrote whole; the next run settles them by a stat, a changed one by its entry", async () => {
  await withLibrary(async ({ index, root, context }) => {
    const files = ["a", "b", "c"].map((id) => ({ id, path: join(root, `${id}.mp3`) }));
    for (const { id, path } of files) {
      await Deno.writeFile(path, new Uint8Array(100));
      const info = await Deno.stat(path);
      // c was written by an older tunedl: no verified length.
      await index.record(id, {
        path,
        size: 100,
        mtimeMs: info.mtime!.getTime(),
        ...(id === "c" ? {} : { durationSec: 30 }),
      });
    }
    // The run that wrote them.
    const written = planOf(files.map(({ id, path }) => track(id, path, "completed")));
    await rememberWholeFiles(context(), written, noWholeFiles());
    const checked = await index.checkedFiles(root);
    assert.deepEqual([...checked.keys()].sort(), ["a", "b"]);

    // The next run: b changed since (cut short by hand), a did not.
    await Deno.writeFile(files[1].path, new Uint8Array(50));
    const whole = noWholeFiles();
    const present = planOf(files.map(({ id, path }) => track(id, path, "skipped")));
    const rechecked = await recheckLibraryFiles(context(), present, { whole });
    assert.equal(whole.before.size, 2);
    // Without ffprobe nothing is read: b is no longer known whole, a still is.
    assert.deepEqual([...whole.found.keys()], ["a"]);
    assert.deepEqual(rechecked.items.map((item) => item.status), ["skipped", "skipped", "skipped"]);
    await rememberWholeFiles(context(), rechecked, whole);
    assert.deepEqual([...(await index.checkedFiles(root)).keys()], ["a"]);
  });
});

Deno.test("checked files: a large run's entries are read a slice at a time, every slice counted; a file changed since is caught by the next run", async () => {
  await withLibrary(async ({ index, root, context }) => {
    // More tracks than several slices of entries.
    const files = Array.from({ length: 300 }, (_, n) => ({
      id: `t${n}`,
      path: join(root, `t${n}.mp3`),
    }));
    for (const { id, path } of files) {
      await Deno.writeFile(path, new Uint8Array(10));
      // t150 was written by an older tunedl (no verified length); t299's entry names another file.
      await index.record(id, {
        path: id === "t299" ? join(root, "elsewhere.mp3") : path,
        size: 10,
        mtimeMs: (await Deno.stat(path)).mtime!.getTime(),
        ...(id === "t150" ? {} : { durationSec: 30 }),
      });
    }
    const written = planOf(files.map(({ id, path }) => track(id, path, "completed")));
    await rememberWholeFiles(context(), written, noWholeFiles());
    const checked = await index.checkedFiles(root);
    assert.equal(checked.size, 298);
    assert.ok(checked.has("t0") && checked.has("t298"), "the first and the last slice");
    assert.ok(!checked.has("t150") && !checked.has("t299"));

    // Cut short after the run: the next run's check does not take it as whole.
    await Deno.writeFile(files[200].path, new Uint8Array(5));
    const whole = noWholeFiles();
    const present = planOf(files.map(({ id, path }) => track(id, path, "skipped")));
    await recheckLibraryFiles(context(), present, { whole });
    assert.ok(whole.found.has("t199") && !whole.found.has("t200"));
  });
});
