import assert from "node:assert/strict";
import { batchedWriter } from "../../src/cli/batched_output.ts";

function recorder(options: { maxChars?: number } = {}) {
  const written: string[] = [];
  const timers: (() => void)[] = [];
  const writer = batchedWriter((text) => written.push(text), {
    maxChars: options.maxChars,
    schedule: (run) => timers.push(run),
  });
  return { written, timers, writer };
}

Deno.test("batched output: lines wait for the timer, then go out in one write", () => {
  const { written, timers, writer } = recorder();
  writer.write("a\n");
  writer.write("b\n");
  assert.deepEqual(written, []);
  assert.equal(timers.length, 1, "one timer for a batch");
  timers.shift()!();
  assert.deepEqual(written, ["a\nb\n"]);
  writer.write("c\n");
  assert.equal(timers.length, 1, "the next batch schedules again");
  timers.shift()!();
  assert.deepEqual(written, ["a\nb\n", "c\n"]);
});

Deno.test("batched output: a full batch is written at once; flush writes what is pending", () => {
  const { written, timers, writer } = recorder({ maxChars: 4 });
  writer.write("ab");
  writer.write("cd");
  assert.deepEqual(written, ["abcd"]);
  writer.write("e");
  writer.flush();
  assert.deepEqual(written, ["abcd", "e"]);
  writer.flush();
  writer.write("");
  assert.deepEqual(written, ["abcd", "e"], "nothing pending, nothing written");
  for (const run of timers) run();
  assert.deepEqual(written, ["abcd", "e"], "a timer after a flush writes nothing twice");
});

Deno.test({
  name: "batched output: piped stdout keeps its order with stderr and loses nothing at exit",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const io = JSON.stringify(new URL("../../src/cli/io.ts", import.meta.url).href);
    const script = `
      import { processIo } from ${io};
      const io = processIo();
      for (let i = 0; i < 1000; i++) io.out(\`line \${i}\\n\`);
      io.err("warning\\n");
      io.out("after\\n");
      if (Deno.args[0] === "throw") throw new Error("boom");
      Deno.exit(3);
    `;
    for (const how of ["exit", "throw"]) {
      // Both streams into one pipe, as `tunedl ... >log 2>&1` under cron.
      const output = await new Deno.Command("sh", {
        args: ["-c", '"$0" eval --ext=ts "$1" "$2" 2>&1', Deno.execPath(), script, how],
        stdout: "piped",
      }).output();
      const lines = new TextDecoder().decode(output.stdout).split("\n");
      assert.deepEqual(lines.slice(998, 1002), ["line 998", "line 999", "warning", "after"], how);
      assert.equal(lines.filter((line) => line.startsWith("line ")).length, 1000, how);
      assert.equal(output.code, how === "exit" ? 3 : 1, how);
    }
  },
});
