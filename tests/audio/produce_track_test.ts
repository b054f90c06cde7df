import assert from "node:assert/strict";
import { join } from "node:path";
import { makeJobDir } from "../../src/audio/mod.ts";

Deno.test("makeJobDir retries while a sibling job removes tempRoot, a bounded number of times", async () => {
  const notFound = () => new Deno.errors.NotFound("No such file or directory (os error 2)");
  // What Windows says while a folder another job deletes still has open handles.
  const denied = () => new Deno.errors.PermissionDenied("Access is denied. (os error 5)");
  const table: {
    name: string;
    mkdirFails: Error[];
    makeFails: Error[];
    result: string | (new (...args: never[]) => Error);
    calls: number;
  }[] = [
    { name: "at once", mkdirFails: [], makeFails: [], result: "/t/track-1", calls: 1 },
    { name: "POSIX race", mkdirFails: [], makeFails: [notFound()], result: "/t/track-2", calls: 2 },
    {
      name: "POSIX race inside the recursive mkdir",
      mkdirFails: [new Deno.errors.AlreadyExists("File exists (os error 17): mkdir '/t'")],
      makeFails: [],
      result: "/t/track-1",
      calls: 2,
    },
    {
      name: "Windows race, in the folder",
      mkdirFails: [],
      makeFails: [denied(), denied()],
      result: "/t/track-3",
      calls: 3,
    },
    {
      name: "Windows race, creating tempRoot",
      mkdirFails: [denied()],
      makeFails: [],
      result: "/t/track-1",
      calls: 2,
    },
    {
      name: "lasting permission denied",
      mkdirFails: [],
      makeFails: Array.from({ length: 9 }, denied),
      result: Deno.errors.PermissionDenied,
      calls: 5,
    },
    {
      name: "another error",
      mkdirFails: [],
      makeFails: [new Deno.errors.NotADirectory("Not a directory")],
      result: Deno.errors.NotADirectory,
      calls: 1,
    },
  ];
  for (const row of table) {
    let calls = 0;
    let made = 0;
    const sleeps: number[] = [];
    const job = makeJobDir("/t", {
      mkdir: (path) => {
        calls++;
        assert.equal(path, "/t");
        const failure = row.mkdirFails.shift();
        return failure ? Promise.reject(failure) : Promise.resolve();
      },
      makeTempDir: (dir) => {
        made++;
        const failure = row.makeFails.shift();
        return failure ? Promise.reject(failure) : Promise.resolve(`${dir}/track-${made}`);
      },
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    if (typeof row.result === "string") assert.equal(await job, row.result, row.name);
    else await assert.rejects(job, row.result, row.name);
    assert.equal(calls, row.calls, row.name);
    assert.equal(sleeps.length, row.calls - 1, `${row.name}: a pause before each retry`);
  }
});

Deno.test("makeJobDir makes tempRoot and a fresh folder in it", async () => {
  const parent = await Deno.makeTempDir({ prefix: "tunedl-jobdir-" });
  try {
    const tempRoot = join(parent, "lib", ".tunedl-tmp");
    const [a, b] = [await makeJobDir(tempRoot), await makeJobDir(tempRoot)];
    assert.notEqual(a, b);
    for (const dir of [a, b]) {
      assert.ok((await Deno.stat(dir)).isDirectory);
      assert.equal(join(dir, ".."), tempRoot);
    }
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("makeJobDir: a temp root another job uses is not made again, unless it went meanwhile", async () => {
  const table = [
    { name: "in use, still there", makeFails: [], mkdirs: 0 },
    { name: "in use, removed meanwhile", makeFails: [new Deno.errors.NotFound("gone")], mkdirs: 1 },
  ];
  for (const row of table) {
    let mkdirs = 0;
    const dir = await makeJobDir("/t", {
      tempRootInUse: true,
      mkdir: () => {
        mkdirs++;
        return Promise.resolve();
      },
      makeTempDir: (root) => {
        const failure = row.makeFails.shift();
        return failure ? Promise.reject(failure) : Promise.resolve(`${root}/track-1`);
      },
      sleep: () => Promise.resolve(),
    });
    assert.equal(dir, "/t/track-1", row.name);
    assert.equal(mkdirs, row.mkdirs, row.name);
  }
});
