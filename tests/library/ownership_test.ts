import assert from "node:assert/strict";
import { join } from "node:path";
import { OwnershipRecord, placeCopy, removeOwnedFiles } from "../../src/library/mod.ts";

async function withLibrary(run: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "tunedl-owned-" });
  try {
    await run(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("OwnershipRecord: recorded files survive a reopen, keyed relative to the library", async () => {
  await withLibrary(async (root) => {
    const record = await OwnershipRecord.open(root);
    assert.equal(record.size, 0);
    const file = join(root, "Artist", "Album", "01 - Song.mp3");
    record.record(file, {
      kind: "track",
      spotify_id: "abc",
      isrc: "GB2LD1700381",
      sources: ["playlist:p", "album:a", "playlist:p"],
    });
    record.record(join(root, "..", "outside.mp3"), { kind: "track", sources: [] });
    await record.flush();

    const text = await Deno.readTextFile(join(root, ".tunedl", "owned.json"));
    const data = JSON.parse(text);
    assert.deepEqual(Object.keys(data.files), ["Artist/Album/01 - Song.mp3"]);
    assert.deepEqual(data.files["Artist/Album/01 - Song.mp3"].sources, ["album:a", "playlist:p"]);
    const again = await OwnershipRecord.open(root);
    assert.equal(again.get(file)?.spotify_id, "abc");
    assert.equal(again.findRecording("gb2ld1700381"), file);
    assert.equal(again.get(join(root, "elsewhere.mp3")), undefined);
    // No temp files left beside the record.
    assert.deepEqual([...Deno.readDirSync(join(root, ".tunedl"))].map((e) => e.name), [
      "owned.json",
    ]);
  });
});

Deno.test("OwnershipRecord: a damaged record is set aside with a warning, and owns nothing", async () => {
  await withLibrary(async (root) => {
    await Deno.mkdir(join(root, ".tunedl"));
    await Deno.writeTextFile(join(root, ".tunedl", "owned.json"), '{"version": 1, "files": {');
    const warnings: string[] = [];
    const record = await OwnershipRecord.open(root, { warn: (m) => warnings.push(m) });
    assert.equal(record.size, 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /unreadable .* kept as owned\.json\.damaged-\d+/);
    const names = [...Deno.readDirSync(join(root, ".tunedl"))].map((e) => e.name);
    assert.ok(names.some((name) => name.startsWith("owned.json.damaged-")));
  });
});

Deno.test("OwnershipRecord: read only (plan), a damaged record is reported and left in place", async () => {
  await withLibrary(async (root) => {
    await Deno.mkdir(join(root, ".tunedl"));
    await Deno.writeTextFile(join(root, ".tunedl", "owned.json"), "not json");
    const warnings: string[] = [];
    const record = await OwnershipRecord.open(root, {
      readOnly: true,
      warn: (m) => warnings.push(m),
    });
    assert.equal(record.size, 0);
    assert.match(warnings[0], /unreadable .* nothing it lists can be pruned/);
    assert.equal(await Deno.readTextFile(join(root, ".tunedl", "owned.json")), "not json");
  });
});

Deno.test("removeOwnedFiles: only owned files go, then the folders they left empty", async () => {
  await withLibrary(async (root) => {
    const record = await OwnershipRecord.open(root);
    const ours = join(root, "A", "Album", "song.mp3");
    const oursToo = join(root, "B", "Album", "song.mp3");
    const theirs = join(root, "B", "cover.jpg");
    const notOwned = join(root, "C", "song.mp3");
    for (const path of [ours, oursToo, theirs, notOwned]) {
      await Deno.mkdir(join(path, ".."), { recursive: true });
      await Deno.writeTextFile(path, "x");
    }
    record.record(ours, { kind: "track", sources: [] });
    record.record(oursToo, { kind: "track", sources: [] });
    record.record(join(root, "gone.mp3"), { kind: "track", sources: [] });

    const outcome = await removeOwnedFiles(
      [ours, oursToo, notOwned, join(root, "gone.mp3")],
      record,
    );
    assert.deepEqual(outcome.removed, [ours, oursToo]);
    assert.deepEqual(outcome.missing, [join(root, "gone.mp3")]);
    assert.deepEqual(outcome.failed, [{ path: notOwned, message: "not a file tunedl wrote" }]);
    assert.deepEqual(outcome.folders.sort(), [
      join(root, "A"),
      join(root, "A", "Album"),
      join(root, "B", "Album"),
    ]);
    assert.ok(await Deno.stat(theirs), "the user's file and its folder stay");
    assert.ok(await Deno.stat(notOwned));
    assert.equal(record.size, 0);
    assert.ok(await Deno.stat(root), "the library root stays");
  });
});

Deno.test("placeCopy: a copy prepared before it appears; a link where allowed; never a partial file", async () => {
  await withLibrary(async (root) => {
    const source = join(root, "a.mp3");
    await Deno.writeTextFile(source, "audio");
    const copy = join(root, "x", "b.mp3");
    const seen: string[] = [];
    const how = await placeCopy(source, copy, {
      prepare: async (temp) => {
        seen.push(temp);
        assert.match(temp, /\.tunedl-copy-[0-9a-f]{8}\.mp3$/, "keeps the extension");
        await assert.rejects(Deno.stat(copy), Deno.errors.NotFound);
        await Deno.writeTextFile(temp, "+tags", { append: true });
      },
    });
    assert.equal(how, "copied");
    assert.equal(await Deno.readTextFile(copy), "audio+tags");
    assert.equal(seen.length, 1);

    const link = join(root, "y", "c.mp3");
    assert.equal(await placeCopy(source, link, { link: true }), "linked");
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(link)).ino, (await Deno.stat(source)).ino);
    }

    const failing = join(root, "z", "d.mp3");
    await assert.rejects(
      placeCopy(source, failing, { prepare: () => Promise.reject(new Error("tagging failed")) }),
      /tagging failed/,
    );
    assert.deepEqual([...Deno.readDirSync(join(root, "z"))], [], "no temp copy left");
  });
});

