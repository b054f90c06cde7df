/**
 * Ctrl-C during `tunedl download`: the real CLI in a subprocess, slowed down by
 * a yt-dlp wrapper script (config `download.ytdlp_path`) that logs each call
 * and sleeps before running the real yt-dlp. Checks what a user relies on:
 * exit code 130, no half-written file in the library, no yt-dlp or ffmpeg left
 * running, and `--resume` finishing the rest without downloading again what
 * was already done.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  installedYtdlp,
  makeTempWorkspace,
  spawnTunedl,
  type TempWorkspace,
} from "../fakes/cli_runner.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { type MusicWorld, startMusicWorld } from "../fakes/music_world.ts";

const PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs";
const ALBUMS = ["58NYQm3dRbTW1kKirl631E", "58NCND7oBmNGsoYExAYtvV"];
const OUTPUT = "music/{artist}/{album}/{track-number} - {title}.{output-ext}";
const AUDIO_EXTENSIONS = /\.(mp3|m4a|flac|opus|ogg)$/;

interface JsonEvent {
  type: string;
  [key: string]: unknown;
}

interface Setup extends AsyncDisposable {
  world: MusicWorld;
  work: TempWorkspace;
  /** A string only this test's files and processes have in their paths. */
  marker: string;
  config: string;
  env: Record<string, string>;
  /** Slow: yt-dlp fetches at 4 KB/s, so a 1 s tone takes about 3 s (the tracks overlap). */
  setSlow(slow: boolean): Promise<void>;
  /** URLs the wrapper was asked to download, in order. */
  calls(): Promise<string[]>;
}

/**
 * `stubborn`: the wrapper and the yt-dlp it becomes ignore SIGTERM (SIG_IGN survives exec), so a
 * clean stop has to wait for its SIGKILL; a user presses Ctrl-C a second time meanwhile.
 */
async function setUp(options: { stubborn?: boolean } = {}): Promise<Setup> {
  const marker = `tunedl-int-${crypto.randomUUID().slice(0, 8)}`;
  const world = await startMusicWorld();
  const work = await makeTempWorkspace({ prefix: `${marker}-` });
  const bin = join(work.dir, "bin");
  await Deno.mkdir(bin);
  const wrapper = join(bin, "yt-dlp-wrapper");
  const argsFile = join(bin, "extra-args");
  const callLog = join(bin, "calls.log");
  await Deno.writeTextFile(
    wrapper,
    `#!/bin/sh
${options.stubborn ? "trap '' TERM" : ""}
for last in "$@"; do :; done
case "$last" in http*) echo "$last" >> '${callLog}' ;; esac
exec '${installedYtdlp()}' $(cat '${argsFile}') "$@"
`,
  );
  await Deno.chmod(wrapper, 0o755);
  await Deno.writeTextFile(argsFile, "");
  const config = await work.writeConfig({
    version: "1.2",
    download: { threads: 2, output: OUTPUT, ytdlp_path: wrapper },
    albums: ALBUMS.map((id) => `https://open.spotify.com/album/${id}`),
    playlists: [`https://open.spotify.com/playlist/${PLAYLIST}`],
  });
  return {
    world,
    work,
    marker,
    config,
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir },
    setSlow: (slow) => Deno.writeTextFile(argsFile, slow ? "--limit-rate 4K" : ""),
    async calls() {
      try {
        return (await Deno.readTextFile(callLog)).split("\n").filter((line) => line !== "");
      } catch {
        return [];
      }
    },
    async [Symbol.asyncDispose]() {
      // A failed test may leave its yt-dlp running: end exactly those (by pid) before cleaning up.
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

/** A running `tunedl download --log-format json` whose events arrive as they are printed. */
interface RunningDownload {
  child: Deno.ChildProcess;
  events: JsonEvent[];
  /** Resolves with the first event the predicate accepts. */
  waitFor(predicate: (event: JsonEvent) => boolean): Promise<JsonEvent>;
  /** Exit code and stderr, once the child is gone (however long a loaded machine takes). */
  finished(): Promise<{ code: number; stderr: string }>;
}

async function startDownload(setup: Setup, extraArgs: string[] = []): Promise<RunningDownload> {
  const child = await spawnTunedl([
    "download",
    "--config",
    setup.config,
    "--log-format",
    "json",
    ...extraArgs,
  ], { cwd: setup.work.dir, env: setup.env });
  const events: JsonEvent[] = [];
  const waiters: { predicate: (event: JsonEvent) => boolean; resolve(e: JsonEvent): void }[] = [];
  const reading = (async () => {
    let pending = "";
    for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
      const parts = (pending + text).split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts.filter((part) => part !== "")) {
        const event = JSON.parse(line) as JsonEvent;
        events.push(event);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(event)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
        }
      }
    }
  })();
  const stderr = new Response(child.stderr).text();
  return {
    child,
    events,
    waitFor(predicate) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        reading.then(() => reject(new Error("the run ended before the awaited event")), reject);
      });
    },
    async finished() {
      // No deadline: a busy 2-core machine may take long; a hung child hangs the test visibly.
      const status = await child.status;
      await reading;
      return { code: status.code, stderr: await stderr };
    },
  };
}

const isCompletedTrack = (event: JsonEvent) =>
  event.type === "item_finished" && event.item_type === "track" && event.status === "completed";

/** Seconds of audio ffprobe reads from a file; fails the test when it cannot read it. */
async function audioSeconds(path: string): Promise<number> {
  const result = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_entries", "format=duration", "-of", "json", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const errors = new TextDecoder().decode(result.stderr);
  assert.ok(result.success && errors.trim() === "", `ffprobe cannot read ${path}: ${errors}`);
  return Number(JSON.parse(new TextDecoder().decode(result.stdout)).format.duration);
}

