/**
 * No orphans: when tunedl ends in any way while ffmpeg converts, its yt-dlp and ffmpeg end too.
 * The real CLI runs against the offline music world; an ffmpeg wrapper (download.ffmpeg_path)
 * reads tunedl's conversions at native speed (-re), so a 300 s tone converts for five minutes. Then
 * tunedl gets SIGKILL (nothing of it can react: the watchdog must) or SIGHUP (the terminal
 * closed: a clean stop, exit 130). The tests poll for the children to be gone, with a generous
 * bound that only turns a hang into a failure.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempWorkspace, spawnTunedl, type TempWorkspace } from "../fakes/cli_runner.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { type MusicWorld, startMusicWorld } from "../fakes/music_world.ts";
import { readSavedPlanFile } from "../../src/plan/mod.ts";

const ALBUM = "58NYQm3dRbTW1kKirl631E";
/** Only so a child that never ends fails the test instead of hanging it. */
const GONE_BOUND_MS = 60_000;

interface Setup extends AsyncDisposable {
  world: MusicWorld;
  work: TempWorkspace;
  marker: string;
  config: string;
  env: Record<string, string>;
}

async function setUp(): Promise<Setup> {
  const marker = `tunedl-orphan-${crypto.randomUUID().slice(0, 8)}`;
  const world = await startMusicWorld({ audioSeconds: 300 });
  const work = await makeTempWorkspace({ prefix: `${marker}-` });
  const bin = join(work.dir, "bin");
  await Deno.mkdir(bin);
  const ffmpeg = join(bin, "ffmpeg");
  // tunedl's conversion is the call that maps the first audio stream; yt-dlp's calls stay fast.
  await Deno.writeTextFile(
    ffmpeg,
    `#!/bin/sh
case " $* " in *" 0:a:0 "*) exec ffmpeg -re "$@" ;; esac
exec ffmpeg "$@"
`,
  );
  await Deno.chmod(ffmpeg, 0o755);
  const realFfprobe = new TextDecoder().decode(
    new Deno.Command("sh", { args: ["-c", "command -v ffprobe"], stdout: "piped" }).outputSync()
      .stdout,
  ).trim();
  await Deno.symlink(realFfprobe, join(bin, "ffprobe"));
  const config = await work.writeConfig({
    version: "1.2",
    download: {
      threads: 1,
      output: "music/{artist}/{album}/{track-number} - {title}.{output-ext}",
      ffmpeg_path: ffmpeg,
    },
    albums: [`https://open.spotify.com/album/${ALBUM}`],
  });
  return {
    world,
    work,
    marker,
    config,
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir },
    async [Symbol.asyncDispose]() {
      for (const line of (await processesWith(marker)).split("\n").filter(Boolean)) {
        try {
          Deno.kill(Number(line.split(" ")[0]), "SIGKILL");
        } catch { /* already gone */ }
      }
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

/** Processes whose command line has the marker, "pid command" each. */
async function processesWith(marker: string): Promise<string> {
  const listFlag = Deno.build.os === "darwin" ? "-lf" : "-af";
  const out = await new Deno.Command("pgrep", { args: [listFlag, marker], stdout: "piped" })
    .output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** Waits until no process has the marker; returns what was still running at the bound. */
async function processesGone(marker: string): Promise<string> {
  const until = Date.now() + GONE_BOUND_MS;
  let left = await processesWith(marker);
  while (left !== "" && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = await processesWith(marker);
  }
  return left;
}

/** Starts `tunedl download` and resolves once its ffmpeg converts (seen in the process list). */
async function downloadUntilConverting(setup: Setup): Promise<{
  child: Deno.ChildProcess;
  stderr: Promise<string>;
  stdout: Promise<string>;
}> {
  const child = await spawnTunedl([
    "download",
    "--config",
    setup.config,
    "--log-format",
    "json",
  ], { cwd: setup.work.dir, env: setup.env });
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  const ended = child.status.then(() => true);
  // Converting: the real ffmpeg runs with -re on a file of this test's temp folder.
  while (
    !(await processesWith(setup.marker)).split("\n").some((l) => / -re .*-map 0:a:0/.test(l))
  ) {
    if (await Promise.race([ended, new Promise((r) => setTimeout(() => r(false), 100))])) {
      assert.fail(`tunedl ended before converting:\n${await stderr}`);
    }
  }
  return { child, stdout, stderr };
}

// Not on Windows: sh wrappers, pgrep and POSIX signals (see README: no orphan guard there).
Deno.test({
  name: "download: kill -9 of tunedl during a long conversion leaves no ffmpeg or yt-dlp behind",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using setup = await setUp();
    const run = await downloadUntilConverting(setup);
    run.child.kill("SIGKILL");
    const status = await run.child.status;
    assert.equal(status.signal, "SIGKILL");
    await Promise.all([run.stdout, run.stderr]);
    assert.equal(await processesGone(setup.marker), "", "children outlived tunedl");
    // Nothing half-written reached the library itself.
    const files = await listFiles(setup.work.libraryDir).catch(() => []);
    assert.deepEqual(files.filter((path) => !path.includes("/.tunedl-tmp/")), []);
  },
});

Deno.test({
  name: "download: SIGHUP during a long conversion stops like Ctrl-C: 130, plan saved, no children",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using setup = await setUp();
    const run = await downloadUntilConverting(setup);
    run.child.kill("SIGHUP");
    const status = await run.child.status;
    const stderr = await run.stderr;
    assert.equal(status.code, 130, stderr);
    assert.equal(await processesGone(setup.marker), "", "children outlived tunedl");
    const events = (await run.stdout).split("\n").filter(Boolean).map((line) => JSON.parse(line));
    const finished = events.find((event) => event.type === "run_finished");
    assert.equal(finished?.cancelled, true, "the run finished as cancelled");
    const files = await listFiles(setup.work.libraryDir).catch(() => []);
    assert.deepEqual(files, [], "no partial file, temp folder removed");
    // The plan was saved (what --resume continues), with the interrupted track still to do.
    const plans = (await listFiles(join(setup.work.cacheDir, "plans")))
      .filter((path) => /\/plan-[0-9a-f]+\.json$/.test(path));
    assert.equal(plans.length, 1, `saved plans: ${plans.join(", ")}`);
    const saved = await readSavedPlanFile(plans[0]);
    const tracks = saved.items.filter((item) => item.type === "track");
    assert.ok(tracks.length > 0);
    assert.ok(tracks.every((item) => item.status === "pending"));
  },
});
