import assert from "node:assert/strict";
import { SlidingWindowRateLimiter } from "../../src/spotify/rate_limiter.ts";
import { VirtualTime } from "./test_support.ts";

/** Asserts that no `windowMs` span holds more than `limit` of the timestamps. */
function assertAtMostPerWindow(times: number[], limit: number, windowMs: number) {
  const sorted = [...times].sort((a, b) => a - b);
  for (let i = 0; i + limit < sorted.length; i++) {
    assert.ok(
      sorted[i + limit] - sorted[i] >= windowMs,
      `${limit + 1} starts within ${windowMs} ms: ${sorted.slice(i, i + limit + 1).join(", ")}`,
    );
  }
}

Deno.test("rate limiter never lets more than N starts into any window", async () => {
  const time = new VirtualTime(0);
  const limiter = new SlidingWindowRateLimiter(
    { enabled: true, requests: 3, windowMs: 1000 },
    time.clock,
    time.sleep,
  );
  const starts: number[] = [];
  await Promise.all(Array.from({ length: 20 }, async () => {
    await limiter.acquire();
    starts.push(time.now);
  }));
  assert.equal(starts.length, 20);
  assertAtMostPerWindow(starts, 3, 1000);
  // It did have to wait, and it waited by sleeping, not by spinning.
  assert.ok(time.now >= 6000, `20 starts at 3/s need at least 6 s, took ${time.now}`);
  assert.ok(time.sleeps.length <= 20, `slept ${time.sleeps.length} times for 20 starts`);
});

Deno.test("rate limiter lets a burst of N through at once", async () => {
  const time = new VirtualTime(0);
  const limiter = new SlidingWindowRateLimiter(
    { enabled: true, requests: 5, windowMs: 1000 },
    time.clock,
    time.sleep,
  );
  for (let i = 0; i < 5; i++) await limiter.acquire();
  assert.equal(time.now, 0);
  assert.deepEqual(time.sleeps, []);
  await limiter.acquire();
  assert.equal(time.now, 1000);
});

Deno.test("pauseUntil holds every caller, even with the limiter disabled", async () => {
  const time = new VirtualTime(0);
  const limiter = new SlidingWindowRateLimiter(
    { enabled: false, requests: 1, windowMs: 1 },
    time.clock,
    time.sleep,
  );
  await limiter.acquire();
  assert.equal(time.now, 0);
  limiter.pauseUntil(5000);
  await Promise.all([limiter.acquire(), limiter.acquire()]);
  assert.equal(time.now, 5000);
});

Deno.test("a cancelled waiter does not block the queue", async () => {
  const time = new VirtualTime(0);
  const limiter = new SlidingWindowRateLimiter(
    { enabled: true, requests: 1, windowMs: 1000 },
    time.clock,
    time.sleep,
  );
  await limiter.acquire();
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(limiter.acquire(controller.signal));
  await limiter.acquire();
  assert.equal(time.now, 1000);
});

Deno.test("an enabled limiter rejects nonsense settings", () => {
  const time = new VirtualTime(0);
  assert.throws(
    () =>
      new SlidingWindowRateLimiter(
        { enabled: true, requests: 0, windowMs: 1000 },
        time.clock,
        time.sleep,
      ),
    RangeError,
  );
});

Deno.test("a clock that lags behind sleep does not make the limiter spin", async () => {
  const sleeps: number[] = [];
  const limiter = new SlidingWindowRateLimiter(
    { enabled: true, requests: 2, windowMs: 1000 },
    () => 0, // frozen clock
    (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  );
  for (let i = 0; i < 6; i++) await limiter.acquire();
  limiter.pauseUntil(5000);
  await limiter.acquire();
  assert.ok(sleeps.length <= 7, `slept ${sleeps.length} times`);
});
