/** The lyrics stage of a track: lookup outcomes, the .lrc beside the file, the tally. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type LrclibClient, LyricsError, LyricsTally } from "../../src/lyrics/mod.ts";
import { createPlanItem, createTrackLyrics, lrcPathFor } from "../../src/plan/mod.ts";
import type { TrackMetadata } from "../../src/model/mod.ts";

const track = {
  spotifyId: "t1",
  title: "Song",
  artists: ["A"],
  album: "Album",
  durationMs: 61_000,
} as TrackMetadata;

function client(answer: Awaited<ReturnType<LrclibClient["lookup"]>> | Error): LrclibClient {
  return {
    lookup: () => answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer),
    requests: () => 0,
  };
}

Deno.test("lrcPathFor: the track's path with .lrc", () => {
  assert.equal(lrcPathFor("/m/A/01 - Song.mp3"), "/m/A/01 - Song.lrc");
  assert.equal(lrcPathFor("C:\\m\\A.b\\Song.flac"), "C:\\m\\A.b\\Song.lrc");
});

Deno.test("track lyrics: synced writes the .lrc, a failure is recorded, never thrown", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-lyrics-" });
  try {
    const tally = new LyricsTally();
    const synced = createTrackLyrics(client({ kind: "found", synced: "[00:01.00] x" }), {
      mode: "synced",
      tally,
    });
    const signal = new AbortController().signal;
    const result = await synced.lookup(track, signal);
    assert.equal(result.tag, "[00:01.00] x");
    const item = createPlanItem({ id: "track:t1", type: "track", name: "A - Song" });
    const path = join(dir, "Song.mp3");
    await synced.finish(item, path, result);
    assert.equal(
      await Deno.readTextFile(join(dir, "Song.lrc")),
      "[ti:Song]\n[ar:A]\n[al:Album]\n[length:1:01]\n[00:01.00] x\n",
    );
    assert.equal(item.lyrics, "synced");

    const failing = createTrackLyrics(client(new LyricsError("LRCLIB answered HTTP 500")), {
      mode: "synced",
      tally,
    });
    const failed = await failing.lookup(track, signal);
    assert.deepEqual(failed, { status: "failed", message: "LRCLIB answered HTTP 500" });
    const other = createPlanItem({ id: "track:t2", type: "track", name: "A - Other" });
    await failing.finish(other, join(dir, "Other.mp3"), failed);
    assert.deepEqual([other.lyrics, other.lyrics_error], ["failed", "LRCLIB answered HTTP 500"]);

    // A .lrc that cannot be written is a lyrics failure too, not a track failure.
    const blocked = createPlanItem({ id: "track:t3", type: "track", name: "A - Blocked" });
    await Deno.mkdir(join(dir, "Blocked.lrc"));
    await synced.finish(blocked, join(dir, "Blocked.mp3"), result);
    assert.equal(blocked.lyrics, "failed");
    assert.match(blocked.lyrics_error!, /cannot write .*Blocked\.lrc/);
    assert.deepEqual(
      [tally.counts().synced, tally.counts().failed, tally.total],
      [1, 2, 3],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
