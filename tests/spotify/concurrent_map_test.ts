import assert from "node:assert/strict";
import { mapWithConcurrency } from "../../src/spotify/concurrent_map.ts";

Deno.test("mapWithConcurrency keeps order and the limit", async () => {
  let running = 0;
  let peak = 0;
  const result = await mapWithConcurrency([5, 1, 4, 2, 3], async (n, i) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, n));
    running--;
    return `${i}:${n * 2}`;
  }, { limit: 2 });
  assert.deepEqual(result, ["0:10", "1:2", "2:8", "3:4", "4:6"]);
  assert.equal(peak, 2);
});

Deno.test("mapWithConcurrency stops starting work after a failure", async () => {
  const started: number[] = [];
  await assert.rejects(
    mapWithConcurrency([1, 2, 3, 4, 5, 6], async (n) => {
      started.push(n);
      await Promise.resolve();
      if (n === 2) throw new Error("boom");
      return n;
    }, { limit: 2 }),
    /boom/,
  );
  assert.ok(started.length < 6, `started ${started.join(",")}`);
});

Deno.test("mapWithConcurrency handles an empty list", async () => {
  assert.deepEqual(await mapWithConcurrency([], () => Promise.resolve(1), { limit: 3 }), []);
});
