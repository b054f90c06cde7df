import assert from "node:assert/strict";
import { createRunContext, plansAskSpotify } from "../../src/cli/run_context.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { parseConfig } from "../../src/config/mod.ts";
import { startFakeSpotify } from "../fakes/spotify_fake.ts";
import { removeWithRetry } from "../fakes/file_tree.ts";

const PLAYLIST = "https://open.spotify.com/playlist/5LkNhFidYyyjRWwnkcMbQs";
const SONG = "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC";

function configOf(sources: string) {
  return parseConfig(`version: "1.2"\n${sources}`, { file: "/tmp/config.yaml", env: {} });
}

Deno.test("plansAskSpotify: only playlists and Liked Songs are read on every run", () => {
  const cases: Array<[string, string, boolean]> = [
    ["a playlist", `playlists:\n  - ${PLAYLIST}\n`, true],
    ["Liked Songs", "liked_songs: true\n", true],
    ["songs only (cached after the first run)", `songs:\n  - ${SONG}\n`, false],
    ["nothing", "", false],
  ];
  for (const [name, sources, expected] of cases) {
    assert.equal(plansAskSpotify(configOf(sources)), expected, name);
  }
});

function ioFor(env: Record<string, string>): CliIo {
  return {
    out: () => {},
    err: () => {},
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    env,
    cwd: "/",
    os: "linux",
  };
}

Deno.test("createRunContext: with prefetchToken the token is asked for while the caches open, else not", async () => {
  await using spotify = await startFakeSpotify();
  const cacheDir = await Deno.makeTempDir({ prefix: "tunedl-context-" });
  const env = {
    TUNEDL_SPOTIFY_API_URL: spotify.url,
    TUNEDL_SPOTIFY_ACCOUNTS_URL: spotify.accountsUrl,
    SPOTIFY_CLIENT_ID: spotify.clientId,
    SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
    TUNEDL_CACHE_DIR: cacheDir,
  };
  try {
    const loaded = parseConfig(`version: "1.2"\nplaylists:\n  - ${PLAYLIST}\n`, {
      file: "/tmp/config.yaml",
      env,
    });
    const plain = await createRunContext(loaded, ioFor(env));
    await plain.close();
    assert.equal(spotify.requests.length, 0, "no request without a reason");

    const early = await createRunContext(loaded, ioFor(env), { prefetchToken: true });
    try {
      while (spotify.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(spotify.requests.map((r) => r.path), ["/api/token"]);
      // The token asked for early is the one the first request uses: no second token request.
      await early.client.getJson("/v1/playlists/5LkNhFidYyyjRWwnkcMbQs?fields=snapshot_id");
      assert.equal(spotify.requests.filter((r) => r.path === "/api/token").length, 1);
    } finally {
      await early.close();
    }
  } finally {
    await removeWithRetry(cacheDir, { recursive: true });
  }
});
