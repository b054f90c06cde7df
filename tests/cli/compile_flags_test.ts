import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  binaryName,
  checksumsText,
  compileArgs,
  compileFailure,
  parseCompileOptions,
  sha256OfFile,
  TARGETS,
} from "../../scripts/compile.ts";
import {
  isRuntimeFlag,
  readDenoJson,
  runtimeFlags,
  runtimeFlagsOfCommand,
} from "../../scripts/runtime_flags.ts";
import { ConfigError, NetworkError, UsageError } from "../../src/errors/mod.ts";

const denoJson = await readDenoJson(new URL("../../deno.json", import.meta.url));

Deno.test("every binary is compiled with exactly the cli task's permission and unstable flags", () => {
  const cliFlags = runtimeFlags(denoJson);
  for (const target of TARGETS) {
    const args = compileArgs(denoJson, target, { includes: ["taglib-web.wasm"] });
    assert.deepEqual(args.filter(isRuntimeFlag), cliFlags, target);
  }
});

Deno.test("the cli task grants what tunedl needs at run time", () => {
  const cliFlags = runtimeFlags(denoJson);
  for (const needed of ["--allow-net", "--allow-run", "--allow-write", "--unstable-kv"]) {
    assert.ok(cliFlags.includes(needed), `cli task lacks ${needed}`);
  }
});

Deno.test("the download task runs with the same flags as the cli task", () => {
  assert.deepEqual(runtimeFlags(denoJson, { task: "download" }), runtimeFlags(denoJson));
});

Deno.test("compileArgs names the target, the output file and main.ts last", () => {
  const args = compileArgs(denoJson, "x86_64-pc-windows-msvc", { includes: ["a.wasm"] });
  assert.equal(args[0], "compile");
  assert.equal(args[args.indexOf("--target") + 1], "x86_64-pc-windows-msvc");
  assert.equal(args[args.indexOf("--output") + 1], "dist/tunedl-x86_64-pc-windows-msvc.exe");
  assert.equal(args[args.indexOf("--include") + 1], "a.wasm");
  assert.equal(args.at(-1), "main.ts");
  assert.equal(binaryName("aarch64-apple-darwin"), "tunedl-aarch64-apple-darwin");
});

Deno.test("runtimeFlagsOfCommand keeps Deno's permission flags and drops tunedl's own", () => {
  const cases: Array<[string, string[]]> = [
    ["deno run --allow-net --unstable-kv main.ts download", ["--allow-net", "--unstable-kv"]],
    ["deno run -A --check main.ts", ["-A"]],
    ["deno run --allow-read=. --deny-env=HOME main.ts --allow-net", [
      "--allow-read=.",
      "--deny-env=HOME",
    ]],
    ["deno  run  --unstable --allow-sys  main.ts", ["--unstable", "--allow-sys"]],
    // V8 settings (a smaller young generation, memory saver mode: peak memory) are baked in too.
    ["deno run -A --v8-flags=--max-semi-space-size=4 main.ts", [
      "-A",
      "--v8-flags=--max-semi-space-size=4",
    ]],
    ["deno run -A --v8-flags=--max-semi-space-size=4,--memory-saver-mode main.ts", [
      "-A",
      "--v8-flags=--max-semi-space-size=4,--memory-saver-mode",
    ]],
  ];
  for (const [command, expected] of cases) {
    assert.deepEqual(runtimeFlagsOfCommand(command), expected, command);
  }
});

Deno.test("runtimeFlags refuses a missing task, a non-run task and one without permissions", () => {
  const cases: Array<Record<string, string>> = [
    {},
    { cli: "deno test --allow-all main.ts" },
    { cli: "deno run main.ts" },
  ];
  for (const tasks of cases) {
    assert.throws(() => runtimeFlags({ tasks }), ConfigError, JSON.stringify(tasks));
  }
  assert.deepEqual(runtimeFlags({ tasks: { cli: { command: "deno run -A main.ts" } } }), ["-A"]);
});

