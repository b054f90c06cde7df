/**
 * `tunedl login` / `logout` end to end: the real CLI in a subprocess against
 * the fake accounts service and API. The test plays the browser: it reads the
 * authorization URL the CLI prints, GETs it (the fake approves at once with a
 * redirect) and follows the redirect to the CLI's callback server, all on
 * 127.0.0.1. Then the saved login is used the way a user would: `plan` in
 * 2026 mode reads the user's own playlist and explains why someone else's is
 * withheld; a revoked login asks to log in again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempWorkspace, runTunedl, type TempWorkspace } from "../fakes/cli_runner.ts";
import {
  catalogWithOwnedPlaylist,
  freePort,
  loginThroughBrowser,
  OTHERS_PLAYLIST,
  OWNED_PLAYLIST,
  USER_ID,
} from "../fakes/login_browser.ts";
import { type FakeSpotifyOptions, startFakeSpotify } from "../fakes/spotify_fake.ts";
import type { PlanItem } from "../../src/plan/mod.ts";

/** A fake Spotify, a workspace with a config for it, and the env pointing the CLI there. */
async function setUp(
  fakeOptions: FakeSpotifyOptions = {},
  download: Record<string, unknown> = {},
) {
  const fake = await startFakeSpotify({
    mode: "2026",
    catalog: await catalogWithOwnedPlaylist(),
    ...fakeOptions,
  });
  const work = await makeTempWorkspace({ prefix: "tunedl-login-" });
  const port = freePort();
  const config = await work.writeConfig({
    version: "1.2",
    download: { login_redirect_port: port, ...download },
    playlists: [
      `https://open.spotify.com/playlist/${OWNED_PLAYLIST}`,
      `https://open.spotify.com/playlist/${OTHERS_PLAYLIST}`,
    ],
  });
  const env = {
    TUNEDL_SPOTIFY_API_URL: fake.url,
    TUNEDL_SPOTIFY_ACCOUNTS_URL: fake.accountsUrl,
    TUNEDL_CACHE_DIR: work.cacheDir,
    SPOTIFY_CLIENT_ID: fake.clientId,
    SPOTIFY_CLIENT_SECRET: fake.clientSecret,
  };
  return {
    fake,
    work,
    port,
    config,
    env,
    tokensFile: join(work.cacheDir, "tokens.json"),
    async [Symbol.asyncDispose]() {
      await fake.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

interface PlanJson {
  items: PlanItem[];
}

async function planJson(
  setup: { config: string; env: Record<string, string>; work: TempWorkspace },
): Promise<PlanJson> {
  const run = await runTunedl(["plan", "--config", setup.config, "--json"], {
    env: setup.env,
    cwd: setup.work.dir,
  });
  // Exit 1: someone else's playlist is always withheld, a source that cannot be read.
  assert.equal(run.code, 1, `plan exit code:\n${run.stderr}`);
  return JSON.parse(run.stdout) as PlanJson;
}

function tokensOf(text: string): string[] {
  const file = JSON.parse(text);
  return [file.access_token, file.refresh_token];
}

Deno.test("login end to end: PKCE with the fake, a private token file, then own playlists are read", async () => {
  await using setup = await setUp();
  const { fake, work, config, env } = setup;

  // Without a login: client credentials, and the hint says to log in.
  const before = await planJson(setup);
  const withheldBefore = before.items.find((i) => i.id === `playlist:${OWNED_PLAYLIST}`);
  assert.equal(withheldBefore?.skip_reason, "withheld");
  assert.match(withheldBefore?.error?.hint ?? "", /tunedl login/);

  const run = await loginThroughBrowser(["--config", config], { env, cwd: work.dir });
  assert.equal(run.code, 0, `login failed:\n${run.stderr}`);
  assert.equal(run.authorizeStatus, 302);
  assert.match(run.callbackPage ?? "", /Logged in/);
  assert.match(run.stdout, /Logged in to Spotify as Fake User \(fake-user\)/);

  // The authorize request: the configured port, S256, and only the read scopes.
  const authorize = new URL(run.authorizeUrl!);
  assert.equal(authorize.origin, fake.accountsUrl);
  assert.equal(
    authorize.searchParams.get("redirect_uri"),
    `http://127.0.0.1:${setup.port}/callback`,
  );
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
  assert.equal(
    authorize.searchParams.get("scope"),
    "playlist-read-private playlist-read-collaborative user-library-read",
  );
  assert.equal(fake.counts()["POST /api/token"] >= 1, true);
  assert.equal(fake.counts()["GET /v1/me"], 1);

  // The token file: owner-only, for this client, no token on the terminal. Windows has no
  // POSIX mode to check (stat's mode is null there).
  const info = await Deno.stat(setup.tokensFile);
  if (Deno.build.os !== "windows") assert.equal(info.mode! & 0o777, 0o600);
  const text = await Deno.readTextFile(setup.tokensFile);
  const file = JSON.parse(text);
  assert.equal(file.client_id, fake.clientId);
  assert.equal(file.user_id, USER_ID);
  for (const token of tokensOf(text)) {
    assert.ok(typeof token === "string" && token.length > 10);
    assert.ok(!run.stdout.includes(token) && !run.stderr.includes(token), "a token was printed");
  }

  // With the login: the own playlist has its tracks, someone else's is withheld, explained.
  const plan = await planJson(setup);
  const owned = plan.items.find((i) => i.id === `playlist:${OWNED_PLAYLIST}`);
  assert.equal(owned?.status, "pending", JSON.stringify(owned));
  assert.equal(owned?.children.length, 9); // 10 rows, one removed track
  const others = plan.items.find((i) => i.id === `playlist:${OTHERS_PLAYLIST}`);
  assert.equal(others?.status, "skipped");
  assert.equal(others?.skip_reason, "withheld");
  assert.match(others?.error?.hint ?? "", /someone else's playlist/);
  assert.match(others?.error?.hint ?? "", /Copy its tracks into a playlist of your own/);
  assert.doesNotMatch(others?.error?.hint ?? "", /run `tunedl login`/);
  assert.ok(fake.requests.some((r) => r.path === `/v1/playlists/${OWNED_PLAYLIST}`));

  // logout forgets it, and says when there was nothing to forget.
  const logout = await runTunedl(["logout"], { env, cwd: work.dir });
  assert.equal(logout.code, 0, logout.stderr);
  assert.match(logout.stdout, /Logged out/);
  await assert.rejects(Deno.stat(setup.tokensFile), Deno.errors.NotFound);
  const again = await runTunedl(["logout"], { env, cwd: work.dir });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /Not logged in/);
});

Deno.test("an expired access token is refreshed and the rotated refresh token saved; a revoked one asks to log in again", async () => {
  await using setup = await setUp({ tokenTtlSeconds: 3600 });
  const { fake, work, config, env } = setup;
  const run = await loginThroughBrowser(["--config", config], { env, cwd: work.dir });
  assert.equal(run.code, 0, run.stderr);
  const [, firstRefresh] = tokensOf(await Deno.readTextFile(setup.tokensFile));

  fake.expireTokens();
  const plan = await planJson(setup);
  assert.equal(plan.items.find((i) => i.id === `playlist:${OWNED_PLAYLIST}`)?.status, "pending");
  const saved = await Deno.readTextFile(setup.tokensFile);
  const [, secondRefresh] = tokensOf(saved);
  assert.notEqual(secondRefresh, firstRefresh, "the rotated refresh token was saved");
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(setup.tokensFile)).mode! & 0o777, 0o600);
  }

  fake.revokeUserTokens();
  const revoked = await runTunedl(["plan", "--config", config], { env, cwd: work.dir });
  assert.equal(revoked.code, 3, revoked.stderr);
  assert.match(revoked.stderr, /expired or was revoked/);
  assert.match(revoked.stderr, /log in again/);
  for (const token of tokensOf(saved)) assert.ok(!revoked.stderr.includes(token));
});

