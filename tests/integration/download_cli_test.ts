/**
 * End-to-end `tunedl download` runs: the real CLI in a subprocess against the
 * offline music world (fake Spotify, fake YouTube, real yt-dlp and ffmpeg).
 * What is checked is what a user would look at: the files in the library,
 * their tags read back by ffprobe, the M3U file and the command's output.
 */
import { type TrackMetadata } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { makeTempWorkspace, runTunedl, type TempWorkspace } from "../fakes/cli_runner.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { type MusicWorld, type MusicWorldOptions, startMusicWorld } from "../fakes/music_world.ts";
import type { RawObject } from "../fakes/spotify_fake.ts";
import type { PlanItem } from "../../src/plan/mod.ts";
import { camelCaseKeys } from "../../src/util/mod.ts";

const PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs";
const ALBUM_PONDER = "58NYQm3dRbTW1kKirl631E";
const ALBUM_LOST = "58NCND7oBmNGsoYExAYtvV";
const OUTPUT = "music/{artist}/{album}/{track-number} - {title}.{output-ext}";
const AUDIO_EXTENSIONS = /\.(mp3|m4a|flac|opus|ogg)$/;

const spotifyLink = (kind: string, id: string) => `https://open.spotify.com/${kind}/${id}`;

function configFor(
  sources: { albums?: string[]; playlists?: string[] },
  download: Record<string, unknown> = {},
) {
  return {
    version: "1.2",
    download: { threads: 4, output: OUTPUT, ...download },
    albums: (sources.albums ?? []).map((id) => spotifyLink("album", id)),
    playlists: (sources.playlists ?? []).map((id) => spotifyLink("playlist", id)),
  };
}

/** A world and a workspace for one test, both closed by dispose. */
async function setUp(
  options: MusicWorldOptions = {},
): Promise<
  { world: MusicWorld; work: TempWorkspace; env: Record<string, string> } & AsyncDisposable
