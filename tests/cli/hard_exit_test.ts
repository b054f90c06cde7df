import assert from "node:assert/strict";
import { join } from "node:path";
import { hardExit, quitAtOnce, removeFolderNow } from "../../src/cli/hard_exit.ts";

/** A remove that fails with the given errors in turn, then succeeds. */
function flakyRemove(failures: Error[], log: string[]): (path: string) => void {
  let calls = 0;
  return (path) => {
    log.push(`remove ${path}`);
    const failure = failures[calls++];
    if (failure) throw failure;
  };
}

Deno.test("removeFolderNow retries briefly while files are still held, then gives up", () => {
  const busy = () => new Deno.errors.PermissionDenied("being used by another process");
  const table: { failures: Error[]; attempts?: number; gone: boolean; removes: number }[] = [
    { failures: [], gone: true, removes: 1 },
    // Windows releases a killed program's files a moment after it dies.
    { failures: [busy(), busy()], gone: true, removes: 3 },
    { failures: [new Deno.errors.NotFound("gone")], gone: true, removes: 1 },
    { failures: [busy(), busy(), busy(), busy(), busy()], gone: false, removes: 5 },
    { failures: [busy(), busy()], attempts: 2, gone: false, removes: 2 },
  ];
  for (const [index, row] of table.entries()) {
    const log: string[] = [];
    const gone = removeFolderNow("/lib/.tunedl-tmp", {
      remove: flakyRemove(row.failures, log),
      sleep: (ms) => log.push(`sleep ${ms}`),
      attempts: row.attempts,
    });
    assert.equal(gone, row.gone, `row ${index}`);
    const removes = log.filter((entry) => entry.startsWith("remove")).length;
    assert.equal(removes, row.removes, `row ${index}: ${log.join(", ")}`);
    // A pause between attempts, none after the last.
    assert.equal(log.filter((entry) => entry === "sleep 100").length, row.removes - 1);
  }
});

Deno.test("removeFolderNow removes a real folder tree", async () => {
  const parent = await Deno.makeTempDir({ prefix: "tunedl-hard-exit-" });
  try {
    const root = join(parent, ".tunedl-tmp");
    await Deno.mkdir(join(root, "track-1"), { recursive: true });
    await Deno.writeTextFile(join(root, "track-1", "audio.webm.part"), "partial");
    assert.equal(removeFolderNow(root), true);
    await assert.rejects(Deno.stat(root), Deno.errors.NotFound);
    assert.equal(removeFolderNow(root), true, "an absent folder counts as removed");
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("hardExit kills the programs first, then removes the temp folder, then exits 130", () => {
  const log: string[] = [];
  hardExit("/lib/.tunedl-tmp", {
    killAll: () => log.push("kill"),
    remove: flakyRemove([new Deno.errors.PermissionDenied("busy")], log),
    sleep: (ms) => log.push(`sleep ${ms}`),
    exit: (code) => log.push(`exit ${code}`),
    pauseMs: 50,
  });
  assert.deepEqual(log, [
    "kill",
    "remove /lib/.tunedl-tmp",
    "sleep 50",
    "remove /lib/.tunedl-tmp",
    "exit 130",
  ]);
});

Deno.test("quitAtOnce ends the running programs, then exits 130", () => {
  const log: string[] = [];
  quitAtOnce({ killAll: () => log.push("kill"), exit: (code) => log.push(`exit ${code}`) });
  assert.deepEqual(log, ["kill", "exit 130"]);
});
