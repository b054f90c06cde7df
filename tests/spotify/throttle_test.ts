import assert from "node:assert/strict";
import { ServiceUnreachableError } from "../../src/errors/mod.ts";
import { RateLimitedError, SpotifyClient } from "../../src/spotify/mod.ts";
import {
  afterRateLimited,
  DEFAULT_THROTTLE_SETTINGS,
  relaxed,
  type ThrottleState,
} from "../../src/spotify/throttle.ts";
import { AnswerTooLargeError } from "../../src/util/mod.ts";
import {
  apiError,
  clientWith,
  json,
  type RecordedCall,
  tokenAnswer,
  VirtualTime,
} from "./test_support.ts";

const TRACK_ID = "1t2qKa8K72IBC8yQlhD9bU";
const S = DEFAULT_THROTTLE_SETTINGS;
const track = (call: RecordedCall) =>
  json({
    id: call.url.pathname.split("/").pop(),
    name: "Ropes",
    artists: [{ id: "a", name: "A" }],
    album: { id: "b", name: "B", images: [], release_date: "2020" },
    duration_ms: 1000,
    track_number: 1,
    disc_number: 1,
  });
const rateLimited = (seconds: number) =>
  apiError(429, "API rate limit exceeded", { "retry-after": String(seconds) });

Deno.test("the throttle's spacing: doubles per 429 up to the maximum, halves per quiet period", () => {
  const off: ThrottleState = { spacingMs: 0, changedAt: 0 };
  const cases: [label: string, state: ThrottleState, now: number, expected: ThrottleState][] = [
    ["first 429", off, 1000, { spacingMs: 250, changedAt: 1000 }],
    ["second 429", { spacingMs: 250, changedAt: 1000 }, 2000, { spacingMs: 500, changedAt: 2000 }],
    ["at the maximum", { spacingMs: 4000, changedAt: 0 }, 10, { spacingMs: 4000, changedAt: 10 }],
    [
      "after a quiet period it has halved first",
      { spacingMs: 1000, changedAt: 0 },
      30_000,
      { spacingMs: 1000, changedAt: 30_000 },
    ],
  ];
  for (const [label, state, now, expected] of cases) {
    assert.deepEqual(afterRateLimited(state, now, S), expected, label);
  }
  const relaxCases: [label: string, state: ThrottleState, now: number, spacing: number][] = [
    ["off stays off", off, 1e9, 0],
    ["within the quiet period", { spacingMs: 1000, changedAt: 0 }, 29_999, 1000],
    ["one quiet period", { spacingMs: 1000, changedAt: 0 }, 30_000, 500],
    ["two quiet periods", { spacingMs: 1000, changedAt: 0 }, 60_000, 250],
    ["three: below the first spacing lets go", { spacingMs: 1000, changedAt: 0 }, 90_000, 0],
  ];
  for (const [label, state, now, spacing] of relaxCases) {
    assert.equal(relaxed(state, now, S).spacingMs, spacing, label);
  }
});

Deno.test("429s do not use up the retries: six in a row are waited out, then it succeeds", async () => {
  const { client, time, apiCalls } = clientWith(
    (call, i) => i <= 6 ? rateLimited(1) : track(call),
    {
      maxRetries: 3,
    },
  );
  assert.equal((await client.getTrack(TRACK_ID)).id, TRACK_ID);
  assert.equal(apiCalls().length, 7);
  // Six Retry-After waits (the throttle's spacing adds its own short ones).
  assert.ok(time.sleeps.filter((ms) => ms === 1000).length >= 6, String(time.sleeps));
  assert.equal(client.stats().rateLimited, 6);
});

