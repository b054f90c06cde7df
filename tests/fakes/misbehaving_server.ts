/**
 * A loopback HTTP server that misbehaves on purpose, standing in for any
 * service (Spotify API, accounts, YouTube search, a cover host):
 *
 * - "hang": accepts the connection, reads the request, never answers;
 * - "stall": sends the status line and headers, then nothing;
 * - "trickle": sends headers, then one byte every `trickleMs` forever;
 * - "endless": sends headers, then body as fast as the client reads, forever.
 *
 * Raw TCP, so nothing in a server library helps the client out. Every
 * connection is counted; `close()` ends them all.
 */

/** How the server misbehaves. */
export type Misbehavior = "hang" | "stall" | "trickle" | "endless";

/** Options of {@link startMisbehavingServer}. */
export interface MisbehavingServerOptions {
  /** Pause between trickled bytes (default 50 ms). */
  trickleMs?: number;
  /** Content-Type of the answers that have headers (default application/json). */
  contentType?: string;
}

/** A running misbehaving server. */
export interface MisbehavingServer {
  /** "http://127.0.0.1:<port>". */
  url: string;
  /** Requests received (one per connection's request head). */
  readonly requests: number;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a server on 127.0.0.1 that answers every request the way `mode` says. */
export function startMisbehavingServer(
  mode: Misbehavior,
  options: MisbehavingServerOptions = {},
): MisbehavingServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connections = new Set<Deno.Conn>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let requests = 0;
  let closed = false;
  const waiters: { count: number; resolve: () => void }[] = [];
  const head = new TextEncoder().encode(
    "HTTP/1.1 200 OK\r\n" +
      `Content-Type: ${options.contentType ?? "application/json"}\r\n` +
      "Transfer-Encoding: chunked\r\n\r\n",
  );

  const onRequest = () => {
    requests++;
    for (const waiter of [...waiters]) {
      if (requests >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  async function serve(conn: Deno.Conn): Promise<void> {
    connections.add(conn);
    try {
      const buffer = new Uint8Array(64 * 1024);
      let seen = "";
      // Read until the end of the request head; the body (if any) is ignored.
      while (!seen.includes("\r\n\r\n")) {
        const n = await conn.read(buffer);
        if (n === null) return;
        seen += new TextDecoder().decode(buffer.subarray(0, n));
      }
      onRequest();
      if (mode === "hang") {
        // Keep reading so the connection stays open until the client gives up.
        while ((await conn.read(buffer)) !== null) { /* ignore */ }
        return;
      }
      await conn.write(head);
      if (mode === "stall") {
        while ((await conn.read(buffer)) !== null) { /* ignore */ }
        return;
      }
      if (mode === "trickle") {
        const piece = new TextEncoder().encode("1\r\n \r\n");
        for (;;) {
          await conn.write(piece);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              timers.delete(timer);
              resolve();
            }, options.trickleMs ?? 50);
            timers.add(timer);
          });
          if (closed) return;
        }
      }
      // endless: 64 KB chunks of spaces, as fast as the client reads.
      const size = 64 * 1024;
      const chunk = new Uint8Array(size + 16);
      const prefix = new TextEncoder().encode(`${size.toString(16)}\r\n`);
      chunk.set(prefix);
      chunk.fill(0x20, prefix.length, prefix.length + size);
      chunk.set(new TextEncoder().encode("\r\n"), prefix.length + size);
      const piece = chunk.subarray(0, prefix.length + size + 2);
      while (!closed) {
        let written = 0;
        while (written < piece.length) written += await conn.write(piece.subarray(written));
      }
    } catch {
      // The client hung up: that is what it should do.
    } finally {
      connections.delete(conn);
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }

  const accepting = (async () => {
    for await (const conn of listener) serve(conn);
  })().catch(() => {});

  const close = async () => {
    if (closed) return;
    closed = true;
    listener.close();
    for (const timer of timers) clearTimeout(timer);
    for (const conn of connections) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    await accepting;
  };

  const port = (listener.addr as Deno.NetAddr).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    waitForRequests(count) {
      if (requests >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
