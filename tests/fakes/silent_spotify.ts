/**
 * A Spotify that hands out tokens but never answers a catalog request: a command that reads
 * Spotify is still planning for as long as a test needs, e.g. to press Ctrl-C there.
 */
import { makeTempWorkspace, spawnTunedl } from "./cli_runner.ts";

/** The fake's address, a promise of its first catalog request, and its shutdown. */
export interface SilentSpotify {
  url: string;
  requested: Promise<void>;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1; `close` answers the held requests and stops it. */
export function silentSpotify(): SilentSpotify {
  let sawRequest!: () => void;
  const requested = new Promise<void>((resolve) => (sawRequest = resolve));
  const held: ((response: Response) => void)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    if (new URL(request.url).pathname === "/api/token") {
      return Response.json({ access_token: "t", token_type: "Bearer", expires_in: 3600 });
    }
    sawRequest();
    // Held until the test ends.
    return new Promise<Response>((resolve) => held.push(resolve));
  });
  const close = async () => {
    for (const resolve of held) resolve(new Response(null, { status: 503 }));
    await server.shutdown();
  };
  return { url: `http://127.0.0.1:${server.addr.port}`, requested, close };
}

/** The environment a tunedl child needs to read Spotify from the silent fake. */
export function silentSpotifyEnv(spotify: SilentSpotify, cacheDir: string): Record<string, string> {
  return {
    TUNEDL_SPOTIFY_API_URL: spotify.url,
    TUNEDL_SPOTIFY_ACCOUNTS_URL: spotify.url,
    TUNEDL_CACHE_DIR: cacheDir,
    SPOTIFY_CLIENT_ID: "id",
    SPOTIFY_CLIENT_SECRET: "secret",
  };
}

/** What a tunedl child left behind. */
export interface InterruptedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Starts `tunedl <args> --config <config>` (the config written from `configText`) against a
 * Spotify that never answers, presses Ctrl-C once it asked, and collects what it printed.
 */
export async function interruptWhilePlanning(
  args: readonly string[],
  configText: string,
): Promise<InterruptedRun> {
  const spotify = silentSpotify();
  await using work = await makeTempWorkspace({ prefix: "tunedl-plan-int-" });
  try {
    const config = await work.writeConfig(configText);
    const child = await spawnTunedl([...args, "--config", config], {
      cwd: work.dir,
      env: { ...silentSpotifyEnv(spotify, work.cacheDir), NO_COLOR: "1" },
    });
    await spotify.requested;
    child.kill("SIGINT");
    const output = await child.output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } finally {
    await spotify.close();
  }
}
