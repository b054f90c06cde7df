import assert from "node:assert/strict";
import { join } from "node:path";
import {
  expectTagTemps,
  removeStaleTagTemps,
  tagTempOwner,
  tagTempsCheckedFile,
  tidyTagTemps,
  writeTags,
} from "../../src/audio/mod.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { toneM4a } from "../fakes/music_world.ts";

Deno.test("tagTempOwner reads the track name out of a tag temp file's name", () => {
  assert.equal(tagTempOwner(".01 - Song.mp3.tunedl-0a1b2c3d.tmp"), "01 - Song.mp3");
  assert.equal(tagTempOwner(".Song.mp3.tunedl-XYZ.tmp"), undefined);
  assert.equal(tagTempOwner("Song.mp3.tunedl-0a1b2c3d.tmp"), undefined);
  assert.equal(tagTempOwner(".playlist.m3u8.tmp"), undefined);
});

Deno.test("removeStaleTagTemps removes only old temp copies of the given tracks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-tag-temps-" });
  try {
    const album = join(dir, "Artist", "Album");
    await Deno.mkdir(album, { recursive: true });
    const old = new Date(Date.now() - 3 * 60 * 60 * 1000);
    const files = {
      track: join(album, "01 - Song.mp3"),
      stale: join(album, ".01 - Song.mp3.tunedl-0a1b2c3d.tmp"),
      young: join(album, ".01 - Song.mp3.tunedl-11111111.tmp"),
      otherTrack: join(album, ".02 - Not In Plan.mp3.tunedl-22222222.tmp"),
      unrelated: join(album, ".notes.txt"),
    };
    for (const path of Object.values(files)) await Deno.writeTextFile(path, "x");
    for (const path of [files.stale, files.otherTrack, files.unrelated]) {
      await Deno.utime(path, old, old);
    }
    const removed = await removeStaleTagTemps(
      [files.track, join(dir, "Missing", "Folder", "x.mp3")],
      { olderThanMs: 60 * 60 * 1000 },
    );
    assert.deepEqual(removed, { removed: 1, young: 1, listed: 1 });
    assert.deepEqual(
      await listFiles(dir),
      [files.young, files.otherTrack, files.track, files.unrelated].sort(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeTags with a temp folder leaves nothing beside the track", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-tag-tempdir-" });
  try {
    const album = join(dir, "Artist", "Album");
    await Deno.mkdir(album, { recursive: true });
    const track = join(album, "Song.m4a");
    await Deno.writeFile(track, await toneM4a());
    const tempDir = join(dir, ".tunedl-tmp");
    await writeTags(
      track,
      { title: "Song", artists: ["Artist"], albumArtists: ["Artist"], genres: [] },
      { tempDir },
    );
    // The copy went through the (now removed, empty) temp folder: only the track is left.
    assert.deepEqual(await listFiles(dir), [track]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tidyTagTemps: looks until a look leaves no copy behind, then not until told to expect one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-tag-temps-" });
  try {
    const album = join(dir, "Artist", "Album");
    await Deno.mkdir(album, { recursive: true });
    const track = join(album, "01 - Song.mp3");
    const copy = join(album, ".01 - Song.mp3.tunedl-0a1b2c3d.tmp");
    await Deno.writeTextFile(track, "x");
    await Deno.writeTextFile(copy, "x");
    const checkedFile = tagTempsCheckedFile(join(dir, ".tunedl"));
    const hour = 60 * 60 * 1000;
    const tidy = (now: number) => tidyTagTemps([track], { olderThanMs: hour, checkedFile, now });

    // None of the plan's folders yet (a first run): nothing to look at, nothing written.
    const later = join(dir, "Other", "Album", "01 - Next.mp3");
    assert.deepEqual(
      await tidyTagTemps([later], { olderThanMs: hour, checkedFile }),
      { removed: 0, young: 0, listed: 0 },
    );
    await assert.rejects(Deno.stat(join(dir, ".tunedl")), Deno.errors.NotFound);
    // Too young to be a dead run's: left, and the next run looks again.
    assert.deepEqual(await tidy(Date.now()), { removed: 0, young: 1, listed: 1 });
    await assert.rejects(Deno.stat(checkedFile), Deno.errors.NotFound);
    assert.deepEqual(await tidy(Date.now() + 2 * hour), { removed: 1, young: 0, listed: 1 });
    await Deno.stat(checkedFile);

    await Deno.writeTextFile(copy, "x");
    assert.deepEqual(
      await tidy(Date.now() + 2 * hour),
      { removed: 0, young: 0, listed: 0 },
      "not looked",
    );
    await Deno.stat(copy);
    await expectTagTemps(checkedFile);
    await expectTagTemps(checkedFile); // twice is fine
    assert.deepEqual(await tidy(Date.now() + 2 * hour), { removed: 1, young: 0, listed: 1 });
    assert.deepEqual(await listFiles(dir), [checkedFile, track].sort());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
