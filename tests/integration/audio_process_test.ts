/**
 * The process runner against real programs (sh, sleep): output capture, exit
 * codes, timeouts, and that cancelling kills grandchildren too.
 */
import assert from "node:assert/strict";
import { CancelledError, DependencyError } from "../../src/errors/mod.ts";
import { ProcessTimeoutError, runProcess } from "../../src/audio/mod.ts";

const posix = Deno.build.os !== "windows";

/** Whether a pid is a live process (zombies count as gone: they no longer run). */
function isRunning(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

Deno.test({
  name: "runProcess collects stdout, stderr, exit code and lines",
  ignore: !posix,
  async fn() {
    const lines: string[] = [];
    const result = await runProcess("sh", ["-c", "echo one; echo two; echo oops >&2; exit 3"], {
      onStdoutLine: (line) => lines.push(line),
    });
    assert.equal(result.code, 3);
    assert.equal(result.success, false);
    assert.equal(result.stdout, "one\ntwo\n");
    assert.equal(result.stderr, "oops\n");
    assert.deepEqual(lines, ["one", "two"]);
  },
});

Deno.test({
  name: "runProcess keeps only the tail of large output",
  ignore: !posix,
  async fn() {
    const result = await runProcess("sh", [
      "-c",
      "i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done",
    ], {
      maxOutputBytes: 100,
    });
    assert.equal(result.success, true);
    assert.equal(result.stdoutTruncated, true);
    assert.ok(result.stdout.length <= 100);
    assert.ok(result.stdout.endsWith("line1999\n"));
  },
});

Deno.test("runProcess throws DependencyError for a missing program", async () => {
  await assert.rejects(
    runProcess("/nonexistent/tunedl-no-such-program", []),
    (error) => error instanceof DependencyError && /not found/.test(error.message),
  );
});

Deno.test({
  name: "aborting kills the child and its grandchild (process group)",
  ignore: !posix,
  async fn() {
    const controller = new AbortController();
    let grandchild = 0;
    // The shell starts a sleeping grandchild, reports its pid, then waits like yt-dlp waits for ffmpeg.
    const running = runProcess("sh", ["-c", "sleep 60 & echo $!; wait"], {
      signal: controller.signal,
      onStdoutLine: (line) => {
        grandchild = Number(line);
        controller.abort();
      },
    });
    await assert.rejects(running, CancelledError);
    assert.ok(grandchild > 0, "the grandchild pid was reported");
    assert.ok(await waitFor(() => !isRunning(grandchild), 3000), "grandchild is gone");
  },
});

Deno.test({
  name: "a grandchild that ignores SIGTERM is killed too",
  ignore: !posix,
  async fn() {
    const controller = new AbortController();
    let grandchild = 0;
    const script = "sh -c 'trap \"\" TERM; while true; do sleep 0.05; done' & echo $!; wait";
    const running = runProcess("sh", ["-c", script], {
      signal: controller.signal,
      killGraceMs: 200,
      onStdoutLine: (line) => {
        grandchild = Number(line);
        controller.abort();
      },
    });
    await assert.rejects(running, CancelledError);
    assert.ok(grandchild > 0);
    assert.ok(await waitFor(() => !isRunning(grandchild), 3000), "stubborn grandchild is gone");
  },
});

Deno.test({
  name: "a timeout stops the program with a retryable ProcessTimeoutError",
  ignore: !posix,
  async fn() {
    let grandchild = 0;
    const running = runProcess("sh", ["-c", "sleep 60 & echo $!; wait"], {
      timeoutMs: 300,
      onStdoutLine: (line) => (grandchild = Number(line)),
    });
    await assert.rejects(running, (error) => {
      assert.ok(error instanceof ProcessTimeoutError);
      assert.equal(error.retryable, true);
      assert.equal(error.code, "timeout");
      return true;
    });
    assert.ok(await waitFor(() => !isRunning(grandchild), 3000));
  },
});

Deno.test("an already aborted signal does not start the program", async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    runProcess("sh", ["-c", "exit 0"], { signal: controller.signal }),
    CancelledError,
  );
});

Deno.test({
  name: "a descendant that left the process group does not make the runner hang",
  ignore: !posix,
  async fn() {
    let escaped = 0;
    try {
      const result = await runProcess("sh", ["-c", "setsid sleep 60 & echo $!"], {
        killGraceMs: 100,
        onStdoutLine: (line) => (escaped = Number(line)),
      });
      assert.equal(result.success, true);
      assert.ok(escaped > 0);
    } finally {
      // setsid put it beyond the runner's reach; the test cleans up its own process.
      if (escaped > 0) {
        try {
          Deno.kill(escaped, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
    }
  },
});
