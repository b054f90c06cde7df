/**
 * The library follows its sources: `plan --prune` lists and `download --prune`
 * removes the files tunedl wrote that no source lists any more, end to end
 * against the offline music world. The user's own files are never touched,
 * the ownership record survives `cache clear`, an unreadable source keeps its
 * files, and a large prune needs --force.
 */
import assert from "node:assert/strict";
import { join, relative, sep } from "node:path";
import { makeTempWorkspace, runTunedl, type TempWorkspace } from "../fakes/cli_runner.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { type MusicWorld, startMusicWorld } from "../fakes/music_world.ts";
import { loadFixtureCatalog, type RawObject } from "../fakes/spotify_fake.ts";

const PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs";
const M3U = "Top 10 NCS Songs Episode 2.m3u8";
const CRADLES = "18A7ha5BitZjmdHTCwXFbU";
const INVISIBLE = "2BgagqJWYfrKPhz3f5V0Sw";
/** Ponder (Kontinuum): not in the playlist at first. */
const PONDER = "3wUEWGwCVJUMecLVItve9f";
const OUTPUT = "music/{artist}/{album}/{title}.{output-ext}";

interface Setup extends AsyncDisposable {
  world: MusicWorld;
  work: TempWorkspace;
  tunedl(args: string[], config: string): ReturnType<typeof runTunedl>;
}