Deno.test("login fails clearly: unregistered redirect URI, declined, wrong state, another client's login", async () => {
  await using setup = await setUp({ redirectUris: ["http://127.0.0.1:1/callback"] });
  const { fake, work, config, env, port } = setup;

  const mismatch = await runTunedl(["login", "--config", config, "--no-browser"], {
    env,
    cwd: work.dir,
  });
  assert.equal(mismatch.code, 3, mismatch.stderr);
  assert.match(mismatch.stderr, /does not accept the redirect URI/);
  assert.match(
    mismatch.stderr,
    new RegExp(`Add http://127\\.0\\.0\\.1:${port}/callback to your app's Redirect URIs`),
  );

  // --port picks the registered one... which the fake now allows for the port we own.
  const other = freePort();
  fake.setRedirectUris([`http://127.0.0.1:${other}/callback`]);
  fake.setDenyLogin(true);
  const declined = await loginThroughBrowser(["--config", config, "--port", String(other)], {
    env,
    cwd: work.dir,
  });
  assert.equal(declined.code, 3, declined.stderr);
  assert.equal(
    new URL(declined.authorizeUrl!).searchParams.get("redirect_uri"),
    `http://127.0.0.1:${other}/callback`,
  );
  assert.match(declined.stderr, /declined/);
  assert.match(declined.callbackPage ?? "", /Login failed/);

  fake.setDenyLogin(false);
  const forged = await loginThroughBrowser(["--config", config, "--port", String(other)], {
    env,
    cwd: work.dir,
    tamper: (callback) => {
      callback.searchParams.set("state", "someone-elses-state");
      return callback;
    },
  });
  assert.equal(forged.code, 3, forged.stderr);
  assert.match(forged.stderr, /state does not match/);
  await assert.rejects(Deno.stat(setup.tokensFile), Deno.errors.NotFound);

  // A login saved for another client id is ignored with a warning.
  const ok = await loginThroughBrowser(["--config", config, "--port", String(other)], {
    env,
    cwd: work.dir,
  });
  assert.equal(ok.code, 0, ok.stderr);
  const otherClient = await runTunedl(["plan", "--config", config, "--json"], {
    env: { ...env, SPOTIFY_CLIENT_ID: "another-client" },
    cwd: work.dir,
  });
  assert.match(otherClient.stderr, /made with another client id; ignoring it/);
});

