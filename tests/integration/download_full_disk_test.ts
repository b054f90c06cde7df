/**
 * Verified output end to end. A library on a 2 MB tmpfs fills up during a download: tunedl must
 * stop the run with exit 6 and say how much room a track needs, and the library may hold only
 * whole files (ffmpeg 5.1 exits 0 when the disk fills while it writes a file's end). And a file
 * that is cut short afterwards is reported by `plan` and downloaded again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempWorkspace, runTunedl, type TempWorkspace } from "../fakes/cli_runner.ts";
import { listLibraryFiles } from "../fakes/file_tree.ts";
import { type MusicWorld, startMusicWorld } from "../fakes/music_world.ts";

const ALBUMS = ["58NYQm3dRbTW1kKirl631E", "58NCND7oBmNGsoYExAYtvV"];
const PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs";
const TONE_SECONDS = 30;

/** Why a tmpfs cannot be mounted here (not Linux, not root, no CAP_SYS_ADMIN), or undefined. */
function mountUnavailable(): string | undefined {
  if (Deno.build.os !== "linux") return "tmpfs mounts are a Linux test";
  const dir = Deno.makeTempDirSync({ prefix: "tunedl-mount-probe-" });
  try {
    const mount = new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    if (!mount.success) return `cannot mount a tmpfs: ${new TextDecoder().decode(mount.stderr)}`;
    new Deno.Command("umount", { args: [dir] }).outputSync();
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs: ${(error as Error).message}`;
  } finally {
    Deno.removeSync(dir);
  }
}

const unavailable = mountUnavailable();
if (unavailable) console.warn(`download_full_disk_test: full-disk test skipped: ${unavailable}`);

/** Seconds of audio ffprobe reads from a file. */
async function audioSeconds(path: string): Promise<number> {
  const result = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_entries", "format=duration", "-of", "json", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(result.success, `ffprobe cannot read ${path}`);
  return Number(JSON.parse(new TextDecoder().decode(result.stdout)).format.duration);
}

interface Setup extends AsyncDisposable {
  world: MusicWorld;
  work: TempWorkspace;
  env: Record<string, string>;
  config: string;
}

async function setUp(config: Record<string, unknown>): Promise<Setup> {
  const world = await startMusicWorld({ audioSeconds: TONE_SECONDS });
  const work = await makeTempWorkspace({ prefix: "tunedl-full-disk-" });
  const path = await work.writeConfig({
    version: "1.2",
    download: { threads: 1, output: "music/{artist}/{album}/{title}.{output-ext}" },
    ...config,
  });
  return {
    world,
    work,
    config: path,
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir },
    async [Symbol.asyncDispose]() {
      await new Deno.Command("umount", { args: [work.libraryDir], stderr: "null" }).output();
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

Deno.test({
  name: "download: a full library disk stops the run with exit 6; only whole files are placed",
  ignore: unavailable !== undefined,
  async fn() {
    await using setup = await setUp({
      albums: ALBUMS.map((id) => `https://open.spotify.com/album/${id}`),
      playlists: [`https://open.spotify.com/playlist/${PLAYLIST}`],
    });
    const { work } = setup;
    await Deno.mkdir(work.libraryDir);
    // About two 30 s MP3s (720 kB each) with the download and the tagged copy beside them.
    const mount = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=2m", "tmpfs", work.libraryDir],
    }).output();
    assert.ok(mount.success, "mount the tmpfs");

    const run = await runTunedl(["download", "--config", setup.config], {
      env: setup.env,
      cwd: work.dir,
    });
    const said = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.code, 6, said);
    assert.match(said, /no space left on the disk of /);
    assert.match(said, /needs about \d+(\.\d)? MB there \(\d+(\.\d)? MB free now\)/);
    assert.doesNotMatch(said, /update yt-dlp|yt-dlp -U|lack the encoder/i);

    const files = await listLibraryFiles(work.libraryDir);
    assert.deepEqual(files.filter((path) => path.includes(".tunedl-tmp")), [], "temp removed");
    const audio = files.filter((path) => path.endsWith(".mp3"));
    assert.ok(audio.length >= 1, `some tracks fit: ${files.join(", ")}`);
    for (const path of audio) {
      const seconds = await audioSeconds(path);
      assert.ok(Math.abs(seconds - TONE_SECONDS) < 1, `${path} is whole: ${seconds} s`);
    }
    // The run stopped at the first full-disk failure instead of failing track after track.
    assert.doesNotMatch(said, /Failed\s+[1-9]/);
  },
});

Deno.test("plan reports a library file cut short since tunedl wrote it; download replaces it", async () => {
  await using setup = await setUp({ albums: [`https://open.spotify.com/album/${ALBUMS[0]}`] });
  const { work } = setup;
  const first = await runTunedl(["download", "--config", setup.config], {
    env: setup.env,
    cwd: work.dir,
  });
  assert.equal(first.code, 0, first.stderr);
  const [file] = await listLibraryFiles(work.libraryDir);
  assert.ok(file.endsWith("Ponder.mp3"), file);

  // Something cuts the file to its first 12 s (a copy with the tags, as a broken sync would).
  const cut = join(work.dir, "cut.mp3");
  const ffmpeg = await new Deno.Command("ffmpeg", {
    args: ["-v", "error", "-i", file, "-t", "12", "-c", "copy", "-map", "0", cut],
  }).output();
  assert.ok(ffmpeg.success);
  await Deno.rename(cut, file);

  const plan = await runTunedl(["plan", "--config", setup.config], {
    env: setup.env,
    cwd: work.dir,
  });
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /to download:\s+1 \(1 damaged in the library, listed below\)/);
  assert.match(plan.stdout, /Damaged files in the library \(downloaded again\):/);
  assert.match(plan.stdout, /Ponder\.mp3: it is 12 s long, the track 30 s/);
  const json = JSON.parse(
    (await runTunedl(["plan", "--config", setup.config, "--json"], {
      env: setup.env,
      cwd: work.dir,
    })).stdout,
  );
  assert.equal(json.counts.damaged, 1);

  const second = await runTunedl(["download", "--config", setup.config], {
    env: setup.env,
    cwd: work.dir,
  });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /it is 12 s long, the track 30 s; downloading it again/);
  assert.ok(Math.abs((await audioSeconds(file)) - TONE_SECONDS) < 1, "whole again");

  const again = await runTunedl(["plan", "--config", setup.config], {
    env: setup.env,
    cwd: work.dir,
  });
  assert.match(again.stdout, /to download:\s+0/);
  assert.doesNotMatch(again.stdout, /Damaged/);
});
