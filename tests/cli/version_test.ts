import assert from "node:assert/strict";
import { readDenoJson, runtimeFlags } from "../../scripts/runtime_flags.ts";
import { VERSION } from "../../src/cli/version.ts";

const root = new URL("../../", import.meta.url);

Deno.test("deno.json's version and src/cli/version.ts agree", async () => {
  const denoJson = await readDenoJson(new URL("deno.json", root));
  assert.equal(denoJson.version, VERSION);
});

Deno.test("`main.ts --version` run with the cli task's flags prints tunedl's and deno's versions", async () => {
  const denoJson = await readDenoJson(new URL("deno.json", root));
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...runtimeFlags(denoJson), "main.ts", "--version"],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const match = stdout.match(/^tunedl (\S+) \(deno (\d+\.\d+\.\d+)\)\n$/);
  assert.ok(match, `unexpected output: ${JSON.stringify(stdout)}`);
  assert.equal(match[1], denoJson.version);
  assert.equal(match[1], VERSION);
  assert.equal(match[2], Deno.version.deno);
});
