import assert from "node:assert/strict";
import { CancelledError, NetworkError } from "../../src/errors/mod.ts";
import {
  AnswerTooLargeError,
  fetchBounded,
  type FetchLimits,
  RequestTimeoutError,
} from "../../src/util/mod.ts";
import { startMisbehavingServer } from "../fakes/misbehaving_server.ts";

const LONG = 60_000;
const limits = (overrides: Partial<FetchLimits>): FetchLimits => ({
  answerMs: LONG,
  stallMs: LONG,
  totalMs: LONG,
  maxBytes: 1024 * 1024,
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

Deno.test("a server that accepts and never answers runs into the answer limit", async () => {
  await using server = startMisbehavingServer("hang");
  const error = await failure(
    fetchBounded(server.url, {}, { limits: limits({ answerMs: 200 }), what: "Test service" }),
  );
  assert.ok(error instanceof RequestTimeoutError, String(error));
  assert.equal(error.limit, "answer");
  assert.equal(error.retryable, true);
  assert.ok(error instanceof NetworkError);
  assert.match(error.message, /^Test service: no answer within 0\.2 s$/);
  assert.equal(server.requests, 1);
});

Deno.test("headers followed by silence run into the stall limit", async () => {
  await using server = startMisbehavingServer("stall");
  const error = await failure(
    fetchBounded(server.url, {}, { limits: limits({ stallMs: 200 }), what: "Test service" }),
  );
  assert.ok(error instanceof RequestTimeoutError, String(error));
  assert.equal(error.limit, "stall");
  assert.match(error.message, /the answer stalled for 0\.2 s/);
});

/** A server whose answer comes in `pieces` chunks, `gapMs` apart, then pauses `pauseMs` and ends. */
function startPacedServer(pieces: number, gapMs: number, pauseMs = 0) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, sent === pieces ? pauseMs : gapMs));
        if (sent === pieces) return controller.close();
        sent++;
        controller.enqueue(new TextEncoder().encode("x"));
      },
    });
    return new Response(body);
  });
}

Deno.test("a body whose chunks keep coming never stalls, however long it takes", async () => {
  // 60 chunks 25 ms apart: 1.5 s in all, longer than the stall limit, while each gap is a 40th
  // of it, so a busy machine would have to hold this process for a second to fail it.
  await using server = startPacedServer(60, 25);
  const answer = await fetchBounded(`http://127.0.0.1:${server.addr.port}/`, {}, {
    limits: limits({ stallMs: 1000 }),
    what: "Test service",
  });
  assert.equal(answer.text(), "x".repeat(60));
});

Deno.test("a pause after some chunks runs into the stall limit", async () => {
  await using server = startPacedServer(5, 10, LONG);
  const error = await failure(
    fetchBounded(`http://127.0.0.1:${server.addr.port}/`, {}, {
      limits: limits({ stallMs: 200 }),
      what: "Test service",
    }),
  );
  assert.ok(error instanceof RequestTimeoutError, String(error));
  assert.equal(error.limit, "stall");
});

Deno.test("a body trickling in byte by byte runs into the whole-answer limit", async () => {
  await using server = startMisbehavingServer("trickle", { trickleMs: 20 });
  const error = await failure(
    fetchBounded(server.url, {}, { limits: limits({ totalMs: 300 }), what: "Test service" }),
  );
  assert.ok(error instanceof RequestTimeoutError, String(error));
  assert.equal(error.limit, "total");
  assert.match(error.message, /the answer took longer than 0\.3 s/);
});

Deno.test("an endless body stops at the size limit with bounded memory", async () => {
  await using server = startMisbehavingServer("endless");
  const error = await failure(
    fetchBounded(server.url, {}, {
      limits: limits({ maxBytes: 2_000_000 }),
      what: "Test service",
    }),
  );
  assert.ok(error instanceof AnswerTooLargeError, String(error));
  assert.equal(error.retryable, false);
  assert.match(error.message, /^Test service: the answer is larger than 2\.0 MB; not read$/);
});

Deno.test("a declared Content-Length over the limit is refused before reading", async () => {
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(1024));
      },
    });
    return new Response(stream, { headers: { "content-length": String(50 * 1024 * 1024) } });
  });
  const url = `http://127.0.0.1:${server.addr.port}/`;
  const error = await failure(
    fetchBounded(url, {}, { limits: limits({ maxBytes: 1024 * 1024 }), what: "Cover" }),
  );
  assert.ok(error instanceof AnswerTooLargeError, String(error));
});

Deno.test("a normal answer comes back whole, with status and headers", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json({ ok: "héllo" }, { status: 201, headers: { "retry-after": "3" } }),
  );
  const answer = await fetchBounded(`http://127.0.0.1:${server.addr.port}/`, {}, {
    limits: limits({ answerMs: 5_000 }),
    what: "Test service",
  });
  assert.equal(answer.status, 201);
  assert.equal(answer.ok, true);
  assert.equal(answer.headers.get("retry-after"), "3");
  assert.deepEqual(JSON.parse(answer.text()), { ok: "héllo" });
});

Deno.test("readBody skips the body of statuses the caller does not read", async () => {
  await using server = startMisbehavingServer("endless");
  const answer = await fetchBounded(server.url, {}, {
    limits: limits({ maxBytes: 1024 }),
    what: "Test service",
    readBody: (status) => status !== 200,
  });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.length, 0);
});

Deno.test("the caller's abort is a cancellation, not a timeout", async () => {
  await using server = startMisbehavingServer("hang");
  const controller = new AbortController();
  const pending = failure(
    fetchBounded(server.url, {}, { limits: limits({}), what: "Test", signal: controller.signal }),
  );
  await server.waitForRequests(1);
  controller.abort();
  const error = await pending;
  assert.ok(error instanceof CancelledError, String(error));
});

Deno.test("a refused connection is a retryable network error naming the service", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const error = await failure(
    fetchBounded(`http://127.0.0.1:${port}/`, {}, { limits: limits({}), what: "Test service" }),
  );
  assert.ok(error instanceof NetworkError, String(error));
  assert.equal(error.retryable, true);
  assert.match(error.message, /^Test service: /);
});