/** Every audio file in the library is whole, and nothing is left in the temp folder. */
async function assertLibraryClean(libraryDir: string): Promise<string[]> {
  const files = await listFiles(libraryDir);
  const leftovers = files.filter((path) => path.includes("/.tunedl-tmp/"));
  assert.deepEqual(leftovers, [], "files left in .tunedl-tmp");
  const audio = files.filter((path) => AUDIO_EXTENSIONS.test(path));
  // tunedl's records: the ownership record, and that no re-tag's temp copy is left.
  const records = [".tunedl/owned.json", ".tunedl/tag-temps-checked"].map((name) =>
    join(libraryDir, name)
  );
  const strays = files.filter((path) =>
    !AUDIO_EXTENSIONS.test(path) && !path.endsWith(".m3u8") && !records.includes(path)
  );
  assert.deepEqual(strays, [], "only audio files, M3Us and tunedl's records in the library");
  for (const path of audio) {
    // The world's tone is 1 s long; a cut-off file is shorter or unreadable.
    assert.ok((await audioSeconds(path)) > 0.9, `${path} is complete`);
  }
  return audio;
}

/** Processes whose command line has the marker (yt-dlp, ffmpeg, the wrapper), "pid command" each. */
async function processesWith(marker: string): Promise<string> {
  // procps' -a prints the command line; the BSD pgrep of macOS spells that -l (its -a means
  // "also match pgrep's ancestors" and prints bare pids).
  const listFlag = Deno.build.os === "darwin" ? "-lf" : "-af";
  const out = await new Deno.Command("pgrep", { args: [listFlag, marker], stdout: "piped" })
    .output();
  return new TextDecoder().decode(out.stdout).trim();
}

// Not on Windows (both tests): they stand on a #!/bin/sh yt-dlp wrapper, `sh -c "command -v"`,
// pgrep and a SIGINT sent to the child (exit 130), none of which Windows has.
Deno.test({
  name: "download: Ctrl-C stops cleanly with 130, --resume finishes without downloading twice",
  ignore: Deno.build.os === "windows",
  fn: ctrlCThenResume,
});

async function ctrlCThenResume() {
  await using setup = await setUp();
  await setup.setSlow(true);
  const first = await startDownload(setup);
  const started = await first.waitFor((event) => event.type === "run_started");
  const total = started.total as number;
  await first.waitFor(isCompletedTrack);
  first.child.kill("SIGINT");
  const stopped = await first.finished();
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.equal(await processesWith(setup.marker), "", "no yt-dlp/ffmpeg left running");

  const done = first.events.filter(isCompletedTrack);
  assert.ok(done.length >= 1);
  const library = await assertLibraryClean(setup.work.libraryDir);
  assert.deepEqual(library, done.map((event) => event.path as string).sort());
  // Something was still to do, or the interrupt would prove nothing.
  assert.ok(done.length < total - 1, `only ${done.length} of ${total} items done before Ctrl-C`);

  const callsBefore = (await setup.calls()).length;
  await setup.setSlow(false);
  const second = await startDownload(setup, ["--resume"]);
  const result = await second.finished();
  assert.equal(result.code, 0, result.stderr);
  const resumed = second.events.find((event) => event.type === "run_started")!;
  assert.equal(resumed.already_done, done.length, "the resumed run knows what was done");
  const again = (await setup.calls()).slice(callsBefore);
  const doneVideoIds = done.map((event) =>
    setup.world.videoIdFor((event.id as string).replace(/^track:/, ""))
  );
  for (const videoId of doneVideoIds) {
    assert.ok(
      !again.some((url) => url.includes(videoId)),
      `${videoId} was downloaded again: ${again.join(", ")}`,
    );
  }
  const resumedTracks = second.events.filter(isCompletedTrack);
  assert.equal(again.length, resumedTracks.length, "one yt-dlp run per remaining track");
  const m3u = second.events.filter((event) => event.type === "m3u_written");
  assert.equal(m3u.length, 1);
  const all = await assertLibraryClean(setup.work.libraryDir);
  assert.equal(all.length, total - 1, "every track of the plan is in the library");
  assert.equal(done.length + resumedTracks.length, total - 1);
}

Deno.test({
  name: "download: a second Ctrl-C exits at once with 130 and leaves no partial file",
  // Not on Windows: see the test above.
  ignore: Deno.build.os === "windows",
  fn: secondCtrlC,
});

async function secondCtrlC() {
  await using setup = await setUp({ stubborn: true });
  await setup.setSlow(true);
  const run = await startDownload(setup);
  await run.waitFor(isCompletedTrack);
  // Wait until another track's yt-dlp has started and is fetching, to stop it mid-way.
  const callsAtFirst = (await setup.calls()).length;
  for (let i = 0; i < 100 && (await setup.calls()).length === callsAtFirst; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  run.child.kill("SIGINT");
  // The stubborn yt-dlp holds up the clean stop (2 s until its SIGKILL); the user insists.
  await new Promise((resolve) => setTimeout(resolve, 300));
  run.child.kill("SIGINT");
  const stopped = await run.finished();
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.equal(await processesWith(setup.marker), "", "no yt-dlp/ffmpeg left running");
  // Give anything the run left behind time to write (it should have left nothing).
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const library = await assertLibraryClean(setup.work.libraryDir);
  const done = run.events.filter(isCompletedTrack).map((event) => event.path as string);
  assert.deepEqual(library, done.sort());
}
