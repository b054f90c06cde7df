import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { InvalidConfigError, loadConfig, parseConfig } from "../../src/config/mod.ts";

const fixtures = new URL("./fixtures/", import.meta.url);
const exampleFile = new URL("../../config.example.yaml", import.meta.url);
const T = "1t2qKa8K72IBC8yQlhD9bU";

function parse(yaml: string, env: Record<string, string | undefined> = {}) {
  return parseConfig(`version: "1.2"\n${yaml}`, { file: "config.yaml", env });
}

Deno.test("a musicdl 1.2 config.yaml loads unchanged, without warnings", async () => {
  const file = fileURLToPath(new URL("musicdl_1_2.yaml", fixtures));
  const loaded = await loadConfig(file, { env: {} });
  assert.deepEqual(loaded.warnings, []);
  const { config } = loaded;
  assert.equal(config.version, "1.2");
  assert.equal(config.download.threads, 1);
  assert.equal(config.download.max_retries, 5);
  assert.equal(config.download.format, "mp3");
  assert.equal(
    config.download.output,
    "{artist}/{album}/{disc-number}{track-number} - {title}.{output-ext}",
  );
  assert.deepEqual(config.download.audio_providers, ["youtube-music", "youtube"]);
  assert.equal(config.download.overwrite, "skip");
  assert.equal(config.download.duplicates, "copy");
  assert.equal(config.download.client_id, undefined);
  assert.deepEqual(config.songs, []);
  assert.deepEqual(
    config.artists.map((entry) => [entry.name, entry.ref.kind, entry.ref.id, entry.line]),
    [
      ["Kontinuum", "artist", "1FPC2zwfMHhrP3frOfaai6", 32],
      ["Tobu", "artist", "1feoGrmmD8QmNqtK2Gdwy8", 33],
      ["8485", "artist", "6yPYDR9yFTpcGrusQU7rRx", 34],
      ["Lost Sky", "artist", "157L8iTHgbdrKVxdQEXluh", 35],
    ],
  );
  assert.deepEqual(config.playlists.map((entry) => entry.ref.url), [
    "https://open.spotify.com/playlist/5LkNhFidYyyjRWwnkcMbQs",
    "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M",
  ]);
  assert.equal(config.liked_songs, false);
  assert.deepEqual(config.overrides, {});
  assert.equal(loaded.dir, fileURLToPath(fixtures).replace(/[\\/]$/, ""));
});

Deno.test("every musicdl 1.2 key and entry form is accepted; unused ones raise no warning", async () => {
  const loaded = await loadConfig(fileURLToPath(new URL("musicdl_complete.yaml", fixtures)));
  assert.deepEqual(loaded.warnings, []);
  const { config } = loaded;
  const d = config.download;
  assert.equal(config.version, "1.2", "version written as the number 1.2");
  assert.equal(d.format, "flac");
  assert.equal(d.bitrate, "320k");
  assert.equal(d.overwrite, "metadata");
  assert.equal(d.threads, 8);
  assert.equal(d.file_cache_max_size, 20000, "musicdl's file_existence_cache_max_size");
  assert.equal(d.file_cache_ttl, 1800, "musicdl's file_existence_cache_ttl");
  assert.equal(d.spotify_rate_limit_enabled, true, "PyYAML-style yes");
  assert.equal(d.spotify_rate_limit_window, 1.5);
  assert.equal(d.plan_persistence_enabled, false);
  assert.equal(d.client_id, "config-client-id");
  assert.deepEqual(config.songs.map((entry) => [entry.name, entry.ref.id]), [
    ["Ropes", T],
    ["Timeline", "55nZRG7TMAtFbsPzVTQ3iJ"],
    [undefined, "16uxYaIhavk2ZcvNqfWowP"],
  ]);
  assert.deepEqual(config.albums.map((entry) => [entry.name, entry.create_m3u]), [["Lost", true], [
    "Ponder",
    undefined,
  ]]);
  assert.equal(config.playlists[0].create_m3u, true);
  assert.equal(config.artists[0].name, "Kontinuum");
});

