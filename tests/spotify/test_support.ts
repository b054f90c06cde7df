/**
 * Helpers for the Spotify unit tests: a scripted fetch that records every call
 * and virtual time that tests can read and that never really sleeps.
 */
import { SpotifyClient, type SpotifyClientOptions } from "../../src/spotify/mod.ts";
import { fixtureUrl } from "../fakes/fixtures.ts";

/** One request the client made. */
export interface RecordedCall {
  method: string;
  url: URL;
  authorization: string | null;
  body: string;
  /** Virtual time when the request was sent. */
  at: number;
}

/** What a scripted answer may do: answer, or throw to simulate a network failure. */
export type Answer = (call: RecordedCall, index: number) => Response | Promise<Response>;

/** Virtual clock and sleep: sleeping moves the clock forward instead of waiting. */
export class VirtualTime {
  now: number;
  readonly sleeps: number[] = [];
  constructor(start = Date.UTC(2026, 2, 10, 12, 0, 0)) {
    this.now = start;
  }
  readonly clock = (): number => this.now;
  readonly sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms);
    const target = this.now + ms;
    // Yield a macrotask so other requests progress, then jump the clock.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (signal?.aborted) throw signal.reason;
    this.now = Math.max(this.now, target);
  };
}

/** A fetch that answers from `answer` and records calls (token calls included). */
export function scriptedFetch(answer: Answer, time?: VirtualTime) {
  const calls: RecordedCall[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const call: RecordedCall = {
      method: request.method,
      url: new URL(request.url),
      authorization: request.headers.get("authorization"),
      body: await request.text(),
      at: time?.now ?? 0,
    };
    calls.push(call);
    return await answer(call, calls.length - 1);
  };
  return { fetch: fetchFn as typeof fetch, calls };
}

/** A JSON answer. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** Spotify's error body. */
export function apiError(status: number, message: string, headers: Record<string, string> = {}) {
  return json({ error: { status, message } }, status, headers);
}

/** The token endpoint's answer. */
export function tokenAnswer(token = "token-1", expiresIn = 3600): Response {
  return json({ access_token: token, token_type: "Bearer", expires_in: expiresIn });
}

export const API = "https://api.test";
export const ACCOUNTS = "https://accounts.test";

/**
 * A client on a scripted fetch: token requests get "token-<n>", API requests
 * go to `answer`. Rate limiting is off unless given; time is virtual.
 */
export function clientWith(
  answer: Answer,
  options: Partial<SpotifyClientOptions> & { time?: VirtualTime } = {},
) {
  const time = options.time ?? new VirtualTime();
  let tokens = 0;
  const scripted = scriptedFetch((call, index) => {
    if (call.url.pathname === "/api/token") return tokenAnswer(`token-${++tokens}`);
    return answer(call, index);
  }, time);
  const client = new SpotifyClient({
    apiUrl: API,
    accountsUrl: ACCOUNTS,
    clientId: "id",
    clientSecret: "secret",
    fetch: scripted.fetch,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    maxRetries: 3,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 10_000,
    rateLimit: { enabled: false, requests: 1, windowMs: 1 },
    ...options,
  });
  const apiCalls = () => scripted.calls.filter((c) => c.url.pathname !== "/api/token");
  return { client, calls: scripted.calls, apiCalls, time };
}

/** Reads one recorded answer body from the recorded Spotify requests (tests/fixtures/recorded/). */
export async function recordedBody(path: string, query = ""): Promise<Record<string, unknown>> {
  const text = await Deno.readTextFile(
    fixtureUrl("spotify/recorded.jsonl"),
  );
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const record = JSON.parse(line);
    if (record.path === path && (query === "" || record.query === query)) return record.body;
  }
  throw new Error(`no recorded answer for ${path}?${query}`);
}
