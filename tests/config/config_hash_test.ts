import assert from "node:assert/strict";
import { configHash, parseConfig } from "../../src/config/mod.ts";

const base = `# my music
version: "1.2"
download:
  threads: 2
  format: mp3
  output: "{artist}/{album}/{title}.{output-ext}"
songs:
  - Ropes: https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU
playlists:
  - https://open.spotify.com/playlist/5LkNhFidYyyjRWwnkcMbQs
overrides:
  https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU: https://www.youtube.com/watch?v=a
  https://open.spotify.com/track/55nZRG7TMAtFbsPzVTQ3iJ: https://www.youtube.com/watch?v=b
`;

function hashOf(yaml: string, env: Record<string, string> = {}): string {
  return configHash(parseConfig(yaml, { file: "config.yaml", env }).config);
}

Deno.test("configHash is a sha-256 hex digest, stable across runs", () => {
  assert.match(hashOf(base), /^[0-9a-f]{64}$/);
  assert.equal(hashOf(base), hashOf(base));
});

Deno.test("configHash ignores key order, comments, names, link spelling, secrets and tuning knobs", () => {
  const reordered = `overrides:
  https://open.spotify.com/track/55nZRG7TMAtFbsPzVTQ3iJ: https://www.youtube.com/watch?v=b
  spotify:track:1t2qKa8K72IBC8yQlhD9bU: https://www.youtube.com/watch?v=a   # pinned
playlists:
  - Some name: open.spotify.com/intl-de/playlist/5LkNhFidYyyjRWwnkcMbQs?si=xyz
songs:
  - Other name: spotify:track:1t2qKa8K72IBC8yQlhD9bU
download:
  client_id: abc
  client_secret: def
  output: "{artist}/{album}/{title}.{output-ext}"
  threads: 8
  match_threshold: 0.9
  cache_ttl: 1
  format: MP3
version: 1.2
`;
  assert.equal(hashOf(reordered), hashOf(base));
  assert.equal(hashOf(base, { SPOTIFY_CLIENT_SECRET: "other" }), hashOf(base));
});

Deno.test("configHash changes when what is downloaded or where it goes changes", () => {
  const original = hashOf(base);
  const changes: [string, string][] = [
    ["a different song", base.replace("1t2qKa8K72IBC8yQlhD9bU\n", "55nZRG7TMAtFbsPzVTQ3iJ\n")],
    [
      "an added album",
      `${base}albums:\n  - https://open.spotify.com/album/58NCND7oBmNGsoYExAYtvV\n`,
    ],
    ["Liked Songs", `${base}liked_songs: true\n`],
    ["format", base.replace("format: mp3", "format: flac")],
    ["output", base.replace("{title}.{output-ext}", "{track-number} {title}.{output-ext}")],
    ["overwrite", base.replace("threads: 2", "overwrite: metadata")],
    ["duplicates", base.replace("threads: 2", "duplicates: link")],
    ["m3u_output", base.replace("threads: 2", "m3u_output: 'lists/{playlist}.m3u8'")],
    ["artist_album_groups", base.replace("threads: 2", "artist_album_groups: [album]")],
    ["an override", base.replace("watch?v=b", "watch?v=c")],
  ];
  const seen = new Set([original]);
  for (const [what, yaml] of changes) {
    const hash = hashOf(yaml);
    assert.notEqual(hash, original, what);
    seen.add(hash);
  }
  assert.equal(seen.size, changes.length + 1, "every change gives its own hash");
});
