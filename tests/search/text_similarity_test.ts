import assert from "node:assert/strict";
import { normalizeText, textSimilarity } from "../../src/search/mod.ts";

Deno.test("normalizeText drops case, diacritics, apostrophes and punctuation", () => {
  const cases: [string, string][] = [
    ["Déjà Vu", "deja vu"],
    ["Don't Stop Me Now", "dont stop me now"],
    ["Guns N’ Roses", "guns n roses"],
    ["Simon & Garfunkel", "simon and garfunkel"],
    ["  AC/DC  ", "ac dc"],
    ["Беспечный Ангел", "беспечныи ангел"],
    ["米津玄師「Lemon」", "米津玄師 lemon"],
    ["ＦＵＬＬ　ＷＩＤＴＨ", "full width"],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeText(input), expected, input);
});

Deno.test("textSimilarity: equal after normalization is 1, near misses are graded", () => {
  const cases: [string, string, number, number][] = [
    ["Déjà Vu", "deja vu", 1, 1],
    ["Colour", "Color", 0.8, 0.9],
    ["Love", "Love Story", 0.5, 0.6],
    ["Part 1", "Part 2", 0, 0.6],
    ["夜に駆ける", "夜に駆ける", 1, 1],
    ["夜に駆ける", "夜に駆けろ", 0.7, 0.85],
    ["Moments", "Those Lost", 0, 0.4],
    ["", "", 0, 0],
  ];
  for (const [a, b, low, high] of cases) {
    const similarity = textSimilarity(a, b);
    assert.ok(similarity >= low && similarity <= high, `${a} ~ ${b} = ${similarity}`);
  }
});
