/**
 * End to end against the fakes: a run says exactly what happened. A source that cannot be
 * read (wholly or in part) is named and makes the exit code 1, an outage is one error with
 * exit 5, an unwritable library stops before any search with exit 6, one run per library,
 * `--resume` retries what failed, and `tunedl report` shows the last run.
 */
import assert from "node:assert/strict";
import { join, sep } from "node:path";
import {
  makeTempWorkspace,
  parseStdoutJson,
  runTunedl,
  spawnTunedl,
  type TempWorkspace,
} from "../fakes/cli_runner.ts";
import { type MusicWorldOptions, startMusicWorld } from "../fakes/music_world.ts";
import { FIXTURE_IDS, loadFixtureCatalog, type SpotifyCatalog } from "../fakes/spotify_fake.ts";
import { listFiles } from "../fakes/file_tree.ts";

const OUTPUT = "music/{artist}/{album}/{track-number} - {title}.{output-ext}";
const ALBUM_PONDER = "58NYQm3dRbTW1kKirl631E";
/** A release id Spotify does not know (22 base-62 characters, like a real one). */
const GONE_ALBUM = "0AbCdEfGhIjKlMnOpQr404";
const AUDIO = /\.(mp3|m4a|flac|opus|ogg)$/;

const link = (kind: string, id: string) => `https://open.spotify.com/${kind}/${id}`;

interface Report {
  exit_code: number;
  counts: Record<string, number>;
  items: {
    spotify_id: string;
    name: string;
    status: string;
    code: string;
    message: string;
    hint: string | null;
  }[];
  sources: { name: string; url: string; status: string; message: string | null }[];
}

