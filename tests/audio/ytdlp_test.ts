import assert from "node:assert/strict";
import { buildYtdlpArgs, parseDownloadOutput, parseProgressLine } from "../../src/audio/mod.ts";

Deno.test("buildYtdlpArgs: best audio, no playlist, output in workDir, URL last after --", () => {
  const args = buildYtdlpArgs("-weird-url", {
    workDir: "/lib/.tunedl-tmp/track-1",
    ffmpegPath: "/opt/ff/ffmpeg",
    cookiesFile: "/lib/.tunedl-tmp/track-1/cookies.txt",
    extraArgs: ["--proxy", "socks5://127.0.0.1:9050"],
  });
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(after("--format"), "bestaudio/best");
  assert.ok(args.includes("--no-playlist"));
  assert.ok(args.includes("--ignore-config"));
  assert.ok(args.includes("--newline"));
  assert.equal(after("--paths"), "/lib/.tunedl-tmp/track-1");
  assert.equal(after("--output"), "download.%(ext)s");
  assert.equal(after("--ffmpeg-location"), "/opt/ff/ffmpeg");
  assert.equal(after("--cookies"), "/lib/.tunedl-tmp/track-1/cookies.txt");
  assert.equal(after("--proxy"), "socks5://127.0.0.1:9050");
  assert.deepEqual(args.slice(-2), ["--", "-weird-url"]);
  assert.ok(after("--progress-template").startsWith("download:"));
});

Deno.test("buildYtdlpArgs leaves out what is not known", () => {
  const args = buildYtdlpArgs("https://youtu.be/x", { workDir: "/w" });
  assert.equal(args.includes("--ffmpeg-location"), false);
  assert.equal(args.includes("--cookies"), false);
});

Deno.test("parseProgressLine reads the template's fields", () => {
  const cases: [string, ReturnType<typeof parseProgressLine>][] = [
    ["tunedl-progress 1024 4096 NA 2048.5 2", {
      downloadedBytes: 1024,
      totalBytes: 4096,
      fraction: 0.25,
      speed: 2048.5,
      etaSeconds: 2,
    }],
    ["tunedl-progress 500 NA 1000 NA NA", {
      downloadedBytes: 500,
      totalBytes: 1000,
      fraction: 0.5,
    }],
    ["tunedl-progress 700 NA NA NA NA", { downloadedBytes: 700 }],
    ["tunedl-progress 5000 4000 NA NA NA", {
      downloadedBytes: 5000,
      totalBytes: 4000,
      fraction: 1,
    }],
    ["[download] Destination: x.webm", undefined],
    ["tunedl-progress NA NA NA NA NA", undefined],
  ];
  for (const [line, expected] of cases) assert.deepEqual(parseProgressLine(line), expected, line);
});

Deno.test("parseDownloadOutput reads the printed file and stream facts", () => {
  const stdout = "tunedl-progress 1 2 NA NA NA\n" +
    "tunedl-file /w/download.webm\n" +
    "tunedl-info webm|opus|212.04|129.5\n";
  assert.deepEqual(parseDownloadOutput(stdout), {
    file: "/w/download.webm",
    ext: "webm",
    codec: "opus",
    durationSeconds: 212.04,
    abr: 129.5,
  });
  assert.deepEqual(parseDownloadOutput("tunedl-info m4a|NA|NA|NA\n"), { ext: "m4a" });
  assert.deepEqual(parseDownloadOutput(""), {});
});
