/**
 * A Spotify that hands out tokens but never answers a catalog request: a command that reads
 * Spotify is still planning for as long as a test needs, e.g. to press Ctrl-C there.
 */

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
