/**
 * The persistent cache across real `tunedl` processes: a second run on the same
 * TUNEDL_CACHE_DIR costs (almost) nothing, a deleted file is fetched again
 * without a new search, a cold 2026-mode plan reads each album once, and a
 * damaged cache file costs one warning, not the run.
 */
import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { makeTempWorkspace, runTunedl, type TempWorkspace } from "../fakes/cli_runner.ts";
import { type MusicWorld, type MusicWorldOptions, startMusicWorld } from "../fakes/music_world.ts";

const PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs";
const ALBUM_PONDER = "58NYQm3dRbTW1kKirl631E";
const ALBUM_LOST = "58NCND7oBmNGsoYExAYtvV";
/** 16 tracks. */
const ALBUM_NCS_2016 = "1r07Izb8tOjwqYP6iTICH7";
/** 25 tracks. */
const ALBUM_DRAGON = "1kTnC045mQqurTQvGMGpmU";
const OUTPUT = "music/{artist}/{album}/{track-number} - {title}.{output-ext}";
const AUDIO_EXTENSIONS = /\.(mp3|m4a|flac|opus|ogg)$/;

function configFor(sources: { albums?: string[]; playlists?: string[] }) {
  return {
    version: "1.2",
    download: { threads: 4, output: OUTPUT },
    albums: (sources.albums ?? []).map((id) => `https://open.spotify.com/album/${id}`),
    playlists: (sources.playlists ?? []).map((id) => `https://open.spotify.com/playlist/${id}`),
  };
}

interface Setup extends AsyncDisposable {
  world: MusicWorld;
  work: TempWorkspace;
  env: Record<string, string>;
  /** Runs `tunedl <args> --config <config>` in the workspace. */
  tunedl(args: string[], config: string): ReturnType<typeof runTunedl>;
}

