import assert from "node:assert/strict";
import { Semaphore } from "../../src/spotify/semaphore.ts";

Deno.test("semaphore caps concurrent work and serves waiters in order", async () => {
  const semaphore = new Semaphore(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(Array.from({ length: 6 }, (_, i) =>
    semaphore.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 1));
      order.push(i);
      running--;
    })));
  assert.equal(peak, 2);
  assert.equal(order.length, 6);
  assert.equal(semaphore.inUse, 0);
});

Deno.test("a cancelled waiter leaves the queue without taking a permit", async () => {
  const semaphore = new Semaphore(1);
  await semaphore.acquire();
  const controller = new AbortController();
  const waiting = semaphore.acquire(controller.signal);
  controller.abort();
  await assert.rejects(waiting, { name: "CancelledError" });
  semaphore.release();
  assert.equal(semaphore.inUse, 0);
  await semaphore.acquire();
  assert.equal(semaphore.inUse, 1);
  semaphore.release();
});
