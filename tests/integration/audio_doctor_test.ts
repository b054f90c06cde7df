/** probeTools against the machine's real yt-dlp, ffmpeg and ffprobe. */
import assert from "node:assert/strict";
import { findExecutable, parseYtdlpVersion, probeTools } from "../../src/audio/mod.ts";
import { hasVorbisEncoder, onlyVorbisMissing } from "../fakes/ffmpeg_encoders.ts";

Deno.test("probeTools reports the installed tools with versions", async () => {
  const env = Deno.env.toObject();
  const ytdlpOut = await new Deno.Command("yt-dlp", { args: ["--version"] }).output();
  const installed = parseYtdlpVersion(new TextDecoder().decode(ytdlpOut.stdout))!;
  // Pretend today is a year after the installed release: it must be flagged as old.
  const now = new Date(installed.released.getTime() + 365 * 86_400_000);
  const checks = await probeTools({ env, now, format: "mp3" });
  const byName = Object.fromEntries(checks.map((check) => [check.name, check]));

  assert.equal(byName["yt-dlp"].version, installed.version);
  assert.equal(byName["yt-dlp"].ageDays, 365);
  assert.equal(byName["yt-dlp"].status, "warn");
  assert.equal(byName["yt-dlp"].path, findExecutable("yt-dlp", { env }));

  // A warning only for an ffmpeg without libvorbis (Homebrew's plain formula; CI has ffmpeg-full).
  if (byName.ffmpeg.status === "warn" && !(await hasVorbisEncoder(byName.ffmpeg.path))) {
    assert.ok(onlyVorbisMissing(byName.ffmpeg.detail), byName.ffmpeg.detail);
  } else {
    assert.equal(byName.ffmpeg.status, "ok", byName.ffmpeg.detail);
  }
  assert.match(byName.ffmpeg.version ?? "", /^\S+$/);
  assert.equal(byName.ffprobe.status, "ok", byName.ffprobe.detail);
  assert.equal(byName.ffprobe.version, byName.ffmpeg.version);

  const deno = findExecutable("deno", { env });
  if (deno !== undefined) {
    assert.equal(byName["js-runtime"].status, "ok");
    assert.equal(byName["js-runtime"].path, deno);
    assert.equal(byName["js-runtime"].version, Deno.version.deno);
  }

  const fresh = await probeTools({ env, now: installed.released });
  assert.equal(fresh.find((check) => check.name === "yt-dlp")?.status, "ok");
});

Deno.test("probeTools flags a configured path that does not exist", async () => {
  const checks = await probeTools({
    env: Deno.env.toObject(),
    ytdlpPath: "/nonexistent/yt-dlp",
    ffmpegPath: "/nonexistent/ffmpeg",
  });
  const byName = Object.fromEntries(checks.map((check) => [check.name, check]));
  assert.equal(byName["yt-dlp"].ok, false);
  assert.equal(byName["yt-dlp"].detail, "not found at /nonexistent/yt-dlp");
  assert.equal(byName.ffmpeg.ok, false);
  assert.match(byName.ffmpeg.fix ?? "", /ffmpeg_path/);
});
