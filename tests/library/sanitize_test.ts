import assert from "node:assert/strict";
import { addNameSuffix, sanitizePathComponent, utf8ByteLength } from "../../src/library/mod.ts";

const FAMILY = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}"; // one grapheme, 18 bytes
const THUMB_MEDIUM = "\u{1F44D}\u{1F3FD}"; // thumbs up + skin tone: one grapheme, 8 bytes
const Q_DOTS = "q\u0323\u0307"; // q with two combining marks: one grapheme, 5 bytes

const HOSTILE_NAMES: [name: string, input: string, expected: string][] = [
  ["parent with slash", "../", "_"],
  ["parent", "..", "_"],
  ["current", ".", "_"],
  ["dots only", "...", "_"],
  ["device name", "CON", "CON_"],
  ["device name lower case with extension", "con.mp3", "con_.mp3"],
  ["device name with two extensions", "nul.tar.gz", "nul_.tar.gz"],
  ["device name with trailing space", "AUX ", "AUX_"],
  ["serial port", "COM1", "COM1_"],
  ["printer port with extension", "lpt9.txt", "lpt9_.txt"],
  ["console input", "CONIN$", "CONIN$_"],
  ["not a device name", "COM10", "COM10"],
  ["device name inside a longer name", "Console", "Console"],
  ["slash", "a/b", "a_b"],
  ["backslash", "a\\b", "a_b"],
  ["AC/DC", "AC/DC", "AC_DC"],
  ["reserved punctuation", ':*?"<>|', "_______"],
  ["question in a title", "What's Up?", "What's Up_"],
  ["trailing dots and spaces", "Song. . .", "Song"],
  ["trailing spaces", "Song   ", "Song"],
  ["leading dots hide files", "...Ready For It?", "Ready For It_"],
  ["leading and trailing whitespace", "  \tTitle\n ", "Title"],
  ["ideographic spaces", "\u3000x\u3000", "x"],
  ["control characters", "a\u0000b\u001fc\u007fd\u0085e", "a_b_c_d_e"],
  ["empty", "", "_"],
  ["whitespace only", "   \t\n ", "_"],
  ["emoji kept", "\u{1F3B5} Ñoño \u{1F3B5}", "\u{1F3B5} Ñoño \u{1F3B5}"],
  ["combining accent composed (NFC)", "Beyonce\u0301", "Beyonc\u00e9"],
  ["decomposed Hangul composed", "\u1112\u1161\u11ab", "\ud55c"],
  ["lone surrogate", "a\ud800b", "a\ufffdb"],
  ["ASCII 300 bytes", "a".repeat(300), "a".repeat(255)],
  ["ASCII 300 bytes keeps the extension", "a".repeat(300) + ".mp3", "a".repeat(251) + ".mp3"],
  ["CJK 300 bytes", "漢".repeat(100), "漢".repeat(85)],
  ["emoji 300 bytes", "\u{1F44D}".repeat(75), "\u{1F44D}".repeat(63)],
  ["ZWJ family emoji", FAMILY.repeat(17), FAMILY.repeat(14)],
  [
    "skin-tone emoji keeps the extension",
    THUMB_MEDIUM.repeat(40) + ".flac",
    THUMB_MEDIUM.repeat(31) + ".flac",
  ],
  ["combining marks 300 bytes", Q_DOTS.repeat(60), Q_DOTS.repeat(51)],
  ["cut leaves a trailing space", "a".repeat(254) + " b", "a".repeat(254)],
  ["one huge grapheme", "q" + "\u0307".repeat(200), "q" + "\u0307".repeat(127)],
];

for (const [label, input, expected] of HOSTILE_NAMES) {
  Deno.test(`sanitizePathComponent: ${label}`, () => {
    const result = sanitizePathComponent(input);
    assert.equal(result, expected);
    assert.ok(utf8ByteLength(result) <= 255, `${utf8ByteLength(result)} bytes`);
    assert.ok(result.length > 0);
    assert.notEqual(result, ".");
    assert.notEqual(result, "..");
    // deno-lint-ignore no-control-regex
    assert.ok(!/[<>:"/\\|?*\u0000-\u001f]/.test(result));
    assert.equal(result, result.normalize("NFC"));
    assert.ok(result.isWellFormed(), "no broken surrogate pair");
    // Sanitizing twice changes nothing.
    assert.equal(sanitizePathComponent(result), result);
  });
}

Deno.test("sanitizePathComponent: options change replacement, limit and extension keeping", () => {
  assert.equal(sanitizePathComponent("AC/DC: Live", { replacement: "" }), "ACDC Live");
  assert.equal(sanitizePathComponent("abcdef.mp3", { maxBytes: 8 }), "abcd.mp3");
  assert.equal(
    sanitizePathComponent("abcdef.mp3", { maxBytes: 8, keepExtension: false }),
    "abcdef.m",
  );
  assert.throws(() => sanitizePathComponent("x", { replacement: "/" }), TypeError);
});

Deno.test("addNameSuffix puts the suffix before the extension and stays within 255 bytes", () => {
  assert.equal(addNameSuffix("Song.mp3", " (2)"), "Song (2).mp3");
  assert.equal(addNameSuffix("Folder", " (3)"), "Folder (3)");
  const long = addNameSuffix("漢".repeat(83) + ".mp3", " (2)");
  assert.equal(long, "漢".repeat(82) + " (2).mp3");
  assert.ok(utf8ByteLength(long) <= 255);
});

Deno.test("sanitizePathComponent removes bidi overrides and controls that disguise a name", () => {
  const cases: [label: string, input: string, expected: string][] = [
    ["right-to-left override", "evil\u202Egpj.exe.mp3", "evilgpj.exe.mp3"],
    ["isolates and marks", "a\u2066b\u2069c\u200Fd\u061Ce.mp3", "abcde.mp3"],
    ["NUL and ESC", "a\u0000b\u001b[31mc.mp3", "a_b_[31mc.mp3"],
    ["line separator", "a\u2028b.mp3", "ab.mp3"],
    ["emoji joiners stay", `${FAMILY}.mp3`, `${FAMILY}.mp3`],
  ];
  for (const [label, input, expected] of cases) {
    assert.equal(sanitizePathComponent(input), expected, label);
  }
});
