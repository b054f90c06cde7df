/** `deno task cli` from a clone, typed in another folder: paths are that folder's. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { taskStartFolder } from "../../src/cli/mod.ts";
import { cleanEnv, makeTempWorkspace, PROJECT_ROOT } from "../fakes/cli_runner.ts";

Deno.test("taskStartFolder: INIT_CWD only when started by one of tunedl's tasks", () => {
  assert.equal(taskStartFolder({ TUNEDL_TASK: "1", INIT_CWD: "/home/me/music" }), "/home/me/music");
  assert.equal(taskStartFolder({ INIT_CWD: "/home/me/music" }), undefined, "npm sets it too");
  assert.equal(taskStartFolder({ TUNEDL_TASK: "1" }), undefined);
  assert.equal(taskStartFolder({ TUNEDL_TASK: "1", INIT_CWD: "" }), undefined);
});

Deno.test("deno task cli validate reads config.yaml from the folder it was typed in", async () => {
  await using work = await makeTempWorkspace({ prefix: "tunedl-task-" });
  await Deno.writeTextFile(
    join(work.dir, "config.yaml"),
    'version: "1.2"\nsongs:\n  - https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU\n',
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "--config", join(PROJECT_ROOT, "deno.json"), "cli", "validate"],
    cwd: work.dir,
    // A clean environment: deno task keeps an INIT_CWD it inherits (from `deno task test`).
    env: cleanEnv({ TUNEDL_CACHE_DIR: work.cacheDir, NO_COLOR: "1" }),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const realDir = await Deno.realPath(work.dir);
  assert.ok(
    stdout.includes(`Config ${join(realDir, "config.yaml")} `) ||
      stdout.includes(`Config ${join(work.dir, "config.yaml")} `),
    stdout,
  );
});

Deno.test(".gitignore keeps a config.yaml at the top of a clone out of git", async () => {
  const lines = (await Deno.readTextFile(join(PROJECT_ROOT, ".gitignore"))).split("\n");
  assert.ok(lines.includes("/config.yaml"), lines.join("\n"));
});
