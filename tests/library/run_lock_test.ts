import assert from "node:assert/strict";
import { join } from "node:path";
import { StorageError } from "../../src/errors/mod.ts";
import {
  acquireLibraryLock,
  LOCK_FILE_NAME,
  processIsAlive,
  readLockOwner,
  removeDeadRunLeftovers,
} from "../../src/library/mod.ts";

const made: string[] = [];

/** A library's temp root inside a fresh folder (removed by the last test). */
async function tempRoot(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-lock-" });
  made.push(dir);
  return join(dir, "library", ".tunedl-tmp");
}

Deno.test("the lock is taken, names its run, and is gone after release (with the empty folder)", async () => {
  const root = await tempRoot();
  const lock = await acquireLibraryLock(root, { pid: 4242, host: "nas" });
  assert.deepEqual(await readLockOwner(root), lock.owner);
  assert.equal(lock.owner.pid, 4242);
  await lock.release();
  assert.equal(await readLockOwner(root), undefined);
  await assert.rejects(Deno.stat(root), Deno.errors.NotFound);
});

Deno.test("a second run on a held library fails with a StorageError (exit 6) naming pid and start", async () => {
  const root = await tempRoot();
  const first = await acquireLibraryLock(root, {
    pid: 100,
    host: "nas",
    now: () => new Date("2026-12-02T03:00:00Z"),
  });
  await assert.rejects(
    acquireLibraryLock(root, { pid: 200, host: "nas", isAlive: () => Promise.resolve(true) }),
    (error: unknown) => {
      assert.ok(error instanceof StorageError);
      assert.equal(error.exitCode, 6);
      assert.match(error.message, /pid 100 on nas, started 2026-12-02T03:00:00\.000Z/);
      assert.ok(error.hint?.includes(join(root, LOCK_FILE_NAME)));
      return true;
    },
  );
  await first.release();
});

Deno.test("a lock of a dead process is taken over; a release by the dead run's pid leaves the new lock", async () => {
  const root = await tempRoot();
  const dead = await acquireLibraryLock(root, { pid: 100, host: "nas" });
  const next = await acquireLibraryLock(root, {
    pid: 200,
    host: "nas",
    isAlive: (pid) => Promise.resolve(pid !== 100),
  });
  assert.equal((await readLockOwner(root))?.pid, 200);
  await dead.release(); // not its lock any more
  assert.equal((await readLockOwner(root))?.pid, 200);
  await next.release();
});

Deno.test("a damaged lock file is taken over", async () => {
  const root = await tempRoot();
  await Deno.mkdir(root, { recursive: true });
  await Deno.writeTextFile(join(root, LOCK_FILE_NAME), "{half");
  const lock = await acquireLibraryLock(root, { pid: 300, host: "nas" });
  assert.equal((await readLockOwner(root))?.pid, 300);
  await lock.release();
});

Deno.test("a lock from another host is obeyed (its process cannot be checked)", async () => {
  const root = await tempRoot();
  const other = await acquireLibraryLock(root, { pid: 100, host: "desktop" });
  await assert.rejects(
    acquireLibraryLock(root, { pid: 200, host: "nas", isAlive: () => Promise.resolve(false) }),
    StorageError,
  );
  await other.release();
});

Deno.test("a library that cannot be created is a StorageError naming the folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-lock-" });
  made.push(dir);
  await Deno.writeTextFile(join(dir, "library"), "a file, not a folder");
  const root = join(dir, "library", ".tunedl-tmp");
  await assert.rejects(acquireLibraryLock(root), (error: unknown) => {
    assert.ok(error instanceof StorageError);
    assert.match(error.message, /cannot write to the library folder/);
    assert.ok(error.message.includes(root));
    assert.match(error.hint ?? "", /read-only|writ/);
    return true;
  });
});

Deno.test("leftovers of dead runs are removed, the lock stays", async () => {
  const root = await tempRoot();
  const lock = await acquireLibraryLock(root);
  await Deno.mkdir(join(root, "track-abc"));
  await Deno.writeTextFile(join(root, "track-abc", "part.m4a"), "x");
  assert.equal(await removeDeadRunLeftovers(root), 1);
  assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name), [LOCK_FILE_NAME]);
  await lock.release();
});

Deno.test("processIsAlive: this process is, a pid beyond the system's range is not", async () => {
  assert.equal(await processIsAlive(Deno.pid), true);
  if (Deno.build.os !== "windows") assert.equal(await processIsAlive(4194305), false);
});

Deno.test("(clean up the folders of the tests above)", async () => {
  for (const dir of made.splice(0)) await Deno.remove(dir, { recursive: true });
});