Deno.test("defaults of a minimal config", () => {
  const { config, warnings } = parse("");
  assert.deepEqual(warnings, []);
  assert.deepEqual(config.download, {
    threads: 4,
    max_retries: 3,
    format: "mp3",
    bitrate: "128k",
    output: "{artist}/{album}/{track-number} - {title}.{output-ext}",
    audio_providers: ["youtube-music", "youtube"],
    overwrite: "skip",
    duplicates: "copy",
    cache_max_size: 1000,
    cache_ttl: 3600,
    audio_search_cache_max_size: 500,
    audio_search_cache_ttl: 86400,
    audio_search_failure_ttl: 3600,
    file_cache_max_size: 10000,
    file_cache_ttl: 3600,
    cache_persistent: true,
    spotify_max_retries: 3,
    spotify_retry_base_delay: 1,
    spotify_retry_max_delay: 120,
    spotify_max_retry_after: 600,
    spotify_rate_limit_enabled: true,
    spotify_rate_limit_requests: 10,
    spotify_rate_limit_window: 1,
    plan_generation_enabled: true,
    plan_optimization_enabled: true,
    plan_execution_enabled: true,
    plan_persistence_enabled: true,
    ytdlp_args: [],
    match_threshold: 0.7,
    duration_tolerance: 15,
    artist_album_groups: ["album", "single"],
    m3u_output: "{playlist}.m3u8",
    search_concurrency: 4,
    spotify_concurrency: 8,
    download_timeout: 600,
    request_timeout: 10,
    login_redirect_port: 8888,
    lyrics: "synced",
    m3u: true,
  });
  assert.deepEqual(
    [
      config.songs,
      config.albums,
      config.artists,
      config.playlists,
      config.liked_songs,
      config.overrides,
    ],
    [[], [], [], [], false, {}],
  );
});

Deno.test("tunedl's own download keys are read", () => {
  const { config, warnings } = parse(`download:
  format: OPUS
  bitrate: 160
  threads: "2"
  cache_file: ./cache/tunedl.db
  ytdlp_path: /opt/yt-dlp
  cookies_file: cookies.txt
  ytdlp_args: ["--force-ipv4", "--geo-bypass"]
  match_threshold: 0.85
  duration_tolerance: 7.5
  artist_album_groups: [album, compilation, appears_on]
  m3u_output: "Playlists/{playlist}.m3u8"
  cache_persistent: off
  download_timeout: 90
`);
  assert.deepEqual(warnings, []);
  const d = config.download;
  assert.equal(d.format, "opus");
  assert.equal(d.bitrate, "160k");
  assert.equal(d.threads, 2);
  assert.equal(d.cache_file, "./cache/tunedl.db");
  assert.equal(d.ytdlp_path, "/opt/yt-dlp");
  assert.equal(d.ffmpeg_path, undefined);
  assert.equal(d.cookies_file, "cookies.txt");
  assert.deepEqual(d.ytdlp_args, ["--force-ipv4", "--geo-bypass"]);
  assert.equal(d.match_threshold, 0.85);
  assert.equal(d.duration_tolerance, 7.5);
  assert.deepEqual(d.artist_album_groups, ["album", "compilation", "appears_on"]);
  assert.equal(d.m3u_output, "Playlists/{playlist}.m3u8");
  assert.equal(d.cache_persistent, false);
  assert.equal(d.download_timeout, 90);
});

