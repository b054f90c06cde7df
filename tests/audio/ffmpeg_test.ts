import { type AudioFormat } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import {
  ConversionError,
  convertAudio,
  lacksEncoder,
  MissingEncoderError,
  parseFfprobeJson,
  planConversion,
} from "../../src/audio/mod.ts";
import type { ProcessRunner } from "../../src/audio/mod.ts";

const valueAfter = (args: string[], flag: string) =>
  args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined;

Deno.test("planConversion copies when the codec already matches, encodes otherwise", () => {
  const cases: [string, AudioFormat, boolean, string, string | undefined][] = [
    // source codec, target, copy?, -c:a, -b:a
    ["opus", "opus", true, "copy", undefined],
    ["aac", "m4a", true, "copy", undefined],
    ["mp3", "mp3", true, "copy", undefined],
    ["vorbis", "ogg", true, "copy", undefined],
    ["flac", "flac", true, "copy", undefined],
    ["opus", "mp3", false, "libmp3lame", "256k"],
    ["aac", "opus", false, "libopus", "256k"],
    ["opus", "m4a", false, "aac", "256k"],
    ["opus", "ogg", false, "libvorbis", "256k"],
    ["opus", "flac", false, "flac", undefined],
  ];
  for (const [codec, format, copy, encoder, bitrate] of cases) {
    const plan = planConversion("/w/in", "/w/out", { codec }, { format, bitrate: "256k" });
    const label = `${codec} -> ${format}`;
    assert.equal(plan.copy, copy, label);
    assert.equal(valueAfter(plan.args, "-c:a"), encoder, label);
    assert.equal(valueAfter(plan.args, "-b:a"), bitrate, label);
    assert.equal(valueAfter(plan.args, "-map"), "0:a:0", label);
    assert.equal(valueAfter(plan.args, "-map_metadata"), "-1", label);
    assert.ok(plan.args.includes("-vn"), label);
    assert.equal(plan.args[plan.args.length - 1], "/w/out");
  }
});

Deno.test("planConversion picks the muxer per format", () => {
  const muxers: Record<AudioFormat, string> = {
    mp3: "mp3",
    m4a: "ipod",
    flac: "flac",
    opus: "opus",
    ogg: "ogg",
  };
  for (const [format, muxer] of Object.entries(muxers)) {
    const plan = planConversion("i", "o", { codec: "pcm_s16le" }, {
      format: format as AudioFormat,
    });
    assert.equal(valueAfter(plan.args, "-f"), muxer);
  }
});

Deno.test("planConversion bitrates: default per format, auto follows the source, disable omits", () => {
  const encode = (bitrate: string | undefined, format: AudioFormat = "mp3", bitRate?: number) =>
    valueAfter(
      planConversion("i", "o", { codec: "aac", bitRate }, { format, bitrate }).args,
      "-b:a",
    );
  assert.equal(encode(undefined), "192k");
  assert.equal(encode(undefined, "opus"), "128k");
  assert.equal(encode("320k"), "320k");
  assert.equal(encode("auto", "mp3", 131_421), "131k");
  assert.equal(encode("auto", "mp3"), "192k");
  assert.equal(encode("disable"), undefined);
  assert.throws(() => encode("loud"), ConversionError);
});

Deno.test("parseFfprobeJson reads the first audio stream and notices video", () => {
  const json = JSON.stringify({
    streams: [
      { codec_type: "video", codec_name: "mjpeg" },
      { codec_type: "audio", codec_name: "opus", sample_rate: "48000", channels: 2 },
    ],
    format: { format_name: "matroska,webm", duration: "2.008000", bit_rate: "75600" },
  });
  assert.deepEqual(parseFfprobeJson(json), {
    codec: "opus",
    container: "matroska,webm",
    bitRate: 75600,
    durationSeconds: 2.008,
    sampleRate: 48000,
    channels: 2,
    hasVideo: true,
  });
  assert.throws(
    () => parseFfprobeJson(JSON.stringify({ streams: [] }), "x.webm"),
    /no audio stream in x.webm/,
  );
  assert.throws(() => parseFfprobeJson("not json"), ConversionError);
});

