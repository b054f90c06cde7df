import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathExistsSync } from "../../src/util/mod.ts";
import { removeWithRetry } from "../fakes/file_tree.ts";

Deno.test("pathExistsSync: answers as node's existsSync does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-exists-" });
  try {
    await Deno.writeTextFile(join(dir, "file"), "x");
    await Deno.mkdir(join(dir, "folder"));
    const links = Deno.build.os !== "windows";
    if (links) {
      await Deno.symlink(join(dir, "file"), join(dir, "link"));
      await Deno.symlink(join(dir, "gone"), join(dir, "dangling"));
    }
    const cases: Array<[string, string, boolean]> = [
      ["a file", "file", true],
      ["a folder", "folder", true],
      ["nothing", "missing", false],
      ["below a file", join("file", "inside"), false],
      ["an empty path", "", false],
      ...links
        ? [["a link to a file", "link", true], ["a dangling link", "dangling", false]] as Array<
          [string, string, boolean]
        >
        : [],
    ];
    for (const [name, relative, expected] of cases) {
      const path = relative === "" ? "" : join(dir, relative);
      assert.equal(pathExistsSync(path), expected, name);
      assert.equal(existsSync(path), expected, `node agrees: ${name}`);
    }
  } finally {
    await removeWithRetry(dir, { recursive: true });
  }
});
