/**
 * Retries that fit the failure: a yt-dlp and an ffmpeg killed from outside (here each kills
 * itself with SIGKILL on its first run, as an OOM killer would) are retried like any transient
 * failure, with a message that says what happened, and the track is downloaded. Real CLI,
 * real yt-dlp and ffmpeg behind wrapper scripts, the offline music world.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { installedYtdlp, makeTempWorkspace, runTunedl } from "../fakes/cli_runner.ts";
import { listLibraryFiles } from "../fakes/file_tree.ts";
import { startMusicWorld } from "../fakes/music_world.ts";

const ALBUM_PONDER = "58NYQm3dRbTW1kKirl631E";

/** A wrapper that kills itself the first time `when` matches its arguments, then runs `real`. */
function killedOnceWrapper(real: string, flag: string, when: string): string {
  return `#!/bin/sh
case " $* " in *${when}*)
  if [ ! -e '${flag}' ]; then : > '${flag}'; kill -KILL $$; fi ;;
esac
exec '${real}' "$@"
`;
}

function which(program: string): string {
  const out = new Deno.Command("sh", { args: ["-c", `command -v ${program}`], stdout: "piped" })
    .outputSync();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test({
  name: "download: yt-dlp and ffmpeg killed from outside are retried and the track is written",
  // sh wrappers and POSIX signals.
  ignore: Deno.build.os === "windows",
  async fn() {
    const world = await startMusicWorld();
    await using work = await makeTempWorkspace({ prefix: "tunedl-killed-child-" });
    try {
      const bin = join(work.dir, "bin");
      await Deno.mkdir(bin);
      const ytdlp = join(bin, "yt-dlp");
      const ffmpeg = join(bin, "ffmpeg");
      await Deno.writeTextFile(
        ytdlp,
        killedOnceWrapper(installedYtdlp(), join(bin, "ytdlp-killed"), "http"),
      );
      // tunedl's conversion maps the first audio stream; yt-dlp's own ffmpeg calls do not.
      await Deno.writeTextFile(
        ffmpeg,
        killedOnceWrapper(which("ffmpeg"), join(bin, "ffmpeg-killed"), "0:a:0"),
      );
      await Deno.chmod(ytdlp, 0o755);
      await Deno.chmod(ffmpeg, 0o755);
      await Deno.symlink(which("ffprobe"), join(bin, "ffprobe"));
      const config = await work.writeConfig({
        version: "1.2",
        download: {
          output: "music/{artist}/{album}/{title}.{output-ext}",
          ytdlp_path: ytdlp,
          ffmpeg_path: ffmpeg,
        },
        albums: [`https://open.spotify.com/album/${ALBUM_PONDER}`],
      });
      const run = await runTunedl(["download", "--config", config, "--log-format", "json"], {
        env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir },
        cwd: work.dir,
      });
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const events = run.stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line));
      const retries = events.filter((event) => event.type === "item_retry").map((event) =>
        event.error.message as string
      );
      assert.equal(retries.length, 2, retries.join("\n"));
      assert.match(
        retries[0],
        /^yt-dlp was stopped by SIGKILL from outside tunedl while downloading/,
      );
      assert.match(
        retries[1],
        /^ffmpeg was stopped by SIGKILL from outside tunedl while converting/,
      );
      assert.doesNotMatch(run.stdout + run.stderr, /update yt-dlp|yt-dlp -U|lack the encoder/i);
      assert.deepEqual(
        (await listLibraryFiles(work.libraryDir)).map((path) => path.slice(work.libraryDir.length)),
        ["/Kontinuum/Ponder/Ponder.mp3"],
      );
    } finally {
      await world.close();
    }
  },
});
