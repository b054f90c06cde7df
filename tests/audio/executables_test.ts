import assert from "node:assert/strict";
import { DependencyError } from "../../src/errors/mod.ts";
import { findExecutable, locateFfprobe, resolveAudioTools } from "../../src/audio/mod.ts";

async function makeTool(dir: string, name: string, mode = 0o755): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, "#!/bin/sh\nexit 0\n");
  await Deno.chmod(path, mode);
  return path;
}

// The real-file tests need execute bits and ":"-separated PATHs, which Windows does not have; its
// rules (PATHEXT, ";") are tested below with a stand-in file system on every OS.
const posix = Deno.build.os !== "windows";

Deno.test({
  name: "findExecutable searches PATH in order and skips non-executable files",
  ignore: !posix,
  async fn() {
    const root = await Deno.makeTempDir();
    try {
      const [a, b] = [`${root}/a`, `${root}/b`];
      await Deno.mkdir(a);
      await Deno.mkdir(b);
      await makeTool(a, "yt-dlp", 0o644);
      const real = await makeTool(b, "yt-dlp");
      const env = { PATH: `${root}/missing::${a}:${b}` };
      assert.equal(findExecutable("yt-dlp", { env }), real);
      assert.equal(findExecutable("ffmpeg", { env }), undefined);
      assert.equal(findExecutable("yt-dlp", { env: {} }), undefined);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "findExecutable takes an explicit path as is, and a bare explicit name from PATH",
  ignore: !posix,
  async fn() {
    const root = await Deno.makeTempDir();
    try {
      const custom = await makeTool(root, "my-ytdlp");
      assert.equal(findExecutable("yt-dlp", { env: {}, explicitPath: custom }), custom);
      assert.equal(
        findExecutable("yt-dlp", { env: {}, explicitPath: `${root}/absent` }),
        undefined,
      );
      assert.equal(
        findExecutable("yt-dlp", { env: { PATH: root }, explicitPath: "my-ytdlp" }),
        custom,
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("findExecutable on Windows uses PATHEXT, ';' and case-insensitive env names", () => {
  const files = new Set([
    "C:\\tools\\yt-dlp.exe",
    "D:\\ff\\bin\\ffmpeg.exe",
    "D:\\ff\\bin\\ffprobe.exe",
    "C:\\scripts\\helper.cmd",
  ]);
  const options = {
    os: "windows" as const,
    env: {
      Path: "C:\\nothing;C:\\tools;D:\\ff\\bin\\;C:\\scripts",
      PATHEXT: ".COM;.EXE;.BAT;.CMD",
    },
    isExecutable: (path: string) => files.has(path),
  };
  assert.equal(findExecutable("yt-dlp", options), "C:\\tools\\yt-dlp.exe");
  assert.equal(findExecutable("ffmpeg", options), "D:\\ff\\bin\\ffmpeg.exe");
  assert.equal(findExecutable("helper", options), "C:\\scripts\\helper.cmd");
  assert.equal(findExecutable("yt-dlp.exe", options), "C:\\tools\\yt-dlp.exe");
  assert.equal(
    findExecutable("ffmpeg", { ...options, explicitPath: "D:\\ff\\bin\\ffmpeg" }),
    "D:\\ff\\bin\\ffmpeg.exe",
  );
  assert.equal(findExecutable("ffmpeg", { ...options, pathExt: ".COM" }), undefined);
});

Deno.test("tool precedence: config path, then TUNEDL_* setting, then PATH; ffprobe beside ffmpeg", () => {
  const files = new Set([
    "/usr/bin/yt-dlp",
    "/usr/bin/ffmpeg",
    "/usr/bin/ffprobe",
    "/opt/ytdlp/yt-dlp",
    "/env/yt-dlp",
    "/opt/ff/ffmpeg",
    "/opt/ff/ffprobe",
    "/env/ffmpeg",
  ]);
  const isExecutable = (path: string) => files.has(path);
  const env = { PATH: "/usr/bin", TUNEDL_YTDLP: "/env/yt-dlp", TUNEDL_FFMPEG: "/env/ffmpeg" };

  assert.deepEqual(
    resolveAudioTools({
      env,
      isExecutable,
      os: "linux",
      ytdlpPath: "/opt/ytdlp/yt-dlp",
      ffmpegPath: "/opt/ff/ffmpeg",
    }),
    { ytdlp: "/opt/ytdlp/yt-dlp", ffmpeg: "/opt/ff/ffmpeg", ffprobe: "/opt/ff/ffprobe" },
  );
  // /env has no ffprobe beside ffmpeg: falls back to PATH.
  assert.deepEqual(resolveAudioTools({ env, isExecutable, os: "linux" }), {
    ytdlp: "/env/yt-dlp",
    ffmpeg: "/env/ffmpeg",
    ffprobe: "/usr/bin/ffprobe",
  });
  assert.deepEqual(resolveAudioTools({ env: { PATH: "/usr/bin" }, isExecutable, os: "linux" }), {
    ytdlp: "/usr/bin/yt-dlp",
    ffmpeg: "/usr/bin/ffmpeg",
    ffprobe: "/usr/bin/ffprobe",
  });
  assert.equal(
    locateFfprobe({ env: { PATH: "" }, isExecutable, os: "linux", ffmpegPath: "/env/ffmpeg" }),
    undefined,
  );
});

Deno.test("resolveAudioTools says which tool is missing and how to fix it", () => {
  const isExecutable = (path: string) => path === "/usr/bin/yt-dlp";
  assert.throws(
    () => resolveAudioTools({ env: { PATH: "/usr/bin" }, isExecutable, os: "linux" }),
    (error) =>
      error instanceof DependencyError && error.message === "ffmpeg not found on PATH" &&
      /ffmpeg_path/.test(error.hint ?? ""),
  );
  assert.throws(
    () => resolveAudioTools({ env: {}, isExecutable, os: "linux", ytdlpPath: "/opt/nope/yt-dlp" }),
    (error) =>
      error instanceof DependencyError &&
      error.message === "yt-dlp not found at /opt/nope/yt-dlp" &&
      /ytdlp_path/.test(error.hint ?? ""),
  );
});
