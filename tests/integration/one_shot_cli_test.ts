/**
 * One-shot runs and command-line settings end to end: the real CLI in a
 * subprocess against the offline music world. A track link downloads into an
 * empty folder with only environment credentials; each setting flag wins over
 * a config that says otherwise.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempWorkspace, parseStdoutJson, runTunedl } from "../fakes/cli_runner.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { startMusicWorld } from "../fakes/music_world.ts";
import type { PlanItem } from "../../src/plan/mod.ts";

const TRACK = "1T5dsbrRBL6K5QtAXgC6E0"; // Halcyon, Valentina Franco - Runaway - Culture Code Remix
const ALBUM_PONDER = "58NYQm3dRbTW1kKirl631E"; // Kontinuum - Ponder (1 track)
const PONDER_TRACK = "3wUEWGwCVJUMecLVItve9f";
const PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs";
const TRACK_FILE = "Halcyon/NCS_ The Best of 2017/02 - Runaway - Culture Code Remix.mp3";
const link = (kind: string, id: string) => `https://open.spotify.com/${kind}/${id}`;

async function setUp() {
  const world = await startMusicWorld();
  const work = await makeTempWorkspace({ prefix: "tunedl-oneshot-e2e-" });
  // The folder the user runs tunedl in: empty, no config.yaml.
  const cwd = join(work.dir, "here");
  await Deno.mkdir(cwd);
  return {
    world,
    work,
    cwd,
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir },
    async [Symbol.asyncDispose]() {
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

async function probe(path: string) {
  const result = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_format", "-show_streams", "-of", "json", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(result.success, new TextDecoder().decode(result.stderr));
  return JSON.parse(new TextDecoder().decode(result.stdout));
}

const rel = (base: string, paths: string[]) =>
  paths.map((path) => path.slice(base.length + 1).replaceAll("\\", "/")).sort();

Deno.test("one-shot: a track link downloads into an empty folder with environment credentials", async () => {
  await using setup = await setUp();
  const run = await runTunedl(["download", link("track", TRACK)], {
    env: setup.env,
    cwd: setup.cwd,
  });
  assert.equal(run.code, 0, run.stderr);
  const files = await listFiles(setup.cwd);
  // Only the track, named by the default template relative to where tunedl ran.
  assert.deepEqual(rel(setup.cwd, files), [TRACK_FILE]);
  const tags = (await probe(files[0])).format.tags as Record<string, string>;
  assert.equal(tags.title, "Runaway - Culture Code Remix");
  assert.match(run.stdout + run.stderr, /Downloaded\s+1/);
});

Deno.test("one-shot: plan takes links without a config; without links a missing config is exit 2", async () => {
  await using setup = await setUp();
  const plan = await runTunedl(
    ["plan", link("album", ALBUM_PONDER), link("track", TRACK), "--json"],
    { env: setup.env, cwd: setup.cwd },
  );
  assert.equal(plan.code, 0, plan.stderr);
  const doc = parseStdoutJson<{ library: string; items: PlanItem[] }>(plan);
  const tracks = doc.items.filter((item) => item.type === "track");
  assert.deepEqual(tracks.map((t) => t.spotify_id).sort(), [PONDER_TRACK, TRACK].sort());
  assert.equal(tracks.length, 2);
  assert.ok(
    tracks.every((t) => t.path!.startsWith(setup.cwd)),
    "paths relative to where tunedl runs",
  );

  const none = await runTunedl(["plan"], { env: setup.env, cwd: setup.cwd });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /config file not found/);
  const bad = await runTunedl(["download", "my-songs.yaml"], { env: setup.env, cwd: setup.cwd });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"my-songs.yaml" is not a Spotify link or `liked`/);
  assert.match(bad.stderr, /tunedl download --config my-songs.yaml/);
});

Deno.test("one-shot: links replace the lists of ./config.yaml, whose settings are used", async () => {
  await using setup = await setUp();
  await Deno.writeTextFile(
    join(setup.cwd, "config.yaml"),
    `version: "1.2"
download:
  format: opus
  output: "lib/{artist}/{title}.{output-ext}"
playlists:
  - ${link("playlist", PLAYLIST)}
`,
  );
  const plan = await runTunedl(["plan", link("album", ALBUM_PONDER), "--json"], {
    env: setup.env,
    cwd: setup.cwd,
  });
  assert.equal(plan.code, 0, plan.stderr);
  const items = parseStdoutJson<{ items: PlanItem[] }>(plan).items;
  assert.deepEqual(items.map((i) => i.type).sort(), ["album", "track"]);
  const path = items.find((i) => i.type === "track")!.path!;
  assert.equal(path, join(setup.cwd, "lib", "Kontinuum", "Ponder.opus"));
});

Deno.test("setting flags: each wins over a config that says otherwise", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  world.lrclib.songs.push({ artist: "Kontinuum", title: "Ponder", kind: "synced" });
  const config = await work.writeConfig({
    version: "1.2",
    download: {
      output: "music/{artist}/{album}/{title}.{output-ext}",
      format: "flac",
      bitrate: "320k",
      threads: 1,
      overwrite: "skip",
      m3u: false,
      lyrics: "off",
    },
    albums: [link("album", ALBUM_PONDER)],
    playlists: [link("playlist", PLAYLIST)],
  });
  const base = ["--config", config];
  const env = setup.env;

  // validate shows what a run would use: every flag over the config.
  const validate = await runTunedl([
    "validate",
    ...base,
    "--json",
    "--threads",
    "6",
    "--format",
    "m4a",
    "--bitrate",
    "96k",
    "--overwrite",
    "metadata",
    "--m3u",
    "--lyrics",
    "plain",
  ], { env, cwd: work.dir });
  assert.equal(validate.code, 0, validate.stderr);
  const settings = parseStdoutJson<{ settings: Record<string, unknown> }>(validate).settings;
  assert.deepEqual(
    [
      settings.threads,
      settings.format,
      settings.bitrate,
      settings.overwrite,
      settings.m3u,
      settings.lyrics,
    ],
    [6, "m4a", "96k", "metadata", true, "plain"],
  );

  // --m3u / --no-m3u: the playlist's M3U is planned or not, whatever the config says.
  const m3uOf = async (args: string[]) => {
    const run = await runTunedl(["plan", ...base, "--json", ...args], { env, cwd: work.dir });
    assert.equal(run.code, 0, run.stderr);
    return parseStdoutJson<{ items: PlanItem[] }>(run).items.filter((i) => i.type === "m3u").length;
  };
  assert.equal(await m3uOf([]), 0);
  assert.equal(await m3uOf(["--m3u"]), 1);
  const m3uConfig = await work.writeConfig(
    (await Deno.readTextFile(config)).replace("m3u: false", "m3u: true"),
    { name: "m3u.yaml" },
  );
  const noM3u = await runTunedl(["plan", "--config", m3uConfig, "--json", "--no-m3u"], {
    env,
    cwd: work.dir,
  });
  assert.equal(
    parseStdoutJson<{ items: PlanItem[] }>(noM3u).items.filter((i) => i.type === "m3u").length,
    0,
  );

  // A download of the album alone: format, bitrate, output folder and lyrics from the flags.
  const albumOnly = await work.writeConfig(
    (await Deno.readTextFile(config)).replace(/playlists:\n.*\n/, ""),
    { name: "album.yaml" },
  );
  const flags = [
    "--format",
    "mp3",
    "--bitrate",
    "64k",
    "--output",
    "elsewhere",
    "--lyrics",
    "synced",
  ];
  const first = await runTunedl(["download", "--config", albumOnly, ...flags], {
    env,
    cwd: work.dir,
  });
  assert.equal(first.code, 0, first.stderr);
  const target = join(work.dir, "elsewhere", "Kontinuum", "Ponder", "Ponder.mp3");
  const probed = await probe(target);
  const audio = probed.streams.find((s: { codec_type: string }) => s.codec_type === "audio");
  assert.equal(audio.codec_name, "mp3");
  assert.equal(Number(audio.bit_rate), 64000);
  assert.ok(
    (await Deno.stat(target.replace(/\.mp3$/, ".lrc"))).isFile,
    "--lyrics synced over lyrics: off",
  );
  await assert.rejects(Deno.stat(join(work.dir, "music")), Deno.errors.NotFound);

  // --overwrite overwrite over `overwrite: skip`: the file is downloaded again.
  const skip = await runTunedl(["download", "--config", albumOnly, ...flags], {
    env,
    cwd: work.dir,
  });
  assert.match(skip.stdout, /Already present\s+1/);
  const again = await runTunedl(
    ["download", "--config", albumOnly, ...flags, "--overwrite", "overwrite", "--threads", "2"],
    { env, cwd: work.dir },
  );
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Downloaded\s+1/);

  // A bad value is the config's message, exit 2, nothing downloaded.
  const bad = await runTunedl(["download", "--config", albumOnly, "--threads", "0"], {
    env,
    cwd: work.dir,
  });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: --threads: expected a positive integer \(1 to 64\), got "0"/);
});
