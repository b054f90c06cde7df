/**
 * Ctrl-C while `tunedl download` is still planning (Spotify has not answered yet):
 * one line says it was interrupted, exit 130, and no "error: Cancelled ..." after it.
 */
import assert from "node:assert/strict";
import { cleanEnv, makeTempWorkspace, tunedlCommand } from "../fakes/cli_runner.ts";
import { silentSpotify } from "../fakes/silent_spotify.ts";

Deno.test({
  name: "download: Ctrl-C while planning says so once and exits 130",
  // A SIGINT sent to the child: Windows has none.
  ignore: Deno.build.os === "windows",
  async fn() {
    const spotify = silentSpotify();
    await using work = await makeTempWorkspace({ prefix: "tunedl-plan-int-" });
    try {
      const config = await work.writeConfig(
        'version: "1.2"\ndownload:\n  plan_execution_enabled: false\n' +
          "songs:\n  - https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU\n",
      );
      const { program, args } = await tunedlCommand(["download", "--config", config]);
      const child = new Deno.Command(program, {
        args,
        cwd: work.dir,
        env: cleanEnv({
          TUNEDL_SPOTIFY_API_URL: spotify.url,
          TUNEDL_SPOTIFY_ACCOUNTS_URL: spotify.url,
          TUNEDL_CACHE_DIR: work.cacheDir,
          SPOTIFY_CLIENT_ID: "id",
          SPOTIFY_CLIENT_SECRET: "secret",
          NO_COLOR: "1",
        }),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      await spotify.requested;
      child.kill("SIGINT");
      const output = await child.output();
      const stderr = new TextDecoder().decode(output.stderr);
      assert.equal(output.code, 130, stderr);
      assert.equal(
        stderr.split("\n").filter((line) => /interrupted/i.test(line)).length,
        1,
        stderr,
      );
      assert.match(stderr, /^Interrupted while planning: nothing was downloaded\.$/m);
      assert.doesNotMatch(stderr, /error:|Cancelled|Stopping/, stderr);
    } finally {
      await spotify.close();
    }
  },
});
