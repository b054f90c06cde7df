/**
 * Liked Songs end to end: `tunedl download liked` and `liked_songs: true`
 * against the offline music world in 2026 mode. Without a login they stop
 * with a clear message (exit 3); after `tunedl login` every page of Liked
 * Songs is read with the user's token, the tracks land in the library and
 * "Liked Songs.m3u8" lists them in Spotify's order. A later page that keeps
 * failing leaves the songs before it planned and the source partial (exit 1).
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { makeTempWorkspace, runTunedl } from "../fakes/cli_runner.ts";
import { freePort, loginThroughBrowser } from "../fakes/login_browser.ts";
import { startMusicWorld } from "../fakes/music_world.ts";
import type { PlanItem } from "../../src/plan/mod.ts";

const OUTPUT = "music/{artist}/{album}/{track-number} - {title}.{output-ext}";

async function setUp() {
  const world = await startMusicWorld({
    mode: "2026",
    // Pages of 2: the fake's five Liked Songs (its default) take three pages.
    spotify: { maxPageSize: 2 },
  });
  // A song that is not liked, listed next to liked_songs.
  const otherSong = Object.keys(world.catalog.tracks)
    .find((id) => !world.spotify.likedTrackIds.includes(id))!;
  const work = await makeTempWorkspace({ prefix: "tunedl-liked-" });
  const port = freePort();
  const config = await work.writeConfig({
    version: "1.2",
    download: { threads: 2, output: OUTPUT, login_redirect_port: port },
  });
  const likedConfig = await work.writeConfig({
    version: "1.2",
    download: { threads: 2, output: OUTPUT, login_redirect_port: port },
    liked_songs: true,
    songs: [`https://open.spotify.com/track/${otherSong}`],
  }, { name: "liked.yaml" });
  return {
    world,
    work,
    config,
    likedConfig,
    otherSong,
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir },
    async [Symbol.asyncDispose]() {
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

async function audioFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string) => {
    for await (const entry of Deno.readDir(current)) {
      const path = join(current, entry.name);
      if (entry.isDirectory && !entry.name.startsWith(".")) await walk(path);
      else if (/\.(m4a|mp3|opus|ogg|flac)$/.test(entry.name)) found.push(path);
    }
  };
  await walk(dir);
  return found.sort();
}

Deno.test("download liked: needs a login (exit 3); with one, every page is downloaded with an M3U", async () => {
  await using setup = await setUp();
  const { world, work, config, env } = setup;

  const noLogin = await runTunedl(["download", "liked", "--config", config], {
    env,
    cwd: work.dir,
  });
  assert.equal(noLogin.code, 3, noLogin.stderr);
  assert.match(noLogin.stderr, /error: Liked Songs need a Spotify login/);
  assert.match(noLogin.stderr, /hint: Run `tunedl login`/);
  assert.equal(world.spotify.count("/v1/me/tracks"), 0);

  const login = await loginThroughBrowser(["--config", config], { env, cwd: work.dir });
  assert.equal(login.code, 0, login.stderr);

  const run = await runTunedl(["download", "liked", "--config", config], {
    env,
    cwd: work.dir,
  });
  assert.equal(run.code, 0, `download liked failed:\n${run.stderr}\n${run.stdout}`);
  // Five liked tracks in pages of two: three requests, all with the user's token.
  assert.equal(world.spotify.count("/v1/me/tracks"), 3);

  const library = join(work.dir, "music");
  const files = await audioFiles(library);
  assert.equal(files.length, world.spotify.likedTrackIds.length);
  const m3u = await Deno.readTextFile(join(library, "Liked Songs.m3u8"));
  const paths = m3u.split(/\r?\n/).filter((line) => line && !line.startsWith("#"));
  assert.equal(paths.length, world.spotify.likedTrackIds.length);
  // Spotify's order (newest first): the M3U names the liked tracks in that order.
  const names = world.spotify.likedTrackIds.map((id) => String(world.catalog.tracks[id].name));
  paths.forEach((path, i) => assert.ok(basename(path).includes(names[i]), `${path} ~ ${names[i]}`));
});

Deno.test("liked_songs: true plans Liked Songs (all pages) next to the other sources", async () => {
  await using setup = await setUp();
  const { work, likedConfig, env, world } = setup;
  const login = await loginThroughBrowser(["--config", likedConfig], { env, cwd: work.dir });
  assert.equal(login.code, 0, login.stderr);

  const run = await runTunedl(["plan", "--config", likedConfig, "--json"], {
    env,
    cwd: work.dir,
  });
  assert.equal(run.code, 0, run.stderr);
  const plan = JSON.parse(run.stdout) as { items: PlanItem[] };
  const liked = plan.items.find((item) => item.id === "playlist:liked");
  assert.equal(liked?.name, "Liked Songs");
  assert.equal(liked?.children.length, world.spotify.likedTrackIds.length);
  const m3u = plan.items.find((item) => item.type === "m3u" && item.parent_id === "playlist:liked");
  assert.match(m3u?.path ?? "", /Liked Songs\.m3u8$/);
  const tracks = plan.items.filter((item) => item.type === "track");
  assert.deepEqual(
    tracks.map((item) => item.spotify_id).sort(),
    [...world.spotify.likedTrackIds, setup.otherSong].sort(),
  );
});

Deno.test("liked_songs: a later page of Liked Songs that keeps failing: the songs before it are planned, the source is partial, exit 1", async () => {
  await using setup = await setUp();
  const { work, env, world } = setup;
  const configFile = await work.writeConfig({
    version: "1.2",
    download: {
      threads: 2,
      output: OUTPUT,
      login_redirect_port: freePort(),
      spotify_max_retries: 1,
      spotify_retry_base_delay: 0.05,
    },
    liked_songs: true,
    songs: [`https://open.spotify.com/track/${setup.otherSong}`],
  }, { name: "liked-retries.yaml" });
  const login = await loginThroughBrowser(["--config", configFile], { env, cwd: work.dir });
  assert.equal(login.code, 0, login.stderr);
  // Pages of two: the second page (offset 2) fails through every retry.
  world.spotify.addFault({ path: /^\/v1\/me\/tracks\?offset=2&/, status: 500, times: Infinity });

  const run = await runTunedl(["plan", "--config", configFile, "--json"], {
    env,
    cwd: work.dir,
  });
  assert.equal(run.code, 1, run.stderr);
  const plan = JSON.parse(run.stdout) as {
    items: PlanItem[];
    sources: { name: string; status: string; message?: string }[];
  };
  const liked = plan.items.find((item) => item.id === "playlist:liked");
  assert.equal(liked?.children.length, 2);
  const tracks = plan.items.filter((item) => item.type === "track");
  assert.deepEqual(
    tracks.map((item) => item.spotify_id).sort(),
    [...world.spotify.likedTrackIds.slice(0, 2), setup.otherSong].sort(),
  );
  const source = plan.sources.find((s) => s.name === "Liked Songs");
  assert.equal(source?.status, "partial");
  assert.match(
    source?.message ?? "",
    /songs from number 3 on could not be read \(the page at offset 2/,
  );
  assert.equal(plan.sources.find((s) => s.name !== "Liked Songs")?.status, "ok");
  const warnings = run.stderr.split("\n").filter((line) => line.startsWith("warning:"));
  assert.equal(warnings.length, 1, run.stderr);
  assert.match(warnings[0], /Liked Songs.*offset 2/);
  // Nothing past the failing page was asked for.
  assert.equal(world.spotify.count(/\/v1\/me\/tracks\?offset=4&/), 0);
});