Deno.test("environment credentials win over the config; missing ones are no error", () => {
  const yaml = `download:\n  client_id: "from-config"\n  client_secret: "config-secret"\n`;
  const fromEnv = parse(yaml, {
    SPOTIFY_CLIENT_ID: " env-id ",
    SPOTIFY_CLIENT_SECRET: "env-secret",
  });
  assert.equal(fromEnv.config.download.client_id, "env-id");
  assert.equal(fromEnv.config.download.client_secret, "env-secret");
  assert.deepEqual(fromEnv.credentials, { client_id: "env", client_secret: "env" });

  const mixed = parse(yaml, { SPOTIFY_CLIENT_ID: "", SPOTIFY_CLIENT_SECRET: "env-secret" });
  assert.equal(mixed.config.download.client_id, "from-config", "an empty variable does not count");
  assert.deepEqual(mixed.credentials, { client_id: "config", client_secret: "env" });

  const none = parse(`download:\n  client_id: ""\n  client_secret:\n`, {});
  assert.equal(none.config.download.client_id, undefined);
  assert.equal(none.config.download.client_secret, undefined);
  assert.deepEqual(none.credentials, { client_id: "missing", client_secret: "missing" });

  const envOnly = parse("", { SPOTIFY_CLIENT_ID: "a", SPOTIFY_CLIENT_SECRET: "b" });
  assert.equal(envOnly.config.download.client_id, "a");
  assert.equal(envOnly.config.download.client_secret, "b");
});

Deno.test("near misses of known keys are errors with did-you-mean; other unknown keys warnings", () => {
  const error = thrownBy(() =>
    parse(`download:
  thread: 4
  Audio-Providers: [youtube]
  songs: []
  colour: blue
  fromat: flac
artist: []
thread: 2
threads: 3
misc: 1
playlist: []
liked: true
`)
  );
  assert.deepEqual(error.problems.map((p) => `${p.line}:${p.column}: ${p.path}: ${p.message}`), [
    "3:3: download.thread: unknown key; did you mean `threads`?",
    "4:3: download.Audio-Providers: unknown key; did you mean `audio_providers`?",
    "5:3: download.songs: `songs` belongs at the top level, not under `download:`",
    "7:3: download.fromat: unknown key; did you mean `format`?",
    "8:1: artist: unknown key; did you mean `artists`?",
    "9:1: thread: unknown key; did you mean `threads` under `download:`?",
    "10:1: threads: `threads` belongs under `download:`, not at the top level",
    "12:1: playlist: unknown key; did you mean `playlists`?",
    "13:1: liked: unknown key; did you mean `liked_songs`?",
  ]);
  assert.ok(error.problems.every((p) => p.hint !== undefined && p.hint !== ""));
  assert.deepEqual(error.warnings, [
    "config.yaml:6:3: download.colour: unknown key, ignored",
    "config.yaml:11:1: misc: unknown key, ignored",
  ]);
});

Deno.test("musicdl's top-level spotify: block gives the credentials; rate_limits:, graph: are ignored", () => {
  const loaded = parse(`spotify:
  client_id: from-spotify-block
  client_secret: secret-from-block
  redirect_uri: http://127.0.0.1:8888/callback
rate_limits:
  spotify_requests: 10
graph:
  enabled: true
  uri: bolt://localhost:7687
plex:
  server_url: http://nas:32400
`);
  assert.deepEqual(loaded.warnings, []);
  assert.equal(loaded.config.download.client_id, "from-spotify-block");
  assert.equal(loaded.config.download.client_secret, "secret-from-block");
  assert.deepEqual(loaded.credentials, { client_id: "config", client_secret: "config" });
  assert.deepEqual(loaded.ignored, ["spotify.redirect_uri", "rate_limits", "graph", "plex"]);

  const both = parse(`download:\n  client_id: d\nspotify:\n  client_id: s\n  client_secret: t\n`, {
    SPOTIFY_CLIENT_SECRET: "env",
  });
  assert.equal(both.config.download.client_id, "d", "download: wins over spotify:");
  assert.equal(both.config.download.client_secret, "env", "the environment wins over both");

  const bad = thrownBy(() => parse(`spotify: [a, b]\n`));
  assert.equal(bad.problems[0].path, "spotify");
});

