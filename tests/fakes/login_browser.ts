/**
 * Helpers for login tests: a test that plays the browser for `tunedl login`
 * (reads the printed authorization URL, GETs it without following redirects,
 * then GETs the redirect target: the CLI's callback server), a free loopback
 * port, and a catalog with a playlist the fake user owns.
 */
import { spawnTunedl } from "./cli_runner.ts";
import { FIXTURE_IDS, loadFixtureCatalog, type SpotifyCatalog } from "./spotify_fake.ts";

/** A playlist the logged-in fake user owns (same rows as the fixture playlist). */
export const OWNED_PLAYLIST = "0wnedPlay1istOfFakeUsr";
/** The fixture playlist: someone else's for the fake user. */
export const OTHERS_PLAYLIST: string = FIXTURE_IDS.playlist;
/** The fake's default current user. */
export const USER_ID = "fake-user";

/** The fixture catalog plus a copy of its playlist owned by the fake user. */
export async function catalogWithOwnedPlaylist(): Promise<SpotifyCatalog> {
  const catalog = structuredClone(await loadFixtureCatalog());
  const original = catalog.playlists[OTHERS_PLAYLIST];
  catalog.playlists[OWNED_PLAYLIST] = {
    ...structuredClone(original),
    id: OWNED_PLAYLIST,
    name: "My Own Mix",
    owner: {
      ...(original.owner as Record<string, unknown>),
      id: USER_ID,
      display_name: "Fake User",
    },
    uri: `spotify:playlist:${OWNED_PLAYLIST}`,
  };
  catalog.playlist_items[OWNED_PLAYLIST] = structuredClone(
    catalog.playlist_items[OTHERS_PLAYLIST],
  );
  return catalog;
}

/** A port that was free a moment ago, for the login's callback server. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** What a login run left behind, and what "the browser" saw. */
export interface LoginRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The authorization URL the CLI printed (undefined when it printed none). */
  authorizeUrl?: string;
  /** Status of the authorize request ("the browser" opening the URL). */
  authorizeStatus?: number;
  /** The page the callback server answered. */
  callbackPage?: string;
}

/**
 * Runs `tunedl login --no-browser` and plays the browser: GET the printed URL
 * without following redirects, then GET the Location (the CLI's callback).
 * `tamper` may change the callback URL before it is opened.
 */
export async function loginThroughBrowser(
  args: string[],
  options: { env: Record<string, string>; cwd: string; tamper?: (callback: URL) => URL },
): Promise<LoginRun> {
  const child = await spawnTunedl(["login", "--no-browser", "--timeout", "60", ...args], {
    cwd: options.cwd,
    env: options.env,
  });
  const stdout = new Response(child.stdout).text();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const run: LoginRun = { code: -1, stdout: "", stderr: "" };
  try {
    // The URL is on its own line after "Open this URL ...".
    while (run.authorizeUrl === undefined) {
      const { value, done } = await reader.read();
      if (done) break;
      run.stderr += value;
      run.authorizeUrl = /^Open this URL[^\n]*\n(\S+)\n/m.exec(run.stderr)?.[1];
    }
    if (run.authorizeUrl) {
      const authorize = await fetch(run.authorizeUrl, { redirect: "manual" });
      run.authorizeStatus = authorize.status;
      const location = authorize.headers.get("location");
      await authorize.body?.cancel();
      if (location) {
        let callback = new URL(location);
        if (options.tamper) callback = options.tamper(callback);
        const page = await fetch(callback);
        run.callbackPage = await page.text();
      }
    }
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      run.stderr += value;
    }
  } finally {
    reader.releaseLock();
  }
  run.code = (await child.status).code;
  run.stdout = await stdout;
  return run;
}
