import assert from "node:assert/strict";
import { ConversionError, parseFfprobeJson, planConversion } from "../../src/audio/mod.ts";
import type { AudioFormat } from "../../src/audio/mod.ts";

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
    /No audio stream in x.webm/,
  );
  assert.throws(() => parseFfprobeJson("not json"), ConversionError);
});
