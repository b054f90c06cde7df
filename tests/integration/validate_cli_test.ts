/**
 * `tunedl validate` end to end: the real command in a subprocess. Every run
 * points the Spotify URLs at a closed local port and passes credentials, so a
 * validate that touched the network would fail.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { makeTempWorkspace, PROJECT_ROOT, runTunedl, type TunedlRun } from "../fakes/cli_runner.ts";
import { FIXTURE_IDS } from "../fakes/spotify_fake.ts";

const EXAMPLE_CONFIG = join(PROJECT_ROOT, "config.example.yaml");

/** A local port nothing listens on (it was free a moment ago). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function validate(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<TunedlRun> {
  await using work = await makeTempWorkspace({ prefix: "tunedl-validate-" });
  const offline = `http://127.0.0.1:${closedPort()}`;
  return await runTunedl(["validate", ...args], {
    inProcess: true,
    cwd: options.cwd ?? work.dir,
    env: {
      TUNEDL_SPOTIFY_API_URL: offline,
      TUNEDL_SPOTIFY_ACCOUNTS_URL: offline,
      TUNEDL_CACHE_DIR: work.cacheDir,
      SPOTIFY_CLIENT_ID: "validate-client-id",
      SPOTIFY_CLIENT_SECRET: "validate-client-secret",
      ...options.env,
    },
  });
}

interface SummaryJson {
  ok: boolean;
  file: string;
  version: string;
  config_hash: string;
  sources: Record<string, { kind: string; id: string; url: string; name?: string }[]>;
  error?: { code: string; message: string; hint?: string };
}

function jsonOf(run: TunedlRun): SummaryJson {
  try {
    return JSON.parse(run.stdout) as SummaryJson;
  } catch {
    throw new assert.AssertionError({ message: `stdout is not one JSON document:\n${run.stdout}` });
  }
}

/**
 * The child names a file it found from its working folder by that folder's real path: on macOS
 * the temp folders are reached through a link (/var -> /private/var), so the test's spelling of
 * the same file differs. The name must still be absolute and normalized.
 */
function assertSameFile(reported: string, expected: string): void {
  assert.equal(reported, resolve(reported), `${reported} is not absolute and normalized`);
  assert.equal(Deno.realPathSync(reported), Deno.realPathSync(expected));
}

const BROKEN_CONFIG = [
  'version: "1.2"',
  "download:",
  "  threads: many",
  "  format: wav",
  "songs:",
  "  - https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU",
  "",
].join("\n");