Deno.test("OwnershipRecord.findRecording follows records and removals", async () => {
  await withLibrary(async (root) => {
    const record = await OwnershipRecord.open(root);
    const a = join(root, "a.mp3");
    const b = join(root, "b.mp3");
    record.record(b, { kind: "track", isrc: "X", sources: [] });
    record.record(a, { kind: "track", isrc: "x", sources: [] });
    record.record(join(root, "list.m3u8"), { kind: "m3u", isrc: "X", sources: [] });
    assert.equal(record.findRecording("X"), a);
    record.forget(a);
    assert.equal(record.findRecording("X"), b);
    record.record(b, { kind: "track", isrc: "Y", sources: [] });
    assert.equal(record.findRecording("X"), undefined);
    assert.equal(record.findRecording("y"), b);
    await record.flush();
  });
});

Deno.test("OwnershipRecord.flushSync (a hard exit): the record is whole and no temp file is left", async () => {
  await withLibrary(async (root) => {
    const record = await OwnershipRecord.open(root, { saveIntervalMs: 0 });
    const song = join(root, "song.mp3");
    record.record(song, { kind: "track", spotify_id: "s", sources: ["album:a"] });
    // A background save may be under way right now; the exit must not leave its temp file.
    const running = join(root, ".tunedl", `.owned.json.${Deno.pid}.tmp`);
    await Deno.mkdir(join(root, ".tunedl"), { recursive: true });
    await Deno.writeTextFile(running, '{"version": 1, "fi');
    record.flushSync();
    assert.deepEqual([...Deno.readDirSync(join(root, ".tunedl"))].map((e) => e.name), [
      "owned.json",
    ]);
    const again = await OwnershipRecord.open(root);
    assert.equal(again.get(song)?.spotify_id, "s");
    await record.flush().catch(() => {});
  });
});

