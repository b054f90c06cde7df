/**
 * The user login's pure and network pieces on a scripted fetch: PKCE
 * (verifier alphabet, RFC 7636's S256 vector), the authorize URL, reading the
 * callback, the code exchange, and the refreshing token provider (rotation,
 * revocation, shared refreshes).
 */
import assert from "node:assert/strict";
import { AuthError, ExitCode, ServiceUnreachableError } from "../../src/errors/mod.ts";
import {
  authorizationUrl,
  codeChallengeS256,
  createCodeVerifier,
  createLoginRequest,
  createState,
  exchangeAuthorizationCode,
  fetchCurrentUser,
  LOGIN_SCOPES,
  loopbackRedirectUri,
  probeAuthorizeUrl,
  readAuthorizationCallback,
  SpotifyClient,
  UserTokenProvider,
  type UserTokens,
} from "../../src/spotify/mod.ts";
import { ACCOUNTS, API, json, scriptedFetch, tokenAnswer, VirtualTime } from "./test_support.ts";

const REDIRECT = "http://127.0.0.1:8888/callback";

Deno.test("PKCE: RFC 7636 appendix B vector for S256", async () => {
  assert.equal(
    await codeChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("PKCE: verifiers are 43-128 unreserved characters and differ every time", () => {
  const seen = new Set<string>();
  for (const length of [43, 64, 128, undefined]) {
    const verifier = createCodeVerifier({ length });
    assert.equal(verifier.length, length ?? 64);
    assert.match(verifier, /^[A-Za-z0-9\-._~]+$/);
    seen.add(verifier);
  }
  assert.equal(seen.size, 4);
  for (const bad of [42, 129, 50.5]) {
    assert.throws(() => createCodeVerifier({ length: bad }), RangeError);
  }
});

Deno.test("PKCE: every alphabet character is reachable; biased bytes are skipped", () => {
  // Bytes 0, 1, 2, ...: the first 66 pick each of the 66 characters once, in order.
  let next = 0;
  const counting = (array: Uint8Array<ArrayBuffer>) => array.map(() => next++ % 256);
  const verifier = createCodeVerifier({ length: 128, randomBytes: counting });
  assert.equal(
    verifier.slice(0, 66),
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
  );
  // 198..255 would make the first 58 characters more likely: such bytes are dropped.
  const alternating = (array: Uint8Array<ArrayBuffer>) => array.map((_, i) => i % 2 ? 1 : 198);
  assert.equal(createCodeVerifier({ length: 43, randomBytes: alternating }), "B".repeat(43));
});

Deno.test("state: url-safe, at least 128 bits, unique", () => {
  const a = createState();
  const b = createState();
  assert.match(a, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(a, b);
});

Deno.test("authorize URL: code flow, S256, loopback redirect, only the read scopes", async () => {
  const request = await createLoginRequest("my-id", {
    redirectUri: loopbackRedirectUri(8888),
    accountsUrl: `${ACCOUNTS}/`,
  });
  const url = new URL(request.url);
  assert.equal(url.origin + url.pathname, `${ACCOUNTS}/authorize`);
  const params = Object.fromEntries(url.searchParams);
  assert.deepEqual(params, {
    client_id: "my-id",
    response_type: "code",
    redirect_uri: REDIRECT,
    code_challenge_method: "S256",
    code_challenge: await codeChallengeS256(request.codeVerifier),
    state: request.state,
    scope: "playlist-read-private playlist-read-collaborative user-library-read",
  });
  assert.deepEqual([...LOGIN_SCOPES].sort(), [
    "playlist-read-collaborative",
    "playlist-read-private",
    "user-library-read",
  ]);
  assert.ok(!request.url.includes(request.codeVerifier), "the verifier never goes to the browser");
  assert.equal(
    new URL(authorizationUrl("x", { redirectUri: REDIRECT, codeChallenge: "c", state: "s" }))
      .origin,
    "https://accounts.spotify.com",
  );
});

Deno.test("callback: the code when the state matches; typed errors otherwise", () => {
  const cases: Array<{ query: string; code?: string; message?: RegExp }> = [
    { query: "code=abc&state=S1", code: "abc" },
    { query: "code=abc&state=S2", message: /state does not match/ },
    { query: "code=abc", message: /state does not match/ },
    { query: "error=access_denied&state=S1", message: /declined/ },
    { query: "error=invalid_scope&state=S1", message: /refused the login \(invalid_scope/ },
    { query: "state=S1", message: /no authorization code/ },
    // A wrong state wins over an error: the answer is not for this attempt at all.
    { query: "error=access_denied&state=evil", message: /state does not match/ },
  ];
  for (const c of cases) {
    const url = `${REDIRECT}?${c.query}`;
    if (c.code) {
      assert.equal(readAuthorizationCallback(url, "S1"), c.code);
    } else {
      assert.throws(() => readAuthorizationCallback(url, "S1"), (error: unknown) => {
        assert.ok(error instanceof AuthError, c.query);
        assert.match(error.message, c.message!, c.query);
        assert.match(error.hint ?? "", /tunedl login/);
        return true;
      });
    }
  }
});

Deno.test("code exchange: public-client form with verifier, no secret; tokens with expiry", async () => {
  const time = new VirtualTime();
  const { fetch, calls } = scriptedFetch(() =>
    json({
      access_token: "at-1",
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: "rt-1",
      scope: "user-library-read playlist-read-private",
    }), time);
  const tokens = await exchangeAuthorizationCode("the-code", {
    clientId: "my-id",
    codeVerifier: "v".repeat(64),
    redirectUri: REDIRECT,
    accountsUrl: ACCOUNTS,
    fetch,
    clock: time.clock,
  });
  assert.deepEqual(tokens, {
    accessToken: "at-1",
    refreshToken: "rt-1",
    expiresAt: time.now + 3600_000,
    scope: ["user-library-read", "playlist-read-private"],
  });
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url.href, `${ACCOUNTS}/api/token`);
  assert.equal(calls[0].authorization, null);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(calls[0].body)), {
    grant_type: "authorization_code",
    code: "the-code",
    redirect_uri: REDIRECT,
    client_id: "my-id",
    code_verifier: "v".repeat(64),
  });
});

Deno.test("code exchange: invalid_grant and invalid_client become AuthErrors (exit 3)", async () => {
  for (
    const [code, message] of [
      ["invalid_grant", /refused the login code/],
      ["invalid_client", /rejected the client id/],
    ] as const
  ) {
    const { fetch } = scriptedFetch(() => json({ error: code, error_description: "nope" }, 400));
    await assert.rejects(
      exchangeAuthorizationCode("c", {
        clientId: "id",
        codeVerifier: "v".repeat(43),
        redirectUri: REDIRECT,
        accountsUrl: ACCOUNTS,
        fetch,
      }),
      (error: unknown) => {
        assert.ok(error instanceof AuthError);
        assert.equal(error.exitCode, ExitCode.auth);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

function userProvider(
  answer: Parameters<typeof scriptedFetch>[0],
  tokens: Partial<UserTokens> = {},
) {
  const time = new VirtualTime();
  const scripted = scriptedFetch(answer, time);
  const saved: UserTokens[] = [];
  const provider = new UserTokenProvider({
    clientId: "my-id",
    tokens: {
      accessToken: "at-0",
      refreshToken: "rt-0",
      expiresAt: time.now + 3600_000,
      scope: [...LOGIN_SCOPES],
      ...tokens,
    },
    accountsUrl: ACCOUNTS,
    fetch: scripted.fetch,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0,
    maxRetries: 2,
    retryBaseDelayMs: 100,
    onRefresh: (t) => {
      saved.push(t);
    },
  });
  return { provider, calls: scripted.calls, time, saved };
}

/** A refresh answer that rotates the refresh token: at-N / rt-N. */
function rotatingAnswer() {
  let n = 0;
  return () => {
    n++;
    return json({
      access_token: `at-${n}`,
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: `rt-${n}`,
      scope: LOGIN_SCOPES.join(" "),
    });
  };
}

Deno.test("user tokens: the stored access token is used until shortly before expiry", async () => {
  const { provider, calls, time, saved } = userProvider(rotatingAnswer());
  assert.equal(await provider.getToken(), "at-0");
  time.now += 3540_000 - 1;
  assert.equal(await provider.getToken(), "at-0");
  assert.equal(calls.length, 0);
  time.now += 2;
  assert.equal(await provider.getToken(), "at-1");
  assert.deepEqual(Object.fromEntries(new URLSearchParams(calls[0].body)), {
    grant_type: "refresh_token",
    refresh_token: "rt-0",
    client_id: "my-id",
  });
  assert.equal(calls[0].authorization, null);
  assert.equal(saved.length, 1);
  assert.equal(saved[0].refreshToken, "rt-1");
  assert.equal(saved[0].expiresAt, time.now + 3600_000);
});

Deno.test("user tokens: rotated refresh tokens are used next time; a kept one survives", async () => {
  let n = 0;
  const { provider, calls, time, saved } = userProvider(() => {
    n++;
    // The second answer has no refresh_token: the old one stays valid.
    return json({
      access_token: `at-${n}`,
      expires_in: 3600,
      ...(n === 2 ? {} : { refresh_token: `rt-${n}` }),
    });
  }, { expiresAt: 0 });
  assert.equal(await provider.getToken(), "at-1");
  time.now += 3600_000;
  assert.equal(await provider.getToken(), "at-2");
  time.now += 3600_000;
  assert.equal(await provider.getToken(), "at-3");
  const used = calls.map((c) => new URLSearchParams(c.body).get("refresh_token"));
  assert.deepEqual(used, ["rt-0", "rt-1", "rt-1"]);
  assert.deepEqual(saved.map((t) => t.refreshToken), ["rt-1", "rt-1", "rt-3"]);
  assert.equal(provider.tokens.refreshToken, "rt-3");
});

Deno.test("user tokens: concurrent callers share one refresh; invalidate refreshes once", async () => {
  const { provider, calls, time } = userProvider(rotatingAnswer(), { expiresAt: 0 });
  const all = await Promise.all([provider.getToken(), provider.getToken(), provider.getToken()]);
  assert.deepEqual(all, ["at-1", "at-1", "at-1"]);
  assert.equal(calls.length, 1);
  // Several requests sent with the old token report 401 right after a refresh: keep the new one.
  provider.invalidate();
  assert.equal(await provider.getToken(), "at-1");
  time.now += 10_000;
  provider.invalidate();
  assert.equal(await provider.getToken(), "at-2");
  assert.equal(calls.length, 2);
});

Deno.test("user tokens: a revoked refresh token asks to log in again (AuthError, exit 3)", async () => {
  const { provider, saved } = userProvider(
    () => json({ error: "invalid_grant", error_description: "Refresh token revoked" }, 400),
    { expiresAt: 0 },
  );
  await assert.rejects(provider.getToken(), (error: unknown) => {
    assert.ok(error instanceof AuthError);
    assert.equal(error.exitCode, ExitCode.auth);
    assert.match(error.message, /expired or was revoked/);
    assert.match(error.hint ?? "", /tunedl login.*log in again/);
    assert.ok(!error.message.includes("rt-0"), "never prints the refresh token");
    return true;
  });
  assert.equal(saved.length, 0);
});

Deno.test("user tokens: a refresh token rotated by another run is picked up from the saved login", async () => {
  const time = new VirtualTime();
  const { fetch, calls } = scriptedFetch((call) => {
    const used = new URLSearchParams(call.body).get("refresh_token");
    if (used !== "rt-other") return json({ error: "invalid_grant" }, 400);
    return json({ access_token: "at-mine", expires_in: 3600, refresh_token: "rt-mine" });
  }, time);
  let saved: UserTokens = {
    accessToken: "at-other",
    refreshToken: "rt-other",
    expiresAt: 0, // expired too: refresh with the other run's refresh token
    scope: [],
  };
  const provider = new UserTokenProvider({
    clientId: "my-id",
    tokens: { accessToken: "at-0", refreshToken: "rt-0", expiresAt: 0, scope: [] },
    accountsUrl: ACCOUNTS,
    fetch,
    clock: time.clock,
    reload: () => Promise.resolve(saved),
    onRefresh: (tokens) => {
      saved = tokens;
    },
  });
  assert.equal(await provider.getToken(), "at-mine");
  assert.deepEqual(
    calls.map((c) => new URLSearchParams(c.body).get("refresh_token")),
    ["rt-0", "rt-other"],
  );
  assert.equal(saved.refreshToken, "rt-mine");

  // The saved login has a valid access token: use it without another refresh.
  const fresh = new UserTokenProvider({
    clientId: "my-id",
    tokens: { accessToken: "at-0", refreshToken: "rt-0", expiresAt: 0, scope: [] },
    accountsUrl: ACCOUNTS,
    fetch: scriptedFetch(() => json({ error: "invalid_grant" }, 400)).fetch,
    clock: time.clock,
    reload: () =>
      Promise.resolve({
        accessToken: "at-saved",
        refreshToken: "rt-saved",
        expiresAt: time.now + 3600_000,
        scope: [],
      }),
  });
  assert.equal(await fresh.getToken(), "at-saved");

  // Nothing newer saved: the login is really gone.
  const gone = new UserTokenProvider({
    clientId: "my-id",
    tokens: { accessToken: "at-0", refreshToken: "rt-0", expiresAt: 0, scope: [] },
    accountsUrl: ACCOUNTS,
    fetch: scriptedFetch(() => json({ error: "invalid_grant" }, 400)).fetch,
    clock: time.clock,
    reload: () =>
      Promise.resolve({ accessToken: "at-0", refreshToken: "rt-0", expiresAt: 0, scope: [] }),
  });
  await assert.rejects(gone.getToken(), /expired or was revoked/);
});

Deno.test("user tokens: 5xx and network failures are retried, then a ServiceUnreachableError", async () => {
  let n = 0;
  const { provider, calls } = userProvider(() => {
    n++;
    if (n === 1) throw new TypeError("connection reset");
    if (n === 2) return json({ error: "server_error" }, 503);
    return tokenAnswer("at-9");
  }, { expiresAt: 0 });
  assert.equal(await provider.getToken(), "at-9");
  assert.equal(calls.length, 3);

  const failing = userProvider(() => json({ error: "server_error" }, 502), { expiresAt: 0 });
  await assert.rejects(failing.provider.getToken(), ServiceUnreachableError);
  assert.equal(failing.calls.length, 3); // first try + maxRetries 2
});

Deno.test("user tokens: a 401 from the API refreshes the token, then the call succeeds", async () => {
  const time = new VirtualTime();
  let refreshed = 0;
  const { fetch, calls } = scriptedFetch((call) => {
    if (call.url.pathname === "/api/token") {
      refreshed++;
      return json({ access_token: "at-new", expires_in: 3600, refresh_token: "rt-new" });
    }
    if (call.authorization !== "Bearer at-new") {
      return json({ error: { status: 401, message: "The access token expired" } }, 401);
    }
    return json({ id: "me-id", display_name: "Me" });
  }, time);
  const provider = new UserTokenProvider({
    clientId: "my-id",
    tokens: {
      accessToken: "at-old",
      refreshToken: "rt-old",
      expiresAt: time.now + 3600_000,
      scope: [],
    },
    accountsUrl: ACCOUNTS,
    fetch,
    clock: time.clock,
    sleep: time.sleep,
  });
  const client = new SpotifyClient({
    apiUrl: API,
    tokenProvider: provider,
    fetch,
    clock: time.clock,
    sleep: time.sleep,
    rateLimit: { enabled: false, requests: 1, windowMs: 1 },
  });
  assert.deepEqual(await fetchCurrentUser(client), { id: "me-id", displayName: "Me" });
  assert.equal(refreshed, 1);
  assert.deepEqual(calls.map((c) => c.url.pathname), ["/v1/me", "/api/token", "/v1/me"]);
});

Deno.test("probe of the authorize URL: redirect URI and client problems, else ok", async () => {
  const url = authorizationUrl("my-id", {
    redirectUri: REDIRECT,
    codeChallenge: "c".repeat(43),
    state: "s",
    accountsUrl: ACCOUNTS,
  });
  const page = (status: number, text: string) => () => new Response(text, { status });
  const cases = [
    { answer: page(400, "INVALID_CLIENT: Invalid redirect URI"), message: /redirect URI/ },
    { answer: page(400, "INVALID_CLIENT: Invalid client"), message: /client id my-id/ },
    {
      answer: () => new Response(null, { status: 303, headers: { location: `${ACCOUNTS}/login` } }),
      message: undefined,
    },
  ];
  for (const c of cases) {
    const { fetch, calls } = scriptedFetch(c.answer);
    const probe = await probeAuthorizeUrl(url, { fetch });
    assert.equal(calls[0].url.href, url);
    if (!c.message) {
      assert.equal(probe.ok, true);
      continue;
    }
    assert.equal(probe.ok, false);
    if (probe.ok) continue;
    assert.match(probe.error.message, c.message);
    if (/redirect/.test(probe.error.message)) {
      assert.match(
        probe.error.hint ?? "",
        new RegExp(`Add ${REDIRECT} to your app's Redirect URIs`),
      );
    }
  }
});
