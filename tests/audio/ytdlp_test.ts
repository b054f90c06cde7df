import assert from "node:assert/strict";
import {
  buildYtdlpArgs,
  parseDownloadOutput,
  parseProgressLine,
  probeFromDownload,
} from "../../src/audio/mod.ts";

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

Deno.test("probeFromDownload: yt-dlp's facts stand in for ffprobe only when all are there and agree", () => {
  const cases: Array<{
    ext: string;
    codec?: string;
    durationSeconds?: number;
    abr?: number;
    want?: { codec: string; bitRate?: number };
  }> = [
    {
      ext: "webm",
      codec: "opus",
      durationSeconds: 212.1,
      abr: 129.5,
      want: { codec: "opus", bitRate: 129500 },
    },
    {
      ext: "m4a",
      codec: "mp4a.40.2",
      durationSeconds: 212,
      abr: 128,
      want: { codec: "aac", bitRate: 128000 },
    },
    { ext: "M4A", codec: "mp4a.40.5", durationSeconds: 30, want: { codec: "aac" } },
    { ext: "ogg", codec: "vorbis", durationSeconds: 30, abr: 0, want: { codec: "vorbis" } },
    { ext: "mp3", codec: "mp3", durationSeconds: 30, want: { codec: "mp3" } },
    { ext: "flac", codec: "flac", durationSeconds: 30, want: { codec: "flac" } },
    // A postprocessor (-x --audio-format mp3 among the config's yt-dlp arguments) changed the file.
    { ext: "mp3", codec: "opus", durationSeconds: 30 },
    { ext: "webm", codec: "mp4a.40.2", durationSeconds: 30 },
    { ext: "webm", codec: "ec-3", durationSeconds: 30 },
    { ext: "webm", codec: undefined, durationSeconds: 30 },
    { ext: "webm", codec: "opus" },
    { ext: "webm", codec: "opus", durationSeconds: 0 },
  ];
  for (const { want, ...downloaded } of cases) {
    const probe = probeFromDownload(downloaded);
    const label = JSON.stringify(downloaded);
    if (want === undefined) {
      assert.equal(probe, undefined, label);
      continue;
    }
    assert.equal(probe?.codec, want.codec, label);
    assert.equal(probe?.bitRate, want.bitRate, label);
    assert.equal(probe?.durationSeconds, downloaded.durationSeconds, label);
  }
});
