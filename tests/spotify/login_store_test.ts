/**
 * The saved login file: round trip, owner-only mode, logins of another client
 * or damaged files ignored with a warning, deletion, and a refresh through
 * openStoredLogin writing the rotated refresh token back.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  deleteStoredLogin,
  openStoredLogin,
  readStoredLogin,
  saveStoredLogin,
  type StoredLogin,
} from "../../src/spotify/login_store.ts";

const LOGIN: StoredLogin = {
  clientId: "client-a",
  user: { id: "user-1", displayName: "User One" },
  tokens: {
    accessToken: "access-secret",
    refreshToken: "refresh-secret",
    expiresAt: Date.UTC(2026, 2, 10, 12, 0, 0),
    scope: ["playlist-read-private", "user-library-read"],
  },
};

// Windows has no POSIX modes (stat's mode is null, chmod throws) and the store sets none there,
// so only the mode checks are skipped.
const POSIX_MODES = Deno.build.os !== "windows";

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-tokens-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("token file: round trip, mode 0600 (also over a wider existing file)", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "nested", "tokens.json");
    await saveStoredLogin(path, LOGIN);
    if (POSIX_MODES) assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual(await readStoredLogin(path, { clientId: "client-a" }), LOGIN);
    const raw = JSON.parse(await Deno.readTextFile(path));
    assert.equal(raw.client_id, "client-a");
    assert.equal(raw.expires_at, "2026-03-10T12:00:00.000Z");

    if (POSIX_MODES) await Deno.chmod(path, 0o644);
    await saveStoredLogin(path, LOGIN);
    assert.deepEqual(await readStoredLogin(path, { clientId: "client-a" }), LOGIN);
    if (POSIX_MODES) assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  });
});

Deno.test("token file: missing is silent; another client id or damage is ignored with a warning", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "tokens.json");
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    assert.equal(await readStoredLogin(path, { clientId: "client-a", warn }), undefined);
    assert.equal(warnings.length, 0);

    await saveStoredLogin(path, LOGIN);
    assert.equal(await readStoredLogin(path, { clientId: "client-b", warn }), undefined);
    assert.match(warnings[0], /another client id; ignoring it/);

    for (const damaged of ["{not json", "{}", JSON.stringify({ client_id: "client-a" })]) {
      await Deno.writeTextFile(path, damaged);
      assert.equal(await readStoredLogin(path, { clientId: "client-a", warn }), undefined);
    }
    assert.equal(warnings.filter((w) => /damaged/.test(w)).length, 3);
    assert.ok(warnings.every((w) => !w.includes("secret")), "a warning shows a token");
  });
});

Deno.test("token file: delete says whether there was a login", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "tokens.json");
    await saveStoredLogin(path, LOGIN);
    assert.equal(await deleteStoredLogin(path), true);
    assert.equal(await deleteStoredLogin(path), false);
  });
});

Deno.test("openStoredLogin: a refresh writes the rotated refresh token back", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "tokens.json");
    await saveStoredLogin(path, { ...LOGIN, tokens: { ...LOGIN.tokens, expiresAt: 0 } });
    const bodies: string[] = [];
    const fetchFn = async (_input: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(String(init?.body));
      await Promise.resolve();
      return Response.json({ access_token: "access-2", expires_in: 3600, refresh_token: "r-2" });
    };
    const opened = await openStoredLogin(path, {
      clientId: "client-a",
      accountsUrl: "https://accounts.test",
      warn: (message) => assert.fail(message),
      fetch: fetchFn as typeof fetch,
    });
    assert.ok(opened);
    assert.deepEqual(opened.login.user, LOGIN.user);
    assert.equal(await opened.tokenProvider.getToken(), "access-2");
    assert.equal(new URLSearchParams(bodies[0]).get("refresh_token"), "refresh-secret");
    const saved = await readStoredLogin(path, { clientId: "client-a" });
    assert.equal(saved?.tokens.refreshToken, "r-2");
    assert.equal(saved?.tokens.accessToken, "access-2");
    if (POSIX_MODES) assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  });
});
