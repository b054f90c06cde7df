/**
 * The run's shared watchdog with real processes (POSIX): a program's leftovers die when it ends,
 * the groups still running die when the watchdog's pipe closes (what tunedl's end, even kill -9,
 * does), and a watchdog killed from outside is started again with the groups it watched.
 */
import assert from "node:assert/strict";
import {
  createGroupWatchdog,
  GROUP_WATCHDOG_SCRIPT,
  type GroupWatchdog,
  runProcess,
} from "../../src/audio/mod.ts";
import { isRunning } from "../fakes/processes.ts";

const posix = Deno.build.os !== "windows";
/** Only so a process that never ends fails the test instead of hanging it. */
const GONE_BOUND_MS = 30_000;

async function until(check: () => boolean, what: string): Promise<void> {
  const bound = Date.now() + GONE_BOUND_MS;
  while (!check()) {
    if (Date.now() > bound) assert.fail(`still waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts `/bin/sh -c script` under the watchdog and resolves with its first output line. */
async function startWatched(
  script: string,
  watchdog: GroupWatchdog,
  options: { startsNoPrograms?: boolean } = {},
) {
  let first: (line: string) => void = () => {};
  const line = new Promise<string>((resolve) => (first = resolve));
  const running = runProcess("/bin/sh", ["-c", script], {
    watchdog,
    startsNoPrograms: options.startsNoPrograms,
    onStdoutLine: (text) => first(text),
  });
  running.catch(() => {});
  return { running, pid: Number(await line) };
}

Deno.test("GROUP_WATCHDOG_SCRIPT is valid POSIX sh", { ignore: !posix }, () => {
  const result = new Deno.Command("/bin/sh", {
    args: ["-n", "-c", GROUP_WATCHDOG_SCRIPT],
    stderr: "piped",
  }).outputSync();
  assert.equal(result.success, true, new TextDecoder().decode(result.stderr));
});

Deno.test({
  name: "shared watchdog: a program's leftovers die when the program ends",
  ignore: !posix,
  async fn() {
    await using watchdog = createGroupWatchdog()!;
    let leftover = 0;
    const result = await runProcess("/bin/sh", ["-c", "sleep 60 >/dev/null 2>&1 & echo $!"], {
      watchdog,
      onStdoutLine: (line) => (leftover = Number(line)),
    });
    assert.equal(result.success, true);
    assert.ok(leftover > 0 && watchdog.pid !== undefined);
    await until(() => !isRunning(leftover), "the leftover sleep to be killed");
  },
});

Deno.test({
  name: "shared watchdog: closing its pipe (tunedl's end) kills the groups still running",
  ignore: !posix,
  async fn() {
    const watchdog = createGroupWatchdog()!;
    const first = await startWatched("echo $$; exec sleep 60", watchdog);
    const second = await startWatched("sleep 60 >/dev/null 2>&1 & echo $!; wait", watchdog);
    await watchdog.close();
    const [ended] = await Promise.all([first.running, second.running]);
    assert.equal(ended.signal, "SIGKILL");
    await until(() => !isRunning(first.pid) && !isRunning(second.pid), "both groups killed");
  },
});

Deno.test({
  name: "shared watchdog: a program in tunedl's own group is killed as its pid at the pipe's end",
  ignore: !posix,
  async fn() {
    const watchdog = createGroupWatchdog()!;
    const plain = await startWatched("echo $$; exec sleep 60", watchdog, {
      startsNoPrograms: true,
    });
    await watchdog.close();
    const ended = await plain.running;
    assert.equal(ended.signal, "SIGKILL");
    assert.equal(isRunning(plain.pid), false);
  },
});

Deno.test({
  name: "shared watchdog: killed from outside, it starts again and still guards earlier groups",
  ignore: !posix,
  async fn() {
    const watchdog = createGroupWatchdog()!;
    const before = await startWatched("echo $$; exec sleep 60", watchdog);
    const shell = watchdog.pid!;
    Deno.kill(shell, "SIGKILL");
    await until(() => watchdog.pid === undefined, "the watchdog's end to be seen");
    const after = await startWatched("echo $$; exec sleep 60", watchdog);
    assert.ok(watchdog.pid !== undefined && watchdog.pid !== shell, "a new shell");
    await watchdog.close();
    await Promise.all([before.running, after.running]);
    await until(() => !isRunning(before.pid) && !isRunning(after.pid), "both programs killed");
  },
});
