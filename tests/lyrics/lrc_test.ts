/** LRC text and what a track gets from an answer, as tables of cases. */
import assert from "node:assert/strict";
import {
  chooseLyrics,
  formatLyricsCounts,
  lrcFileText,
  lrcLength,
  lrcLines,
  LyricsTally,
  plainFromLrc,
} from "../../src/lyrics/mod.ts";

const track = { title: "Song", artists: ["A", "B"], album: "Album", durationMs: 221_400 };

Deno.test("lrcLines: timed lines kept, header lines dropped, non-LRC refused", () => {
  const cases: [string, string[] | undefined][] = [
    ["[00:01.00] a\r\n[00:02.00] b\n", ["[00:01.00] a", "[00:02.00] b"]],
    ["[ar:X]\n[00:01.00] a\n\n[01:02.345]", ["[00:01.00] a", "[01:02.345]"]],
    ["[1:02] short minutes", ["[1:02] short minutes"]],
    ["just words\nno times", undefined],
    ["[00:01.00] a\nplain line", undefined],
    ["[ar:only headers]", undefined],
    ["   \n", undefined],
  ];
  for (const [text, expected] of cases) assert.deepEqual(lrcLines(text), expected, text);
});

Deno.test("plainFromLrc and lrcLength", () => {
  assert.equal(plainFromLrc(["[00:01.00] a", "[00:02.00][00:09.00]b", "[00:03.00]"]), "a\nb\n");
  assert.equal(lrcLength(221_400), "3:41");
  assert.equal(lrcLength(59_600), "1:00");
});

Deno.test("lrcFileText: headers then the lines, LF line ends, final newline", () => {
  const text = lrcFileText(["[00:01.00] a", "[00:02.00] b"], { ...track, title: "So]ng" });
  assert.equal(
    text,
    "[ti:So)ng]\n[ar:A, B]\n[al:Album]\n[length:3:41]\n[00:01.00] a\n[00:02.00] b\n",
  );
});

Deno.test("chooseLyrics: per answer and mode", () => {
  const synced = "[00:01.00] one\n[00:02.00] two";
  const cases: [Parameters<typeof chooseLyrics>[0], "synced" | "plain", unknown][] = [
    [{ kind: "found", synced, plain: "one\ntwo" }, "synced", {
      status: "synced",
      tag: "[00:01.00] one\n[00:02.00] two",
      lrcFile: lrcFileText(["[00:01.00] one", "[00:02.00] two"], track),
    }],
    [{ kind: "found", synced, plain: "one\ntwo\n" }, "plain", { status: "plain", tag: "one\ntwo" }],
    [{ kind: "found", synced }, "plain", { status: "plain", tag: "one\ntwo" }],
    [{ kind: "found", plain: "words" }, "synced", { status: "plain", tag: "words" }],
    [{ kind: "found", synced: "not lrc", plain: "words" }, "synced", {
      status: "plain",
      tag: "words",
    }],
    [{ kind: "found", synced: "not lrc" }, "synced", { status: "not_found" }],
    [{ kind: "instrumental" }, "synced", { status: "instrumental" }],
    [{ kind: "not_found" }, "plain", { status: "not_found" }],
  ];
  for (const [answer, mode, expected] of cases) {
    assert.deepEqual(chooseLyrics(answer, mode, track), expected, JSON.stringify([answer, mode]));
  }
});

Deno.test("LyricsTally: counts and failures", () => {
  const tally = new LyricsTally();
  tally.record("synced", { id: "track:1", name: "A - x" });
  tally.record("synced", { id: "track:2", name: "A - y" });
  tally.record("not_found", { id: "track:3", name: "A - z" });
  tally.record("failed", { id: "track:4", name: "A - w", message: "LRCLIB answered HTTP 500" });
  assert.equal(tally.total, 4);
  assert.deepEqual(tally.counts().failures, [
    { id: "track:4", name: "A - w", message: "LRCLIB answered HTTP 500" },
  ]);
  assert.equal(formatLyricsCounts(tally.counts()), "2 synced, 1 not found, 1 failed");
  assert.equal(formatLyricsCounts(new LyricsTally().counts()), "none looked up");
});