Deno.test("login and logout without a config file when the credentials are in the environment", async () => {
  await using setup = await setUp();
  const { fake, env } = setup;
  // A folder without config.yaml: the environment is all there is.
  await using empty = await makeTempWorkspace({ prefix: "tunedl-login-noconfig-" });
  const port = freePort();
  const run = await loginThroughBrowser(["--port", String(port)], { env, cwd: empty.dir });
  assert.equal(run.code, 0, `login failed:\n${run.stderr}`);
  assert.match(run.stdout, /Logged in to Spotify as Fake User/);
  assert.equal(JSON.parse(await Deno.readTextFile(setup.tokensFile)).client_id, fake.clientId);

  const logout = await runTunedl(["logout"], { env, cwd: empty.dir });
  assert.equal(logout.code, 0, logout.stderr);
  assert.match(logout.stdout, /Logged out/);

  // A config named on the command line must exist, credentials or not.
  const named = await runTunedl(["login", "--config", join(empty.dir, "nope.yaml")], {
    env,
    cwd: empty.dir,
  });
  assert.equal(named.code, 2, named.stderr);
  assert.match(named.stderr, /config file not found/);
  // Without a config and without SPOTIFY_CLIENT_ID: the usual missing-config error.
  const bare = await runTunedl(["login"], {
    env: { TUNEDL_CACHE_DIR: setup.work.cacheDir },
    cwd: empty.dir,
  });
  assert.equal(bare.code, 2, bare.stderr);
  assert.match(bare.stderr, /config file not found/);
});

Deno.test("a rejected client id/secret: the hint says where the credentials came from", async () => {
  await using setup = await setUp();
  const { work, config, env } = setup;
  const wrong = { ...env, SPOTIFY_CLIENT_SECRET: "not-the-secret" };
  const fromEnv = await runTunedl(["plan", "--config", config], { env: wrong, cwd: work.dir });
  assert.equal(fromEnv.code, 3, fromEnv.stderr);
  assert.match(
    fromEnv.stderr,
    /hint: Check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET in the environment/,
  );

  const inFile = await work.writeConfig({
    version: "1.2",
    download: { client_id: env.SPOTIFY_CLIENT_ID, client_secret: "not-the-secret" },
    songs: ["https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU"],
  }, { name: "file-credentials.yaml" });
  const { SPOTIFY_CLIENT_ID: _id, SPOTIFY_CLIENT_SECRET: _secret, ...noCredentials } = env;
  const fromFile = await runTunedl(["plan", "--config", inFile], {
    env: noCredentials,
    cwd: work.dir,
  });
  assert.equal(fromFile.code, 3, fromFile.stderr);
  assert.ok(
    fromFile.stderr.includes(`hint: Check client_id and client_secret in ${inFile}`),
    fromFile.stderr,
  );
});
