/**
 * The saved Spotify login: <cache dir>/tokens.json, readable by its owner only.
 * It holds the user's access and refresh tokens, the client id they belong
 * to and who logged in. Nothing here ever prints a token.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../util/mod.ts";
import type { SpotifyUser, UserTokens } from "./user_auth.ts";
import { UserTokenProvider } from "./user_token_provider.ts";

/** The login file inside the cache folder. */
export function loginFile(cacheDir: string): string {
  return join(cacheDir, "tokens.json");
}

/** A login as kept on disk (in memory form). */
export interface StoredLogin {
  /** The Spotify app the tokens were issued to; a login for another app is not used. */
  clientId: string;
  /** Who logged in. */
  user: SpotifyUser;
  /** The access and refresh tokens and their expiry. */
  tokens: UserTokens;
}

/** A readable login and the token provider that keeps it fresh. */
export interface OpenedLogin {
  /** The login as read from the file. */
  login: StoredLogin;
  /** Hands out the user's token, refreshing it and saving the rotated tokens back to the file. */
  tokenProvider: UserTokenProvider;
}

/** The file's JSON shape (snake_case like the config and Spotify's answers). */
interface TokenFile {
  version: 1;
  client_id: string;
  user_id: string;
  display_name?: string;
  scope: string;
  access_token: string;
  refresh_token: string;
  expires_at: string;
  saved_at: string;
}

/** Only the owner may read or write the token file. */
const TOKEN_FILE_MODE = 0o600;

/** Writes the login atomically with mode 0600. */
export async function saveStoredLogin(
  path: string,
  login: StoredLogin,
  options: { now?: Date } = {},
): Promise<void> {
  const file: TokenFile = {
    version: 1,
    client_id: login.clientId,
    user_id: login.user.id,
    ...(login.user.displayName ? { display_name: login.user.displayName } : {}),
    scope: login.tokens.scope.join(" "),
    access_token: login.tokens.accessToken,
    refresh_token: login.tokens.refreshToken,
    expires_at: new Date(login.tokens.expiresAt).toISOString(),
    saved_at: (options.now ?? new Date()).toISOString(),
  };
  await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, { mode: TOKEN_FILE_MODE });
  // The mode of a new file is filtered by the umask; make sure it is exactly 0600.
  if (Deno.build.os !== "windows") await Deno.chmod(path, TOKEN_FILE_MODE);
}

/**
 * The saved login for `clientId`, or undefined when there is none. A file for
 * another client id or one that cannot be read is ignored with a warning.
 */
export async function readStoredLogin(
  path: string,
  options: { clientId?: string; warn?: (message: string) => void } = {},
): Promise<StoredLogin | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    // A file where a folder of the path should be: there cannot be a saved login either.
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    options.warn?.(
      `cannot read the Spotify login in ${path} (${(error as Error).message}); ` +
        "ignoring it",
    );
    return undefined;
  }
  const login = parseTokenFile(text);
  if (!login) {
    options.warn?.(`the Spotify login in ${path} is damaged; ignoring it (run \`tunedl login\`)`);
    return undefined;
  }
  if (options.clientId !== undefined && login.clientId !== options.clientId) {
    options.warn?.(
      `the Spotify login in ${path} was made with another client id; ignoring it ` +
        "(run `tunedl login` to log in with this app)",
    );
    return undefined;
  }
  return login;
}

/** Removes the saved login; true when there was one. */
export async function deleteStoredLogin(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The saved login for `clientId` with a token provider that refreshes it and
 * writes every rotated refresh token back to the file.
 */
export async function openStoredLogin(
  path: string,
  options: {
    clientId: string;
    accountsUrl?: string;
    warn: (message: string) => void;
    fetch?: typeof fetch;
    requestTimeoutMs?: number;
    /** Where the client id came from, for hints. */
    credentialsOrigin?: string;
  },
): Promise<OpenedLogin | undefined> {
  const login = await readStoredLogin(path, options);
  if (!login) return undefined;
  const tokenProvider = new UserTokenProvider({
    clientId: login.clientId,
    tokens: login.tokens,
    accountsUrl: options.accountsUrl,
    fetch: options.fetch,
    requestTimeoutMs: options.requestTimeoutMs,
    credentialsOrigin: options.credentialsOrigin,
    // Another run (cron) may have rotated the refresh token meanwhile.
    reload: async () => (await readStoredLogin(path, { clientId: login.clientId }))?.tokens,
    onRefresh: async (tokens) => {
      try {
        await saveStoredLogin(path, { ...login, tokens });
      } catch (error) {
        options.warn(
          `could not save the refreshed Spotify login to ${path} (${(error as Error).message}); ` +
            "the next run may need `tunedl login` again",
        );
      }
    },
  });
  return { login, tokenProvider };
}

/** Reads the file's JSON; undefined when a required field is missing. */
function parseTokenFile(text: string): StoredLogin | undefined {
  let raw: Partial<TokenFile>;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isText = (value: unknown): value is string => typeof value === "string" && value !== "";
  if (
    !raw || typeof raw !== "object" || !isText(raw.client_id) || !isText(raw.user_id) ||
    !isText(raw.access_token) || !isText(raw.refresh_token)
  ) {
    return undefined;
  }
  const expiresAt = Date.parse(raw.expires_at ?? "");
  const user: SpotifyUser = { id: raw.user_id };
  if (isText(raw.display_name)) user.displayName = raw.display_name;
  return {
    clientId: raw.client_id,
    user,
    tokens: {
      accessToken: raw.access_token,
      refreshToken: raw.refresh_token,
      // An unreadable expiry just means "refresh before use".
      expiresAt: Number.isNaN(expiresAt) ? 0 : expiresAt,
      scope: typeof raw.scope === "string" ? raw.scope.split(/\s+/).filter(Boolean) : [],
    },
  };
}
