import { type AudioFormat } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import { installFfmpegFix, missingEncoderFix } from "../../src/audio/mod.ts";

const FFMPEG_FULL_PATH = '"$(brew --prefix ffmpeg-full)/bin/ffmpeg"';

Deno.test("missingEncoderFix: ffmpeg-full on macOS, the distribution's ffmpeg on Linux, winget on Windows", () => {
  const table: {
    os: typeof Deno.build.os;
    missing: AudioFormat[];
    has: string[];
    hasNot: string[];
  }[] = [
    {
      os: "darwin",
      missing: ["ogg"],
      has: [
        "Homebrew's `ffmpeg` has no libvorbis (ogg)",
        "`brew install ffmpeg-full`",
        `TUNEDL_FFMPEG=${FFMPEG_FULL_PATH}`,
        "download.ffmpeg_path",
        "download.format",
      ],
      hasNot: ["apt", "winget"],
    },
    {
      os: "darwin",
      missing: ["mp3", "opus"],
      has: ["`brew install ffmpeg-full`", `TUNEDL_FFMPEG=${FFMPEG_FULL_PATH}`],
      hasNot: ["libvorbis", "apt"],
    },
    {
      os: "linux",
      missing: ["ogg"],
      has: ["`sudo apt install ffmpeg`", "download.format"],
      hasNot: ["brew", "winget"],
    },
    { os: "freebsd", missing: ["ogg"], has: ["distribution's `ffmpeg`"], hasNot: ["brew"] },
    {
      os: "windows",
      missing: ["ogg", "mp3"],
      has: ["`winget install ffmpeg`", "download.ffmpeg_path", "download.format"],
      hasNot: ["brew", "apt"],
    },
  ];
  for (const row of table) {
    const fix = missingEncoderFix(row.missing, { os: row.os });
    const what = `${row.os} ${row.missing.join("+")}: ${fix}`;
    for (const part of row.has) assert.ok(fix.includes(part), `${what}\n  lacks ${part}`);
    for (const part of row.hasNot) assert.ok(!fix.includes(part), `${what}\n  has ${part}`);
  }
});

Deno.test("installFfmpegFix: on macOS an ogg library needs ffmpeg-full; elsewhere the usual packages", () => {
  const table: [typeof Deno.build.os, AudioFormat | undefined, string[], string[]][] = [
    ["darwin", "ogg", ["`brew install ffmpeg-full`", `TUNEDL_FFMPEG=${FFMPEG_FULL_PATH}`], [
      "apt",
    ]],
    ["darwin", "mp3", ["`brew install ffmpeg`", "ffmpeg-full", "download.ffmpeg_path"], ["apt"]],
    ["darwin", undefined, ["`brew install ffmpeg`", "ffmpeg-full"], ["winget"]],
    ["linux", "ogg", ["`apt install ffmpeg`", "download.ffmpeg_path"], ["ffmpeg-full"]],
    ["windows", "ogg", ["`winget install ffmpeg`", "download.ffmpeg_path"], ["ffmpeg-full"]],
  ];
  for (const [os, format, has, hasNot] of table) {
    const fix = installFfmpegFix(format, { os });
    for (const part of has) {
      assert.ok(fix.includes(part), `${os} ${format}: ${fix}\n  lacks ${part}`);
    }
    for (const part of hasNot) {
      assert.ok(!fix.includes(part), `${os} ${format}: ${fix}\n  has ${part}`);
    }
  }
});
