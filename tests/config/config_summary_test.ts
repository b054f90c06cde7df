import assert from "node:assert/strict";
import {
  configHash,
  formatConfigSummary,
  parseConfig,
  summarizeConfig,
} from "../../src/config/mod.ts";

const yaml = `version: "1.2"
download:
  client_id: config-id-value
  client_secret: super-secret-value
  format: flac
  colour: blue
songs:
  - Ropes: https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU
albums:
  - https://open.spotify.com/album/58NCND7oBmNGsoYExAYtvV
playlists:
  - liked
overrides:
  spotify:track:1t2qKa8K72IBC8yQlhD9bU: https://www.youtube.com/watch?v=a
`;

Deno.test("summarizeConfig gives plain data without secrets", () => {
  const loaded = parseConfig(yaml, {
    file: "config.yaml",
    env: { SPOTIFY_CLIENT_SECRET: "env-secret-value" },
  });
  const summary = summarizeConfig(loaded);
  assert.equal(summary.file, "config.yaml");
  assert.equal(summary.version, "1.2");
  assert.equal(summary.config_hash, configHash(loaded.config));
  assert.deepEqual(summary.sources.songs, [{
    name: "Ropes",
    kind: "track",
    id: "1t2qKa8K72IBC8yQlhD9bU",
    url: "https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU",
    line: 8,
  }]);
  assert.deepEqual(summary.sources.albums.map((a) => [a.name, a.kind, a.id]), [[
    undefined,
    "album",
    "58NCND7oBmNGsoYExAYtvV",
  ]]);
  assert.deepEqual(summary.sources.artists, []);
  assert.deepEqual(summary.sources.playlists, []);
  assert.equal(summary.liked_songs, true);
  assert.equal(summary.overrides, 1);
  assert.equal(summary.settings.format, "flac");
  assert.deepEqual(summary.credentials, {
    client_id: true,
    client_secret: true,
    client_id_source: "config",
    client_secret_source: "env",
  });
  assert.deepEqual(summary.warnings, ["config.yaml:6:3: download.colour: unknown key, ignored"]);
  assert.deepEqual(summary.ignored, []);
  const json = JSON.stringify(summary);
  assert.deepEqual(JSON.parse(json), summary, "survives JSON");
  for (const secret of ["config-id-value", "super-secret-value", "env-secret-value"]) {
    assert.ok(!json.includes(secret), `summary leaks ${secret}`);
    assert.ok(!formatConfigSummary(summary).includes(secret), `text leaks ${secret}`);
  }
});

Deno.test("formatConfigSummary reads as a report", () => {
  const loaded = parseConfig(yaml, { file: "config.yaml", env: {} });
  const text = formatConfigSummary(summarizeConfig(loaded));
  for (
    const line of [
      "Config config.yaml (version 1.2) is valid.",
      "Sources: 1 song, 1 album, 0 artists, 0 playlists; Liked Songs: yes",
      "    - Ropes  https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU",
      "    - https://open.spotify.com/album/58NCND7oBmNGsoYExAYtvV",
      "Overrides: 1 track pinned to a URL",
      "Format: flac 128k, existing files: skip",
      "Spotify client_id: set (from config), client_secret: set (from config)",
      "Warnings: 1 (shown above)",
    ]
  ) {
    assert.ok(text.split("\n").includes(line), `missing line ${JSON.stringify(line)} in:\n${text}`);
  }
  const noCredentials = parseConfig(`version: "1.2"\n`, { file: "c.yaml", env: {} });
  const bare = formatConfigSummary(summarizeConfig(noCredentials));
  assert.match(bare, /^Spotify client_id: missing, client_secret: missing$/m);
  assert.match(bare, /SPOTIFY_CLIENT_ID/);
  assert.ok(!bare.includes("Warnings"));
});

Deno.test("formatConfigSummary names the musicdl settings tunedl ignores, in one line", () => {
  const loaded = parseConfig(
    `version: "1.2"\nspotify:\n  client_id: a\n  client_secret: b\n  redirect_uri: x\n` +
      `rate_limits:\n  spotify: {requests: 5}\ngraph:\n  enabled: false\n`,
    { file: "c.yaml", env: {} },
  );
  const text = formatConfigSummary(summarizeConfig(loaded));
  const lines = text.split("\n").filter((line) => line.includes("Ignored"));
  assert.deepEqual(lines, [
    "Ignored musicdl settings (tunedl has no use for them): spotify.redirect_uri, rate_limits, graph",
  ]);
  assert.ok(!text.includes("Warnings"), text);
});