async function setUp(options: MusicWorldOptions = {}) {
  const world = await startMusicWorld(options);
  const work = await makeTempWorkspace({ prefix: "tunedl-outcomes-" });
  return {
    world,
    work,
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir } as Record<string, string>,
    async [Symbol.asyncDispose]() {
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

function config(sources: Record<string, string[]>, download: Record<string, unknown> = {}) {
  return {
    version: "1.2",
    download: { threads: 4, output: OUTPUT, max_retries: 0, ...download },
    ...sources,
  };
}

async function report(configFile: string, env: Record<string, string>, work: TempWorkspace) {
  const run = await runTunedl(["report", "--config", configFile, "--json"], {
    env,
    cwd: work.dir,
  });
  assert.equal(run.code, 0, run.stderr);
  return parseStdoutJson<Report>(run);
}

/** The catalog with one more release listed for Kontinuum that Spotify cannot return. */
async function catalogWithGoneRelease(): Promise<SpotifyCatalog> {
  const catalog = structuredClone(await loadFixtureCatalog());
  const listed = catalog.artist_albums[FIXTURE_IDS.artist];
  catalog.artist_albums[FIXTURE_IDS.artist] = [
    ...listed,
    {
      ...listed[0],
      id: GONE_ALBUM,
      name: "A Release Spotify Lost",
      uri: `spotify:album:${GONE_ALBUM}`,
    },
  ];
  return catalog;
}

Deno.test("an artist with one unreadable release: the rest is planned and downloaded, exit 1, the release named in the summary and the report", async () => {
  await using setup = await setUp({ catalog: await catalogWithGoneRelease() });
  const { world, work, env } = setup;
  const configFile = await work.writeConfig(
    config({ artists: [link("artist", FIXTURE_IDS.artist)] }),
  );

  const plan = await runTunedl(["plan", "--config", configFile, "--json"], { env, cwd: work.dir });
  assert.equal(plan.code, 1, plan.stderr);
  const planned = parseStdoutJson<{ items: { type: string }[] }>(plan);
  const singles = world.catalog.artist_albums[FIXTURE_IDS.artist].length;
  assert.equal(planned.items.filter((i) => i.type === "album").length, singles - 1);
  const warnings = plan.stderr.split("\n").filter((line) => line.startsWith("warning:"));
  assert.equal(warnings.filter((line) => line.includes(GONE_ALBUM)).length, 1, plan.stderr);

  const run = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
  assert.equal(run.code, 1, run.stderr);
  const tracks = planned.items.filter((i) => i.type === "track").length;
  assert.ok(tracks > 0);
  assert.equal((await listFiles(work.libraryDir)).filter((f) => AUDIO.test(f)).length, tracks);
  assert.match(run.stdout, /Sources not fully read \(1\)/);
  assert.ok(run.stdout.includes(link("album", GONE_ALBUM)), run.stdout);
  assert.match(run.stdout, /tunedl report --config/);
  // The warm run knows the release is gone: it is not asked for again.
  const asked = world.spotify.count(GONE_ALBUM);
  assert.ok(asked >= 1);

  const record = await report(configFile, env, work);
  assert.equal(record.exit_code, 1);
  assert.deepEqual(Object.keys(record), ["exit_code", "counts", "items", "sources"]);
  assert.equal(record.sources.length, 1);
  assert.equal(record.sources[0].status, "partial");
  assert.ok(record.sources[0].message?.includes(link("album", GONE_ALBUM)));
  assert.equal(record.counts.downloaded, tracks);
  assert.deepEqual(record.items, []);

  const again = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
  assert.equal(again.code, 1, again.stderr);
  assert.equal(world.spotify.count(GONE_ALBUM), asked, "the missing release was asked for again");
  assert.ok(again.stderr.includes(link("album", GONE_ALBUM)), again.stderr);
});

Deno.test("a 404 album beside a good song: the song is downloaded, the album named, exit 1", async () => {
  await using setup = await setUp();
  const { work, env } = setup;
  const configFile = await work.writeConfig(config({
    songs: [link("track", FIXTURE_IDS.track)],
    albums: [link("album", GONE_ALBUM)],
  }));
  const run = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
  assert.equal(run.code, 1, run.stderr);
  assert.equal((await listFiles(work.libraryDir)).filter((f) => AUDIO.test(f)).length, 1);
  assert.ok(run.stderr.includes(link("album", GONE_ALBUM)), run.stderr);
  assert.match(run.stdout, /Sources unread\s+1 failed/);

  const record = await report(configFile, env, work);
  assert.equal(record.exit_code, 1);
  const byStatus = Object.fromEntries(record.sources.map((s) => [s.url, s.status]));
  assert.deepEqual(byStatus, {
    [link("track", FIXTURE_IDS.track)]: "ok",
    [link("album", GONE_ALBUM)]: "failed",
  });
  const text = await runTunedl(["report", "--config", configFile], { env, cwd: work.dir });
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /failed\s+.*<https:\/\/open\.spotify\.com\/album\/0AbCdEfGhIjKlMnOpQr404>/,
  );
});

Deno.test("Spotify unreachable: one error, exit 5, no warning per source", async () => {
  await using setup = await setUp();
  const { work, env } = setup;
  // A port nothing listens on: bind one, note it, close it.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const configFile = await work.writeConfig(config({
    songs: [link("track", FIXTURE_IDS.track)],
    albums: [link("album", ALBUM_PONDER), link("album", FIXTURE_IDS.album10)],
    artists: [link("artist", FIXTURE_IDS.artist)],
  }, { spotify_max_retries: 1, spotify_retry_base_delay: 0.05 }));
  const run = await runTunedl(["download", "--config", configFile], {
    env: { ...env, TUNEDL_SPOTIFY_API_URL: `http://127.0.0.1:${deadPort}` },
    cwd: work.dir,
  });
  assert.equal(run.code, 5, run.stderr);
  const lines = run.stderr.split("\n");
  assert.equal(lines.filter((line) => line.startsWith("error:")).length, 1, run.stderr);
  assert.equal(lines.filter((line) => line.startsWith("warning:")).length, 0, run.stderr);
  assert.match(run.stderr, /the Spotify Web API at .* is not answering/);
  assert.doesNotMatch(run.stderr, /Running 0 items/);
  // The run is recorded, also when it ends before any track.
  const record = await report(configFile, env, work);
  assert.equal(record.exit_code, 5);
});

Deno.test("a failed track is retried by --resume and the summary counts it", async () => {
  let failing = true;
  await using setup = await setUp({
    youtube: { fault: () => (failing ? { status: 503 } : undefined) },
  });
  const { work, env } = setup;
  const configFile = await work.writeConfig(config({ songs: [link("track", FIXTURE_IDS.track)] }));
  const first = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stdout, /Failed\s+1/);
  const failed = await report(configFile, env, work);
  assert.equal(failed.items.length, 1);
  assert.equal(failed.items[0].spotify_id, FIXTURE_IDS.track);
  assert.equal(failed.items[0].status, "failed");

  // Still failing: a resume tries it again, and says so again.
  const stillFailing = await runTunedl(["download", "--resume", "--config", configFile], {
    env,
    cwd: work.dir,
  });
  assert.equal(stillFailing.code, 1, stillFailing.stderr);
  assert.match(stillFailing.stderr, /1 not done to try again/);
  assert.match(stillFailing.stdout, /Failed\s+1/);

  failing = false;
  const resumed = await runTunedl(["download", "--resume", "--config", configFile], {
    env,
    cwd: work.dir,
  });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /Downloaded\s+1/);
  assert.equal((await listFiles(work.libraryDir)).filter((f) => AUDIO.test(f)).length, 1);
  const done = await report(configFile, env, work);
  assert.equal(done.exit_code, 0);
  assert.deepEqual(done.items, []);

  // A run with nothing to download keeps no plan: there is nothing to resume.
  const again = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
  assert.equal(again.code, 0, again.stderr);
  const nothing = await runTunedl(["download", "--resume", "--config", configFile], {
    env,
    cwd: work.dir,
  });
  assert.equal(nothing.code, 0, nothing.stderr);
  assert.match(nothing.stderr, /No interrupted run of this config to resume/);
});

