/**
 * killRunningProcesses, the second Ctrl-C's kill: per OS how it ends each running
 * program's tree (with stand-ins for the OS), and on POSIX that grandchildren really die.
 */
import assert from "node:assert/strict";
import { killRunningProcesses, runProcess, taskkillArgs } from "../../src/audio/mod.ts";
import { CancelledError } from "../../src/errors/mod.ts";
import { isRunning } from "../fakes/processes.ts";

const posix = Deno.build.os !== "windows";

Deno.test("taskkillArgs force-kills the whole tree of a pid", () => {
  const table: [number, string[]][] = [
    [4242, ["/PID", "4242", "/T", "/F"]],
    [1, ["/PID", "1", "/T", "/F"]],
  ];
  for (const [pid, args] of table) assert.deepEqual(taskkillArgs(pid), args, `pid ${pid}`);
});

/** Starts `sh -c script` through runProcess and waits for its first n output lines. */
async function started(script: string, lines: number, signal?: AbortSignal) {
  const seen: string[] = [];
  let enough: () => void = () => {};
  const ready = new Promise<void>((resolve) => enough = resolve);
  const running = runProcess("sh", ["-c", script], {
    signal,
    killGraceMs: 200,
    onStdoutLine: (line) => {
      seen.push(line);
      if (seen.length === lines) enough();
    },
  });
  running.catch(() => {});
  await ready;
  return { running, pids: seen.map(Number) };
}

interface Calls {
  runs: [string, string[]][];
  kills: [number, Deno.Signal][];
}

function recorder(taskkillWorks: boolean | "missing"): Calls & {
  runSync: (program: string, args: string[]) => boolean;
  kill: (pid: number, signal: Deno.Signal) => void;
} {
  const calls: Calls = { runs: [], kills: [] };
  return {
    ...calls,
    runSync: (program, args) => {
      calls.runs.push([program, args]);
      if (taskkillWorks === "missing") throw new Deno.errors.NotFound("taskkill");
      return taskkillWorks;
    },
    kill: (pid, signal) => void calls.kills.push([pid, signal]),
  };
}

Deno.test({
  name: "killRunningProcesses: per OS, taskkill /T on Windows (the child alone if that fails), " +
    "SIGKILL to the process group elsewhere",
  // Stands in for the OS, but needs a real running program (sh) to have a pid to kill.
  ignore: !posix,
  async fn() {
    const table: {
      os: typeof Deno.build.os;
      taskkill: boolean | "missing";
      runs: (pid: number) => [string, string[]][];
      kills: (pid: number) => [number, Deno.Signal][];
    }[] = [
      {
        os: "windows",
        taskkill: true,
        runs: (pid) => [["taskkill", ["/PID", String(pid), "/T", "/F"]]],
        kills: () => [],
      },
      {
        os: "windows",
        taskkill: false,
        runs: (pid) => [["taskkill", ["/PID", String(pid), "/T", "/F"]]],
        kills: (pid) => [[pid, "SIGKILL"]],
      },
      {
        os: "windows",
        taskkill: "missing",
        runs: (pid) => [["taskkill", ["/PID", String(pid), "/T", "/F"]]],
        kills: (pid) => [[pid, "SIGKILL"]],
      },
      { os: "linux", taskkill: true, runs: () => [], kills: (pid) => [[-pid, "SIGKILL"]] },
      { os: "darwin", taskkill: true, runs: () => [], kills: (pid) => [[-pid, "SIGKILL"]] },
    ];
    for (const row of table) {
      const controller = new AbortController();
      const { running, pids: [pid] } = await started(
        "echo $$; exec sleep 60",
        1,
        controller.signal,
      );
      const fake = recorder(row.taskkill);
      killRunningProcesses({ os: row.os, runSync: fake.runSync, kill: fake.kill });
      const what = `${row.os}, taskkill ${row.taskkill}`;
      assert.deepEqual(fake.runs, row.runs(pid), what);
      assert.deepEqual(fake.kills, row.kills(pid), what);
      // The stand-ins killed nothing; end the program for real.
      controller.abort();
      await assert.rejects(running, CancelledError);
    }
  },
});

Deno.test({
  name: "killRunningProcesses ends running programs and their children at once",
  // POSIX process groups; Windows' taskkill path is covered with stand-ins above.
  ignore: !posix,
  async fn() {
    const { running, pids: [child, grandchild] } = await started(
      "echo $$; sleep 60 & echo $!; wait",
      2,
    );
    assert.ok(isRunning(grandchild), "the grandchild runs before the kill");
    killRunningProcesses();
    const result = await running;
    assert.equal(result.signal, "SIGKILL");
    const deadline = Date.now() + 5000;
    while ((isRunning(child) || isRunning(grandchild)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(isRunning(child), false, "child killed");
    assert.equal(isRunning(grandchild), false, "grandchild killed");

    // Nothing is left to kill: a second call does nothing and does not throw.
    const fake = recorder(true);
    killRunningProcesses({ os: "linux", runSync: fake.runSync, kill: fake.kill });
    assert.deepEqual(fake.kills, []);
  },
});
