/**
 * `tunedl login` / `tunedl logout`: a one-time Spotify login (Authorization
 * Code + PKCE) through the browser and a callback server on 127.0.0.1, and
 * forgetting it again. The tokens go to the cache folder; they are never printed.
 */
import type { LoadedConfig } from "../config/mod.ts";
import { ConfigError, ServiceUnreachableError, TunedlError, UsageError } from "../errors/mod.ts";
import {
  createLoginRequest,
  deleteStoredLogin,
  exchangeAuthorizationCode,
  fetchCurrentUser,
  loginFile,
  loopbackRedirectUri,
  probeAuthorizeUrl,
  readAuthorizationCallback,
  saveStoredLogin,
  SPOTIFY_DASHBOARD_URL,
  UserTokenProvider,
} from "../spotify/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec, DEFAULT_LOGIN_TIMEOUT_SECONDS } from "./command_specs.ts";
import { loadConfigOrEnvironment } from "./config_source.ts";
import type { CliIo } from "./io.ts";
import { cachePathsFor, credentialsOrigin, spotifyClientFor } from "./run_context.ts";

const LOGIN = commandSpec("login");
const LOGOUT = commandSpec("logout");

export const loginCommand: Command = {
  summary: LOGIN.summary,
  usage: usageText(LOGIN),
  async run(argv, io) {
    const { flags } = parseCommandArgs("login", argv, {
      flags: parserFlags(LOGIN),
    });
    // Usage first: a bad flag should not wait on (or be hidden by) the config.
    const portFlag = flags.port === undefined ? undefined : parsePort(String(flags.port));
    const timeoutSeconds = flags.timeout === undefined
      ? DEFAULT_LOGIN_TIMEOUT_SECONDS
      : parseTimeout(String(flags.timeout));
    // SPOTIFY_CLIENT_ID in the environment is enough: no config file needed to log in.
    const loaded = await loadConfigOrEnvironment(flags, io);
    const clientId = loaded.config.download.client_id;
    if (!clientId) {
      throw new ConfigError(
        `${loaded.file}: the Spotify client id is missing (not in the environment either)`,
        {
          hint: "Set SPOTIFY_CLIENT_ID or download.client_id in the config (your app at " +
            `${SPOTIFY_DASHBOARD_URL}).`,
        },
      );
    }
    const port = portFlag ?? loaded.config.download.login_redirect_port;
    return await login(loaded, io, {
      clientId,
      port,
      timeoutMs: timeoutSeconds * 1000,
      openBrowser: flags["no-browser"] !== true,
    });
  },
};

export const logoutCommand: Command = {
  summary: LOGOUT.summary,
  usage: usageText(LOGOUT),
  async run(argv, io) {
    // --config is accepted for symmetry; the login does not depend on the config.
    parseCommandArgs("logout", argv, { flags: parserFlags(LOGOUT) });
    const path = loginFile(cachePathsFor(null, io).dir);
    if (await deleteStoredLogin(path)) {
      io.out(`Logged out: deleted the saved Spotify login ${path}.\n`);
    } else {
      io.out(`Not logged in: there was no saved Spotify login (${path}).\n`);
    }
    return 0;
  },
};

interface LoginSettings {
  clientId: string;
  port: number;
  timeoutMs: number;
  openBrowser: boolean;
}

async function login(loaded: LoadedConfig, io: CliIo, settings: LoginSettings): Promise<number> {
  const accountsUrl = io.env.TUNEDL_SPOTIFY_ACCOUNTS_URL || undefined;
  const origin = credentialsOrigin(loaded);
  const redirectUri = loopbackRedirectUri(settings.port);
  const request = await createLoginRequest(settings.clientId, { redirectUri, accountsUrl });

  // Spotify shows an unregistered redirect URI only on its own page, where
  // tunedl would never hear of it; asking first turns it into a clear error.
  let probe;
  try {
    probe = await probeAuthorizeUrl(request.url, { credentialsOrigin: origin });
  } catch (error) {
    if (error instanceof TunedlError && !error.retryable) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceUnreachableError(`Spotify's accounts service is not answering (${reason})`, {
      hint: "Check your internet connection (and TUNEDL_SPOTIFY_ACCOUNTS_URL if set).",
      cause: error,
    });
  }
  if (!probe.ok) throw probe.error;

  const callback = startCallbackServer(settings.port, request.state);
  let code: string;
  try {
    io.err(`Open this URL in your browser to log in to Spotify:\n${request.url}\n`);
    if (settings.openBrowser) openInBrowser(request.url, io);
    io.err(`Waiting up to ${Math.round(settings.timeoutMs / 1000)} s for the login...\n`);
    code = await withTimeout(callback.code, settings.timeoutMs);
  } finally {
    await callback.close();
  }

  const tokens = await exchangeAuthorizationCode(code, {
    clientId: settings.clientId,
    codeVerifier: request.codeVerifier,
    redirectUri,
    accountsUrl,
    credentialsOrigin: origin,
  });
  const tokenProvider = new UserTokenProvider({
    clientId: settings.clientId,
    tokens,
    accountsUrl,
    credentialsOrigin: origin,
  });
  const client = spotifyClientFor(loaded, io, { tokenProvider });
  const user = await fetchCurrentUser(client, { signal: AbortSignal.timeout(60_000) });
  const path = loginFile(cachePathsFor(loaded, io).dir);
  await saveStoredLogin(path, { clientId: settings.clientId, user, tokens: tokenProvider.tokens });
  const who = user.displayName ? `${user.displayName} (${user.id})` : user.id;
  io.out(`Logged in to Spotify as ${who}. The login is saved in ${path} (readable by you only).\n`);
  return 0;
}

