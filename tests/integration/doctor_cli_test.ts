/**
 * `tunedl doctor` end to end: the real command in a subprocess with the real
 * yt-dlp/ffmpeg/ffprobe of the machine and the fake Spotify of the music world.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempWorkspace, parseStdoutJson, runTunedl } from "../fakes/cli_runner.ts";
import { hasVorbisEncoder, onlyVorbisMissing } from "../fakes/ffmpeg_encoders.ts";
import { startMusicWorld } from "../fakes/music_world.ts";

interface DoctorJson {
  ok: boolean;
  checks: { name: string; status: "ok" | "warn" | "error"; detail: string; fix?: string }[];
}

/** The report line of one check: `[ok  ] name  detail`. */
function lineOf(out: string, name: string): string {
  const line = out.split("\n").find((l) => new RegExp(`^\\[[a-zA-Z ]{4}\\] ${name} `).test(l));
  assert.ok(line, `no "${name}" line in:\n${out}`);
  return line;
}

/** The `fix:` line printed right under a check's line. */
function fixOf(out: string, name: string): string {
  const lines = out.split("\n");
  const next = lines[lines.indexOf(lineOf(out, name)) + 1] ?? "";
  assert.match(next, /^\s+fix: \S/, `no fix under the ${name} line:\n${out}`);
  return next;
}

const markOf = (line: string) => line.slice(0, 6);

/**
 * The ffmpeg line says ok. A warning passes only for an ffmpeg without libvorbis (Homebrew's plain
 * formula; CI installs ffmpeg-full) when it names nothing but the missing ogg encoder.
 */
async function assertFfmpegOk(out: string): Promise<void> {
  const line = lineOf(out, "ffmpeg");
  if (markOf(line) === "[warn]" && !(await hasVorbisEncoder())) {
    assert.ok(onlyVorbisMissing(line), line);
  } else {
    assert.equal(markOf(line), "[ok  ]", line);
  }
}

Deno.test("tunedl doctor", async (t) => {
  const world = await startMusicWorld();
  await using work = await makeTempWorkspace({ prefix: "tunedl-doctor-" });
  try {
    const config = await work.writeConfig({
      version: "1.2",
      download: { output: "music/{artist}/{title}.{output-ext}", spotify_retry_base_delay: 0.01 },
    });
    const env = { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir };
    const doctor = (args: string[], extra: Record<string, string> = {}, file = config) =>
      runTunedl(["doctor", "--config", file, ...args], {
        env: { ...env, ...extra },
        cwd: work.dir,
        inProcess: true,
      });

    await t.step("everything in place: exit 0 and an ok line per check", async () => {
      const run = await doctor([]);
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const out = run.stdout;
      for (const name of ["config", "ffprobe", "spotify"]) {
        assert.equal(markOf(lineOf(out, name)), "[ok  ]", lineOf(out, name));
      }
      await assertFfmpegOk(out);
      // Debian's yt-dlp is old: a warning, not a failure.
      assert.ok(
        ["[ok  ]", "[warn]"].includes(markOf(lineOf(out, "yt-dlp"))),
        lineOf(out, "yt-dlp"),
      );
      assert.equal(markOf(lineOf(out, "cache folder")), "[ok  ]");
      assert.ok(lineOf(out, "cache folder").includes(`${work.cacheDir} is writable`));
      assert.equal(markOf(lineOf(out, "output folder")), "[ok  ]");
      assert.ok(lineOf(out, "output folder").includes(`${work.libraryDir} is writable`));
      assert.doesNotMatch(out, /^\[FAIL\]/m);
      assert.match(out, /^Ready to download\.$/m);
      // The write probe leaves nothing behind.
      assert.deepEqual(
        (await Array.fromAsync(Deno.readDir(work.libraryDir))).map((e) => e.name),
        [],
      );
    });

    await t.step("--json: one document with ok true and named checks", async () => {
      const run = await doctor(["--json"]);
      assert.equal(run.code, 0, run.stderr);
      const doc = parseStdoutJson<DoctorJson>(run);
      assert.equal(doc.ok, true);
      const names = doc.checks.map((c) => c.name);
      for (
        const name of [
          "config",
          "yt-dlp",
          "ffmpeg",
          "ffprobe",
          "spotify",
          "cache folder",
          "output folder",
        ]
      ) {
        assert.ok(names.includes(name), `no ${name} check in ${names.join(", ")}`);
      }
      assert.ok(doc.checks.every((c) => c.status !== "error"), JSON.stringify(doc.checks));
      assert.equal(doc.checks.find((c) => c.name === "spotify")?.status, "ok");
    });

    await t.step(
      "a wrong client secret: exit 1, a spotify FAIL with a fix, no secret shown",
      async () => {
        const wrongSecret = "wrong-secret-3f9a1c77e2b04d5a";
        const run = await doctor([], { SPOTIFY_CLIENT_SECRET: wrongSecret });
        assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
        assert.equal(markOf(lineOf(run.stdout, "spotify")), "[FAIL]");
        assert.match(fixOf(run.stdout, "spotify"), /client_secret|SPOTIFY_CLIENT_SECRET/);
        await assertFfmpegOk(run.stdout); // the other checks still run
        assert.match(run.stdout, /FAIL lines are fixed/);
        const all = run.stdout + run.stderr;
        assert.ok(!all.includes(wrongSecret), "the client secret must never be printed");
        assert.ok(!all.includes(world.env.SPOTIFY_CLIENT_SECRET));

        const json = await doctor(["--json"], { SPOTIFY_CLIENT_SECRET: wrongSecret });
        assert.equal(json.code, 1);
        const doc = parseStdoutJson<DoctorJson>(json);
        assert.equal(doc.ok, false);
        const spotify = doc.checks.find((c) => c.name === "spotify");
        assert.equal(spotify?.status, "error");
        assert.ok(spotify?.fix, "the spotify check has a fix");
        assert.ok(!(json.stdout + json.stderr).includes(wrongSecret));
      },
    );

    await t.step("TUNEDL_YTDLP pointing at a missing file: exit 1 and a yt-dlp FAIL", async () => {
      const missing = join(work.dir, "no-such-dir", "yt-dlp");
      const run = await doctor([], { TUNEDL_YTDLP: missing });
      assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
      const line = lineOf(run.stdout, "yt-dlp");
      assert.equal(markOf(line), "[FAIL]");
      assert.ok(line.includes(missing), line);
      fixOf(run.stdout, "yt-dlp");
    });

    await t.step("an output folder that cannot be created: an output folder FAIL", async () => {
      // A regular file where a folder should be blocks mkdir even for root.
      await Deno.writeTextFile(join(work.dir, "blocker"), "not a folder");
      const blocked = await work.writeConfig({
        version: "1.2",
        download: { output: "blocker/music/{artist}/{title}.{output-ext}" },
      }, { name: "blocked.yaml" });
      const run = await doctor([], {}, blocked);
      assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
      const line = lineOf(run.stdout, "output folder");
      assert.equal(markOf(line), "[FAIL]");
      assert.ok(line.includes(join(work.dir, "blocker", "music")), line);
      assert.match(fixOf(run.stdout, "output folder"), /download\.output/);
      assert.equal(markOf(lineOf(run.stdout, "cache folder")), "[ok  ]");
    });
  } finally {
    await world.close();
  }
});