// What ffmpeg prints on stderr (-loglevel error) when it was built without an encoder.
const FFMPEG5_NO_VORBIS = "Unknown encoder 'libvorbis'\n";
const FFMPEG8_NO_VORBIS = "[aost#0:0 @ 0x600003b0c000] Unknown encoder 'libvorbis'\n" +
  "[aost#0:0 @ 0x600003b0c000] Error selecting an encoder\n" +
  "Error opening output file /lib/.tunedl-tmp/track-1/out.ogg.\n" +
  "Error opening output files: Encoder not found\n";

Deno.test("lacksEncoder recognises ffmpeg's missing-encoder errors, old and new", () => {
  const table: [string, string, boolean][] = [
    [FFMPEG5_NO_VORBIS, "libvorbis", true],
    [FFMPEG8_NO_VORBIS, "libvorbis", true],
    ["Error opening output files: Encoder not found\r\n", "libvorbis", true],
    [FFMPEG5_NO_VORBIS, "libmp3lame", false],
    ["/in.webm: Invalid data found when processing input\n", "libvorbis", false],
    ["", "libvorbis", false],
  ];
  for (const [stderr, encoder, expected] of table) {
    assert.equal(lacksEncoder(stderr, encoder), expected, `${encoder}: ${JSON.stringify(stderr)}`);
  }
});

/** A runner whose ffprobe sees an Opus source and whose ffmpeg fails with the given stderr. */
function failingFfmpeg(stderr: string): ProcessRunner {
  return (program) => {
    const probe = program.endsWith("ffprobe");
    return Promise.resolve({
      code: probe ? 0 : 1,
      success: probe,
      signal: null,
      stdout: probe
        ? JSON.stringify({ streams: [{ codec_type: "audio", codec_name: "opus" }], format: {} })
        : "",
      stderr: probe ? "" : stderr,
      stdoutTruncated: false,
      stderrTruncated: false,
    });
  };
}

Deno.test("convertAudio: a missing encoder names it and gives the OS's install advice", async () => {
  const table: [typeof Deno.build.os, string, string][] = [
    ["darwin", FFMPEG8_NO_VORBIS, "brew install ffmpeg-full"],
    ["linux", FFMPEG5_NO_VORBIS, "apt install ffmpeg"],
    ["windows", FFMPEG8_NO_VORBIS, "winget install ffmpeg"],
  ];
  for (const [os, stderr, advice] of table) {
    const error = await convertAudio("/t/in.webm", "/t/out.ogg", {
      ffmpegPath: "/opt/homebrew/bin/ffmpeg",
      format: "ogg",
      run: failingFfmpeg(stderr),
      os,
    }).then(() => assert.fail("expected a MissingEncoderError"), (e) => e);
    // A dependency problem (exit 4) that stops a download run, not one track's failure.
    assert.ok(error instanceof MissingEncoderError, String(error));
    assert.equal(error.exitCode, 4);
    assert.equal(
      error.message,
      "ffmpeg could not convert /t/in.webm to ogg: /opt/homebrew/bin/ffmpeg has no libvorbis encoder",
    );
    assert.ok(error.hint?.includes(advice), `${os}: ${error.hint}`);
  }
});

Deno.test("convertAudio: other ffmpeg failures keep ffmpeg's last line", async () => {
  const error = await convertAudio("/t/in.webm", "/t/out.ogg", {
    ffmpegPath: "/usr/bin/ffmpeg",
    format: "ogg",
    run: failingFfmpeg("/t/in.webm: Invalid data found when processing input\n"),
    os: "darwin",
  }).then(() => assert.fail("expected a ConversionError"), (e) => e);
  assert.ok(error instanceof ConversionError, String(error));
  assert.match(error.message, /to ogg: \/t\/in\.webm: Invalid data found when processing input$/);
  assert.doesNotMatch(error.hint ?? "", /ffmpeg-full/);
});
