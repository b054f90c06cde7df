import { type TrackMetadata } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import {
  coverImageProblem,
  imageMimeType,
  MAX_TAG_TEXT,
  tagProperties,
  tagsFromTrack,
  tagText,
} from "../../src/audio/mod.ts";
import type { AudioTags } from "../../src/audio/mod.ts";

const track: TrackMetadata = {
  spotifyId: "1t2qKa8K72IBC8yQlhD9bU",
  spotifyUrl: "https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU",
  title: "Nobody Else",
  artists: ["Abstrakt", "Guest", "Abstrakt"],
  artistIds: ["a", "b", "a"],
  album: "Nobody Else",
  albumId: "alb",
  albumArtists: ["Abstrakt"],
  trackNumber: 3,
  trackCount: 12,
  discNumber: 1,
  discCount: 2,
  releaseDate: "2021-10-28",
  isrc: "GB2LD2210007",
  durationMs: 162000,
  explicit: false,
  genres: ["drum and bass", "liquid funk"],
};

Deno.test("tagsFromTrack maps a Spotify track to tags", () => {
  assert.deepEqual(tagsFromTrack(track, { sourceUrl: "https://youtu.be/x" }), {
    title: "Nobody Else",
    artists: ["Abstrakt", "Guest"],
    album: "Nobody Else",
    albumArtists: ["Abstrakt"],
    trackNumber: 3,
    trackTotal: 12,
    discNumber: 1,
    discTotal: 2,
    date: "2021-10-28",
    year: 2021,
    genres: ["drum and bass", "liquid funk"],
    isrc: "GB2LD2210007",
    spotifyUrl: "https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU",
    sourceUrl: "https://youtu.be/x",
  });
});

Deno.test("tagsFromTrack: given genres win; missing fields stay undefined", () => {
  const tags = tagsFromTrack(
    { ...track, isrc: undefined, releaseDate: "1999", albumArtists: [], trackCount: 0 },
    { genres: ["rock"] },
  );
  assert.deepEqual(tags.genres, ["rock"]);
  assert.equal(tags.isrc, undefined);
  assert.equal(tags.year, 1999);
  assert.equal(tags.date, "1999");
  assert.equal(tags.trackTotal, undefined);
  assert.deepEqual(tags.albumArtists, ["Abstrakt"], "falls back to the main artist");
  assert.equal(tags.sourceUrl, undefined);
});

const tags: AudioTags = tagsFromTrack(track, { sourceUrl: "https://youtu.be/x" });

Deno.test("Vorbis comments repeat multi-valued fields and split number/total", () => {
  assert.deepEqual(tagProperties(tags, "vorbis"), {
    TITLE: ["Nobody Else"],
    ARTIST: ["Abstrakt", "Guest"],
    ALBUM: ["Nobody Else"],
    ALBUMARTIST: ["Abstrakt"],
    TRACKNUMBER: ["3"],
    TRACKTOTAL: ["12"],
    DISCNUMBER: ["1"],
    DISCTOTAL: ["2"],
    DATE: ["2021-10-28"],
    YEAR: ["2021"],
    GENRE: ["drum and bass", "liquid funk"],
    ISRC: ["GB2LD2210007"],
    COMMENT: ["https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU"],
    SPOTIFY_URL: ["https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU"],
    SOURCE_URL: ["https://youtu.be/x"],
  });
});

Deno.test("ID3v2 keeps multiple values and uses n/N numbers", () => {
  const props = tagProperties(tags, "id3v2");
  assert.deepEqual(props.ARTIST, ["Abstrakt", "Guest"]);
  assert.deepEqual(props.GENRE, ["drum and bass", "liquid funk"]);
  assert.deepEqual(props.TRACKNUMBER, ["3/12"]);
  assert.deepEqual(props.DISCNUMBER, ["1/2"]);
  assert.equal(props.TRACKTOTAL, undefined);
  assert.equal(props.YEAR, undefined);
});

Deno.test("MP4 joins multi-valued fields into one value", () => {
  const props = tagProperties(tags, "mp4");
  assert.deepEqual(props.ARTIST, ["Abstrakt, Guest"]);
  assert.deepEqual(props.GENRE, ["drum and bass, liquid funk"]);
  assert.deepEqual(props.TRACKNUMBER, ["3/12"]);
});

Deno.test("empty and missing values are left out", () => {
  const props = tagProperties(
    { title: "T", artists: ["A", " "], albumArtists: [], genres: [], trackNumber: 2 },
    "id3v2",
  );
  assert.deepEqual(props, { TITLE: ["T"], ARTIST: ["A"], TRACKNUMBER: ["2"] });
});

Deno.test("imageMimeType recognises JPEG and PNG", () => {
  assert.equal(imageMimeType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), "image/jpeg");
  assert.equal(
    imageMimeType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    "image/png",
  );
  assert.equal(imageMimeType(new TextEncoder().encode("<html>")), undefined);
});

Deno.test("tag values keep their text without NUL or other controls, up to a sane length", () => {
  const cases: [label: string, input: string, expected: string][] = [
    ["NUL inside", "Before\u0000After", "BeforeAfter"],
    ["ESC sequence", "Song\u001b[31m Red", "Song[31m Red"],
    ["newline", "Line one\nLine two", "Line one Line two"],
    [
      "RTL text keeps its marks",
      "\u05e9\u05dc\u05d5\u05dd\u200f!",
      "\u05e9\u05dc\u05d5\u05dd\u200f!",
    ],
    ["plain", "Nobody Else", "Nobody Else"],
  ];
  for (const [label, input, expected] of cases) assert.equal(tagText(input), expected, label);
  const long = tagText("x".repeat(1_000_000));
  assert.equal(long.length, MAX_TAG_TEXT);
  const props = tagProperties({ ...tagsFromTrack(track), title: "A\u0000B" }, "id3v2");
  assert.deepEqual(props.TITLE, ["AB"]);
});

Deno.test("coverImageProblem accepts whole JPEGs and PNGs, names what is wrong otherwise", () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
  const png = new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...new TextEncoder().encode("....IEND"),
    0xae,
    0x42,
    0x60,
    0x82,
  ]);
  const cases: [label: string, bytes: Uint8Array, problem: string | undefined][] = [
    ["whole JPEG", jpeg, undefined],
    ["whole PNG", png, undefined],
    ["cut JPEG", jpeg.subarray(0, 6), "the JPEG image is incomplete"],
    ["cut PNG", png.subarray(0, 10), "the PNG image is incomplete"],
    ["HTML page", new TextEncoder().encode("<html>nope</html>"), "it is not a JPEG or PNG image"],
    ["empty", new Uint8Array(0), "it is not a JPEG or PNG image"],
  ];
  for (const [label, bytes, problem] of cases) {
    assert.equal(coverImageProblem(bytes), problem, label);
  }
});
