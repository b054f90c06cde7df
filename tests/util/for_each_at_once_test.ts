import assert from "node:assert/strict";
import { forEachAtOnce } from "../../src/util/mod.ts";

Deno.test("forEachAtOnce: every item once, never more than the limit at a time (at least one)", async () => {
  const cases: [items: number, limit: number, most: number][] = [
    [10, 3, 3],
    [2, 8, 2],
    [5, 0, 1],
    [0, 4, 0],
  ];
  for (const [count, limit, most] of cases) {
    const items = Array.from({ length: count }, (_, n) => n);
    const done: number[] = [];
    let running = 0;
    let peak = 0;
    await forEachAtOnce(items, limit, async (item) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      done.push(item);
      running--;
    });
    assert.deepEqual(done.sort((a, b) => a - b), items, `${count} items, limit ${limit}`);
    assert.equal(peak, most, `${count} items, limit ${limit}`);
  }
});
