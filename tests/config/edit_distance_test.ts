import assert from "node:assert/strict";
import { closestMatch, editDistance } from "../../src/config/edit_distance.ts";

Deno.test("editDistance counts insertions, deletions and substitutions", () => {
  const cases: [string, string, number][] = [
    ["", "", 0],
    ["abc", "", 3],
    ["", "abc", 3],
    ["threads", "threads", 0],
    ["thread", "threads", 1],
    ["formt", "format", 1],
    ["kitten", "sitting", 3],
    ["flaw", "lawn", 2],
  ];
  for (const [a, b, distance] of cases) {
    assert.equal(editDistance(a, b), distance, `${a} -> ${b}`);
    assert.equal(editDistance(b, a), distance, `${b} -> ${a}`);
  }
});

Deno.test("closestMatch suggests near misses only", () => {
  const keys = [
    "threads",
    "format",
    "bitrate",
    "output",
    "audio_providers",
    "client_id",
    "overwrite",
  ];
  const cases: [string, string | undefined][] = [
    ["thread", "threads"],
    ["Format", "format"],
    ["client-id", "client_id"],
    ["audio_provider", "audio_providers"],
    ["bitrat", "bitrate"],
    ["overwrit", "overwrite"],
    ["colour", undefined],
    ["x", undefined],
    ["songs", undefined],
  ];
  for (const [word, expected] of cases) assert.equal(closestMatch(word, keys), expected, word);
});
