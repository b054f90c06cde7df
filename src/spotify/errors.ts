/**
 * Spotify-specific failures. Each message names what failed and where; each
 * hint says what the user can do about it.
 */
import { formatClockTime, formatDuration } from "../util/mod.ts";
import { AuthError, NetworkError, NotFoundError, TunedlError } from "../errors/mod.ts";
import type { TunedlErrorOptions } from "../errors/mod.ts";
import { type SpotifyKind, spotifyUrl } from "../model/mod.ts";

/** Where Spotify app credentials are managed; hints point here. */
export const SPOTIFY_DASHBOARD_URL = "https://developer.spotify.com/dashboard";

/**
 * Spotify answered with a status the transport does not handle itself (400,
 * 403, 404, ...). The catalog client turns most of these into the specific
 * errors below; anything left over is reported as is.
 */
export class SpotifyHttpError extends TunedlError {
  /** Always "spotify_http". */
  override code = "spotify_http";
  /** `status` is the HTTP status Spotify answered with. */
  constructor(
    readonly status: number,
    /** Spotify's own message from the error body ("Forbidden", "Invalid limit"). */
    readonly apiMessage: string,
    /** Path and query of the request (never the token). */
    readonly path: string,
    options: TunedlErrorOptions = {},
  ) {
    super(`Spotify answered ${status} (${apiMessage || "no message"}) for GET ${path}`, {
      hint: "This is unexpected; try again later, and report it if it keeps happening.",
      ...options,
    });
  }
}

/**
 * Where the app's credentials were read from, for hints: "SPOTIFY_CLIENT_ID and
 * SPOTIFY_CLIENT_SECRET in the environment", "client_id and client_secret in /x/config.yaml".
 * The CLI knows; this default is for callers that do not say.
 */
export const DEFAULT_CREDENTIALS_ORIGIN =
  "client_id and client_secret in your config.yaml (download: section)";

/** Spotify rejected the app's client id/secret at the token endpoint. */
export function badCredentialsError(
  detail: string,
  cause?: unknown,
  origin: string = DEFAULT_CREDENTIALS_ORIGIN,
): AuthError {
  return new AuthError(`Spotify rejected the client id/secret (${detail || "invalid_client"})`, {
    hint: `Check ${origin} against your app at ${SPOTIFY_DASHBOARD_URL}; copy them again if ` +
      `you reset the secret.`,
    cause,
  });
}

/** No client id/secret were configured at all. */
export function missingCredentialsError(): AuthError {
  return new AuthError("no Spotify client id/secret configured", {
    hint: `Create an app at ${SPOTIFY_DASHBOARD_URL} and set SPOTIFY_CLIENT_ID and ` +
      `SPOTIFY_CLIENT_SECRET, or client_id and client_secret in your config.yaml ` +
      `(download: section).`,
  });
}

/** Whether a 403 body says the app owner lacks Premium (required since 2026). */
export function isPremiumRequiredMessage(message: string): boolean {
  return /premium/i.test(message);
}

/** The app owner's account has no Premium, so Spotify refuses every call. */
export function premiumRequiredError(apiMessage: string): AuthError {
  return new AuthError(
    "Spotify refused the request: the Spotify app's owner needs Spotify Premium " +
      "(required since 2026 for Development Mode apps)",
    {
      hint: `Subscribe the account that owns the app at ${SPOTIFY_DASHBOARD_URL} to Premium ` +
        `(Spotify said: "${apiMessage}"), or use client_id/client_secret from an app whose ` +
        `owner has Premium.`,
    },
  );
}

/** The access token was refused even after getting a fresh one. */
export function tokenRefusedError(
  apiMessage: string,
  origin: string = DEFAULT_CREDENTIALS_ORIGIN,
): AuthError {
  return new AuthError(`Spotify refused a fresh access token (${apiMessage || "401"})`, {
    hint: `Check ${origin} against ${SPOTIFY_DASHBOARD_URL}; ` +
      `if you use \`tunedl login\`, log in again.`,
  });
}

/** A Spotify entity does not exist (or is not available to this app). */
export function spotifyNotFoundError(
  kind: SpotifyKind,
  id: string,
  cause?: unknown,
): NotFoundError {
  const url = spotifyUrl(kind, id);
  return new NotFoundError(`Spotify has no ${kind} ${url}`, {
    hint: `Open ${url} in a browser to check the link in your config; the ${kind} may have ` +
      `been removed from Spotify.`,
    cause,
  });
}

/** What the withheld playlist is, as far as its metadata tells. */
export interface WithheldPlaylistInfo {
  /** Spotify's 22-character playlist id. */
  id: string;
  /** Playlist name, when the metadata gives one. */
  name?: string;
  /** The owner's display name, when the metadata gives one. */
  ownerName?: string;
}

/**
 * Spotify returns only a playlist's metadata, not its tracks: since 2026 it
 * does so for playlists the logged-in user neither owns nor collaborates on,
 * and always with client credentials. Not fatal: callers skip the playlist.
 */
export class PlaylistWithheldError extends TunedlError {
  /** Always "playlist_withheld". */
  override code = "playlist_withheld";
  /** Spotify's 22-character playlist id. */
  readonly playlistId: string;
  /** Playlist name; undefined when the metadata gave none. */
  readonly playlistName?: string;
  /** Canonical `https://open.spotify.com/playlist/<id>` URL. */
  readonly url: string;

  /** Names the playlist by name and URL in the message; not retryable. */
  constructor(playlist: WithheldPlaylistInfo, options: TunedlErrorOptions = {}) {
    const url = spotifyUrl("playlist", playlist.id);
    const label = playlist.name ? `"${playlist.name}" (${url})` : url;
    super(`Spotify withholds the tracks of playlist ${label}`, {
      hint: "Since 2026 Spotify only lists the tracks of playlists you own or collaborate on. " +
        "If this one is yours, run `tunedl login` and try again; otherwise copy its tracks " +
        "into a playlist of your own in the Spotify app and list that one instead.",
      retryable: false,
      ...options,
    });
    this.playlistId = playlist.id;
    this.playlistName = playlist.name;
    this.url = url;
  }
}

/** Spotify asked for a pause longer than the client is willing to wait. */
export class RateLimitedError extends NetworkError {
  /** Always "rate_limited". */
  override code = "rate_limited";
  /** When Spotify will accept requests again (epoch ms). */
  readonly retryAt: number;

  /**
   * `retryAfterMs` is Spotify's Retry-After in milliseconds, `now` the clock (epoch ms) when it
   * came.
   */
  constructor(retryAfterMs: number, now: number, options: TunedlErrorOptions = {}) {
    const retryAt = now + retryAfterMs;
    super(
      `Spotify rate limit: asked to wait ${formatDuration(retryAfterMs)}; ` +
        `try again after ${formatClockTime(retryAt)}`,
      {
        hint: "Run tunedl again after that time; what was already read is cached, so the " +
          "next run picks up where this one stopped.",
        retryable: true,
        ...options,
      },
    );
    this.retryAt = retryAt;
  }
}
