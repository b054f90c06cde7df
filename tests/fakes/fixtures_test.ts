import assert from "node:assert/strict";
import {
  deriveFixtureFiles,
  readFixtureFiles,
  RECORDED_SPOTIFY_PATHS,
  SHARED_FIXTURES_DIR,
  sharedFixturesPresent,
} from "./fixtures.ts";

Deno.test({
  name: "the committed recordings are the shared recordings, byte for byte",
  // A bare clone (a GitHub runner) has only the committed copy.
  ignore: !sharedFixturesPresent(),
  async fn() {
    const expected = await deriveFixtureFiles(SHARED_FIXTURES_DIR);
    const committed = await readFixtureFiles();
    assert.deepEqual([...committed.keys()].sort(), [...expected.keys()].sort());
    for (const [file, text] of expected) {
      assert.ok(committed.get(file) === text, `${file} differs: run \`deno task fixtures\``);
    }
  },
});

Deno.test("the committed copy holds each listed Spotify request and nothing else", async () => {
  const lines = (await readFixtureFiles()).get("spotify/recorded.jsonl")!.trim().split("\n");
  const paths = new Set(lines.map((line) => JSON.parse(line).path as string));
  assert.deepEqual([...paths].sort(), [...RECORDED_SPOTIFY_PATHS].sort());
});
