import { moveIntoPlace, tempPathFor, writeFileAtomic } from "../../src/util/mod.ts";
import assert from "node:assert/strict";
import path from "node:path";

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl_atomic_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("writeFileAtomic creates folders, writes text and leaves no temp file", async () => {
  await withTempDir(async (dir) => {
    const target = path.join(dir, "a", "b", "list.m3u8");
    await writeFileAtomic(target, "#EXTM3U\n");
    assert.equal(await Deno.readTextFile(target), "#EXTM3U\n");
    assert.deepEqual(await listNames(path.dirname(target)), ["list.m3u8"]);
  });
});

Deno.test("writeFileAtomic replaces an existing file with bytes", async () => {
  await withTempDir(async (dir) => {
    const target = path.join(dir, "cover.jpg");
    await Deno.writeTextFile(target, "old content that is longer");
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]), { sync: false });
    assert.deepEqual(await Deno.readFile(target), new Uint8Array([1, 2, 3]));
    assert.deepEqual(await listNames(dir), ["cover.jpg"]);
  });
});

Deno.test("writeFileAtomic writes text given in pieces, one after another", async () => {
  await withTempDir(async (dir) => {
    const target = path.join(dir, "plan.json");
    await Deno.writeTextFile(target, "an older, longer plan that must be replaced");
    function* pieces() {
      yield '{"items":[';
      yield '"ä",';
      yield '"b"]}';
    }
    await writeFileAtomic(target, pieces(), { sync: false });
    assert.equal(await Deno.readTextFile(target), '{"items":["ä","b"]}');
    assert.deepEqual(await listNames(dir), ["plan.json"]);
  });
});

Deno.test("writeFileAtomic removes its temp file when the final rename fails", async () => {
  await withTempDir(async (dir) => {
    // A non-empty folder in the way makes the rename fail after the data was written.
    const target = path.join(dir, "taken");
    await Deno.mkdir(target);
    await Deno.writeTextFile(path.join(target, "inside.txt"), "x");
    await assert.rejects(() => writeFileAtomic(target, "data"));
    assert.deepEqual(await listNames(dir), ["taken"]);
    assert.deepEqual(await listNames(target), ["inside.txt"]);
  });
});

Deno.test("tempPathFor is hidden, in the same folder and unique", () => {
  // Built with the host's rules, which tempPathFor applies.
  const folder = path.join(path.sep, "music", "a");
  const first = tempPathFor(path.join(folder, "Song.mp3"));
  const second = tempPathFor(path.join(folder, "Song.mp3"));
  assert.equal(path.dirname(first), folder);
  assert.ok(path.basename(first).startsWith(".Song.mp3."));
  assert.notEqual(first, second);
  const long = tempPathFor(path.join(folder, "長".repeat(85) + ".mp3"));
  assert.ok(new TextEncoder().encode(path.basename(long)).length <= 255);
});

Deno.test("moveIntoPlace renames and replaces the destination, creating folders", async () => {
  await withTempDir(async (dir) => {
    const temp = path.join(dir, ".work.tmp");
    const final = path.join(dir, "Artist", "Song.mp3");
    await Deno.mkdir(path.dirname(final));
    await Deno.writeTextFile(final, "old");
    await Deno.writeTextFile(temp, "new");
    await moveIntoPlace(temp, final);
    assert.equal(await Deno.readTextFile(final), "new");
    assert.deepEqual(await listNames(dir), ["Artist"]);
  });
});

Deno.test("moveIntoPlace copies next to the destination when rename crosses file systems", async () => {
  await withTempDir(async (dir) => {
    const temp = path.join(dir, "staging", "song.part");
    const final = path.join(dir, "library", "Song.mp3");
    await Deno.mkdir(path.dirname(temp));
    await Deno.writeTextFile(temp, "audio");
    const renames: [string, string][] = [];
    const rename = async (from: string, to: string) => {
      renames.push([from, to]);
      // Simulates a different device: only renames inside the destination folder work.
      if (path.dirname(from) !== path.dirname(to)) {
        throw Object.assign(new Error("Cross-device link (os error 18)"), { code: "EXDEV" });
      }
      await Deno.rename(from, to);
    };
    await moveIntoPlace(temp, final, { rename });
    assert.equal(await Deno.readTextFile(final), "audio");
    assert.deepEqual(await listNames(path.join(dir, "staging")), []);
    assert.deepEqual(await listNames(path.join(dir, "library")), ["Song.mp3"]);
    assert.equal(renames.length, 2);
    assert.equal(path.dirname(renames[1][0]), path.join(dir, "library"));
  });
});

Deno.test("moveIntoPlace passes other rename errors on and keeps the source", async () => {
  await withTempDir(async (dir) => {
    const temp = path.join(dir, "song.part");
    await Deno.writeTextFile(temp, "audio");
    const rename = () => Promise.reject(new Deno.errors.PermissionDenied("no"));
    await assert.rejects(
      () => moveIntoPlace(temp, path.join(dir, "out", "Song.mp3"), { rename }),
      Deno.errors.PermissionDenied,
    );
    assert.equal(await Deno.readTextFile(temp), "audio");
  });
});

Deno.test("writeFileAtomic writes pieces larger than its buffer, split characters kept whole", async () => {
  await withTempDir(async (dir) => {
    const target = path.join(dir, "big.json");
    // 64 KiB buffer: pieces of every size around it, with 2-, 3- and 4-byte characters at the
    // edges, must come out as the same text.
    const pieces = [
      "x".repeat(65_535),
      "ä",
      "€".repeat(30_000),
      "",
      "🎵".repeat(20_000),
      "y".repeat(3),
      "é".repeat(70_000),
    ];
    await writeFileAtomic(target, pieces, { sync: false });
    assert.equal(await Deno.readTextFile(target), pieces.join(""));
  });
});

Deno.test("writeFileAtomic writes many small pieces, joined across batch edges, as the same text", async () => {
  await withTempDir(async (dir) => {
    const target = path.join(dir, "owned.json");
    // Thousands of pieces of 1 to 40 characters (some multi-byte) cross the 8 K-character batches
    // and the 64 KiB buffer many times; a long piece in between goes out on its own.
    const pieces: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      pieces.push(i % 7 === 0 ? "ä€🎵" : `,"k${i}": ${"v".repeat(i % 40)}`);
      if (i === 9_999) pieces.push("z".repeat(50_000));
    }
    await writeFileAtomic(target, pieces, { sync: false });
    assert.equal(await Deno.readTextFile(target), pieces.join(""));
  });
});
