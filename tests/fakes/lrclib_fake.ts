/**
 * A loopback stand-in for LRCLIB (https://lrclib.net/docs): `GET /api/get`
 * answers a record for the exact artist + title (+ duration within 2 s, as
 * LRCLIB does) or 404 `{"code":404,"name":"TrackNotFound"}`, and
 * `GET /api/search` answers a list. Each song is one row of a table with its
 * behaviour: synced (synced + plain lyrics), plain only, instrumental, search
 * only (found by /api/search, not /api/get), slow (never answers until the
 * fake closes) and malformed (an answer that is not JSON). Anything not in the
 * table is not found. Requests and their User-Agent are recorded.
 */

/** How the fake answers for one song. */
export type FakeLyricsKind =
  | "synced"
  | "plain"
  | "instrumental"
  | "search_only"
  | "slow"
  | "malformed";

/** One row of the fake's table. */
export interface FakeLyricsSong {
  artist: string;
  title: string;
  album?: string;
  /** Seconds. */
  duration?: number;
  kind: FakeLyricsKind;
  /** Default: three timed lines naming the title. */
  synced?: string;
  plain?: string;
  /** Answer this song only after this long (a slow service that still answers in time). */
  delayMs?: number;
}

/** A request the fake saw. */
export interface FakeLyricsRequest {
  path: string;
  params: Record<string, string>;
  userAgent: string | null;
}

/** A running fake. */
export interface FakeLrclib {
  url: string;
  /** The table; tests may add songs while the fake runs. */
  songs: FakeLyricsSong[];
  requests: FakeLyricsRequest[];
  /** Requests that are waiting (slow songs), for tests that wait for one to arrive. */
  waiting(): number;
  close(): Promise<void>;
}

/** The synced lyrics the fake gives a song by default. */
export function defaultSynced(title: string): string {
  return `[00:01.00] First line of ${title}\n[00:02.50] Second line\n[00:04.00]\n[00:05.25] Last line`;
}

/** The plain lyrics the fake gives a song by default. */
export function defaultPlain(title: string): string {
  return `First line of ${title}\nSecond line\n\nLast line`;
}

const norm = (text: string) => text.trim().toLowerCase();

function record(song: FakeLyricsSong, id: number) {
  const instrumental = song.kind === "instrumental";
  return {
    id,
    name: song.title,
    trackName: song.title,
    artistName: song.artist,
    albumName: song.album ?? "",
    duration: song.duration ?? 0,
    instrumental,
    plainLyrics: instrumental ? null : song.plain ?? defaultPlain(song.title),
    syncedLyrics: song.kind === "synced" || song.kind === "search_only"
      ? song.synced ?? defaultSynced(song.title)
      : null,
  };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Starts the fake on 127.0.0.1; `songs` may be added to while it runs. */
export function startFakeLrclib(initial: readonly FakeLyricsSong[] = []): FakeLrclib {
  const songs = [...initial];
  const requests: FakeLyricsRequest[] = [];
  const parked = new Set<() => void>();
  const find = (artist: string, title: string) =>
    songs.findIndex((song) =>
      norm(song.artist) === norm(artist) && norm(song.title) === norm(title)
    );

  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const params = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, params, userAgent: request.headers.get("user-agent") });
    const notFound = () =>
      json({ code: 404, name: "TrackNotFound", message: "Failed to find specified track" }, 404);
    if (url.pathname !== "/api/get" && url.pathname !== "/api/search") return notFound();
    const index = find(params.artist_name ?? "", params.track_name ?? "");
    const song = songs[index];
    if (song?.delayMs) await new Promise((resolve) => setTimeout(resolve, song.delayMs));
    if (song?.kind === "slow") {
      await new Promise<void>((resolve) => parked.add(resolve));
      return json({ code: 503, name: "Closing" }, 503);
    }
    if (song?.kind === "malformed") {
      return new Response("<html>Bad gateway</html>", { headers: { "content-type": "text/html" } });
    }
    if (url.pathname === "/api/get") {
      if (!song || song.kind === "search_only") return notFound();
      const duration = Number(params.duration);
      if (song.duration !== undefined && Number.isFinite(duration)) {
        if (Math.abs(song.duration - duration) > 2) return notFound();
      }
      return json(record(song, index + 1));
    }
    return json(song ? [record(song, index + 1)] : []);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    songs,
    requests,
    waiting: () => parked.size,
    async close() {
      for (const release of parked) release();
      parked.clear();
      await server.shutdown();
    },
  };
}
