/**
 * The process runner against real programs (sh, sleep): output capture, exit
 * codes, timeouts, and that cancelling kills grandchildren too.
 */
import assert from "node:assert/strict";
import { CancelledError, DependencyError } from "../../src/errors/mod.ts";
import { ProcessTimeoutError, runProcess } from "../../src/audio/mod.ts";
import { isRunning } from "../fakes/processes.ts";

// Most tests here drive sh, sleep and POSIX process groups, which Windows does not have.
const posix = Deno.build.os !== "windows";

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

Deno.test({
  name: "runProcess: programs in turn and at once each get their own output (pipe buffers reused)",
  ignore: !posix,
  async fn() {
    // Over 16 KiB (several reads into one buffer) and small ones; an aborted read leaves its
    // buffer out of the reuse.
    const big = (n: number) => `i=0; while [ $i -lt 3000 ]; do echo ${n}-$i; i=$((i+1)); done`;
    const expectedBig = (n: number) =>
      Array.from({ length: 3000 }, (_, i) => `${n}-${i}\n`).join("");
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(
        Array.from(
          { length: 10 },
          (_, n) =>
            runProcess("sh", ["-c", n % 2 === 0 ? big(n) : `echo small-${n}; echo err-${n} >&2`]),
        ),
      );
      results.forEach((result, n) => {
        assert.equal(result.stdout, n % 2 === 0 ? expectedBig(n) : `small-${n}\n`, `run ${n}`);
        assert.equal(result.stderr, n % 2 === 0 ? "" : `err-${n}\n`, `run ${n}`);
      });
      const controller = new AbortController();
      await assert.rejects(
        runProcess("sh", ["-c", "echo started; exec sleep 60"], {
          signal: controller.signal,
          killGraceMs: 200,
          onStdoutLine: () => controller.abort(),
        }),
        CancelledError,
      );
    }
  },
});

Deno.test("runProcess throws DependencyError for a missing program", async () => {
  await assert.rejects(
    runProcess("/nonexistent/tunedl-no-such-program", []),
    (error) => error instanceof DependencyError && /not found/.test(error.message),
  );
});

// A bare name starts through Deno's own new session (a fork); an absolute path through
// setsid(1) where there is one (Linux). Both must end the whole tree.
for (const shell of ["sh", "/bin/sh"]) {
  Deno.test({
    name: `aborting kills the child and its grandchild (process group), ${shell}`,
    ignore: !posix,
    async fn() {
      const controller = new AbortController();
      let grandchild = 0;
      let wasRunning = false;
      // The shell starts a sleeping grandchild, reports its pid, then waits like yt-dlp waits for ffmpeg.
      const running = runProcess(shell, ["-c", "sleep 60 & echo $!; wait"], {
        signal: controller.signal,
        onStdoutLine: (line) => {
          grandchild = Number(line);
          wasRunning = isRunning(grandchild);
          controller.abort();
        },
      });
      await assert.rejects(running, CancelledError);
      assert.ok(grandchild > 0, "the grandchild pid was reported");
      assert.ok(wasRunning, "isRunning saw the grandchild alive, so its end below means something");
      assert.ok(await waitFor(() => !isRunning(grandchild), 3000), "grandchild is gone");
    },
  });

  Deno.test({
    name: `a grandchild that ignores SIGTERM is killed too, ${shell}`,
    ignore: !posix,
    async fn() {
      const controller = new AbortController();
      let grandchild = 0;
      let wasRunning = false;
      const script = "sh -c 'trap \"\" TERM; while true; do sleep 0.05; done' & echo $!; wait";
      const running = runProcess(shell, ["-c", script], {
        signal: controller.signal,
        killGraceMs: 200,
        onStdoutLine: (line) => {
          grandchild = Number(line);
          wasRunning = isRunning(grandchild);
          controller.abort();
        },
      });
      await assert.rejects(running, CancelledError);
      assert.ok(grandchild > 0);
      assert.ok(wasRunning, "isRunning saw the grandchild alive");
      assert.ok(await waitFor(() => !isRunning(grandchild), 3000), "stubborn grandchild is gone");
    },
  });
}

