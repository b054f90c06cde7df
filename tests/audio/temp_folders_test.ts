import assert from "node:assert/strict";
import { join } from "node:path";
import { removeStaleTempFolders } from "../../src/audio/temp_folders.ts";

const NOW = Date.parse("2025-06-01T12:00:00Z");
const HOUR = 60 * 60 * 1000;

interface Entry {
  name: string;
  kind: "dir" | "file";
  /** How long before NOW the entry was last modified (negative: in the future). */
  ageMs: number;
  removed: boolean;
}

const ENTRIES: Entry[] = [
  { name: "run-old", kind: "dir", ageMs: 3 * HOUR, removed: true },
  { name: "run-just-stale", kind: "dir", ageMs: HOUR, removed: true },
  { name: "run-young", kind: "dir", ageMs: HOUR - 1000, removed: false },
  { name: "run-fresh", kind: "dir", ageMs: 0, removed: false },
  { name: "run-future", kind: "dir", ageMs: -HOUR, removed: false },
  { name: "leftover.part", kind: "file", ageMs: 2 * HOUR, removed: true },
  { name: "current.part", kind: "file", ageMs: 60_000, removed: false },
];

Deno.test("removeStaleTempFolders: removes entries at least olderThanMs old, keeps younger ones", async () => {
  const root = await Deno.makeTempDir({ prefix: "tunedl-temp-cleanup-" });
  try {
    for (const entry of ENTRIES) {
      const path = join(root, entry.name);
      if (entry.kind === "dir") {
        // Contents first: creating them would move the folder's mtime.
        await Deno.mkdir(join(path, "nested"), { recursive: true });
        await Deno.writeTextFile(join(path, "nested", "audio.webm"), "partial");
      } else {
        await Deno.writeTextFile(path, "partial");
      }
      const mtime = new Date(NOW - entry.ageMs);
      await Deno.utime(path, mtime, mtime);
    }

    const removed = await removeStaleTempFolders(root, { olderThanMs: HOUR, now: NOW });

    const left = (await Array.fromAsync(Deno.readDir(root))).map((e) => e.name).sort();
    const expectedLeft = ENTRIES.filter((e) => !e.removed).map((e) => e.name).sort();
    assert.deepEqual(left, expectedLeft);
    assert.equal(removed, ENTRIES.filter((e) => e.removed).length);
    // A kept folder keeps its contents.
    assert.equal(
      await Deno.readTextFile(join(root, "run-young", "nested", "audio.webm")),
      "partial",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("removeStaleTempFolders: a missing temp root removes nothing", async () => {
  const parent = await Deno.makeTempDir({ prefix: "tunedl-temp-cleanup-" });
  try {
    const removed = await removeStaleTempFolders(join(parent, "no-such-temp"), {
      olderThanMs: HOUR,
      now: NOW,
    });
    assert.equal(removed, 0);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("removeStaleTempFolders: an empty temp root removes nothing and stays", async () => {
  const root = await Deno.makeTempDir({ prefix: "tunedl-temp-cleanup-" });
  try {
    assert.equal(await removeStaleTempFolders(root, { olderThanMs: 0, now: NOW }), 0);
    assert.ok((await Deno.stat(root)).isDirectory);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