Deno.test("validate: the example config is valid and lists its sources, offline", async () => {
  const run = await validate(["--config", EXAMPLE_CONFIG]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  assert.match(run.stdout, /^Config .*config\.example\.yaml \(version 1\.2\) is valid\.\n/);
  assert.match(run.stdout, /\nSources: 1 song, 1 album, 1 artist, 1 playlist; Liked Songs: no\n/);
  const listed = [
    `Ropes  https://open.spotify.com/track/${FIXTURE_IDS.track}`,
    "Kontinuum - Lost  https://open.spotify.com/album/58NCND7oBmNGsoYExAYtvV",
    `Kontinuum  https://open.spotify.com/artist/${FIXTURE_IDS.artist}`,
    `Top 10 NCS Songs Episode 2  https://open.spotify.com/playlist/${FIXTURE_IDS.playlist}`,
  ];
  for (const line of listed) assert.ok(run.stdout.includes(`\n    - ${line}\n`), line);
});

Deno.test("validate --json: one document with the sources", async () => {
  const run = await validate(["--config", EXAMPLE_CONFIG, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const summary = jsonOf(run);
  assert.equal(summary.ok, true);
  assert.equal(summary.file, EXAMPLE_CONFIG);
  assert.equal(summary.version, "1.2");
  assert.match(summary.config_hash, /^[0-9a-f]{16,}$/);
  assert.deepEqual(summary.sources.songs.map((s) => [s.kind, s.id, s.name]), [
    ["track", FIXTURE_IDS.track, "Ropes"],
  ]);
  assert.deepEqual(summary.sources.playlists.map((s) => s.id), [FIXTURE_IDS.playlist]);
  assert.deepEqual(summary.sources.artists.map((s) => s.id), [FIXTURE_IDS.artist]);
  assert.equal(summary.sources.albums.length, 1);
});

Deno.test("validate finds ./config.yaml, --config and $TUNEDL_CONFIG; a positional file is refused", async () => {
  await using work = await makeTempWorkspace();
  const text = await Deno.readTextFile(EXAMPLE_CONFIG);
  const inCwd = await work.writeConfig(text);
  const named = await work.writeConfig(text, { name: "other.yml" });

  const fromCwd = await validate(["--json"], { cwd: work.dir });
  assert.equal(fromCwd.code, 0, fromCwd.stderr);
  assertSameFile(jsonOf(fromCwd).file, inCwd);

  const flag = await validate(["--config", "other.yml", "--json"], { cwd: work.dir });
  assert.equal(flag.code, 0, flag.stderr);
  assertSameFile(jsonOf(flag).file, named);

  // A config file is given with --config only; the error says how.
  const positional = await validate(["other.yml"], { cwd: work.dir });
  assert.equal(positional.code, 2);
  assert.match(positional.stderr, /"other.yml" is not a Spotify link or `liked`/);
  assert.match(positional.stderr, /tunedl validate --config other.yml/);

  const fromEnv = await validate(["--json"], { env: { TUNEDL_CONFIG: named } });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.equal(jsonOf(fromEnv).file, named);
});

Deno.test("validate: a broken config exits 2 with file:line:col: key: message per problem", async () => {
  await using work = await makeTempWorkspace();
  const file = await work.writeConfig(BROKEN_CONFIG);
  const run = await validate(["--config", file]);
  assert.equal(run.code, 2);
  assert.equal(run.stdout, "");
  const lines = run.stderr.split("\n");
  assert.ok(
    lines.some((line) =>
      line.replace(/^error: /, "").startsWith(`${file}:3:12: download.threads: `) &&
      line.includes('"many"')
    ),
    run.stderr,
  );
  assert.ok(
    lines.some((line) =>
      line.replace(/^error: /, "").startsWith(`${file}:4:11: download.format: `) &&
      line.includes("mp3")
    ),
    run.stderr,
  );
  assert.match(run.stderr, /\nhint: /);

  const json = await validate(["--config", file, "--json"]);
  assert.equal(json.code, 2);
  const output = jsonOf(json);
  assert.equal(output.ok, false);
  assert.equal(output.error?.code, "config");
  assert.ok(
    output.error?.message.includes(`${file}:3:12: download.threads`),
    output.error?.message,
  );
});

Deno.test("validate: a misspelt key is an error (exit 2), once, with its hint right under it", async () => {
  await using work = await makeTempWorkspace();
  const file = await work.writeConfig(
    'version: "1.2"\ndownload:\n  fromat: flac\n  thread: 8\n  colour: blue\nplaylist: []\n',
  );
  const run = await validate(["--config", file]);
  assert.equal(run.code, 2, run.stderr);
  // Line by line, not a RegExp: a Windows path's backslashes would read as escapes.
  const lines = run.stderr.trimEnd().split("\n");
  const expected = [
    [`error: ${file}:3:3: download.fromat: unknown key; did you mean \`format\`?`, "format"],
    [`error: ${file}:4:3: download.thread: unknown key; did you mean \`threads\`?`, "threads"],
    [`error: ${file}:6:1: playlist: unknown key; did you mean \`playlists\`?`, "playlists"],
  ];
  for (const [line, key] of expected) {
    const at = lines.indexOf(line);
    assert.ok(at !== -1, `missing ${line} in:\n${run.stderr}`);
    assert.equal(lines[at + 1], `hint: rename it to \`${key}\``);
    assert.equal(
      lines.filter((l) => l.includes(`did you mean \`${key}\``)).length,
      1,
      "shown once",
    );
  }
  assert.equal(
    lines.filter((l) => l.startsWith(`warning: ${file}:5:3: download.colour: unknown key`)).length,
    1,
  );

  const json = await validate(["--json", "--config", file]);
  assert.equal(json.code, 2);
  const document = JSON.parse(json.stdout) as {
    ok: boolean;
    errors: Record<string, unknown>[];
  };
  assert.equal(document.ok, false);
  assert.deepEqual(document.errors[0], {
    file,
    line: 3,
    column: 3,
    key: "download.fromat",
    message: "unknown key; did you mean `format`?",
    hint: "rename it to `format`",
  });
  assert.deepEqual(document.errors.map((e) => e.key), [
    "download.fromat",
    "download.thread",
    "playlist",
  ]);
});

Deno.test("validate: a missing config file exits 2 and names the path", async () => {
  await using work = await makeTempWorkspace();
  const missing = join(work.dir, "nope.yaml");
  const run = await validate(["--config", missing]);
  assert.equal(run.code, 2);
  assert.ok(run.stderr.startsWith(`error: config file not found: ${missing}\n`), run.stderr);
  assert.match(run.stderr, /\nhint: .*config\.example\.yaml/);

  const json = await validate(["--config", missing, "--json"]);
  assert.equal(json.code, 2);
  assert.equal(jsonOf(json).error?.code, "config");
});