Deno.test("an unwritable library: exit 6 with one error and a hint, before any search", async () => {
  await using setup = await setUp();
  const { world, work, env } = setup;
  // A file where the library folder should be: cannot be created, even by root.
  await Deno.writeTextFile(join(work.dir, "music"), "not a folder\n");
  const configFile = await work.writeConfig(config({ songs: [link("track", FIXTURE_IDS.track)] }));
  const run = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
  assert.equal(run.code, 6, run.stderr);
  const errors = run.stderr.split("\n").filter((line) => line.startsWith("error:"));
  assert.equal(errors.length, 1, run.stderr);
  assert.match(errors[0], /cannot write to the library folder/);
  assert.match(run.stderr, /^hint: /m);
  assert.equal(world.youtube.searches.length, 0);
  assert.equal(world.spotify.count("/v1/"), 0, "planned before finding the library unwritable");
});

/** A folder this process cannot write: read-only for a user; below a file for root. */
async function unwritableFolder(work: TempWorkspace): Promise<string> {
  if (Deno.build.os !== "windows" && Deno.uid() !== 0) {
    const dir = join(work.dir, "read-only");
    await Deno.mkdir(dir);
    await Deno.chmod(dir, 0o555);
    return join(dir, "cache");
  }
  // Root writes anywhere, but cannot create a folder inside a file.
  const file = join(work.dir, "cache-is-a-file");
  await Deno.writeTextFile(file, "not a folder\n");
  return join(file, "cache");
}

Deno.test("an unwritable cache folder only disables the persistent cache, with one warning", async () => {
  await using setup = await setUp();
  const { work, env } = setup;
  const cacheDir = await unwritableFolder(work);
  const configFile = await work.writeConfig(config({ songs: [link("track", FIXTURE_IDS.track)] }));
  const run = await runTunedl(["download", "--config", configFile], {
    env: { ...env, TUNEDL_CACHE_DIR: cacheDir },
    cwd: work.dir,
  });
  assert.equal(run.code, 0, run.stderr);
  const warnings = run.stderr.split("\n").filter((line) => line.startsWith("warning:"));
  assert.equal(warnings.length, 1, run.stderr);
  assert.match(warnings[0], /cache folder .* cannot be written/);
  assert.equal((await listFiles(work.libraryDir)).filter((f) => AUDIO.test(f)).length, 1);
});

