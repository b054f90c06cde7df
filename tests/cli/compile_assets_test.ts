/**
 * What a compiled binary loads at run time must be embedded: nothing may be read relative to the
 * source tree, which users of a release binary do not have.
 */
import assert from "node:assert/strict";
import { runtimeAssets } from "../../scripts/compile.ts";

const root = new URL("../../", import.meta.url);

// Module-relative lookups that reach files at run time. `import.meta.main` only asks whether the
// module is the entry point, so it is not one of them.
const MODULE_RELATIVE = /import\.meta\.(url|resolve|dirname|filename)|Deno\.mainModule/;

// Each known lookup and how the binary gets the file it finds.
const EMBEDDED_BY_COMPILE: Record<string, string> = {
  // Both taglib Wasm engines, staged beside main.ts and embedded by runtimeAssets.
  "src/audio/taglib_engine.ts": "taglib-web.wasm, taglib-wasi.wasm",
};

async function sourceFiles(dir: URL, prefix: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) {
      files.push(...await sourceFiles(new URL(`${entry.name}/`, dir), `${path}/`));
    } else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

Deno.test("src/ and main.ts read files relative to a module only where compile embeds them", async () => {
  const files = ["main.ts", ...await sourceFiles(new URL("src/", root), "src/")];
  const found = new Set<string>();
  for (const file of files) {
    const lines = (await Deno.readTextFile(new URL(file, root))).split("\n");
    lines.forEach((line, index) => {
      if (!MODULE_RELATIVE.test(line) || line.trimStart().startsWith("//")) return;
      found.add(file);
      assert.ok(
        file in EMBEDDED_BY_COMPILE,
        `${file}:${index + 1} looks up a file relative to a module, which a compiled binary ` +
          `does not have unless scripts/compile.ts embeds it (extraIncludes or runtimeAssets); ` +
          `then list it in this test:\n${line.trim()}`,
      );
    });
  }
  assert.deepEqual([...found].sort(), Object.keys(EMBEDDED_BY_COMPILE).sort(), "stale entries");
});

Deno.test("compile embeds both taglib Wasm engines, from files that exist", async () => {
  const assets = await runtimeAssets(root);
  assert.deepEqual(assets.map((asset) => asset.embedAs).sort(), [
    "taglib-wasi.wasm",
    "taglib-web.wasm",
  ]);
  for (const asset of assets) {
    const bytes = await Deno.readFile(asset.source);
    // "\0asm": the WebAssembly magic number.
    assert.deepEqual([...bytes.subarray(0, 4)], [0, 0x61, 0x73, 0x6d], asset.source);
  }
});
