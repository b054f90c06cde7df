import assert from "node:assert/strict";
import { interruptSignals } from "../../src/cli/interrupt.ts";

Deno.test("interruptSignals: SIGHUP (terminal closed) and SIGTERM stop like Ctrl-C, except on Windows", () => {
  for (const os of ["linux", "darwin", "freebsd"] as const) {
    assert.deepEqual(interruptSignals(os), ["SIGINT", "SIGTERM", "SIGHUP"]);
  }
  // Deno on Windows delivers only SIGINT and SIGBREAK; listening for others throws.
  assert.deepEqual(interruptSignals("windows"), ["SIGINT"]);
});
