import assert from "node:assert/strict";
import {
  burstSize,
  type RateLimitSettings,
  TokenBucketRateLimiter,
} from "../../src/spotify/rate_limiter.ts";
import { VirtualTime } from "./test_support.ts";

const on = (requests: number, windowMs: number): RateLimitSettings => ({
  enabled: true,
  requests,
  windowMs,
});

/** Start times (virtual ms) of `count` requests that all ask at time 0. */
async function startTimes(settings: RateLimitSettings, count: number): Promise<number[]> {
  const time = new VirtualTime(0);
  const limiter = new TokenBucketRateLimiter(settings, time.clock, time.sleep);
  const starts: number[] = [];
  await Promise.all(Array.from({ length: count }, async () => {
    await limiter.acquire();
    starts.push(time.now);
  }));
  return starts;
}

Deno.test("burstSize: one Spotify rolling window (30 s) at the configured average", () => {
  const cases: [RateLimitSettings, number][] = [
    [on(10, 1000), 300], // musicdl's default: 10 per second
    [on(90, 30_000), 90],
    [on(1, 1000), 30],
    [on(3, 7000), 12], // floor(3 x 30 / 7)
    [on(600, 60_000), 600], // a window longer than Spotify's: its own size
    [on(5, 100_000), 5],
  ];
  for (const [settings, expected] of cases) {
    assert.equal(burstSize(settings), expected, JSON.stringify(settings));
  }
});

Deno.test("a full bucket lets the burst through at once, then holds the average", async () => {
  const cases: { settings: RateLimitSettings; count: number; expected: number[] }[] = [
    // 21 requests (a warm re-run's checks) fit the 300 burst of 10/s.
    { settings: on(10, 1000), count: 21, expected: Array(21).fill(0) },
    // Burst of 90, then one every 333.3 ms.
    {
      settings: on(90, 30_000),
      count: 93,
      expected: [...Array(90).fill(0), 1000 / 3, 2000 / 3, 1000],
    },
    // Burst of 12, then one every 7000 / 3 ms.
    {
      settings: on(3, 7000),
      count: 14,
      expected: [...Array(12).fill(0), 7000 / 3, 14000 / 3],
    },
    // A window as long as Spotify's: burst of its own size.
    { settings: on(2, 30_000), count: 4, expected: [0, 0, 15_000, 30_000] },
  ];
  for (const { settings, count, expected } of cases) {
    const starts = await startTimes(settings, count);
    assert.equal(starts.length, expected.length);
    // Waits are whole milliseconds: never early, at most a millisecond late.
    starts.forEach((start, i) => {
      const ideal = expected[i];
      assert.ok(
        start >= Math.floor(ideal) && start <= Math.ceil(ideal) + 1,
        `${JSON.stringify(settings)}: start ${i} at ${start}, ideal ${ideal}`,
      );
    });
  }
});

Deno.test("over any span, starts never exceed the burst plus the average", async () => {
  const settings = on(3, 1000); // burst 90, then 3 per second
  const starts = await startTimes(settings, 200);
  const burst = burstSize(settings);
  for (const span of [1000, 10_000, 30_000]) {
    for (let i = 0; i < starts.length; i++) {
      const within = starts.filter((t) => t >= starts[i] && t < starts[i] + span).length;
      assert.ok(
        within <= burst + Math.ceil(span * settings.requests / settings.windowMs),
        `${within} starts within ${span} ms from ${starts[i]}`,
      );
    }
  }
  // After the burst the average holds: the 200th start is due at (200 - 90) / 3 s.
  const due = (200 - 90) * 1000 / 3;
  assert.ok(starts[199] >= due - 1 && starts[199] <= due + 2, `200th start at ${starts[199]}`);
});

Deno.test("the bucket refills with idle time, up to its size", async () => {
  const time = new VirtualTime(0);
  const limiter = new TokenBucketRateLimiter(on(1, 1000), time.clock, time.sleep); // burst 30
  for (let i = 0; i < 30; i++) await limiter.acquire();
  assert.equal(time.now, 0);
  time.now = 5000; // 5 tokens back
  for (let i = 0; i < 5; i++) await limiter.acquire();
  assert.equal(time.now, 5000);
  await limiter.acquire();
  assert.equal(time.now, 6000);
  time.now = 1_000_000; // idle long: full again, not more
  for (let i = 0; i < 30; i++) await limiter.acquire();
  assert.equal(time.now, 1_000_000);
  await limiter.acquire();
  assert.equal(time.now, 1_001_000);
  assert.ok(time.sleeps.length <= 2, `slept ${time.sleeps.length} times`);
});

Deno.test("pauseUntil holds every caller, even with the limiter disabled", async () => {
  const time = new VirtualTime(0);
  const limiter = new TokenBucketRateLimiter(
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

Deno.test("a pause holds callers and leaves the bucket as it is; an earlier one changes nothing", async () => {
  const time = new VirtualTime(0);
  const limiter = new TokenBucketRateLimiter(on(1, 1000), time.clock, time.sleep); // burst 30
  await limiter.acquire();
  limiter.pauseUntil(5000);
  limiter.pauseUntil(1000);
  const starts: number[] = [];
  await Promise.all(Array.from({ length: 3 }, async () => {
    await limiter.acquire();
    starts.push(time.now);
  }));
  // The 429 back-off is the pause; the bucket still had tokens.
  assert.deepEqual(starts, [5000, 5000, 5000]);
});

Deno.test("an epoch clock: waits of a fraction of a millisecond still move time on", async () => {
  // 90 per 30 s is one token every 333.33 ms; at epoch times a fraction of a
  // millisecond added to the clock can vanish in rounding.
  let now = Date.UTC(2026, 11, 2, 11, 0, 0);
  const sleeps: number[] = [];
  const limiter = new TokenBucketRateLimiter(on(90, 30_000), () => now, (ms) => {
    sleeps.push(ms);
    now += ms;
    return Promise.resolve();
  });
  const start = now;
  for (let i = 0; i < 95; i++) await limiter.acquire();
  assert.ok(sleeps.length <= 10, `slept ${sleeps.length} times: ${sleeps.slice(0, 10)}`);
  assert.ok(sleeps.every((ms) => Number.isInteger(ms) && ms >= 1), `${sleeps}`);
  // 5 past the burst of 90: about 5 x 333.33 ms.
  assert.ok(now - start >= 1666 && now - start <= 1672, `took ${now - start} ms`);
});

Deno.test("a cancelled waiter does not block the queue", async () => {
  const time = new VirtualTime(0);
  const limiter = new TokenBucketRateLimiter(on(1, 30_000), time.clock, time.sleep); // burst 1
  await limiter.acquire();
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(limiter.acquire(controller.signal));
  await limiter.acquire();
  assert.equal(time.now, 30_000);
});

Deno.test("an enabled limiter rejects nonsense settings", () => {
  const time = new VirtualTime(0);
  for (const settings of [on(0, 1000), on(1, 0), on(Number.NaN, 1000)]) {
    assert.throws(
      () => new TokenBucketRateLimiter(settings, time.clock, time.sleep),
      RangeError,
      JSON.stringify(settings),
    );
  }
});

Deno.test("a clock that lags behind sleep does not make the limiter spin", async () => {
  const sleeps: number[] = [];
  const limiter = new TokenBucketRateLimiter(
    on(2, 30_000), // burst 2
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
