import assert from "node:assert/strict";
import { backoffDelay, parseRetryAfter } from "../../src/spotify/retry_policy.ts";

const policy = { maxRetries: 5, retryBaseDelayMs: 100, retryMaxDelayMs: 1000 };

Deno.test("backoffDelay doubles per attempt, caps at the maximum, jitters the upper half", () => {
  const cases: Array<[attempt: number, random: number, expected: number]> = [
    [0, 0, 50],
    [0, 0.999, 100],
    [1, 0, 100],
    [1, 0.5, 150],
    [2, 1, 400],
    [3, 0, 400],
    [4, 0, 500], // 1600 capped to 1000
    [10, 1, 1000],
  ];
  for (const [attempt, random, expected] of cases) {
    assert.equal(
      Math.round(backoffDelay(attempt, policy, () => random)),
      Math.round(expected),
      `attempt ${attempt}, random ${random}`,
    );
  }
});

Deno.test("parseRetryAfter reads seconds and HTTP dates", () => {
  const now = Date.UTC(2026, 2, 10, 12, 0, 0);
  const cases: Array<[string | null, number | undefined]> = [
    [null, undefined],
    ["", undefined],
    ["0", 0],
    ["3", 3000],
    [" 120 ", 120_000],
    ["1.5", 1500],
    [new Date(now + 30_000).toUTCString(), 30_000],
    [new Date(now - 30_000).toUTCString(), 0],
    ["soon", undefined],
  ];
  for (const [header, expected] of cases) {
    assert.equal(parseRetryAfter(header, now), expected, `header ${header}`);
  }
});
