/** The GitHub workflows cannot run here; these checks keep them in step with the project. */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { binaryName, TARGETS } from "../../scripts/compile.ts";

interface Step {
  name?: string;
  run?: string;
  uses?: string;
}
interface Job {
  needs?: string | string[];
  strategy?: {
    matrix: { os?: string[]; include?: { os: string; target: string; ext?: string }[] };
  };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const root = new URL("../../", import.meta.url);

async function workflow(name: string): Promise<Workflow> {
  return parse(await Deno.readTextFile(new URL(`.github/workflows/${name}`, root))) as Workflow;
}

function runs(job: Job): string {
  return job.steps.map((step) => step.run ?? "").join("\n");
}

Deno.test("ci: check and test on Linux, macOS and Windows, then the compiled binary's tests", async () => {
  const ci = await workflow("ci.yml");
  const job = ci.jobs.test;
  assert.deepEqual(job.strategy?.matrix.os, ["ubuntu-latest", "macos-latest", "windows-latest"]);
  const commands = runs(job);
  for (const command of ["deno task check", "deno task test", "deno task compile --target host"]) {
    assert.ok(commands.includes(command), `ci.yml lacks ${command}`);
  }
  assert.match(commands, /TUNEDL_TEST_BINARY=.*\n.*deno test .*tests\/integration\//s);
  // The README's test command is the one CI runs.
  const readme = await Deno.readTextFile(new URL("README.md", root));
  assert.ok(readme.includes("deno task test"));
});

Deno.test("release: builds every target, runs each smoke-tested one, publishes only after", async () => {
  const release = await workflow("release.yml");
  assert.ok(runs(release.jobs.build).includes("deno task compile --checksums"));
  const smoked = release.jobs.smoke.strategy?.matrix.include ?? [];
  for (const { target } of smoked) {
    assert.ok((TARGETS as readonly string[]).includes(target), `unknown target ${target}`);
  }
  assert.ok(smoked.some((entry) => entry.target === "x86_64-unknown-linux-gnu"));
  assert.ok(runs(release.jobs.smoke).includes("validate --config config.example.yaml"));
  assert.deepEqual(release.jobs.publish.needs, ["build", "smoke"]);
  // The smoke step names each binary the way compile does.
  for (const { target, ext } of smoked) {
    assert.equal(`tunedl-${target}${ext ?? ""}`, binaryName(target as typeof TARGETS[number]));
  }
});
