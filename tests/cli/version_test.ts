import assert from "node:assert/strict";
import { readDenoJson } from "../../scripts/runtime_flags.ts";
import { VERSION } from "../../src/cli/version.ts";
import { runTunedl } from "../fakes/cli_runner.ts";

const root = new URL("../../", import.meta.url);

Deno.test("deno.json's version and src/cli/version.ts agree", async () => {
  const denoJson = await readDenoJson(new URL("deno.json", root));
  assert.equal(denoJson.version, VERSION);
});

Deno.test("`tunedl --version`, run as users run it, prints tunedl's and deno's versions", async () => {
  const denoJson = await readDenoJson(new URL("deno.json", root));
  const run = await runTunedl(["--version"], { env: { NO_COLOR: "1" } });
  assert.equal(run.code, 0, run.stderr);
  const match = run.stdout.match(/^tunedl (\S+) \(deno (\d+\.\d+\.\d+)\)\n$/);
  assert.ok(match, `unexpected output: ${JSON.stringify(run.stdout)}`);
  assert.equal(match[1], denoJson.version);
  assert.equal(match[1], VERSION);
  assert.equal(match[2], Deno.version.deno);
});