> {
  const world = await startMusicWorld(options);
  const work = await makeTempWorkspace({ prefix: "tunedl-dl-e2e-" });
  return {
    world,
    work,
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir },
    async [Symbol.asyncDispose]() {
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

interface PlanJson {
  library: string;
  items: PlanItem[];
}

async function planJson(
  config: string,
  setup: { work: TempWorkspace; env: Record<string, string> },
): Promise<PlanJson> {
  const run = await runTunedl(["plan", "--config", config, "--json"], {
    env: setup.env,
    cwd: setup.work.dir,
  });
  assert.equal(run.code, 0, `plan failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as PlanJson;
}

interface Probe {
  streams: {
    codec_name: string;
    codec_type: string;
    disposition?: Record<string, number>;
    tags?: Record<string, string>;
  }[];
  format: { format_name: string; tags?: Record<string, string> };
}

async function ffprobe(path: string): Promise<Probe> {
  const result = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_format", "-show_streams", "-of", "json", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(
    result.success,
    `ffprobe cannot read ${path}: ${new TextDecoder().decode(result.stderr)}`,
  );
  return JSON.parse(new TextDecoder().decode(result.stdout)) as Probe;
}

/** Tags with lower-case keys; Ogg keeps its comments on the audio stream, others on the file. */
function tagsOf(probe: Probe): Record<string, string> {
  const audio = probe.streams.find((stream) => stream.codec_type === "audio");
  const all = { ...audio?.tags, ...probe.format.tags };
  return Object.fromEntries(
    Object.entries(all).map(([key, value]) => [key.toLowerCase(), value]),
  );
}

const tracksOf = (plan: PlanJson) => plan.items.filter((item) => item.type === "track");

/** The playlist's playable rows (removed tracks have no name), in order. */
function playableRows(world: MusicWorld, playlistId: string): RawObject[] {
  return world.catalog.playlist_items[playlistId]
    .map((row) => (row.track ?? row.item) as RawObject | null)
    .filter((track): track is RawObject => !!track && typeof track.id === "string" && !!track.name);
}

/** The ISRC the catalog knows for a track, from any of its copies. */
function knownIsrc(world: MusicWorld, trackId: string): string | undefined {
  const full = world.catalog.tracks[trackId] as RawObject | undefined;
  const fromFull = (full?.external_ids as RawObject | undefined)?.isrc as string | undefined;
  if (fromFull) return fromFull;
  for (const row of Object.values(world.catalog.playlist_items).flat()) {
    const track = (row.track ?? row.item) as RawObject | null;
    if (track?.id === trackId) {
      const isrc = (track.external_ids as RawObject | undefined)?.isrc as string | undefined;
      if (isrc) return isrc;
    }
  }
  return undefined;
}

/** `path` relative to `from`, with "/" between names as tunedl writes it on every OS. */
function slashRelative(from: string, path: string): string {
  return relative(from, path).split(sep).join("/");
}

/** Reads an M3U file into its entries: the #EXTINF line and the path line after it. */
function m3uEntries(text: string): { extinf: string; path: string }[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  assert.equal(lines[0], "#EXTM3U");
  const entries: { extinf: string; path: string }[] = [];
  for (let i = 1; i < lines.length; i += 2) {
    assert.match(lines[i], /^#EXTINF:/, `line ${i + 1} should be #EXTINF: ${lines[i]}`);
    assert.ok(lines[i + 1] && !lines[i + 1].startsWith("#"), `no path after ${lines[i]}`);
    entries.push({ extinf: lines[i], path: lines[i + 1] });
  }
  return entries;
}

async function assertNoTempLeftovers(libraryDir: string): Promise<void> {
  const leftovers = await listFiles(join(libraryDir, ".tunedl-tmp"));
  assert.deepEqual(leftovers, [], "files left in .tunedl-tmp");
}

Deno.test("download: library, tags, cover and M3U as planned, plain output on a pipe", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const config = await work.writeConfig(
    configFor({ albums: [ALBUM_PONDER, ALBUM_LOST], playlists: [PLAYLIST] }),
  );
  const plan = await planJson(config, setup);
  const planned = tracksOf(plan).filter((item) => item.status === "pending");
  // 2 singles + 9 playable playlist rows, none shared.
  assert.equal(planned.length, 11);
  const m3uItem = plan.items.find((item) => item.type === "m3u");
  assert.ok(m3uItem?.path, "the plan has an M3U with a path");

  const run = await runTunedl(["download", "--config", config], {
    env: setup.env,
    cwd: work.dir,
  });
  assert.equal(run.code, 0, `download failed:\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.ok(!run.stdout.includes("\x1b"), "no escape codes on a pipe");
  assert.doesNotMatch(run.stdout, /\r/, "no carriage-return redraws on a pipe");

  const audioFiles = (await listFiles(plan.library)).filter((path) => AUDIO_EXTENSIONS.test(path));
  assert.deepEqual(audioFiles, planned.map((item) => item.path!).sort());
  await assertNoTempLeftovers(plan.library);

  for (const item of planned) {
    // `plan --json` writes snake_case keys; read them back into the TypeScript shape.
    const meta = camelCaseKeys(item.metadata) as TrackMetadata;
    const probe = await ffprobe(item.path!);
    const tags = tagsOf(probe);
    assert.equal(tags.title, meta.title, `title of ${item.path}`);
    assert.ok(tags.artist?.includes(meta.artists[0]), `artist of ${item.path}: ${tags.artist}`);
    assert.equal(tags.album, meta.album, `album of ${item.path}`);
    assert.equal(tags.track, `${meta.trackNumber}/${meta.trackCount}`, `track of ${item.path}`);
    const isrc = knownIsrc(world, meta.spotifyId);
    if (isrc) assert.equal(tags.tsrc ?? tags.isrc, isrc, `ISRC of ${item.path}`);
    const spotifyUrl = spotifyLink("track", meta.spotifyId);
    assert.ok(
      Object.values(tags).includes(spotifyUrl),
      `${item.path} carries ${spotifyUrl} in a tag: ${JSON.stringify(tags)}`,
    );
    const cover = probe.streams.find((stream) => stream.disposition?.attached_pic === 1);
    assert.ok(cover, `${item.path} has an embedded cover`);
    assert.ok(probe.streams.some((stream) => stream.codec_type === "audio"));
  }

  const m3uText = await Deno.readTextFile(m3uItem.path);
  const entries = m3uEntries(m3uText);
  const rows = playableRows(world, PLAYLIST);
  assert.equal(rows.length, 9);
  const byId = new Map(planned.map((item) => [item.spotify_id, item]));
  assert.deepEqual(
    entries.map((entry) => entry.path),
    rows.map((row) => slashRelative(dirname(m3uItem.path!), byId.get(row.id as string)!.path!)),
    "the M3U lists the playable tracks in playlist order, relative to itself",
  );
  for (const [index, entry] of entries.entries()) {
    assert.ok(!isAbsolute(entry.path), `relative path: ${entry.path}`);
    const row = rows[index];
    assert.equal(
      entry.extinf,
      `#EXTINF:${Math.round(Number(row.duration_ms) / 1000)},${
        (row.artists as RawObject[]).map((a) => a.name).join(", ")
      } - ${row.name}`,
    );
  }
});

interface JsonEvent {
  type: string;
  [key: string]: unknown;
}

function jsonLines(stdout: string): JsonEvent[] {
  return stdout.split("\n").filter((line) => line !== "").map((line) => {
    let event: JsonEvent;
    try {
      event = JSON.parse(line);
    } catch {
      assert.fail(`stdout line is not JSON: ${line}`);
    }
    assert.equal(typeof event.type, "string", `event without a type: ${line}`);
    return event;
  });
}

Deno.test("download --log-format json: one event per line, a summary with cache figures", async () => {
  await using setup = await setUp();
  const config = await setup.work.writeConfig(configFor({ albums: [ALBUM_PONDER, ALBUM_LOST] }));
  const run = await runTunedl(["download", "--config", config, "--log-format", "json"], {
    env: setup.env,
    cwd: setup.work.dir,
  });
  assert.equal(run.code, 0, run.stderr);
  const events = jsonLines(run.stdout);
  assert.equal(events[0].type, "run_started");
  const finished = events.filter((event) => event.type === "item_finished");
  assert.deepEqual(
    finished.map((event) => [event.item_type, event.status]),
    [["track", "completed"], ["track", "completed"]],
  );
  assert.deepEqual(
    finished.map((event) => event.id).sort(),
    ["track:3wUEWGwCVJUMecLVItve9f", "track:4IFzNgv2qEkI1U7TrTUqbm"].sort(),
  );
  for (const event of finished) {
    assert.ok(typeof event.path === "string" && (await Deno.stat(event.path)).isFile);
  }
  const last = events.at(-1)!;
  assert.equal(last.type, "run_finished");
  assert.equal(events.filter((event) => event.type === "run_finished").length, 1);
  const summary = last.summary as { downloaded: number; extra: Record<string, unknown> };
  assert.equal(summary.downloaded, 2);
  const rates = summary.extra.cache_hit_rates as Record<string, unknown>;
  assert.ok(rates && typeof rates === "object", "summary.extra.cache_hit_rates");
  assert.ok(Object.keys(rates).length > 0);
  for (const [name, rate] of Object.entries(rates)) {
    assert.ok(typeof rate === "number" && rate >= 0 && rate <= 1, `hit rate ${name}: ${rate}`);
  }
});

Deno.test("download: a track YouTube does not have is reported, the rest is downloaded", async () => {
  // "Sunburst" (Tobu, Itro), the 8th row; the only playlist song the catalog has under one id
  // (the others also exist as album copies with their own ids, which the world would still find).
  const missingId = "5NcYCtoBkAGyxL5SCF64av";
  await using setup = await setUp({ missing: [missingId] });
  const { world, work } = setup;
  const config = await work.writeConfig(configFor({ playlists: [PLAYLIST] }));
  const plan = await planJson(config, setup);
  const run = await runTunedl(["download", "--config", config], {
    env: setup.env,
    cwd: work.dir,
  });
  assert.equal(run.code, 1, `expected exit 1:\n${run.stdout}\n${run.stderr}`);
  const summaryText = run.stdout.slice(run.stdout.indexOf("Summary"));
  assert.match(summaryText, /Not found\s+1/);
  assert.match(summaryText, /Sunburst/);
  assert.ok(summaryText.includes(missingId), "the summary names the track's id");

  const rows = playableRows(world, PLAYLIST);
  const byId = new Map(tracksOf(plan).map((item) => [item.spotify_id, item]));
  const audioFiles = (await listFiles(plan.library)).filter((path) => AUDIO_EXTENSIONS.test(path));
  const expected = rows.filter((row) => row.id !== missingId).map((row) =>
    byId.get(row.id as string)!.path!
  );
  assert.deepEqual(audioFiles, [...expected].sort());
  await assertNoTempLeftovers(plan.library);

  const m3uItem = plan.items.find((item) => item.type === "m3u")!;
  const entries = m3uEntries(await Deno.readTextFile(m3uItem.path!));
  assert.deepEqual(
    entries.map((entry) => entry.path),
    expected.map((path) => slashRelative(dirname(m3uItem.path!), path)),
  );
  assert.ok(!entries.some((entry) => entry.extinf.includes("Sunburst")));
});

for (const [format, codec] of [["opus", "opus"], ["flac", "flac"]] as const) {
  Deno.test(`download format ${format}: the file holds ${codec} audio`, async () => {
    await using setup = await setUp();
    const config = await setup.work.writeConfig(
      configFor({ albums: [ALBUM_PONDER] }, { format }),
    );
    const run = await runTunedl(["download", "--config", config], {
      env: setup.env,
      cwd: setup.work.dir,
    });
    assert.equal(run.code, 0, run.stderr);
    const files = await listFiles(setup.work.libraryDir);
    // The track, and the ownership record that says tunedl wrote it.
    assert.deepEqual(files.map((path) => slashRelative(setup.work.libraryDir, path)), [
      ".tunedl/owned.json",
      `Kontinuum/Ponder/01 - Ponder.${format}`,
    ]);
    const probe = await ffprobe(files[1]);
    const audio = probe.streams.filter((stream) => stream.codec_type === "audio");
    assert.deepEqual(audio.map((stream) => stream.codec_name), [codec]);
    assert.equal(tagsOf(probe).title, "Ponder");
  });
}