Deno.test({
  name: "a timeout stops the program with a retryable ProcessTimeoutError",
  ignore: !posix,
  async fn() {
    let grandchild = 0;
    let wasRunning = false;
    const running = runProcess("sh", ["-c", "sleep 60 & echo $!; wait"], {
      timeoutMs: 300,
      onStdoutLine: (line) => {
        grandchild = Number(line);
        wasRunning = isRunning(grandchild);
      },
    });
    await assert.rejects(running, (error) => {
      assert.ok(error instanceof ProcessTimeoutError);
      assert.equal(error.retryable, true);
      assert.equal(error.code, "timeout");
      return true;
    });
    assert.ok(wasRunning, "isRunning saw the grandchild alive");
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
    // perl's POSIX::setsid, not the setsid program, which macOS lacks; exec keeps the pid. The
    // shell reports the pid only once it has left the group, so the runner's kill cannot race it.
    const script = [
      `perl -MPOSIX -e 'POSIX::setsid() or die "setsid: $!"; exec @ARGV' sleep 60 &`,
      "escaped=$!",
      `group() { ps -o pgid= -p "$1" | tr -d ' '; }`,
      `while [ "$(group "$escaped")" = "$(group $$)" ]; do sleep 0.01; done`,
      "echo $escaped",
    ].join("\n");
    try {
      const result = await runProcess("sh", ["-c", script], {
        killGraceMs: 100,
        onStdoutLine: (line) => (escaped = Number(line)),
      });
      assert.equal(result.success, true);
      assert.ok(escaped > 0);
      assert.ok(
        isRunning(escaped),
        "the descendant that left the group still runs (out of the runner's reach)",
      );
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

Deno.test({
  name: "runProcess starts each program as the leader of its own process group",
  ignore: !posix,
  async fn() {
    const ours = await runProcess("/bin/sh", ["-c", "ps -o pgid= -p $PPID"]);
    for (const shell of ["sh", "/bin/sh"]) {
      const result = await runProcess(shell, ["-c", "echo $$ $(ps -o pgid= -p $$)"]);
      const [pid, pgid] = result.stdout.trim().split(/\s+/).map(Number);
      assert.ok(pid > 0, result.stdout);
      assert.equal(pgid, pid, `${shell}: the program's pid is its group's id`);
      assert.notEqual(pgid, Number(ours.stdout.trim()), `${shell}: not tunedl's group`);
    }
  },
});

Deno.test({
  name: "a program that starts no others runs in tunedl's group; abort and timeout still stop it",
  ignore: !posix,
  async fn() {
    const ours = await runProcess("/bin/sh", ["-c", "ps -o pgid= -p $PPID"]);
    const result = await runProcess("/bin/sh", ["-c", "echo $$ $(ps -o pgid= -p $$)"], {
      startsNoPrograms: true,
    });
    const [pid, pgid] = result.stdout.trim().split(/\s+/).map(Number);
    assert.ok(pid > 0, result.stdout);
    assert.notEqual(pgid, pid, "it leads no group");
    assert.equal(pgid, Number(ours.stdout.trim()), "tunedl's own group");

    for (const how of ["abort", "timeout"] as const) {
      const controller = new AbortController();
      let program = 0;
      const running = runProcess("/bin/sh", ["-c", "echo $$; exec sleep 60"], {
        startsNoPrograms: true,
        signal: controller.signal,
        timeoutMs: how === "timeout" ? 300 : undefined,
        killGraceMs: 200,
        onStdoutLine: (line) => {
          program = Number(line);
          if (how === "abort") controller.abort();
        },
      });
      await assert.rejects(running, how === "abort" ? CancelledError : ProcessTimeoutError);
      assert.ok(program > 0, how);
      assert.equal(isRunning(program), false, `${how}: the program was stopped`);
    }
  },
});
