/** Doctor checks that depend on optional features: the Spotify login and its redirect URI. */
import type { LoadedConfig } from "../config/mod.ts";
import { isTunedlError } from "../errors/mod.ts";
import {
  authorizationUrl,
  fetchCurrentUser,
  loopbackRedirectUri,
  probeAuthorizeUrl,
} from "../spotify/mod.ts";
import type { CliIo } from "./io.ts";
import type { DoctorCheck } from "./doctor_check.ts";
import { loginFor, spotifyClientFor } from "./run_context.ts";

/** The login state (and whether it still works) and the redirect URI `tunedl login` needs. */
export async function extraDoctorChecks(loaded: LoadedConfig, io: CliIo): Promise<DoctorCheck[]> {
  if (!loaded.config.download.client_id) return []; // the credentials check already says so
  return [await loginCheck(loaded, io), await redirectUriCheck(loaded, io)];
}

async function loginCheck(loaded: LoadedConfig, io: CliIo): Promise<DoctorCheck> {
  const warnings: string[] = [];
  const opened = await loginFor(loaded, { ...io, err: (text) => warnings.push(text.trim()) });
  if (!opened) {
    const liked = loaded.config.liked_songs;
    return {
      name: "spotify login",
      status: "warn",
      detail: warnings.length > 0
        ? warnings[0].replace(/^warning: /, "")
        : liked
        ? "not logged in, but liked_songs is on: Liked Songs need a login"
        : "not logged in (playlists are read with the app's credentials)",
      fix: "Run `tunedl login` to read your own playlists (since 2026 Spotify lists a " +
        "playlist's tracks only for its owner) and your Liked Songs.",
    };
  }
  const { login, tokenProvider } = opened;
  const who = login.user.displayName
    ? `${login.user.displayName} (${login.user.id})`
    : login.user.id;
  try {
    // A refresh proves the login was not revoked (an old access token may still work for a while).
    tokenProvider.invalidate();
    const client = spotifyClientFor(loaded, io, { tokenProvider });
    await fetchCurrentUser(client, { signal: AbortSignal.timeout(20_000) });
    return { name: "spotify login", status: "ok", detail: `logged in as ${who}` };
  } catch (error) {
    if (!isTunedlError(error)) throw error;
    return {
      name: "spotify login",
      // Spotify not answering says nothing about the login: a warning, not a failed check.
      status: ["network", "timeout", "unreachable"].includes(error.code) ? "warn" : "error",
      detail: `logged in as ${who}, but: ${error.message}`,
      fix: error.hint,
    };
  }
}

/** Asks Spotify's authorize page whether it accepts the redirect URI `tunedl login` would use. */
async function redirectUriCheck(loaded: LoadedConfig, io: CliIo): Promise<DoctorCheck> {
  const clientId = loaded.config.download.client_id ?? "";
  const redirectUri = loopbackRedirectUri(loaded.config.download.login_redirect_port);
  const url = authorizationUrl(clientId, {
    redirectUri,
    // Nobody logs in with this request: a placeholder challenge and state do.
    codeChallenge: "doctor-check-doctor-check-doctor-check-doctor",
    state: "doctor",
    accountsUrl: io.env.TUNEDL_SPOTIFY_ACCOUNTS_URL || undefined,
  });
  try {
    const probe = await probeAuthorizeUrl(url, { signal: AbortSignal.timeout(20_000) });
    if (probe.ok) {
      return { name: "login redirect", status: "ok", detail: `${redirectUri} is registered` };
    }
    return {
      name: "login redirect",
      status: "warn",
      detail: probe.error.message,
      fix: probe.error.hint,
    };
  } catch (error) {
    return {
      name: "login redirect",
      status: "warn",
      detail: `could not ask Spotify's authorize page (${(error as Error).message})`,
      fix: "Check your internet connection (and TUNEDL_SPOTIFY_ACCOUNTS_URL if set).",
    };
  }
}