async function setUp(): Promise<Setup> {
  const world = await startMusicWorld({ catalog: structuredClone(await loadFixtureCatalog()) });
  const work = await makeTempWorkspace({ prefix: "tunedl-prune-" });
  const env = { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir };
  return {
    world,
    work,
    tunedl: (args, config) => runTunedl([...args, "--config", config], { env, cwd: work.dir }),
    async [Symbol.asyncDispose]() {
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

const slash = (from: string, path: string) => relative(from, path).split(sep).join("/");

async function libraryFiles(work: TempWorkspace): Promise<string[]> {
  return (await listFiles(work.libraryDir))
    .map((p) => slash(work.libraryDir, p))
    .filter((p) => !p.startsWith(".tunedl/"));
}

function m3uPaths(text: string): string[] {
  return text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
}

/** Changes the playlist on the fake Spotify: drops rows, appends tracks, new snapshot. */
function editPlaylist(world: MusicWorld, drop: string[], add: string[]): void {
  const rows = world.catalog.playlist_items[PLAYLIST];
  const kept = rows.filter((row) => !drop.includes((row.track as RawObject | null)?.id as string));
  const template = rows[1];
  for (const id of add) {
    kept.push({ ...template, track: structuredClone(world.catalog.tracks[id]) });
  }
  world.catalog.playlist_items[PLAYLIST] = kept;
  world.catalog.playlists[PLAYLIST].snapshot_id = `edited-${crypto.randomUUID()}`;
}

interface Removal {
  path: string;
  spotify_id: string | null;
  reason: string;
}

Deno.test("a playlist loses two tracks and gains one: --prune removes exactly the two, after cache clear, and keeps the user's files", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const config = await work.writeConfig({
    version: "1.2",
    download: { threads: 4, output: OUTPUT, spotify_max_retries: 0 },
    playlists: [`https://open.spotify.com/playlist/${PLAYLIST}`],
  });
  const first = await setup.tunedl(["download", "-q"], config);
  assert.equal(first.code, 0, first.stderr);
  const before = await libraryFiles(work);
  assert.equal(before.filter((p) => p.endsWith(".mp3")).length, 9);
  const cradles = before.find((p) => p.includes("Cradles"))!;
  const invisible = before.find((p) => p.includes("Invisible"))!;

  // The user's own files, one beside tunedl's in an artist folder.
  await Deno.writeTextFile(join(work.libraryDir, "my own song.mp3"), "not tunedl's");
  const cradlesFolder = cradles.split("/").slice(0, -1).join("/");
  await Deno.writeTextFile(join(work.libraryDir, "Sub Urban", "notes.txt"), "mine");

  editPlaylist(world, [CRADLES, INVISIBLE], [PONDER]);
  // The ownership record lives with the library: a cleared cache changes nothing.
  const clear = await setup.tunedl(["cache", "clear"], config);
  assert.equal(clear.code, 0, clear.stderr);

  const plan = await setup.tunedl(["plan", "--prune", "--json"], config);
  assert.equal(plan.code, 0, plan.stderr);
  const removals = (JSON.parse(plan.stdout) as { removals: Removal[] }).removals;
  assert.deepEqual(
    removals.map((r) => [slash(work.libraryDir, r.path), r.spotify_id]),
    [[cradles, CRADLES], [invisible, INVISIBLE]].sort(),
  );
  assert.match(removals[0].reason, /no longer on playlist "Top 10 NCS Songs Episode 2"/);
  const planText = await setup.tunedl(["plan", "--prune"], config);
  assert.match(planText.stdout, /Would remove with --prune \(2\):/);

  const run = await setup.tunedl(["download", "--prune"], config);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Pruned: removed 2 files that no source lists any more/);
  assert.match(run.stdout, new RegExp(`removed ${cradles.replace(/[.()]/g, "\\$&")}`));
  const after = await libraryFiles(work);
  assert.ok(!after.includes(cradles) && !after.includes(invisible), after.join("\n"));
  assert.ok(after.includes("my own song.mp3"), "the user's file stays");
  assert.ok(after.includes("Sub Urban/notes.txt"), "the user's file stays");
  assert.ok(after.some((p) => p.includes("Ponder")), "the new track was downloaded");
  // Cradles' album folder is gone; its artist folder stays for the user's notes.
  assert.equal(await Deno.stat(join(work.libraryDir, cradlesFolder)).catch(() => null), null);
  assert.equal(after.filter((p) => p.endsWith(".mp3")).length, 9 - 2 + 1 + 1);
  const m3u = m3uPaths(await Deno.readTextFile(join(work.libraryDir, M3U)));
  assert.equal(m3u.length, 8);
  assert.ok(!m3u.includes(cradles) && !m3u.includes(invisible));
  assert.ok(m3u.some((p) => p.includes("Ponder")));

  // Nothing left to prune.
  const again = await setup.tunedl(["plan", "--prune", "--json"], config);
  assert.deepEqual(JSON.parse(again.stdout).removals, []);
});

Deno.test("a source that cannot be read removes nothing; a prune of more than a quarter needs --force", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const download = { threads: 4, output: OUTPUT, spotify_max_retries: 0 };
  const config = await work.writeConfig({
    version: "1.2",
    download,
    playlists: [`https://open.spotify.com/playlist/${PLAYLIST}`],
  });
  const first = await setup.tunedl(["download", "-q"], config);
  assert.equal(first.code, 0, first.stderr);
  const before = await libraryFiles(work);
  editPlaylist(world, [CRADLES], []);

  // The playlist cannot be read this time: unreadable is not empty.
  world.spotify.addFault({ path: `/v1/playlists/${PLAYLIST}`, status: 500, times: Infinity });
  const failing = await setup.tunedl(["download", "--prune", "--force"], config);
  // (Its exit code for an unreadable source is issue 14's; here: nothing was removed.)
  assert.match(failing.stderr, /Spotify answered 500/);
  assert.deepEqual(await libraryFiles(work), before);
  const failingPlan = await setup.tunedl(["plan", "--prune", "--json"], config);
  assert.deepEqual(JSON.parse(failingPlan.stdout).removals, []);
  world.spotify.reset();

  // The playlist leaves the config: all ten of tunedl's files would go.
  const emptied = await work.writeConfig({
    version: "1.2",
    download,
    songs: [`https://open.spotify.com/track/${PONDER}`],
  }, { name: "emptied.yaml" });
  const refused = await setup.tunedl(["download", "--prune"], emptied);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /would remove 10 of the 10 files tunedl owns/);
  assert.match(refused.stderr, /--force/);
  assert.deepEqual(await libraryFiles(work), before, "refused before downloading anything");
  const listed = await setup.tunedl(["plan", "--prune", "--json"], emptied);
  const removals = JSON.parse(listed.stdout).removals as Removal[];
  assert.equal(removals.length, 10);
  assert.ok(removals.some((r) => r.path.endsWith(M3U) && /no longer in the config/.test(r.reason)));

  const forced = await setup.tunedl(["download", "--prune", "--force"], emptied);
  assert.equal(forced.code, 0, forced.stderr);
  const after = await libraryFiles(work);
  assert.equal(after.length, 1, after.join("\n"));
  assert.match(after[0], /Ponder/);
});

Deno.test("--prune goes by the config's lists: with links or `liked` it is refused (exit 2)", async () => {
  await using work = await makeTempWorkspace({ prefix: "tunedl-prune-links-" });
  const link = `https://open.spotify.com/playlist/${PLAYLIST}`;
  for (const args of [["plan", "--prune", link], ["download", "--prune", "liked"]]) {
    const run = await runTunedl(args, {
      cwd: work.dir,
      env: { TUNEDL_CACHE_DIR: work.cacheDir },
      inProcess: true,
    });
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, /--prune cannot be used with links or `liked`/);
    assert.deepEqual(await listFiles(work.libraryDir), []);
  }
});
