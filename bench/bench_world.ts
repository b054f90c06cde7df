/**
 * The offline world a benchmark run talks to: the project's fake Spotify API
 * (serving the synthetic catalog), the fake YouTube (InnerTube search answers
 * for every catalog track) and a cover image server, all on 127.0.0.1 with
 * the same latency per request.
 *
 * Search answers reuse music_world's idea (a track is found by its ISRC or by
 * "artists - title"), but look the query up in a map instead of trying one
 * rule per track: at 10x scale that would be 40 000 predicates per search.
 */
import { startFakeLrclib } from "../tests/fakes/lrclib_fake.ts";
import { catalogTracks, queryWords, songResult } from "../tests/fakes/music_world.ts";
import {
  type FakeApiMode,
  type FakeSpotify,
  type SpotifyCatalog,
  startFakeSpotify,
} from "../tests/fakes/spotify_fake.ts";
import {
  type FakeSearchRule,
  type FakeYouTube,
  type FakeYouTubeResult,
  startFakeYouTube,
} from "../tests/fakes/youtube_fake.ts";

/** A running world. */
export interface BenchWorld {
  spotify: FakeSpotify;
  youtube: FakeYouTube;
  /** Cover image requests since the last reset. */
  coverRequests(): number;
  /** Environment that points tunedl at the fakes (base URLs, credentials). */
  env: Record<string, string>;
  /** Clears the request logs of all fakes. */
  reset(): void;
  close(): Promise<void>;
}

export { queryWords };

/** Search keys a track answers to: its ISRC, "artists - title", and that plus the album. */
export function searchKeys(
  track: { name: string; artists: string[]; album?: string; isrc?: string },
): string[] {
  const base = `${track.artists.join(", ")} - ${track.name}`;
  const keys = [
    queryWords(base),
    queryWords(track.artists[0] ?? "") + " " + queryWords(track.name),
  ];
  if (track.album) keys.push(queryWords(`${base} ${track.album}`));
  if (track.isrc) keys.push(queryWords(track.isrc));
  return keys;
}

/** A search rule that answers every catalog track in O(1) (video id = first 11 id chars). */
export function catalogSearchRule(catalog: SpotifyCatalog): FakeSearchRule {
  const byKey = new Map<string, FakeYouTubeResult>();
  for (const t of catalogTracks(catalog)) {
    const result = songResult(t, t.id.slice(0, 11));
    for (const key of searchKeys(t)) byKey.set(key, result);
  }
  // The fake reads `results` right after the predicate matched (same tick).
  let current: FakeYouTubeResult | undefined;
  return {
    query: (query: string) => {
      current = byKey.get(queryWords(query));
      return current !== undefined;
    },
    get results() {
      return current ? [current] : [];
    },
  };
}

/** Starts the fakes for a catalog under one API generation. */
export async function startBenchWorld(
  catalog: SpotifyCatalog,
  options: {
    mode: FakeApiMode;
    latencyMs: number;
    coverServer: { server: Deno.HttpServer<Deno.NetAddr>; count(): number; reset(): void };
    currentUserId?: string;
  },
): Promise<BenchWorld> {
  const spotify = await startFakeSpotify({
    catalog,
    mode: options.mode,
    latencyMs: options.latencyMs,
    currentUserId: options.currentUserId,
  });
  const youtube = startFakeYouTube({
    fixtures: false,
    rules: [catalogSearchRule(catalog)],
    latencyMs: options.latencyMs,
  });
  // Lyrics lookups stay on loopback too (every song "not found", as for most of a big library).
  const lrclib = startFakeLrclib([]);
  return {
    spotify,
    youtube,
    coverRequests: () => options.coverServer.count(),
    env: {
      TUNEDL_SPOTIFY_API_URL: spotify.url,
      TUNEDL_SPOTIFY_ACCOUNTS_URL: spotify.accountsUrl,
      TUNEDL_YOUTUBE_URL: youtube.url,
      TUNEDL_LYRICS_URL: lrclib.url,
      SPOTIFY_CLIENT_ID: spotify.clientId,
      SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
    },
    reset() {
      spotify.reset();
      youtube.searches.length = 0;
      youtube.mediaRequests.length = 0;
      options.coverServer.reset();
    },
    async close() {
      await Promise.all([spotify.close(), youtube.close(), lrclib.close()]);
    },
  };
}

/**
 * A cover the size Spotify serves: a 640x640 JPEG of about 110 KB (made once
 * by the real ffmpeg), so tagging and memory figures carry real cover sizes.
 */
export async function spotifySizedCoverJpeg(ffmpeg = "ffmpeg"): Promise<Uint8Array> {
  const output = await new Deno.Command(ffmpeg, {
    args: [
      ...["-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=640x640:d=1,noise=alls=30:allf=t"],
      ...["-frames:v", "1", "-q:v", "8", "-f", "mjpeg", "pipe:1"],
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success || output.stdout.length === 0) {
    throw new Error(
      `ffmpeg could not make the bench cover: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return output.stdout;
}

/** A server answering every path with the same JPEG after `latencyMs`; counts requests. */
export function startCoverServer(
  jpeg: Uint8Array,
  latencyMs: number,
): { server: Deno.HttpServer<Deno.NetAddr>; origin: string; count(): number; reset(): void } {
  let requests = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async () => {
    requests++;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return new Response(jpeg as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "image/jpeg" },
    });
  });
  return {
    server,
    origin: `http://127.0.0.1:${server.addr.port}`,
    count: () => requests,
    reset() {
      requests = 0;
    },
  };
}
