import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { type CliIo, runCli } from "../../src/cli/mod.ts";
import { parseCommandArgs } from "../../src/cli/args.ts";
import { UsageError } from "../../src/errors/mod.ts";

const CWD = "/nonexistent-tunedl-cwd";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    env: {},
    cwd: CWD,
    os: "linux" as const,
  };
  return io;
}

const cases: { args: string[]; code: number; stdout?: RegExp; stderr?: RegExp }[] = [
  { args: [], code: 2, stdout: /Usage: tunedl <command>/ },
  { args: ["--help"], code: 0, stdout: /Commands:\n {2}download/ },
  { args: ["--version"], code: 0, stdout: /^tunedl \d+\.\d+\.\d+ \(deno \d+\.\d+\.\d+\)\n$/ },
  { args: ["frob"], code: 2, stderr: /^error: unknown command "frob"\nhint: Commands: download/ },
  { args: ["plan", "--help"], code: 0, stdout: /^Usage: tunedl plan/ },
  { args: ["plan", "--frob"], code: 2, stderr: /^error: tunedl plan: Unknown option '--frob'\n/ },
  {
    args: ["validate", "a.yaml", "b.yaml"],
    code: 2,
    stderr: /"a.yaml" is not a Spotify link or `liked`\nhint: .*--config a.yaml/,
  },
  {
    args: ["validate", "--config", "missing.yaml"],
    code: 2,
    // The host's path rules: on Windows the folder gets the current drive and backslashes.
    stderr: new RegExp(
      `^error: config file not found: ${escapeRegExp(resolve(join(CWD, "missing.yaml")))}\\nhint: `,
    ),
  },
  {
    args: ["download", "--log-format", "xml"],
    code: 2,
    stderr: /--log-format must be text or json/,
  },
  { args: ["download", "songs"], code: 2, stderr: /"songs" is not a Spotify link or `liked`/ },
  { args: ["cache", "frob"], code: 2, stderr: /unknown action "frob"/ },
  {
    args: ["download", "--dry-run"],
    code: 2,
    stderr: /^error: tunedl download: Unknown option '--dry-run'\nhint: .*run "tunedl plan"\.\n$/,
  },
  {
    args: ["login", "--timeout", "-5"],
    code: 2,
    stderr: /^error: tunedl login: --timeout must be a positive number of seconds, got "-5"\n$/,
  },
  {
    args: ["download", "--quiet", "--verbose"],
    code: 2,
    stderr: /^error: tunedl download: --quiet and --verbose cannot be used together\nhint: /,
  },
  { args: ["download", "-q", "-v"], code: 2, stderr: /cannot be used together/ },
];

for (const c of cases) {
  Deno.test(`runCli ${JSON.stringify(c.args)} exits ${c.code}`, async () => {
    const io = captureIo();
    const code = await runCli(c.args, io);
    assert.equal(code, c.code, io.stderr);
    if (c.stdout) assert.match(io.stdout, c.stdout);
    if (c.stderr) assert.match(io.stderr, c.stderr);
    assert.doesNotMatch(io.stderr, /\n\s+at /, "no stack trace for an expected failure");
  });
}

Deno.test("parseCommandArgs keeps flags and positionals and rejects extras", () => {
  const parsed = parseCommandArgs("plan", ["-c", "x.yaml", "--json", "extra"], {
    flags: { config: { type: "string", short: "c" }, json: { type: "boolean" } },
    maxPositionals: 1,
  });
  assert.deepEqual({ ...parsed.flags }, { config: "x.yaml", json: true });
  assert.deepEqual(parsed.positionals, ["extra"]);
  assert.throws(
    () => parseCommandArgs("plan", ["a", "b"], { flags: {}, maxPositionals: 1 }),
    (error) => error instanceof UsageError && /unexpected argument "b"/.test(error.message),
  );
});

Deno.test("an unexpected error's hint names --verbose only for commands that have it", async () => {
  const { reportError } = await import("../../src/cli/report_error.ts");
  const withFlag = captureIo();
  reportError(new Error("boom"), withFlag, { hasVerbose: true });
  assert.match(withFlag.stderr, /^error: unexpected failure: boom\nhint: .*--verbose/);
  const without = captureIo();
  reportError(new Error("boom"), without, {});
  assert.match(without.stderr, /^error: unexpected failure: boom\nhint: this is a bug in tunedl/);
  assert.doesNotMatch(without.stderr, /--verbose/);
});
