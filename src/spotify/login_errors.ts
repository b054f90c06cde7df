/**
 * Failures of the user login (Authorization Code + PKCE) and of what needs it.
 * Messages never contain a token; hints say what to run or change.
 */
import { AuthError } from "../errors/mod.ts";
import { PlaylistWithheldError, SPOTIFY_DASHBOARD_URL } from "./errors.ts";

/** The stored login no longer works; still an AuthError (exit 3, ends the run). */
export class LoginExpiredError extends AuthError {}

/** The stored login's refresh token was refused: expired, revoked, or reset. */
export function loginExpiredError(detail?: string, cause?: unknown): LoginExpiredError {
  return new LoginExpiredError(
    `your Spotify login has expired or was revoked${detail ? ` (${detail})` : ""}`,
    { hint: "Run `tunedl login` to log in again.", cause },
  );
}

/** Liked Songs were asked for, but there is no user login to read them with. */
export function likedSongsNeedLoginError(): AuthError {
  return new AuthError("Liked Songs need a Spotify login", {
    hint: "Run `tunedl login` once (it opens Spotify in your browser), then run this again.",
  });
}

/** Spotify refuses the redirect URI: it is not among the app's registered Redirect URIs. */
export function redirectUriMismatchError(redirectUri: string): AuthError {
  return new AuthError(`Spotify does not accept the redirect URI ${redirectUri} for this app`, {
    hint: `Add ${redirectUri} to your app's Redirect URIs in the dashboard ` +
      `(${SPOTIFY_DASHBOARD_URL}, your app, Settings), or use the port of a redirect URI ` +
      `registered there (--port, or download.login_redirect_port in config.yaml).`,
  });
}

/** Spotify's authorize page does not know the client id. */
export function unknownClientError(
  clientId: string,
  origin = "client_id in your config.yaml (download: section)",
): AuthError {
  return new AuthError(`Spotify does not know the client id ${clientId}`, {
    hint: `Check ${origin} against your app at ${SPOTIFY_DASHBOARD_URL}.`,
  });
}

/** The user declined (or Spotify refused) the login on the authorize page. */
export function loginDeclinedError(code: string, description?: string): AuthError {
  const declined = code === "access_denied";
  return new AuthError(
    declined
      ? "The Spotify login was declined in the browser"
      : `Spotify refused the login (${code}${description ? `: ${description}` : ""})`,
    {
      hint: declined
        ? "Run `tunedl login` again and choose Agree on Spotify's page."
        : "Run `tunedl login` again; if it keeps failing, check the app's settings at " +
          `${SPOTIFY_DASHBOARD_URL}.`,
    },
  );
}

/** The browser's answer carries another login attempt's state (or none). */
export function loginStateMismatchError(): AuthError {
  return new AuthError(
    "the login answer does not belong to this login attempt (its state does not match)",
    { hint: "Run `tunedl login` again and open only the URL it prints." },
  );
}

/** The token endpoint refused to trade the authorization code for tokens. */
export function codeExchangeRefusedError(code: string, description: string): AuthError {
  return new AuthError(
    `Spotify refused the login code (${code}${description ? `: ${description}` : ""})`,
    {
      hint: "Run `tunedl login` again; the code is valid only once and only for a few minutes.",
    },
  );
}

/**
 * A withheld playlist while logged in: it is not the user's own, and no login
 * can change that. The hint says so instead of suggesting to log in.
 */
export function withheldFromOtherUserError(
  error: PlaylistWithheldError,
  user: { id: string; name?: string },
): PlaylistWithheldError {
  const who = user.name && user.name !== user.id ? `${user.name} (${user.id})` : user.id;
  return new PlaylistWithheldError({ id: error.playlistId, name: error.playlistName }, {
    hint: `This is someone else's playlist: you are logged in as ${who}, and since 2026 ` +
      "Spotify only lists the tracks of playlists you own or collaborate on. Copy its tracks " +
      "into a playlist of your own in the Spotify app (or ask its owner to make you a " +
      "collaborator) and list that one instead.",
    cause: error.cause,
  });
}
