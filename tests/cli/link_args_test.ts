/**
 * One-shot arguments and command-line settings: every command names a
 * positional it cannot use (exit 2), links replace the config's lists, and
 * each setting flag is checked like the config value, winning over it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliIo, runCli } from "../../src/cli/mod.ts";
import {
  defaultConfig,
  NO_CONFIG_FILE,
  runSubjects,
  withSubjects,
} from "../../src/cli/link_args.ts";
import { outputFromFlag, withSettingFlags } from "../../src/cli/setting_flags.ts";
import { parseConfig } from "../../src/config/mod.ts";
import { ConfigError, UsageError } from "../../src/errors/mod.ts";

const TRACK = "https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU";
const ALBUM = "https://open.spotify.com/album/58NYQm3dRbTW1kKirl631E";
const PLAYLIST = "spotify:playlist:5LkNhFidYyyjRWwnkcMbQs";
const ARTIST = "open.spotify.com/artist/0LyfQWJT6nXafLPZqxe9Of?si=abc";

function captureIo(cwd: string, env: Record<string, string> = {}) {
  const io = {
    stdout: "",
    stderr: "",
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    env,
    cwd,
    os: "linux" as const,
  };
  return io as CliIo & { stdout: string; stderr: string };
}

Deno.test("every command names a positional it cannot use and exits 2", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "tunedl-args-" });
  try {
    const cases: [string[], RegExp][] = [
      [["download", "songs"], /tunedl download: "songs" is not a Spotify link or `liked`/],
      [
        ["plan", "config.yaml"],
        /tunedl plan: "config.yaml" is not a Spotify link.*\nhint: .*tunedl plan --config config.yaml/,
      ],
      [["validate", TRACK, "frob"], /tunedl validate: "frob" is not a Spotify link/],
      [
        ["download", "https://open.spotify.com/episode/1t2qKa8K72IBC8yQlhD9bU"],
        /"https:\/\/open.spotify.com\/episode\/1t2qKa8K72IBC8yQlhD9bU" is a podcast episode link/,
      ],
      [["plan", "1t2qKa8K72IBC8yQlhD9bU"], /is a bare id that does not say what it is/],
      [["plan", "https://spotify.link/abc"], /is a short link that only Spotify can expand/],
      [["explain", "frob"], /tunedl explain: "frob" is not a Spotify track link/],
      [["doctor", "frob"], /tunedl doctor: unexpected argument "frob"/],
      [["login", "frob"], /tunedl login: unexpected argument "frob"/],
      [["logout", "frob"], /tunedl logout: unexpected argument "frob"/],
      [["cache", "frob"], /tunedl cache: unknown action "frob"/],
      [["completions", "tcsh"], /tunedl completions: unknown shell "tcsh"/],
    ];
    for (const [args, stderr] of cases) {
      const io = captureIo(cwd);
      const code = await runCli(args, io);
      assert.equal(code, 2, `${args.join(" ")}: ${io.stderr}`);
      assert.match(io.stderr, stderr, args.join(" "));
      assert.equal(io.stdout, "");
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("runSubjects: links of every kind and liked, duplicates once", () => {
  const subjects = runSubjects("plan", [TRACK, ALBUM, PLAYLIST, ARTIST, "liked", TRACK]);
  assert.deepEqual(subjects.refs.map((ref) => ref.kind), ["track", "album", "playlist", "artist"]);
  assert.equal(subjects.liked, true);
  assert.throws(() => runSubjects("plan", ["x"]), UsageError);
});

Deno.test("withSubjects: links replace the config's lists, settings and overrides stay", () => {
  const loaded = parseConfig(
    `version: "1.2"
download: { format: flac }
songs: ["${TRACK}"]
albums: ["${ALBUM}"]
liked_songs: true
overrides: { "${TRACK}": "https://www.youtube.com/watch?v=abc" }
`,
    { file: "config.yaml" },
  );
  const replaced = withSubjects(loaded, runSubjects("download", [PLAYLIST]));
  const c = replaced.config;
  assert.deepEqual([c.songs, c.albums, c.artists], [[], [], []]);
  assert.deepEqual(c.playlists.map((e) => e.ref.id), ["5LkNhFidYyyjRWwnkcMbQs"]);
  assert.equal(c.liked_songs, false);
  assert.equal(c.download.format, "flac");
  assert.deepEqual(Object.keys(c.overrides), ["1t2qKa8K72IBC8yQlhD9bU"]);
});

Deno.test("defaultConfig: the defaults, relative to where tunedl runs, credentials from env", () => {
  const loaded = defaultConfig({
    cwd: "/work/here",
    env: { SPOTIFY_CLIENT_ID: "id", SPOTIFY_CLIENT_SECRET: "secret" },
  });
  assert.equal(loaded.file, NO_CONFIG_FILE);
  assert.equal(loaded.dir, "/work/here");
  assert.equal(loaded.config.download.client_id, "id");
  assert.equal(loaded.config.download.format, "mp3");
  assert.equal(loaded.config.download.lyrics, "synced");
});

Deno.test("outputFromFlag: a folder keeps the config's file names; a template is used as given", () => {
  const current = "music/{artist}/{album}/{track-number} - {title}.{output-ext}";
  const cases: [string, string][] = [
    ["/srv/music", "/srv/music/{artist}/{album}/{track-number} - {title}.{output-ext}"],
    ["lib", "/cwd/lib/{artist}/{album}/{track-number} - {title}.{output-ext}"],
    ["/x/{title}.{output-ext}", "/x/{title}.{output-ext}"],
    ["out/{artist} - {title}.{output-ext}", "/cwd/out/{artist} - {title}.{output-ext}"],
    ["", ""],
  ];
  for (const [value, expected] of cases) {
    assert.equal(outputFromFlag(value, current, "/cwd"), expected, value);
  }
  assert.equal(outputFromFlag("/l", "{title}.{output-ext}", "/cwd"), "/l/{title}.{output-ext}");
});

Deno.test("setting flags win over the config, checked with the config's messages", () => {
  const loaded = parseConfig(
    `version: "1.2"
download:
  format: mp3
  bitrate: 128k
  threads: 2
  overwrite: skip
  m3u: true
  lyrics: off
  output: "music/{artist}/{title}.{output-ext}"
`,
    { file: "/cfg/config.yaml" },
  );
  const flags = {
    format: "FLAC",
    bitrate: "320",
    threads: "8",
    overwrite: "metadata",
    "no-m3u": true,
    lyrics: "plain",
    output: "/srv/lib",
  };
  const d = withSettingFlags("download", loaded, flags, { cwd: "/cwd" }).config.download;
  assert.deepEqual(
    [d.format, d.bitrate, d.threads, d.overwrite, d.m3u, d.lyrics, d.output],
    ["flac", "320k", 8, "metadata", false, "plain", "/srv/lib/{artist}/{title}.{output-ext}"],
  );
  assert.equal(
    withSettingFlags("download", loaded, { m3u: true }, { cwd: "/" }).config.download.m3u,
    true,
  );

  const bad: [Record<string, unknown>, string][] = [
    [{ format: "wav" }, '--format: expected one of mp3, m4a, flac, opus, ogg, got "wav"'],
    [
      { bitrate: "loud" },
      '--bitrate: expected a bitrate like "192k" (or "auto", "disable"), got "loud"',
    ],
    [{ threads: "0" }, '--threads: expected a positive integer (1 to 64), got "0"'],
    [{ threads: "many" }, '--threads: expected a positive integer (1 to 64), got "many"'],
    [
      { overwrite: "always" },
      '--overwrite: expected one of skip, overwrite, metadata, got "always"',
    ],
    [{ lyrics: "karaoke" }, '--lyrics: expected one of synced, plain, off, got "karaoke"'],
    [{ output: "" }, "--output: expected a file path template like"],
  ];
  for (const [given, message] of bad) {
    assert.throws(
      () => withSettingFlags("download", loaded, given, { cwd: "/cwd" }),
      (error) =>
        error instanceof ConfigError && error.exitCode === 2 && error.message.startsWith(message),
      JSON.stringify(given),
    );
  }
  assert.throws(
    () => withSettingFlags("download", loaded, { m3u: true, "no-m3u": true }, { cwd: "/" }),
    (error) => error instanceof UsageError && /--m3u and --no-m3u contradict/.test(error.message),
  );
});

Deno.test("the config and the flag say the same about a bad value", () => {
  const io = captureIo("/nonexistent-tunedl-cwd");
  const fromConfig = (() => {
    try {
      parseConfig(`version: "1.2"\ndownload: { format: wav }\n`, { file: "c.yaml" });
    } catch (error) {
      return (error as Error).message;
    }
  })();
  assert.match(
    fromConfig!,
    /download\.format: expected one of mp3, m4a, flac, opus, ogg, got "wav"/,
  );
  return runCli(["validate", TRACK, "--format", "wav"], io).then((code) => {
    assert.equal(code, 2);
    assert.match(
      io.stderr,
      /^error: --format: expected one of mp3, m4a, flac, opus, ogg, got "wav"/,
    );
  });
});

Deno.test("validate with links and no config: the defaults and the links, offline", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "tunedl-args-" });
  try {
    const io = captureIo(cwd);
    const code = await runCli(["validate", TRACK, ALBUM, "--json", "--format", "opus"], io);
    assert.equal(code, 0, io.stderr);
    const doc = JSON.parse(io.stdout);
    assert.equal(doc.ok, true);
    assert.match(JSON.stringify(doc), /opus/);
    assert.match(JSON.stringify(doc), /58NYQm3dRbTW1kKirl631E/);
    // A config in the folder is used for settings; its lists are not.
    await Deno.writeTextFile(
      join(cwd, "config.yaml"),
      `version: "1.2"\ndownload: { format: flac }\nplaylists: ["${PLAYLIST}"]\n`,
    );
    const io2 = captureIo(cwd);
    assert.equal(await runCli(["validate", TRACK, "--json"], io2), 0, io2.stderr);
    const text = io2.stdout;
    assert.match(text, /flac/);
    assert.doesNotMatch(text, /5LkNhFidYyyjRWwnkcMbQs/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("one-shot without credentials: exit 2, the environment variables to set", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "tunedl-args-" });
  try {
    const io = captureIo(cwd, { TUNEDL_CACHE_DIR: join(cwd, "cache") });
    assert.equal(await runCli(["plan", TRACK], io), 2, io.stderr);
    assert.match(io.stderr, /^error: Spotify credentials are missing\nhint: Set SPOTIFY_CLIENT_ID/);
    const none = captureIo(cwd);
    assert.equal(await runCli(["download"], none), 2);
    assert.match(none.stderr, /config file not found: .*\nhint: .*tunedl download <link>/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