Deno.test("two downloads on one library: the second exits 6 naming the first, each file is fetched once", async () => {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await using setup = await setUp({ youtube: { gate: () => held } });
  const { world, work, env } = setup;
  const configFile = await work.writeConfig(config({ albums: [link("album", ALBUM_PONDER)] }));

  const first = await spawnTunedl(["download", "--config", configFile], { cwd: work.dir, env });
  const firstOutput = first.output();
  try {
    // The first run is searching (and held there): it holds the library.
    while (world.youtube.searches.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const second = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
    assert.equal(second.code, 6, second.stderr);
    // The refused run leaves no record: the running one's is what `report` will show.
    const none = await runTunedl(["report", "--config", configFile], { env, cwd: work.dir });
    assert.match(none.stderr, /no download of .* has been recorded yet/);
    assert.match(
      second.stderr,
      new RegExp(`another tunedl run holds this library: pid ${first.pid}`),
    );
  } finally {
    release();
  }
  const done = await firstOutput;
  assert.equal(done.code, 0, new TextDecoder().decode(done.stderr));
  // yt-dlp asks for /watch once per download (then follows the redirect to the file).
  const perVideo = new Map<string, number>();
  for (const request of world.youtube.mediaRequests) {
    if (request.path !== "/watch") continue;
    perVideo.set(request.videoId, (perVideo.get(request.videoId) ?? 0) + 1);
  }
  assert.ok(perVideo.size > 0);
  for (const [video, count] of perVideo) assert.equal(count, 1, `${video} fetched ${count} times`);

  // The lock is gone with its run: a third run starts (and finds everything present).
  const third = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
  assert.equal(third.code, 0, third.stderr);
});

Deno.test("a lock left by a dead run is taken over, and its leftovers removed", async () => {
  await using setup = await setUp();
  const { work, env } = setup;
  const temp = join(work.libraryDir, ".tunedl-tmp");
  await Deno.mkdir(join(temp, "track-leftover"), { recursive: true });
  await Deno.writeTextFile(join(temp, "track-leftover", "half.m4a"), "partial");
  // A pid no process has: the largest possible pid on Linux plus one is never handed out.
  const dead = { pid: 4194305, host: Deno.hostname(), started_at: new Date().toISOString() };
  await Deno.writeTextFile(join(temp, "run.lock"), JSON.stringify(dead));
  const configFile = await work.writeConfig(config({ songs: [link("track", FIXTURE_IDS.track)] }));
  const run = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
  assert.equal(run.code, 0, run.stderr);
  const left = (await listFiles(work.libraryDir)).filter((f) => f.includes(".tunedl-tmp"));
  assert.deepEqual(left, []);
});

Deno.test("an M3U outside the library: written where m3u_output says (relative to the config), entries relative to it", async () => {
  await using setup = await setUp();
  const { work, env } = setup;
  await Deno.mkdir(join(work.dir, "conf"));
  const configFile = await work.writeConfig({
    version: "1.2",
    download: {
      threads: 4,
      output: "../music/{artist}/{album}/{track-number} - {title}.{output-ext}",
      m3u_output: "../lists/{playlist}.m3u8",
    },
    playlists: [link("playlist", FIXTURE_IDS.playlist)],
  }, { name: join("conf", "config.yaml") });
  const listsDir = join(work.dir, "lists");

  const validate = await runTunedl(["validate", "--config", configFile], {
    env,
    cwd: work.dir,
  });
  assert.equal(validate.code, 0, validate.stderr);
  assert.ok(validate.stdout.includes(`M3U files: ${join(listsDir, "{playlist}.m3u8")}`));
  const plan = await runTunedl(["plan", "--config", configFile], { env, cwd: work.dir });
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /\nM3U files:\n/);
  assert.ok(plan.stdout.includes(`${listsDir}${sep}`), plan.stdout);

  const run = await runTunedl(["download", "--config", configFile], { env, cwd: work.dir });
  assert.equal(run.code, 0, run.stderr);
  const m3us = (await listFiles(listsDir)).filter((f) => f.endsWith(".m3u8"));
  assert.equal(m3us.length, 1, `M3Us in ${listsDir}: ${m3us}`);
  const entries = (await Deno.readTextFile(m3us[0])).split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"));
  assert.equal(entries.length, 9);
  for (const entry of entries) {
    assert.ok(entry.startsWith("../music/"), entry);
    await Deno.stat(join(listsDir, entry)); // the entry points at a real file
  }
  assert.deepEqual((await listFiles(work.libraryDir)).filter((f) => f.endsWith(".m3u8")), []);
});

Deno.test("an album whose later track page keeps failing: the tracks before it are planned, the album is partial, exit 1", async () => {
  await using setup = await setUp({
    spotify: {
      maxPageSize: 10,
      faults: [{
        path: new RegExp(`/v1/albums/${FIXTURE_IDS.album25}/tracks\\?.*offset=20`),
        status: 500,
        times: Infinity,
      }],
    },
  });
  const { work, env } = setup;
  const configFile = await work.writeConfig(
    config({ albums: [link("album", FIXTURE_IDS.album25)] }, {
      spotify_max_retries: 1,
      spotify_retry_base_delay: 0.05,
    }),
  );
  const plan = await runTunedl(["plan", "--config", configFile, "--json"], { env, cwd: work.dir });
  assert.equal(plan.code, 1, plan.stderr);
  const planned = parseStdoutJson<
    { items: { type: string }[]; sources: { status: string; message: string }[] }
  >(plan);
  assert.equal(planned.items.filter((i) => i.type === "track").length, 20);
  assert.equal(planned.sources[0].status, "partial");
  assert.match(planned.sources[0].message, /tracks from number 21 on could not be read/);
  const warnings = plan.stderr.split("\n").filter((line) => line.startsWith("warning:"));
  assert.equal(warnings.length, 1, plan.stderr);
});

Deno.test("YouTube unreachable: the run stops at the first track with exit 5, the rest stays pending", async () => {
  await using setup = await setUp();
  const { world, work, env } = setup;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const configFile = await work.writeConfig(config({ albums: [link("album", ALBUM_PONDER)] }));
  const run = await runTunedl(["download", "--config", configFile], {
    env: { ...env, TUNEDL_YOUTUBE_URL: `http://127.0.0.1:${deadPort}` },
    cwd: work.dir,
  });
  assert.equal(run.code, 5, `${run.stderr}\n${run.stdout}`);
  assert.match(run.stdout, /Stopped:/);
  assert.match(run.stdout, /YouTube Music is not answering/);
  assert.equal(world.youtube.mediaRequests.length, 0);
  const record = await report(configFile, env, work);
  assert.equal(record.exit_code, 5);
  assert.ok(record.counts.pending >= 1);
});
