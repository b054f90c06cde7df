import assert from "node:assert/strict";
import { fileProbe } from "../../src/cache/mod.ts";

const file = (size: number) => ({ isFile: true, size, mtime: new Date(5) }) as Deno.FileInfo;

Deno.test("fileProbe: synchronous stats until three are slow, then every stat is asynchronous", async () => {
  let time = 0;
  const calls: string[] = [];
  const probe = fileProbe({
    now: () => time,
    statSync: (path) => {
      calls.push(`sync ${path}`);
      if (path.startsWith("/slow")) time += 5;
      if (path === "/gone") throw new Deno.errors.NotFound(path);
      return path === "/dir" ? { ...file(0), isFile: false } : file(path.length);
    },
    stat: (path) => {
      calls.push(`async ${path}`);
      return path === "/gone2"
        ? Promise.reject(new Deno.errors.NotFound(path))
        : Promise.resolve(file(path.length));
    },
  });
  assert.deepEqual(await probe("/a.mp3"), { size: 6, mtimeMs: 5 });
  assert.equal(await probe("/gone"), false);
  assert.equal(await probe("/dir"), false);
  assert.deepEqual(await probe("/slow"), { size: 5, mtimeMs: 5 });
  assert.deepEqual(await probe("/c.mp3"), { size: 6, mtimeMs: 5 });
  assert.deepEqual(await probe("/slow2"), { size: 6, mtimeMs: 5 });
  assert.deepEqual(await probe("/slow3"), { size: 6, mtimeMs: 5 });
  assert.deepEqual(await probe("/b.mp3"), { size: 6, mtimeMs: 5 });
  assert.equal(await probe("/gone2"), false);
  assert.deepEqual(calls, [
    "sync /a.mp3",
    "sync /gone",
    "sync /dir",
    "sync /slow",
    "sync /c.mp3",
    "sync /slow2",
    "sync /slow3",
    "async /b.mp3",
    "async /gone2",
  ]);
});

Deno.test("fileProbe: the real file system", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-probe-" });
  try {
    await Deno.writeTextFile(`${dir}/a.txt`, "hello");
    const probe = fileProbe();
    const facts = await probe(`${dir}/a.txt`);
    assert.ok(facts);
    assert.equal(facts.size, 5);
    assert.equal(facts.mtimeMs, (await Deno.stat(`${dir}/a.txt`)).mtime?.getTime());
    assert.equal(await probe(`${dir}/missing`), false);
    assert.equal(await probe(dir), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