/** The loopback server that receives the browser's redirect once. */
interface CallbackServer {
  /** The authorization code; rejects on a Spotify error or a state mismatch. */
  code: Promise<string>;
  close(): Promise<void>;
}

function startCallbackServer(port: number, state: string): CallbackServer {
  let settled = false;
  let resolveCode!: (code: string) => void;
  let rejectCode!: (error: unknown) => void;
  const code = new Promise<string>((resolve, reject) => {
    resolveCode = resolve;
    rejectCode = reject;
  });
  code.catch(() => {}); // delivered to the waiter; avoids an unhandled rejection on timeout
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, (request) => {
      const url = new URL(request.url);
      if (url.pathname !== "/callback") return page(404, "Not found", "Nothing here.");
      if (settled) {
        return page(200, "Already done", "This login is finished; go back to the terminal.");
      }
      settled = true;
      try {
        resolveCode(readAuthorizationCallback(url, state));
        return page(
          200,
          "Logged in",
          "tunedl received the login. You can close this tab and go back to the terminal.",
        );
      } catch (error) {
        rejectCode(error);
        return page(400, "Login failed", `${(error as Error).message}. See the terminal.`);
      }
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new TunedlError(`port ${port} on 127.0.0.1 is in use; the login needs it`, {
        hint: `Stop the program using it, or pick another port with --port N (and add ` +
          `http://127.0.0.1:N/callback to your app's Redirect URIs at ${SPOTIFY_DASHBOARD_URL}).`,
      });
    }
    throw error;
  }
  return { code, close: () => server.shutdown() };
}

function page(status: number, title: string, text: string): Response {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>tunedl: ${
    escapeHtml(title)
  }</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Resolves like `promise`, or fails after `ms` saying the login was not finished. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() =>
      reject(
        new TunedlError(`no login answer from the browser within ${Math.round(ms / 1000)} s`, {
          hint: "Run `tunedl login` again and finish the login in the browser in time " +
            "(--timeout SECONDS waits longer).",
        }),
      ), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The command that opens a URL in the default browser, or undefined when there is none. */
export function browserCommand(
  url: string,
  os: CliIo["os"],
  env: Record<string, string | undefined>,
): { command: string; args: string[] } | undefined {
  switch (os) {
    case "darwin":
      return { command: "open", args: [url] };
    case "windows":
      // Not `cmd /c start`: cmd would split the URL at every "&".
      return { command: "rundll32", args: ["url.dll,FileProtocolHandler", url] };
    default:
      // Without a display xdg-open may start a text browser in this terminal.
      if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
      return { command: "xdg-open", args: [url] };
  }
}

/** Tries to open the URL; the printed URL is the fallback, so failure only gets a note. */
function openInBrowser(url: string, io: CliIo): void {
  const fallback = () => io.err("(Could not open a browser: open the URL above yourself.)\n");
  const opener = browserCommand(url, io.os, io.env);
  if (!opener) {
    fallback();
    return;
  }
  try {
    const child = new Deno.Command(opener.command, {
      args: opener.args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    // The login does not wait for the opener (some keep running with the browser).
    child.unref();
    child.status.then((status) => {
      if (!status.success) fallback();
    }, fallback);
  } catch {
    fallback();
  }
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new UsageError(`tunedl login: --port must be a port number (1 to 65535), got "${text}"`);
  }
  return port;
}

function parseTimeout(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0) {
    throw new UsageError(
      `tunedl login: --timeout must be a positive number of seconds, got "${text}"`,
    );
  }
  return seconds;
}
