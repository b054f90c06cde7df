import assert from "node:assert/strict";
import { AuthError, ExitCode } from "../../src/errors/mod.ts";
import { ClientCredentialsTokenProvider } from "../../src/spotify/mod.ts";
import { ACCOUNTS, json, scriptedFetch, tokenAnswer, VirtualTime } from "./test_support.ts";

function provider(
  answer: Parameters<typeof scriptedFetch>[0],
  extra: { clientId?: string; clientSecret?: string } = {},
) {
  const time = new VirtualTime();
  const scripted = scriptedFetch(answer, time);
  const tokens = new ClientCredentialsTokenProvider({
    clientId: extra.clientId ?? "my-id",
    clientSecret: extra.clientSecret ?? "my-secret",
    accountsUrl: ACCOUNTS,
    fetch: scripted.fetch,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0,
    maxRetries: 2,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 1000,
  });
  return { tokens, calls: scripted.calls, time };
}

Deno.test("client credentials: POSTs the grant with Basic auth to /api/token", async () => {
  const { tokens, calls } = provider(() => tokenAnswer("abc"));
  assert.equal(await tokens.getToken(), "abc");
  assert.equal(calls.length, 1);
  assert.equal(calls[0].method, "POST");
  assert.equal(calls[0].url.href, `${ACCOUNTS}/api/token`);
  assert.equal(calls[0].authorization, `Basic ${btoa("my-id:my-secret")}`);
  assert.equal(calls[0].body, "grant_type=client_credentials");
});

Deno.test("the token is cached until shortly before it expires", async () => {
  let n = 0;
  const { tokens, calls, time } = provider(() => tokenAnswer(`t${++n}`, 3600));
  assert.equal(await tokens.getToken(), "t1");
  time.now += 3000_000;
  assert.equal(await tokens.getToken(), "t1");
  time.now += 541_000; // 59 s before expiry: renew early
  assert.equal(await tokens.getToken(), "t2");
  assert.equal(calls.length, 2);
});

Deno.test("concurrent callers share one token request; invalidate forces a new one", async () => {
  let n = 0;
  const { tokens, calls } = provider(() => tokenAnswer(`t${++n}`));
  const all = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
  assert.deepEqual(all, ["t1", "t1", "t1"]);
  assert.equal(calls.length, 1);
  tokens.invalidate();
  assert.equal(await tokens.getToken(), "t2");
});

Deno.test("invalid_client becomes an AuthError that says where to fix it", async () => {
  for (const status of [400, 401]) {
    const { tokens } = provider(() =>
      json({ error: "invalid_client", error_description: "Invalid client secret" }, status)
    );
    const error = await tokens.getToken().then(() => undefined, (e) => e);
    assert.ok(error instanceof AuthError, `status ${status}`);
    assert.match(error.message, /Spotify rejected the client id\/secret/);
    assert.doesNotMatch(error.message, /my-secret/);
    assert.match(error.hint ?? "", /client_id and client_secret.*config\.yaml/);
    assert.match(error.hint ?? "", /developer\.spotify\.com\/dashboard/);
    assert.equal(error.retryable, false);
    assert.equal(error.exitCode, ExitCode.auth);
  }
});

Deno.test("missing credentials fail before any request", async () => {
  const { tokens, calls } = provider(() => tokenAnswer(), { clientSecret: "" });
  await assert.rejects(tokens.getToken(), (e: unknown) => {
    assert.ok(e instanceof AuthError);
    assert.match(e.message, /no Spotify client id\/secret/);
    return true;
  });
  assert.equal(calls.length, 0);
});

Deno.test("token endpoint 5xx and network errors are retried with backoff, then the service is unreachable", async () => {
  const answers = [
    () => json({}, 503),
    () => Promise.reject(new TypeError("connection reset")),
    () => tokenAnswer("ok"),
  ];
  const { tokens, time } = provider((_, i) => answers[i]());
  assert.equal(await tokens.getToken(), "ok");
  assert.deepEqual(time.sleeps, [50, 100]);

  const failing = provider(() => json({}, 500));
  // Without a token nothing can be read: the whole run stops (exit 5).
  await assert.rejects(failing.tokens.getToken(), {
    name: "ServiceUnreachableError",
    exitCode: 5,
  });
  assert.equal(failing.calls.length, 3); // first try + maxRetries 2
});

Deno.test("prefetch: the token request goes out at once; getToken then shares or reuses it", async () => {
  const { tokens, calls } = provider(() => tokenAnswer("early"));
  tokens.prefetch();
  tokens.prefetch(); // already on its way
  assert.equal(await tokens.getToken(), "early");
  tokens.prefetch(); // cached: nothing to do
  assert.equal(await tokens.getToken(), "early");
  assert.equal(calls.length, 1);
});

Deno.test("prefetch: a refused token is one request and one error, for the getToken that follows", async () => {
  const { tokens, calls } = provider(() => json({ error: "invalid_client" }, 400));
  tokens.prefetch();
  // Let the prefetch fail before anyone asks.
  for (let i = 0; i < 20 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setTimeout(r, 0));
  await assert.rejects(tokens.getToken(), AuthError);
  assert.equal(calls.length, 1);
  // Told once: the next caller asks again.
  await assert.rejects(tokens.getToken(), AuthError);
  assert.equal(calls.length, 2);
});
