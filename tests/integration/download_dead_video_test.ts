/**
 * Dead videos heal: the chosen video is gone (the fake answers 404, which yt-dlp reports as
 * "HTTP Error 404: Not Found"), so tunedl downloads the runner-up candidate in the same run, drops
 * the stored match, and searches again on the next run. Real CLI, real yt-dlp and ffmpeg, the
 * offline music world.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempWorkspace, runTunedl } from "../fakes/cli_runner.ts";
import { listLibraryFiles } from "../fakes/file_tree.ts";
import { catalogTracks, songResult, startMusicWorld, toneM4a } from "../fakes/music_world.ts";

const ALBUM_PONDER = "58NYQm3dRbTW1kKirl631E";
const TOP = "topvideo001";
const RUNNER_UP = "runnerup001";

Deno.test("download: a dead first candidate falls back to the runner-up; the next run searches again", async () => {
  const world = await startMusicWorld();
  await using work = await makeTempWorkspace({ prefix: "tunedl-dead-video-" });
  try {
    const track = catalogTracks(world.catalog).find((t) => t.name === "Ponder");
    assert.ok(track, "the catalog has Ponder");
    // Every search (ISRC or words) finds the released song first and an upload of it second.
    world.youtube.addRule({
      query: () => true,
      results: [
        songResult(track, TOP),
        { ...songResult(track, RUNNER_UP), kind: "video", topResult: false, album: undefined },
      ],
    });
    const tone = { body: await toneM4a(), contentType: "audio/mp4" };
    world.youtube.setMedia(RUNNER_UP, tone);
    const config = await work.writeConfig({
      version: "1.2",
      download: { output: "music/{artist}/{album}/{title}.{output-ext}" },
      albums: [`https://open.spotify.com/album/${ALBUM_PONDER}`],
    });
    const env = { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir };
    const download = () => runTunedl(["download", "--config", config], { env, cwd: work.dir });
    const fetched = (from: number) =>
      world.youtube.mediaRequests.slice(from).filter((r) => r.path === "/watch").map((r) =>
        `${r.videoId} ${r.status}`
      );
    const file = join(work.libraryDir, "Kontinuum", "Ponder", "Ponder.mp3");

    // 1. The top video is gone: the runner-up is downloaded in the same run.
    let seen = world.youtube.mediaRequests.length;
    const first = await download();
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    assert.deepEqual(await listLibraryFiles(work.libraryDir), [file]);
    // yt-dlp may ask twice for a page it could not get; the order is what matters.
    assert.deepEqual([...new Set(fetched(seen))], [`${TOP} 404`, `${RUNNER_UP} 302`]);
    assert.match(first.stdout + first.stderr, /trying the next match/);

    // 2. Now the runner-up (the stored match) is gone too, and nothing else scores: the track
    // fails, saying what was tried, without "update yt-dlp".
    await Deno.remove(file);
    world.youtube.setMedia(RUNNER_UP, undefined);
    seen = world.youtube.mediaRequests.length;
    const second = await download();
    assert.equal(second.code, 1, `${second.stdout}\n${second.stderr}`);
    assert.deepEqual([...new Set(fetched(seen))], [`${RUNNER_UP} 404`, `${TOP} 404`]);
    const said = second.stdout + second.stderr;
    assert.match(said, /no other candidate for .*Ponder.* scored above the threshold/);
    assert.doesNotMatch(said, /update yt-dlp|yt-dlp -U/i);

    // 3. The top video is back: the dropped match means a fresh search, which picks it.
    world.youtube.setMedia(TOP, tone);
    seen = world.youtube.mediaRequests.length;
    const third = await download();
    assert.equal(third.code, 0, `${third.stdout}\n${third.stderr}`);
    assert.deepEqual([...new Set(fetched(seen))], [`${TOP} 302`]);
    assert.deepEqual(await listLibraryFiles(work.libraryDir), [file]);
  } finally {
    await world.close();
  }
});