Deno.test("parseCompileOptions reads --target, --checksums and --timeout", () => {
  assert.deepEqual(parseCompileOptions([]), {
    targets: [...TARGETS],
    checksums: false,
    timeoutSeconds: 600,
  });
  assert.deepEqual(
    parseCompileOptions(["--target", "aarch64-apple-darwin", "--checksums", "--timeout=30"]),
    { targets: ["aarch64-apple-darwin"], checksums: true, timeoutSeconds: 30 },
  );
  for (
    const argv of [["--target", "sparc-sun-solaris"], ["--target"], ["--fast"], ["--timeout=0"]]
  ) {
    assert.throws(() => parseCompileOptions(argv), UsageError, argv.join(" "));
  }
});

Deno.test("parseCompileOptions: --target host is this machine's target, when tunedl ships one", () => {
  const windows = { hostTarget: "x86_64-pc-windows-msvc" };
  assert.deepEqual(parseCompileOptions(["--target", "host"], windows).targets, [
    "x86_64-pc-windows-msvc",
  ]);
  assert.deepEqual(parseCompileOptions(["--target=host"], windows).targets, [
    "x86_64-pc-windows-msvc",
  ]);
  assert.throws(
    () => parseCompileOptions(["--target", "host"], { hostTarget: "riscv64gc-unknown-linux-gnu" }),
    (error: unknown) => error instanceof UsageError && error.message.includes("riscv64"),
  );
});

// What deno 2.9 printed on a machine without access to dl.deno.land.
const offlineStderr = [
  "\x1b[0m\x1b[32mCompile\x1b[0m main.ts to dist/tunedl-aarch64-apple-darwin",
  "\x1b[0m\x1b[32mDownload\x1b[0m https://dl.deno.land/release/v2.9.6/denort-aarch64-apple-darwin.zip",
  "\x1b[0m\x1b[1m\x1b[31merror\x1b[0m: Writing deno compile executable to temporary file " +
  "'dist/tunedl-aarch64-apple-darwin.tmp-1a125a9eb656f812'",
  "",
  "Caused by:",
  "    0: Setting up base binary.",
  "    1: error sending request for url (https://dl.deno.land/release/v2.9.6/" +
  "denort-aarch64-apple-darwin.zip): client error (Connect): dns error: failed to lookup " +
  "address information: Name or service not known",
  "    2: client error (Connect)",
  "    3: dns error",
  "    4: failed to lookup address information: Name or service not known",
  "",
  "Stack backtrace:",
  "   0: <unknown>",
  "",
].join("\n");

Deno.test("compileFailure says in one line that the base runtime could not be downloaded", () => {
  const failure = compileFailure(offlineStderr, "aarch64-apple-darwin");
  assert.ok(failure instanceof NetworkError);
  assert.equal(
    failure.message,
    "could not download Deno's base runtime for aarch64-apple-darwin from " +
      "https://dl.deno.land/release/v2.9.6/denort-aarch64-apple-darwin.zip: " +
      "failed to lookup address information: Name or service not known",
  );
  assert.ok(!failure.message.includes("\n"));
  assert.match(failure.hint ?? "", /DENORT_BIN/);
});

Deno.test("compileFailure passes other failures on with deno's first error line", () => {
  const failure = compileFailure(
    "TS2322 [ERROR]: nope\nerror: Type checking failed.\n",
    TARGETS[0],
  );
  assert.ok(!(failure instanceof NetworkError));
  assert.equal(
    failure.message,
    "deno compile failed for x86_64-unknown-linux-gnu: Type checking failed.",
  );
});

Deno.test("SHA256SUMS lists each binary's sha-256 in sha256sum's format, sorted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/tunedl-test`;
    const bytes = new Uint8Array(200_000).map((_, index) => index % 251);
    await Deno.writeFile(path, bytes);
    const expected = createHash("sha256").update(bytes).digest("hex");
    assert.equal(await sha256OfFile(path), expected);
    await Deno.writeTextFile(path, "abc");
    assert.equal(
      await sha256OfFile(path),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(
    checksumsText([{ name: "tunedl-b", sha256: "22" }, { name: "tunedl-a", sha256: "11" }]),
    "11  tunedl-a\n22  tunedl-b\n",
  );
});
