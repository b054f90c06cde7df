/**
 * Ctrl-C while `tunedl download` is still planning (Spotify has not answered yet):
 * one line says it was interrupted, exit 130, and no "error: Cancelled ..." after it.
 */
import assert from "node:assert/strict";
import { interruptWhilePlanning } from "../fakes/silent_spotify.ts";

Deno.test({
  name: "download: Ctrl-C while planning says so once and exits 130",
  // A SIGINT sent to the child: Windows has none.
  ignore: Deno.build.os === "windows",
  async fn() {
    const { code, stderr } = await interruptWhilePlanning(
      ["download"],
      'version: "1.2"\ndownload:\n  plan_execution_enabled: false\n' +
        "songs:\n  - https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU\n",
    );
    assert.equal(code, 130, stderr);
    assert.equal(
      stderr.split("\n").filter((line) => /interrupted/i.test(line)).length,
      1,
      stderr,
    );
    assert.match(stderr, /^Interrupted while planning: nothing was downloaded\.$/m);
    assert.doesNotMatch(stderr, /error:|Cancelled|Stopping/, stderr);
  },
});