async function setUp(options: MusicWorldOptions = {}): Promise<Setup> {
  const world = await startMusicWorld(options);
  const work = await makeTempWorkspace({ prefix: "tunedl-dl-cache-" });
  const env = { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir };
  return {
    world,
    work,
    env,
    tunedl: (args, config) => runTunedl([...args, "--config", config], { env, cwd: work.dir }),
    async [Symbol.asyncDispose]() {
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

interface JsonEvent {
  type: string;
  [key: string]: unknown;
}

function events(stdout: string): JsonEvent[] {
  return stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}

function summaryOf(stdout: string): { downloaded: number; alreadyPresent: number } {
  const finished = events(stdout).find((event) => event.type === "run_finished");
  assert.ok(finished, "the run printed its summary");
  return finished.summary as { downloaded: number; alreadyPresent: number };
}

async function listAudio(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string) => {
    for await (const entry of Deno.readDir(current)) {
      const path = join(current, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (AUDIO_EXTENSIONS.test(entry.name)) found.push(path);
    }
  };
  await walk(dir);
  return found.sort();
}

/** Spotify Web API requests by endpoint, without the token requests. */
function apiCounts(world: MusicWorld): Record<string, number> {
  return Object.fromEntries(
    Object.entries(world.spotify.counts()).filter(([endpoint]) => endpoint.includes("/v1/")),
  );
}

Deno.test("download twice on one cache: the second run searches, downloads and reads nothing new", async () => {
  await using setup = await setUp();
  const { world } = setup;
  const config = await setup.work.writeConfig(
    configFor({ albums: [ALBUM_PONDER, ALBUM_LOST], playlists: [PLAYLIST] }),
  );
  const args = ["download", "--log-format", "json"];
  const first = await setup.tunedl(args, config);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(summaryOf(first.stdout).downloaded, 11);
  const library = await listAudio(setup.work.libraryDir);
  assert.equal(library.length, 11);
  const searches = world.youtube.searches.length;
  const media = world.youtube.mediaRequests.length;
  assert.ok(searches > 0 && media > 0, "the first run searched and downloaded");

  const m3u = events(first.stdout).find((event) => event.type === "m3u_written")?.path as string;
  assert.ok(m3u, "the first run wrote the playlist's M3U");
  const owned = join(setup.work.libraryDir, ".tunedl", "owned.json");
  const before = { m3u: await Deno.stat(m3u), owned: await Deno.readTextFile(owned) };

  world.spotify.reset();
  const second = await setup.tunedl(args, config);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(summaryOf(second.stdout).downloaded, 0);
  // Nothing changed, so nothing in the library is written again.
  const m3uNow = await Deno.stat(m3u);
  assert.deepEqual([m3uNow.ino, m3uNow.mtime], [before.m3u.ino, before.m3u.mtime], "same M3U");
  assert.equal(await Deno.readTextFile(owned), before.owned, "same ownership record");
  assert.equal(world.youtube.searches.length, searches, "no search in the second run");
  assert.equal(world.youtube.mediaRequests.length, media, "no download in the second run");
  const counts = apiCounts(world);
  const detail = JSON.stringify(counts);
  const playlistReads = Object.entries(counts)
    .filter(([endpoint]) => endpoint.includes("/v1/playlists/"))
    .reduce((sum, [, n]) => sum + n, 0);
  assert.ok(playlistReads <= 1, `at most one request for the one playlist: ${detail}`);
  for (const endpoint of Object.keys(counts)) {
    assert.ok(endpoint.includes("/v1/playlists/"), `no album/track/artist reads: ${detail}`);
  }

  // One file gone: exactly that track comes back, from the remembered match (no search).
  const deleted = library.find((path) => path.includes("Cradles"))!;
  await Deno.remove(deleted);
  const cradlesVideo = world.videoIdFor("18A7ha5BitZjmdHTCwXFbU");
  const third = await setup.tunedl(args, config);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(summaryOf(third.stdout).downloaded, 1);
  const downloaded = events(third.stdout).filter((event) =>
    event.type === "item_finished" && event.item_type === "track" && event.status === "completed"
  );
  assert.deepEqual(downloaded.map((event) => event.path), [deleted]);
  assert.equal(world.youtube.searches.length, searches, "the match was cached: no search");
  const fetched = world.youtube.mediaRequests.slice(media);
  assert.ok(fetched.length > 0);
  assert.deepEqual([...new Set(fetched.map((request) => request.videoId))], [cradlesVideo]);
  assert.deepEqual(await listAudio(setup.work.libraryDir), library);
});

Deno.test("download: folders are looked through for a killed re-tag's temp copies only until a look finds none, and after a re-tag", async () => {
  await using setup = await setUp();
  const config = await setup.work.writeConfig(configFor({ albums: [ALBUM_PONDER, ALBUM_LOST] }));
  const args = ["download", "--log-format", "json"];
  const first = await setup.tunedl(args, config);
  assert.equal(first.code, 0, first.stderr);
  const checked = join(setup.work.libraryDir, ".tunedl", "tag-temps-checked");
  // The first run found none of its folders: it leaves no file of tunedl's for that.
  await assert.rejects(Deno.stat(checked), Deno.errors.NotFound);
  const second = await setup.tunedl(args, config);
  assert.equal(second.code, 0, second.stderr);
  await Deno.stat(checked);
  // What a re-tag killed before its rename leaves: a hidden copy beside the track, hours old.
  const [track] = await listAudio(setup.work.libraryDir);
  const copy = join(dirname(track), `.${basename(track)}.tunedl-0a1b2c3d.tmp`);
  const plant = async () => {
    await Deno.writeTextFile(copy, "half a file");
    const old = new Date(Date.now() - 3 * 60 * 60 * 1000);
    await Deno.utime(copy, old, old);
  };
  await plant();

  const quiet = await setup.tunedl(args, config);
  assert.equal(quiet.code, 0, quiet.stderr);
  await Deno.stat(copy); // no re-tag since the last look: the folders were not listed

  const retag = await setup.tunedl([...args, "--overwrite", "metadata"], config);
  assert.equal(retag.code, 0, retag.stderr);
  await assert.rejects(Deno.stat(checked), Deno.errors.NotFound, "a re-tag calls for a look");

  const next = await setup.tunedl(args, config);
  assert.equal(next.code, 0, next.stderr);
  await assert.rejects(Deno.stat(copy), Deno.errors.NotFound, "the look removed the copy");
  await Deno.stat(checked);
});

Deno.test("plan in 2026 mode on a cold cache: one request per album, no per-track reads", async () => {
  await using setup = await setUp({ mode: "2026" });
  const albums = [ALBUM_NCS_2016, ALBUM_DRAGON, ALBUM_PONDER];
  const config = await setup.work.writeConfig(configFor({ albums }));
  const run = await setup.tunedl(["plan", "--json"], config);
  assert.equal(run.code, 0, run.stderr);
  const plan = JSON.parse(run.stdout) as { items: { type: string }[] };
  assert.equal(plan.items.filter((item) => item.type === "track").length, 16 + 25 + 1);
  const counts = apiCounts(setup.world);
  const detail = JSON.stringify(counts);
  assert.equal(counts["GET /v1/albums/{id}"], albums.length, detail);
  assert.equal(setup.world.spotify.count("/v1/tracks"), 0, `no track reads: ${detail}`);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  assert.ok(total <= albums.length + 1, `about one request per album: ${detail}`);
});

/** Exactly one warning line, naming the file and the way out. */
function assertOneCacheWarning(stderr: string, kvFile: string): void {
  const warnings = stderr.split("\n").filter((line) => /^warning:/i.test(line));
  assert.equal(warnings.length, 1, `exactly one warning:\n${stderr}`);
  assert.ok(warnings[0].includes(kvFile), `the warning names ${kvFile}: ${warnings[0]}`);
  assert.match(stderr, /tunedl cache clear/);
}

/** Deterministic bytes that are not a database. */
function garbage(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919 + 13) % 251;
  return bytes;
}

Deno.test("download with a cache file full of garbage: one warning, and the run still completes", async () => {
  await using setup = await setUp();
  const kvFile = join(setup.work.cacheDir, "cache.kv");
  await Deno.writeFile(kvFile, garbage(64 * 1024));
  const config = await setup.work.writeConfig(configFor({ albums: [ALBUM_PONDER] }));
  const run = await setup.tunedl(["download"], config);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((await listAudio(setup.work.libraryDir)).length, 1);
  assertOneCacheWarning(run.stderr, kvFile);
});

Deno.test("download with a cache file damaged past its first page: one warning, the run completes", async () => {
  await using setup = await setUp();
  const kvFile = join(setup.work.cacheDir, "cache.kv");
  const config = await setup.work.writeConfig(configFor({ albums: [ALBUM_PONDER, ALBUM_LOST] }));
  const first = await setup.tunedl(["download"], config);
  assert.equal(first.code, 0, first.stderr);
  // Keep the SQLite header page, overwrite everything after it.
  const bytes = await Deno.readFile(kvFile);
  assert.ok(bytes.length > 4096, "the first run filled the cache");
  bytes.set(garbage(bytes.length - 4096), 4096);
  await Deno.writeFile(kvFile, bytes);
  const library = await listAudio(setup.work.libraryDir);
  await Deno.remove(library[0]);

  const second = await setup.tunedl(["download"], config);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(await listAudio(setup.work.libraryDir), library);
  assertOneCacheWarning(second.stderr, kvFile);
});
