/**
 * A tiny media file server on 127.0.0.1 for the audio tests: serves given
 * bytes with a content type, honours Range and HEAD like a CDN does, and can
 * trickle a file slowly so a test can cancel a download half-way.
 */

/** One file the server offers. */
export interface MediaFile {
  bytes: Uint8Array;
  contentType: string;
  /** Send this many bytes per tick instead of all at once. */
  trickle?: { chunkBytes: number; intervalMs: number };
}

/** A running media server. */
export interface MediaServer {
  /** `http://127.0.0.1:<port><path>`. */
  url(path: string): string;
  port: number;
  /** Request lines seen ("GET /a.webm bytes=0-"), for assertions. */
  requests: string[];
  /** Cookie headers seen, in order. */
  cookies: string[];
  /** Number of response bodies still streaming. */
  activeStreams(): number;
  close(): Promise<void>;
}

function parseRange(header: string | null, size: number): { start: number; end: number } | null {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return null;
  let start: number;
  let end: number;
  if (match[1] === "") {
    // Suffix range: the last N bytes.
    const length = Number(match[2]);
    start = Math.max(0, size - length);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : { start: size, end: size - 1 };
}

/** Starts a media server for the given files (path -> file). */
export function startMediaServer(files: Record<string, MediaFile>): MediaServer {
  const requests: string[] = [];
  const cookies: string[] = [];
  const stops = new Set<() => void>();

  function trickleBody(bytes: Uint8Array, chunkBytes: number, intervalMs: number) {
    let offset = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    let stop = () => {};
    return new ReadableStream<Uint8Array>({
      start(controller) {
        stop = () => {
          clearInterval(timer);
          stops.delete(stop);
          try {
            controller.close();
          } catch {
            // Already closed or errored.
          }
        };
        stops.add(stop);
        const tick = () => {
          if (offset >= bytes.length) return stop();
          const end = Math.min(bytes.length, offset + chunkBytes);
          try {
            controller.enqueue(bytes.slice(offset, end));
          } catch {
            return stop();
          }
          offset = end;
        };
        tick();
        timer = setInterval(tick, intervalMs);
      },
      cancel() {
        // The client went away (e.g. yt-dlp was killed).
        clearInterval(timer);
        stops.delete(stop);
      },
    });
  }

  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    const url = new URL(request.url);
    const range = request.headers.get("range");
    requests.push(`${request.method} ${url.pathname}${range ? ` ${range}` : ""}`);
    const cookie = request.headers.get("cookie");
    if (cookie) cookies.push(cookie);
    const file = files[url.pathname];
    if (!file) return new Response("Not Found", { status: 404 });
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method Not Allowed", { status: 405 });
    }
    const size = file.bytes.length;
    const headers = new Headers({
      "content-type": file.contentType,
      "accept-ranges": "bytes",
      "last-modified": "Wed, 01 Jan 2020 00:00:00 GMT",
    });
    let status = 200;
    let body = file.bytes;
    const wanted = parseRange(range, size);
    if (wanted) {
      if (wanted.start >= size) {
        headers.set("content-range", `bytes */${size}`);
        return new Response(null, { status: 416, headers });
      }
      status = 206;
      body = file.bytes.subarray(wanted.start, wanted.end + 1);
      headers.set("content-range", `bytes ${wanted.start}-${wanted.end}/${size}`);
    }
    headers.set("content-length", String(body.length));
    if (request.method === "HEAD") return new Response(null, { status, headers });
    if (file.trickle) {
      return new Response(trickleBody(body, file.trickle.chunkBytes, file.trickle.intervalMs), {
        status,
        headers,
      });
    }
    return new Response(body.slice(), { status, headers });
  });

  const port = (server.addr as Deno.NetAddr).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    port,
    requests,
    cookies,
    activeStreams: () => stops.size,
    async close() {
      for (const stop of [...stops]) stop();
      await server.shutdown();
    },
  };
}
