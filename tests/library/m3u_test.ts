import assert from "node:assert/strict";
import { posix } from "node:path";
import { type M3uEntry, renderM3u } from "../../src/library/mod.ts";

const SONG_A: M3uEntry = {
  path: "/music/Abstrakt/Night Drive/07 - Nobody Else.mp3",
  durationMs: 162_499,
  artists: ["Abstrakt", "Guest"],
  title: "Nobody Else",
};
const SONG_B: M3uEntry = {
  path: "/music/Other/Song B.mp3",
  durationMs: 59_500,
  artists: ["Other"],
  title: "Song B",
};

Deno.test("renderM3u: header, EXTINF lines and paths relative to the playlist folder", () => {
  const text = renderM3u([SONG_A, SONG_B], { m3uPath: "/music/Road Trip.m3u8" });
  assert.equal(
    text,
    [
      "#EXTM3U",
      "#EXTINF:162,Abstrakt, Guest - Nobody Else",
      "Abstrakt/Night Drive/07 - Nobody Else.mp3",
      "#EXTINF:60,Other - Song B",
      "Other/Song B.mp3",
      "",
    ].join("\n"),
  );
});

Deno.test("renderM3u: a playlist in a nested folder climbs up with ../", () => {
  const text = renderM3u([SONG_B], { m3uPath: "/music/Playlists/2024/Mix.m3u8" });
  assert.equal(text.split("\n")[2], "../../Other/Song B.mp3");
});

Deno.test("renderM3u: a playlist below the songs points down into sibling folders", () => {
  const text = renderM3u([SONG_A], { m3uPath: "/music/Abstrakt/mix.m3u" });
  assert.equal(text.split("\n")[2], "Night Drive/07 - Nobody Else.mp3");
});

Deno.test("renderM3u: a path below the playlist's folder gives what path.relative gives", () => {
  const cases: [m3uPath: string, file: string][] = [
    ["/music/Mix.m3u8", "/music/A/b.mp3"],
    ["/music/Mix.m3u8", "/music/./A/../B/c.mp3"],
    ["/music/Mix.m3u8", "/music//A/c.mp3"],
    ["/music/Mix.m3u8", "/music/A/.."],
    ["/music/Mix.m3u8", "/musicals/A/c.mp3"],
    ["/music/Mix.m3u8", "/music/..hidden/c.mp3"],
    ["/Mix.m3u8", "/A/b.mp3"],
    ["/music/Sub/Mix.m3u8", "/music/Sub/x.mp3"],
  ];
  for (const [m3uPath, file] of cases) {
    const text = renderM3u([{ ...SONG_B, path: file }], { m3uPath });
    const expected = posix.relative(posix.dirname(m3uPath), file);
    assert.equal(text.split("\n")[2], expected, `${file} from ${m3uPath}`);
  }
});

Deno.test("renderM3u: order and duplicates are kept", () => {
  const text = renderM3u([SONG_B, SONG_A, SONG_B], { m3uPath: "/music/x.m3u8" });
  const paths = text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
  assert.deepEqual(paths, [
    "Other/Song B.mp3",
    "Abstrakt/Night Drive/07 - Nobody Else.mp3",
    "Other/Song B.mp3",
  ]);
});

Deno.test("renderM3u: durations round to whole seconds; unknown is -1", () => {
  const cases: [number, string][] = [
    [0, "#EXTINF:0,"],
    [499, "#EXTINF:0,"],
    [500, "#EXTINF:1,"],
    [180_000, "#EXTINF:180,"],
    [Number.NaN, "#EXTINF:-1,"],
    [-5, "#EXTINF:-1,"],
  ];
  for (const [durationMs, prefix] of cases) {
    const text = renderM3u([{ ...SONG_B, durationMs }], { m3uPath: "/music/x.m3u8" });
    assert.ok(text.split("\n")[1].startsWith(prefix), `${durationMs} -> ${text.split("\n")[1]}`);
  }
});

Deno.test("renderM3u: names cannot break lines, no artists means just the title, # paths stay paths", () => {
  const text = renderM3u(
    [{ path: "/music/#1 Hits/a.mp3", durationMs: 1000, artists: [], title: "Line\r\nBreak" }],
    { m3uPath: "/music/x.m3u8" },
  );
  assert.equal(text, "#EXTM3U\n#EXTINF:1,Line Break\n./#1 Hits/a.mp3\n");
});

Deno.test("renderM3u: an empty playlist is just the header", () => {
  assert.equal(renderM3u([], { m3uPath: "/music/x.m3u8" }), "#EXTM3U\n");
});

Deno.test("#EXTINF lines carry no NUL, ESC or bidi override, and stay one sane line", () => {
  const hostile: M3uEntry = {
    path: "/music/x.mp3",
    durationMs: 1000,
    artists: ["Evil\u0000Artist"],
    title: `A\u001b[2J\u202Etitle\r\n#EXTINF:0,fake${"x".repeat(10_000)}`,
  };
  const text = renderM3u([hostile], { m3uPath: "/music/list.m3u8" });
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 3, text.slice(0, 200));
  assert.ok(
    lines[1].startsWith("#EXTINF:1,EvilArtist - A[2Jtitle #EXTINF:0,fakexx"),
    lines[1].slice(0, 80),
  );
  assert.ok(lines[1].length < 600, `${lines[1].length} characters`);
  assert.equal(lines[2], "x.mp3");
});