Deno.test("OwnershipRecord.open tidies temp files a killed run left, not a save in progress", async () => {
  await withLibrary(async (root) => {
    const dir = join(root, ".tunedl");
    await Deno.mkdir(dir);
    const old = join(dir, ".owned.json.123.tmp");
    const fresh = join(dir, ".owned.json.456.tmp");
    await Deno.writeTextFile(old, "x");
    await Deno.writeTextFile(fresh, "x");
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await Deno.utime(old, hourAgo, hourAgo);
    await OwnershipRecord.open(root);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, [".owned.json.456.tmp"]);
  });
});

Deno.test("OwnershipRecord: the saved text is the record's indented JSON, also after changes", async () => {
  await withLibrary(async (root) => {
    const record = await OwnershipRecord.open(root, { saveIntervalMs: 0 });
    const file = join(root, ".tunedl", "owned.json");
    const expected = () => {
      const files = Object.fromEntries(
        record.entries()
          .map(([path, entry]) => [record.keyOf(path)!, entry] as const)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
      return JSON.stringify({ version: 1, files }, null, 1) + "\n";
    };
    const song = join(root, "B", "Ä", '02 - "Song".mp3');
    record.record(song, { kind: "track", spotify_id: "s", isrc: "X1", sources: ["album:a"] });
    record.record(join(root, "A", "01 - One.mp3"), { kind: "track", sources: [] });
    record.record(join(root, "Mix.m3u8"), {
      kind: "m3u",
      spotify_id: "p",
      sources: ["playlist:p"],
    });
    await record.flush();
    assert.equal(await Deno.readTextFile(file), expected());
    // Changes in place: new sources and a sharing track show in the next save.
    record.addSources(song, ["playlist:q"]);
    record.share(song, "t2", ["playlist:r"]);
    await record.flush();
    assert.equal(await Deno.readTextFile(file), expected());
    assert.deepEqual(JSON.parse(await Deno.readTextFile(file)).files['B/Ä/02 - "Song".mp3'], {
      kind: "track",
      spotify_id: "s",
      isrc: "X1",
      sources: ["album:a", "playlist:q", "playlist:r"],
      shared_by: ["t2"],
      written_at: record.get(song)!.written_at,
    });
    record.forget(song);
    await record.flush();
    assert.equal(await Deno.readTextFile(file), expected());
    // The first file gone: the one after it, its line kept from the last save, opens the list.
    record.forget(join(root, "A", "01 - One.mp3"));
    await record.flush();
    assert.equal(await Deno.readTextFile(file), expected());
    record.record(join(root, "A", "01 - One.mp3"), { kind: "track", sources: ["album:b"] });
    await record.flush();
    assert.equal(await Deno.readTextFile(file), expected());
    for (const [path] of record.entries()) record.forget(path);
    await record.flush();
    assert.equal(await Deno.readTextFile(file), expected());
    assert.equal(expected(), '{\n "version": 1,\n "files": {}\n}\n');
  });
});

Deno.test("OwnershipRecord.keyOf: the same key as the library-relative path, for any path", async () => {
  await withLibrary(async (root) => {
    const record = await OwnershipRecord.open(root);
    const table: [string, string | undefined][] = [
      [join(root, "A", "B", "01 - x.mp3"), "A/B/01 - x.mp3"],
      [`${root}/A/./B/x.mp3`, "A/B/x.mp3"],
      [`${root}/A/../B/x.mp3`, "B/x.mp3"],
      [`${root}/A//x.mp3`, "A/x.mp3"],
      [`${root}//A/x.mp3`, "A/x.mp3"],
      [`${root}/A/x.mp3/`, "A/x.mp3"],
      [`${root}/..hidden/x.mp3`, "..hidden/x.mp3"],
      [`${root}/../outside.mp3`, undefined],
      [`${root}/`, undefined],
      [root, undefined],
      [`${root}-sibling/x.mp3`, undefined],
      ["/elsewhere/x.mp3", undefined],
    ];
    for (const [path, key] of table) assert.equal(record.keyOf(path), key, path);
  });
});