Deno.test("after 429s requests start further apart for a while, then at full speed again", async () => {
  let limited = 2;
  const { client, time, apiCalls } = clientWith((call) =>
    limited-- > 0 ? rateLimited(0) : track(call)
  );
  await client.getTrack(TRACK_ID);
  for (let i = 0; i < 3; i++) await client.getTrack(TRACK_ID);
  const starts = apiCalls().map((c) => c.at);
  const gaps = starts.slice(3).map((at, i) => at - starts[i + 2]);
  // Two 429s: 500 ms between starts.
  assert.deepEqual(gaps, [500, 500, 500]);
  time.now += 120_000;
  const before = apiCalls().length;
  await client.getTrack(TRACK_ID);
  await client.getTrack(TRACK_ID);
  const last = apiCalls().slice(before).map((c) => c.at);
  assert.equal(last[1] - last[0], 0, "the throttle let go after quiet periods");
});

Deno.test("a Retry-After up to maxRetryAfterMs is waited out; a longer one stops", async () => {
  const waited = clientWith((call, i) => i === 1 ? rateLimited(120) : track(call), {
    maxRetryAfterMs: 300_000,
  });
  assert.equal((await waited.client.getTrack(TRACK_ID)).id, TRACK_ID);
  assert.ok(waited.time.sleeps.includes(120_000));

  const stopped = clientWith(() => rateLimited(120), { maxRetryAfterMs: 60_000 });
  const error = await stopped.client.getTrack(TRACK_ID).catch((e) => e);
  assert.ok(error instanceof RateLimitedError, String(error));
  assert.match(error.message, /asked to wait 2m 00s/);
  assert.deepEqual(stopped.time.sleeps, []);
});

/** A fetch whose API requests never answer (until aborted); tokens are answered. */
function silentApi() {
  let apiRequests = 0;
  const fetchFn = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === "/api/token") return Promise.resolve(tokenAnswer());
    apiRequests++;
    return new Promise((_, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason), { once: true });
    });
  };
  return { fetch: fetchFn as typeof fetch, requests: () => apiRequests };
}

Deno.test("an API that never answers is retried, then reported unreachable (exit 5)", async () => {
  const silent = silentApi();
  const client = new SpotifyClient({
    apiUrl: "https://api.test",
    accountsUrl: "https://accounts.test",
    clientId: "id",
    clientSecret: "secret",
    fetch: silent.fetch,
    maxRetries: 2,
    retryBaseDelayMs: 1,
    requestTimeoutMs: 30,
    rateLimit: { enabled: false, requests: 1, windowMs: 1 },
  });
  const error = await client.getTrack(TRACK_ID).catch((e) => e);
  assert.ok(error instanceof ServiceUnreachableError, String(error));
  assert.equal(error.exitCode, 5);
  assert.equal(
    error.message,
    `the Spotify Web API at https://api.test is not answering (GET /v1/tracks/${TRACK_ID}: ` +
      "no answer within 0.03 s; 3 attempts)",
  );
  assert.equal(silent.requests(), 3);
});

Deno.test("an oversized API answer is refused at once, not retried", async () => {
  const { client, apiCalls } = clientWith(() =>
    new Response("x", { headers: { "content-length": String(100 * 1024 * 1024) } })
  );
  const error = await client.getTrack(TRACK_ID).catch((e) => e);
  assert.ok(error instanceof AnswerTooLargeError, String(error));
  assert.equal(apiCalls().length, 1);
});

Deno.test("attempts that all go unanswered stop after 4.5 timeouts, even with retries left", async () => {
  const time = new VirtualTime();
  let apiAttempts = 0;
  const { client } = clientWith(() => {
    apiAttempts++;
    // Each attempt takes 20 s (a trickling server cut at twice the timeout).
    time.now += 20_000;
    return Promise.reject(new TypeError("connection reset"));
  }, { time, maxRetries: 10, requestTimeoutMs: 10_000 });
  const error = await client.getTrack(TRACK_ID).catch((e) => e);
  assert.ok(error instanceof ServiceUnreachableError, String(error));
  assert.equal(apiAttempts, 3);
  assert.match(error.message, /; 3 attempts\)$/);
});
