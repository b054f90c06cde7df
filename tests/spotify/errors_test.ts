import { formatClockTime } from "../../src/util/mod.ts";
import { spotifyUrl } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import { ExitCode, NetworkError, TunedlError } from "../../src/errors/mod.ts";
import {
  PlaylistWithheldError,
  RateLimitedError,
  SpotifyHttpError,
} from "../../src/spotify/mod.ts";
import {
  premiumRequiredError,
  spotifyNotFoundError,
  tokenRefusedError,
} from "../../src/spotify/errors.ts";

Deno.test("spotifyUrl builds open.spotify.com links", () => {
  assert.equal(spotifyUrl("album", "abc"), "https://open.spotify.com/album/abc");
});

Deno.test("not found names the Spotify URL", () => {
  const error = spotifyNotFoundError("track", "0000000000000000000000");
  assert.equal(error.code, "not_found");
  assert.match(error.message, /https:\/\/open\.spotify\.com\/track\/0000000000000000000000/);
  assert.equal(error.retryable, false);
});

Deno.test("Premium refusal explains the 2026 rule", () => {
  const error = premiumRequiredError(
    "Active premium subscription required for the owner of the app.",
  );
  assert.equal(error.code, "auth");
  assert.equal(error.exitCode, ExitCode.auth);
  assert.match(
    error.message,
    /the Spotify app's owner needs Spotify Premium \(required since 2026 for Development Mode apps\)/,
  );
  assert.ok(error.hint);
  assert.equal(error.retryable, false);
});

Deno.test("a withheld playlist is not fatal and says how to get it", () => {
  const error = new PlaylistWithheldError({ id: "5LkNhFidYyyjRWwnkcMbQs", name: "Mix" });
  assert.ok(error instanceof TunedlError);
  assert.equal(error.code, "playlist_withheld");
  assert.equal(error.retryable, false);
  assert.match(error.message, /"Mix"/);
  assert.match(error.message, /open\.spotify\.com\/playlist\/5LkNhFidYyyjRWwnkcMbQs/);
  assert.match(error.hint ?? "", /tunedl login/);
  assert.match(error.hint ?? "", /copy/);
  assert.equal(error.url, "https://open.spotify.com/playlist/5LkNhFidYyyjRWwnkcMbQs");
});

Deno.test("rate limited says when to try again, in clock time", () => {
  const now = new Date(2026, 2, 10, 14, 0, 0).getTime();
  const error = new RateLimitedError(2 * 3600_000, now);
  assert.ok(error instanceof NetworkError);
  assert.equal(error.code, "rate_limited");
  assert.equal(error.retryable, true);
  assert.equal(error.retryAt, now + 2 * 3600_000);
  assert.match(error.message, /2h 00m/);
  assert.ok(error.message.includes(`try again after ${formatClockTime(error.retryAt)}`));
  assert.ok(error.message.includes("2026-03-10 16:00:00"));
});

Deno.test("other errors carry status and path, never a token", () => {
  const http = new SpotifyHttpError(400, "Invalid limit", "/v1/search?q=x&limit=50");
  assert.equal(http.status, 400);
  assert.match(http.message, /400.*Invalid limit.*\/v1\/search/);
  const refused = tokenRefusedError("The access token expired");
  assert.equal(refused.code, "auth");
  assert.match(refused.message, /expired/);
});
