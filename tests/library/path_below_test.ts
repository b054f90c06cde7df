import assert from "node:assert/strict";
import { posix, win32 } from "node:path";
import { forwardSlashes, partBelow, prefixBelow } from "../../src/library/mod.ts";

Deno.test("prefixBelow: only an absolute, normalized folder has one", () => {
  const cases: [folder: string, prefix: string | undefined][] = [
    ["/music", "/music/"],
    ["/music/Sub", "/music/Sub/"],
    ["/", undefined],
    ["/music/", undefined],
    ["/music/./Sub", undefined],
    ["/music//Sub", undefined],
    ["music", undefined],
  ];
  for (const [folder, prefix] of cases) {
    assert.equal(prefixBelow(folder, { platformPath: posix }), prefix, folder);
  }
  assert.equal(prefixBelow("C:\\Music", { platformPath: win32 }), "C:\\Music\\");
  assert.equal(prefixBelow("C:\\Music\\", { platformPath: win32 }), undefined);
});

Deno.test("partBelow: what path.relative gives, or undefined where resolving is needed", () => {
  const prefix = prefixBelow("/music", { platformPath: posix });
  const cases: [file: string, part: string | undefined][] = [
    ["/music/A/b.mp3", "A/b.mp3"],
    ["/music/..hidden/c.mp3", "..hidden/c.mp3"],
    ["/music/A/.../c.mp3", "A/.../c.mp3"],
    ["/music/./A/c.mp3", undefined],
    ["/music/A/../B/c.mp3", undefined],
    ["/music/A/..", undefined],
    ["/music//A/c.mp3", undefined],
    ["/music/A//c.mp3", undefined],
    ["/music/A/", undefined],
    ["/music/", undefined],
    ["/music", undefined],
    ["/musicals/A/c.mp3", undefined],
  ];
  for (const [file, part] of cases) {
    assert.equal(partBelow(prefix, file, { platformPath: posix }), part, file);
    // Where it answers, it is path.relative's answer.
    if (part !== undefined) assert.equal(part, posix.relative("/music", file), file);
  }
  assert.equal(partBelow(undefined, "/music/A/b.mp3"), undefined);
  const windows = prefixBelow("C:\\Music", { platformPath: win32 });
  const onWindows = (file: string) => partBelow(windows, file, { platformPath: win32 });
  assert.equal(onWindows("C:\\Music\\A\\b.mp3"), "A\\b.mp3");
  assert.equal(onWindows("C:\\Music\\A/b.mp3"), undefined);
  assert.equal(onWindows("C:\\Music\\\\A\\b.mp3"), undefined);
  assert.equal(onWindows("C:\\Music\\A\\..\\b.mp3"), undefined);
});

Deno.test("forwardSlashes: Windows separators become /, POSIX paths stay as they are", () => {
  assert.equal(forwardSlashes("A\\B\\c.mp3", { platformPath: win32 }), "A/B/c.mp3");
  assert.equal(forwardSlashes("A/B\\c.mp3", { platformPath: posix }), "A/B\\c.mp3");
});
