import assert from "node:assert/strict";
import {
  displayText,
  hasUnsafeCharacters,
  MAX_SHOWN_TEXT,
  removeUnsafeCharacters,
  shortenText,
} from "../../src/util/mod.ts";
import { MAX_PRINTED_TEXT, printable } from "../../src/cli/terminal_text.ts";

const CASES: [label: string, input: string, removed: string][] = [
  ["NUL", "a\u0000b", "ab"],
  ["ESC sequence", "a\u001b[2Jb", "a[2Jb"],
  ["C1 CSI", "a\u009bb", "ab"],
  ["DEL", "a\u007fb", "ab"],
  ["RLO", "evil\u202Egpj.exe", "evilgpj.exe"],
  ["LRE..PDF", "\u202Aa\u202Cb", "ab"],
  ["isolates", "\u2066a\u2067b\u2068c\u2069", "abc"],
  ["marks", "a\u200Eb\u200Fc\u061Cd", "abcd"],
  ["line separators", "a\u2028b\u2029c", "abc"],
  ["emoji with joiner stays", "\u{1F468}\u200D\u{1F469}", "\u{1F468}\u200D\u{1F469}"],
  ["accents stay", "Beyonc\u00e9 \u00e0 la", "Beyonc\u00e9 \u00e0 la"],
];

Deno.test("removeUnsafeCharacters drops controls and bidi marks, nothing else", () => {
  for (const [label, input, expected] of CASES) {
    assert.equal(removeUnsafeCharacters(input), expected, label);
    assert.equal(hasUnsafeCharacters(input), input !== expected, label);
  }
});

Deno.test("shortenText cuts long text with an ellipsis and never splits a surrogate pair", () => {
  assert.equal(shortenText("abcdef", { max: 4 }), "abc…");
  assert.equal(shortenText("abc", { max: 4 }), "abc");
  assert.equal(shortenText("ab\u{1F600}cd", { max: 4 }), "ab…");
  assert.equal(shortenText("x".repeat(10_000)).length, MAX_SHOWN_TEXT);
});

Deno.test("displayText flattens, cleans and cuts a field from a server", () => {
  assert.equal(displayText("one\ntwo\tthree\u202E\u0000"), "one two three");
  assert.equal(displayText("y".repeat(20_000_000)).length, MAX_SHOWN_TEXT);
});

Deno.test("printable keeps terminal output on one safe line of bounded length", () => {
  assert.equal(printable("a\nb\u001b[31mc\u202Ed"), "a b [31mcd");
  assert.equal(printable("z".repeat(20_000_000)).length, MAX_PRINTED_TEXT);
});