Deno.test("an absolute path of the other family of systems is an error saying so", () => {
  const posix = (yaml: string) => () =>
    parseConfig(`version: "1.2"\n${yaml}`, { file: "c.yaml", env: {}, platform: "posix" });
  const windows = (yaml: string) => () =>
    parseConfig(`version: "1.2"\n${yaml}`, { file: "c.yaml", env: {}, platform: "windows" });
  const onLinux = thrownBy(posix(
    `download:\n  output: 'C:\\Users\\me\\Music\\{artist}\\{title}.{output-ext}'\n  cookies_file: "\\\\\\\\nas\\\\c.txt"\n`,
  ));
  assert.deepEqual(onLinux.problems.map((p) => [p.path, /is a Windows path/.test(p.message)]), [
    ["download.output", true],
    ["download.cookies_file", true],
  ]);
  assert.match(onLinux.problems[0].hint ?? "", /path of this system/);
  const onWindows = thrownBy(
    windows(`download:\n  output: /mnt/music/{artist}/{title}.{output-ext}\n`),
  );
  assert.equal(onWindows.problems[0].path, "download.output");
  assert.match(onWindows.problems[0].message, /is a Linux\/macOS path/);
  // Relative paths and the system's own absolute paths stay valid.
  posix(`download:\n  output: /mnt/music/{title}.{output-ext}\n  cache_file: cache/x.db\n`)();
  windows(`download:\n  output: 'D:\\Music\\{title}.{output-ext}'\n`)();
  windows(`download:\n  output: music/{title}.{output-ext}\n`)();
});

Deno.test("other odd but valid values give located warnings", () => {
  const { config, warnings } = parse(`download:
  audio_providers: [soundcloud, youtube_music]
  output: "{artsit}/{title}.{output-ext}"
songs:
  - https://open.spotify.com/track/${T}
  - Again: spotify:track:${T}
albums:
  - name: X
    url: https://open.spotify.com/album/58NCND7oBmNGsoYExAYtvV
    m3u_file: true
`);
  assert.deepEqual(
    warnings,
    [
      `config.yaml:3:21: download.audio_providers[0]: audio provider "soundcloud" is not supported by tunedl, ignored`,
      'config.yaml:3:33: download.audio_providers[1]: unknown audio provider "youtube_music", ignored; did you mean `youtube-music`?',
      "config.yaml:3:20: download.audio_providers: no supported audio provider listed; using youtube-music, youtube",
      "config.yaml:4:11: download.output: unknown placeholder {artsit} is kept as text; did you mean {artist}?",
      `config.yaml:7:12: songs[1] ("Again"): same track as songs[0], listed once`,
      "config.yaml:11:5: albums[0].m3u_file: unknown key, ignored",
    ].sort(byPosition),
  );
  assert.deepEqual(config.download.audio_providers, ["youtube-music", "youtube"]);
  assert.equal(config.songs.length, 1);
});

function byPosition(a: string, b: string): number {
  const position = (line: string) => line.split(":").slice(1, 3).map(Number);
  const [lineA, columnA] = position(a);
  const [lineB, columnB] = position(b);
  return lineA - lineB || columnA - columnB;
}

Deno.test("Liked Songs: liked_songs, or a liked entry in playlists", () => {
  assert.equal(parse("liked_songs: true\n").config.liked_songs, true);
  assert.equal(parse("liked_songs: yes\n").config.liked_songs, true);
  for (
    const entry of [
      "liked",
      "My likes: liked",
      "https://open.spotify.com/collection/tracks",
      "Mine: open.spotify.com/intl-de/collection/tracks?si=1",
      "spotify:user:someone:collection",
    ]
  ) {
    const { config, warnings } = parse(
      `playlists:\n  - ${entry}\n  - https://open.spotify.com/playlist/5LkNhFidYyyjRWwnkcMbQs\n`,
    );
    assert.equal(config.liked_songs, true, entry);
    assert.deepEqual(config.playlists.map((p) => p.ref.id), ["5LkNhFidYyyjRWwnkcMbQs"], entry);
    assert.deepEqual(warnings, []);
  }
});

