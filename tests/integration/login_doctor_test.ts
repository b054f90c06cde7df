/**
 * `tunedl doctor` about the login: not logged in (a warning), an unregistered
 * redirect URI (with the address to add in the dashboard), logged in (who),
 * and a revoked login (an error that asks to log in again). The real CLI in a
 * subprocess against the fake Spotify.
 */
import assert from "node:assert/strict";
import { makeTempWorkspace, runTunedl } from "../fakes/cli_runner.ts";
import { freePort, loginThroughBrowser } from "../fakes/login_browser.ts";
import { startFakeSpotify } from "../fakes/spotify_fake.ts";

interface DoctorJson {
  ok: boolean;
  checks: { name: string; status: string; detail: string; fix?: string }[];
}

Deno.test("doctor reports the login state, a redirect URI mismatch and a revoked login", async () => {
  await using fake = await startFakeSpotify({
    mode: "2026",
    redirectUris: ["http://127.0.0.1:1/callback"],
  });
  await using work = await makeTempWorkspace({ prefix: "tunedl-login-doctor-" });
  const port = freePort();
  const config = await work.writeConfig({
    version: "1.2",
    download: { login_redirect_port: port, output: "music/{artist}/{title}.{output-ext}" },
    liked_songs: true,
  });
  const env = {
    TUNEDL_SPOTIFY_API_URL: fake.url,
    TUNEDL_SPOTIFY_ACCOUNTS_URL: fake.accountsUrl,
    TUNEDL_CACHE_DIR: work.cacheDir,
    SPOTIFY_CLIENT_ID: fake.clientId,
    SPOTIFY_CLIENT_SECRET: fake.clientSecret,
  };
  const doctor = async () => {
    const run = await runTunedl(["doctor", "--config", config, "--json"], { env, cwd: work.dir });
    const report = JSON.parse(run.stdout) as DoctorJson;
    const check = (name: string) => {
      const found = report.checks.find((c) => c.name === name);
      assert.ok(found, `no "${name}" check in ${run.stdout}`);
      return found;
    };
    return { run, report, login: check("spotify login"), redirect: check("login redirect") };
  };

  const before = await doctor();
  assert.equal(before.login.status, "warn");
  assert.match(before.login.detail, /not logged in.*Liked Songs need a login/);
  assert.match(before.login.fix ?? "", /tunedl login/);
  assert.equal(before.redirect.status, "warn");
  assert.match(before.redirect.detail, /does not accept the redirect URI/);
  assert.match(
    before.redirect.fix ?? "",
    new RegExp(`Add http://127\\.0\\.0\\.1:${port}/callback to your app's Redirect URIs`),
  );

  fake.setRedirectUris([`http://127.0.0.1:${port}/callback`]);
  const login = await loginThroughBrowser(["--config", config], { env, cwd: work.dir });
  assert.equal(login.code, 0, login.stderr);
  const after = await doctor();
  assert.equal(after.login.status, "ok", JSON.stringify(after.login));
  assert.match(after.login.detail, /logged in as Fake User \(fake-user\)/);
  assert.equal(after.redirect.status, "ok");

  fake.revokeUserTokens();
  const revoked = await doctor();
  assert.equal(revoked.login.status, "error");
  assert.match(revoked.login.detail, /expired or was revoked/);
  assert.match(revoked.login.fix ?? "", /log in again/);
  assert.equal(revoked.report.ok, false);
  assert.equal(revoked.run.code, 1);
  // Tokens never reach the report.
  const saved = JSON.parse(await Deno.readTextFile(`${work.cacheDir}/tokens.json`));
  assert.ok(!revoked.run.stdout.includes(saved.refresh_token));
});
