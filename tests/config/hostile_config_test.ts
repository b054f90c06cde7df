/** Configs built to hurt the parser: each gives one short ConfigError (exit 2), never a crash. */
import assert from "node:assert/strict";
import { ConfigError, ExitCode } from "../../src/errors/mod.ts";
import { MAX_CONFIG_CHARS, parseConfig } from "../../src/config/mod.ts";

const SECRET = "s3cr3tValue9";

const BOMB = [
  'version: "1.2"',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ..."bcdefghi".split("").map((name, i) => {
    const previous = "abcdefgh"[i];
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]`;
  }),
  "songs: *i",
].join("\n");

function binary(): string {
  const bytes = new Uint8Array(100_000);
  let seed = 7;
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  }
  return new TextDecoder().decode(bytes);
}

const CASES: [label: string, yaml: string, message: RegExp][] = [
  ["an alias bomb", BOMB, /^c\.yaml: the YAML aliases \(\*name\) expand to too many values/],
  [
    "several documents",
    'version: "1.2"\nsongs: []\n---\nversion: "1.2"\n',
    /^c\.yaml:3:1: invalid YAML: the file holds more than one YAML document \(`---`\)$/,
  ],
  ["binary data", binary(), /^c\.yaml: this is not a text file \(it holds binary data\)$/],
  ["a NUL byte", 'version: "1.2"\n\u0000\n', /^c\.yaml: this is not a text file/],
  [
    "nesting deeper than the stack",
    `version: "1.2"\nsongs: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`,
    /^c\.yaml:2: the YAML is nested too deeply to be a config$/,
  ],
  [
    "a huge file",
    `version: "1.2"\ndownload:\n  format: "${"A".repeat(MAX_CONFIG_CHARS)}"\n`,
    /^c\.yaml: the file is 4\.0 MB; a config is at most 4 MB$/,
  ],
  [
    "a huge value",
    `version: "1.2"\ndownload:\n  format: "${"A".repeat(1_000_000)}"\n`,
    /^c\.yaml:3:11: download\.format: expected one of mp3, m4a, flac, opus, ogg, got "A{57}\.\.\."$/,
  ],
  [
    "a secret given as a list",
    `version: "1.2"\ndownload:\n  client_id: abc\n  client_secret: [${SECRET}, other]\n`,
    /download\.client_secret: expected the Client secret of your Spotify app \(a string\), got a list$/,
  ],
  [
    "a secret given as a number",
    `version: "1.2"\ndownload:\n  client_id: abc\n  client_secret: 123456789012\n`,
    /download\.client_secret: expected .*, got a number$/,
  ],
  [
    "a secret given as a mapping",
    `version: "1.2"\ndownload:\n  client_id: abc\n  client_secret: {${SECRET}: 1}\n`,
    /download\.client_secret: expected .*, got a mapping$/,
  ],
  [
    "a secret in a line YAML cannot read",
    `version: "1.2"\ndownload:\n  client_id: abc\n  client_secret: "${SECRET}" junk: x\n`,
    /^c\.yaml:4:\d+: invalid YAML: /,
  ],
];

Deno.test("hostile configs give one short ConfigError with exit 2 and never echo a secret", () => {
  for (const [label, yaml, message] of CASES) {
    let error: unknown;
    try {
      parseConfig(yaml, { file: "c.yaml" });
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ConfigError, `${label}: ${error}`);
    assert.equal(error.exitCode, ExitCode.usage, label);
    assert.match(error.message, message, label);
    const shown = `${error.message}\n${error.hint ?? ""}`;
    assert.ok(shown.length < 800, `${label}: ${shown.length} characters`);
    assert.ok(!shown.includes(SECRET), `${label} shows the secret: ${shown}`);
    assert.ok(!shown.includes("123456789012"), `${label} shows the secret: ${shown}`);
    assert.ok(!/parseAllDocuments|call stack/i.test(shown), `${label}: ${shown}`);
  }
});
