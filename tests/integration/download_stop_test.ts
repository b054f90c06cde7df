/**
 * A failure every track would meet (here: yt-dlp without a JavaScript runtime) stops the run at
 * the first track, exits with its code, and leaves the tracks pending; after the fix, --resume
 * downloads them all. yt-dlp is a wrapper script (`download.ytdlp_path`) that fails the way
 * yt-dlp does until a marker file exists, then runs the real yt-dlp.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  installedYtdlp,
  makeTempWorkspace,
  runTunedl,
  type TempWorkspace,
} from "../fakes/cli_runner.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { startMusicWorld } from "../fakes/music_world.ts";

// "After School EP": seven tracks.
const ALBUM = "75sm9IEmN01J5MsyZr4Cw1";

Deno.test({
  name: "download: yt-dlp without a JavaScript runtime stops the run at once; --resume finishes it",
  // The stand-in yt-dlp is a POSIX shell script.
  ignore: Deno.build.os === "windows",
  async fn() {
    const world = await startMusicWorld();
    await using work = await makeTempWorkspace({ prefix: "tunedl-stop-" });
    try {
      await runScenario(world.env, work);
    } finally {
      await world.close();
    }
  },
});

async function runScenario(worldEnv: Record<string, string>, work: TempWorkspace) {
  const fixed = join(work.dir, "deno-installed");
  const calls = join(work.dir, "calls.log");
  const wrapper = join(work.dir, "yt-dlp");
  await Deno.writeTextFile(
    wrapper,
    `#!/bin/sh
for last in "$@"; do :; done
case "$last" in http*) echo "$last" >> '${calls}' ;; esac
if [ ! -e '${fixed}' ] && [ "$1" != "--version" ]; then
  echo "WARNING: [youtube] No supported JavaScript runtime could be found. Only deno is enabled by default" >&2
  echo "ERROR: [youtube] abc: Requested format is not available. Use --list-formats for a list of available formats" >&2
  exit 1
fi
exec '${installedYtdlp()}' "$@"
`,
  );
  await Deno.chmod(wrapper, 0o755);
  const config = await work.writeConfig({
    version: "1.2",
    download: { threads: 1, output: "music/{artist}/{title}.{output-ext}", ytdlp_path: wrapper },
    albums: [`https://open.spotify.com/album/${ALBUM}`],
  });
  const env = { ...worldEnv, TUNEDL_CACHE_DIR: work.cacheDir };

  const stopped = await runTunedl(["download", "--config", config], { env, cwd: work.dir });
  assert.equal(
    stopped.code,
    4,
    `exit 4 (missing dependency):\n${stopped.stdout}\n${stopped.stderr}`,
  );
  assert.match(stopped.stdout, /Stopped:\n.*js_runtime_missing\n.*JavaScript runtime/);
  assert.match(stopped.stdout, /Left pending +7/);
  assert.match(stopped.stderr, /Stopped: yt-dlp needs a JavaScript runtime .*--resume/);
  const tried = (await Deno.readTextFile(calls)).trim().split("\n");
  assert.equal(tried.length, 1, `one download tried, not one per track: ${tried}`);
  assert.deepEqual(await listFiles(work.libraryDir), []);

  await Deno.writeTextFile(fixed, "");
  const resumed = await runTunedl(["download", "--config", config, "--resume"], {
    env,
    cwd: work.dir,
  });
  assert.equal(resumed.code, 0, `${resumed.stdout}\n${resumed.stderr}`);
  // The seven tracks, and the ownership record that says tunedl wrote them (the stopped run
  // wrote no folder, so the resumed one had none to look through for temp copies).
  const files = await listFiles(work.libraryDir);
  const tracks = files.filter((path) => !path.endsWith(join(".tunedl", "owned.json")));
  assert.equal(tracks.length, 7, files.join("\n"));
  assert.equal(files.length, 8, files.join("\n"));
  assert.match(resumed.stdout, /Downloaded +7/);
}