Deno.test("source lists accept every link form and keep names and lines", () => {
  const { config } = parse(`songs:
  - https://open.spotify.com/intl-de/track/${T}?si=abc
  - Bare URI: spotify:track:55nZRG7TMAtFbsPzVTQ3iJ
  - "No scheme": open.spotify.com/track/16uxYaIhavk2ZcvNqfWowP
  - 007: https://open.spotify.com/track/5sOxqYCpkHwnFF6sOJg1o6
artists:
  Kontinuum: https://open.spotify.com/artist/1FPC2zwfMHhrP3frOfaai6
playlists: https://open.spotify.com/playlist/5LkNhFidYyyjRWwnkcMbQs
`);
  assert.deepEqual(config.songs, [
    { ref: { kind: "track", id: T, url: `https://open.spotify.com/track/${T}` }, line: 3 },
    {
      name: "Bare URI",
      ref: {
        kind: "track",
        id: "55nZRG7TMAtFbsPzVTQ3iJ",
        url: "https://open.spotify.com/track/55nZRG7TMAtFbsPzVTQ3iJ",
      },
      line: 4,
    },
    {
      name: "No scheme",
      ref: {
        kind: "track",
        id: "16uxYaIhavk2ZcvNqfWowP",
        url: "https://open.spotify.com/track/16uxYaIhavk2ZcvNqfWowP",
      },
      line: 5,
    },
    {
      name: "007",
      ref: {
        kind: "track",
        id: "5sOxqYCpkHwnFF6sOJg1o6",
        url: "https://open.spotify.com/track/5sOxqYCpkHwnFF6sOJg1o6",
      },
      line: 6,
    },
  ]);
  assert.deepEqual(config.artists.map((a) => [a.name, a.ref.id]), [[
    "Kontinuum",
    "1FPC2zwfMHhrP3frOfaai6",
  ]]);
  assert.deepEqual(config.playlists.map((p) => p.ref.id), ["5LkNhFidYyyjRWwnkcMbQs"]);
});

Deno.test("a song literally called `name` is still the short form", () => {
  const { config } = parse(`songs:\n  - name: https://open.spotify.com/track/${T}\n`);
  assert.deepEqual(config.songs.map((song) => [song.name, song.ref.id]), [["name", T]]);
});

Deno.test("overrides map Spotify track ids to audio URLs", () => {
  const { config } = parse(`overrides:
  https://open.spotify.com/intl-de/track/${T}?si=1: https://www.youtube.com/watch?v=abc
  spotify:track:55nZRG7TMAtFbsPzVTQ3iJ: "https://soundcloud.com/artist/song"
`);
  assert.deepEqual(config.overrides, {
    [T]: "https://www.youtube.com/watch?v=abc",
    "55nZRG7TMAtFbsPzVTQ3iJ": "https://soundcloud.com/artist/song",
  });
});

Deno.test("YAML anchors and aliases resolve", () => {
  const { config } = parse(`x-link: &link https://open.spotify.com/track/${T}
songs:
  - *link
`);
  assert.equal(config.songs[0].ref.id, T);
});

Deno.test("config.example.yaml parses with no warnings and documents every download key", async () => {
  const text = await Deno.readTextFile(exampleFile);
  const loaded = parseConfig(text, { file: "config.example.yaml", env: {} });
  assert.deepEqual(loaded.warnings, []);
  // The key table holds zod schemas, so it stays off the config/ barrel.
  const { DOWNLOAD_FIELDS } = await import("../../src/config/config_schema.ts");
  for (const key of Object.keys(DOWNLOAD_FIELDS)) {
    assert.match(
      text,
      new RegExp(`^ +#? ?${key}:`, "m"),
      `config.example.yaml documents download.${key}`,
    );
  }
  for (const key of ["songs", "albums", "artists", "playlists", "liked_songs", "overrides"]) {
    assert.match(text, new RegExp(`^${key}:`, "m"), `config.example.yaml has ${key}`);
  }
  const defaults = parse("").config.download;
  assert.deepEqual(
    { ...loaded.config.download },
    { ...defaults },
    "the example's values are the defaults",
  );
});

function thrownBy(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error("expected an InvalidConfigError");
}
