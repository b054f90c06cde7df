import { formatClockTime } from "../../src/util/mod.ts";
import assert from "node:assert/strict";
import {
  AuthError,
  CancelledError,
  NetworkError,
  NotFoundError,
  ServiceUnreachableError,
} from "../../src/errors/mod.ts";
import { PlaylistWithheldError, RateLimitedError } from "../../src/spotify/mod.ts";
import {
  API,
  apiError,
  clientWith,
  json,
  recordedBody,
  type RecordedCall,
  VirtualTime,
} from "./test_support.ts";

const TRACK_ID = "1t2qKa8K72IBC8yQlhD9bU";
const trackBody = () => recordedBody(`/v1/tracks/${TRACK_ID}`);

/** Answers a track for any /v1/tracks/{id}. */
async function trackAnswer(call: RecordedCall): Promise<Response> {
  const id = call.url.pathname.split("/").pop()!;
  return json({ ...await trackBody(), id });
}

Deno.test("getTrack sends the cached bearer token and normalizes the answer", async () => {
  const { client, calls, apiCalls } = clientWith(trackAnswer);
  const track = await client.getTrack(TRACK_ID);
  await client.getTrack("2QTDuJIGKUjR7E2Q6KupIh");
  assert.equal(track.id, TRACK_ID);
  assert.equal(track.name, "Ropes");
  assert.equal(calls.filter((c) => c.url.pathname === "/api/token").length, 1);
  assert.deepEqual(apiCalls().map((c) => c.authorization), ["Bearer token-1", "Bearer token-1"]);
  assert.equal(apiCalls()[0].url.href, `${API}/v1/tracks/${TRACK_ID}`);
  const stats = client.stats();
  assert.equal(stats.requests, 2);
  assert.equal(stats.tokenRequests, 1);
  assert.deepEqual(stats.byEndpoint, { "GET /v1/tracks/{id}": 2 });
});

Deno.test("a 401 renews the token once and retries", async () => {
  const { client, calls, apiCalls } = clientWith((call) =>
    call.authorization === "Bearer token-1"
      ? apiError(401, "The access token expired")
      : trackAnswer(call)
  );
  assert.equal((await client.getTrack(TRACK_ID)).id, TRACK_ID);
  assert.equal(calls.filter((c) => c.url.pathname === "/api/token").length, 2);
  assert.deepEqual(apiCalls().map((c) => c.authorization), ["Bearer token-1", "Bearer token-2"]);
});

Deno.test("a 401 that survives a fresh token is an AuthError (no endless renewing)", async () => {
  const { client, calls } = clientWith(() => apiError(401, "Invalid access token"));
  const error = await client.getTrack(TRACK_ID).catch((e) => e);
  assert.ok(error instanceof AuthError);
  assert.match(error.message, /refused a fresh access token/);
  assert.equal(calls.length, 4); // token, api, token, api
});

Deno.test("429 waits for Retry-After, then succeeds", async () => {
  const { client, time } = clientWith((call, i) =>
    i === 1 ? apiError(429, "API rate limit exceeded", { "retry-after": "2" }) : trackAnswer(call)
  );
  const start = time.now;
  assert.equal((await client.getTrack(TRACK_ID)).id, TRACK_ID);
  assert.deepEqual(time.sleeps, [2000]);
  assert.equal(time.now - start, 2000);
  const stats = client.stats();
  assert.equal(stats.rateLimited, 1);
  assert.equal(stats.retries, 1);
  assert.equal(stats.requests, 2);
});

Deno.test("a Retry-After longer than retryMaxDelayMs throws RateLimitedError with the time", async () => {
  const { client, time, apiCalls } = clientWith(() =>
    apiError(429, "API rate limit exceeded", { "retry-after": "7200" })
  );
  const error = await client.getTrack(TRACK_ID).catch((e) => e);
  assert.ok(error instanceof RateLimitedError);
  assert.equal(error.retryable, true);
  assert.equal(error.retryAt, time.now + 7200_000);
  assert.ok(error.message.includes(formatClockTime(time.now + 7200_000)), error.message);
  assert.deepEqual(time.sleeps, []); // did not wait two hours
  assert.equal(apiCalls().length, 1);
});

Deno.test("5xx, dropped connections and malformed JSON are retried with backoff", async () => {
  const failures = [
    () => apiError(503, "Service unavailable"),
    () => Promise.reject(new TypeError("error reading a body from connection")),
    () => new Response('{"name": "Trunc', { status: 200 }),
  ];
  const { client, time, apiCalls } = clientWith((call, i) =>
    i - 1 < failures.length ? failures[i - 1]() : trackAnswer(call)
  );
  assert.equal((await client.getTrack(TRACK_ID)).id, TRACK_ID);
  assert.equal(apiCalls().length, 4);
  // base 100 ms doubling, equal jitter with random() = 0.5
  assert.deepEqual(time.sleeps, [75, 150, 300]);
  assert.equal(client.stats().retries, 3);
});

Deno.test("retries are bounded by maxRetries", async () => {
  const { client, apiCalls } = clientWith(() => apiError(500, "Server error"), { maxRetries: 2 });
  const error = await client.getTrack(TRACK_ID).catch((e) => e);
  assert.ok(error instanceof NetworkError);
  assert.match(error.message, /500/);
  assert.equal(error.retryable, true);
  assert.equal(apiCalls().length, 3);

  const broken = clientWith(() => new Response("<html>oops</html>"), { maxRetries: 1 });
  await assert.rejects(broken.client.getTrack(TRACK_ID), /malformed JSON/);
  assert.equal(broken.apiCalls().length, 2);
});

Deno.test("403 about Premium is an AuthError that names the 2026 rule", async () => {
  const { client, apiCalls } = clientWith(() =>
    apiError(403, "Active premium subscription required for the owner of the app.")
  );
  const error = await client.getTrack(TRACK_ID).catch((e) => e);
  assert.ok(error instanceof AuthError);
  assert.match(error.message, /the Spotify app's owner needs Spotify Premium/);
  assert.match(error.message, /required since 2026 for Development Mode apps/);
  assert.ok(error.hint);
  assert.equal(apiCalls().length, 1); // not retried
});

Deno.test("404 becomes NotFoundError naming the open.spotify.com URL of the right kind", async () => {
  const { client } = clientWith(() => apiError(404, "Resource not found"));
  const id = "0000000000000000000000";
  const cases: Array<[string, () => Promise<unknown>]> = [
    ["track", () => client.getTrack(id)],
    ["album", () => client.getAlbum(id)],
    ["artist", () => client.getArtist(id)],
    ["artist", () => client.getArtistAlbums(id)],
    ["playlist", () => client.getPlaylist(id)],
  ];
  for (const [kind, read] of cases) {
    const error = await read().catch((e) => e);
    assert.ok(error instanceof NotFoundError, kind);
    assert.ok(error.message.includes(`https://open.spotify.com/${kind}/${id}`), error.message);
  }
});

Deno.test("paging follows next links, rewritten to the configured API origin", async () => {
  const items = Array.from({ length: 7 }, (_, i) => ({ n: i }));
  const { client, apiCalls } = clientWith((call) => {
    const offset = Number(call.url.searchParams.get("offset") ?? 0);
    const limit = 3; // the server decides the page size
    const next = offset + limit < items.length
      ? `https://api.spotify.com/v1/me/tracks?offset=${offset + limit}&limit=${limit}`
      : null;
    return json({ items: items.slice(offset, offset + limit), next, total: items.length });
  });
  const rows = await client.getPaged("/v1/me/tracks");
  assert.deepEqual(rows, items);
  assert.deepEqual(apiCalls().map((c) => c.url.href), [
    `${API}/v1/me/tracks?limit=50`,
    `${API}/v1/me/tracks?offset=3&limit=3`,
    `${API}/v1/me/tracks?offset=6&limit=3`,
  ]);
});

Deno.test("a page limit the API refuses is retried once with limit 10", async () => {
  const { client, apiCalls } = clientWith((call) =>
    call.url.searchParams.get("limit") === "50"
      ? apiError(400, "Invalid limit")
      : json({ items: [1, 2], next: null, total: 2 })
  );
  assert.deepEqual(await client.getPaged("/v1/artists/x/albums?include_groups=single"), [1, 2]);
  assert.equal(apiCalls()[1].url.searchParams.get("limit"), "10");
});

Deno.test("getTracks reads batches of 50 and keeps order and nulls", async () => {
  const base = await trackBody();
  const ids = Array.from({ length: 120 }, (_, i) => `id${String(i).padStart(20, "0")}`);
  const { client, apiCalls } = clientWith((call) => {
    const asked = call.url.searchParams.get("ids")!.split(",");
    return json({ tracks: asked.map((id) => id.endsWith("7") ? null : { ...base, id }) });
  });
  const tracks = await client.getTracks(ids);
  assert.equal(tracks.length, 120);
  tracks.forEach((t, i) => assert.equal(t?.id ?? null, ids[i].endsWith("7") ? null : ids[i]));
  assert.deepEqual(apiCalls().map((c) => c.url.searchParams.get("ids")!.split(",").length), [
    50,
    50,
    20,
  ]);
  assert.equal(client.apiGeneration, "pre2026");
});

Deno.test("getTracks falls back to single reads when batch reads are gone (2026)", async () => {
  let inFlight = 0;
  let peak = 0;
  const { client, apiCalls } = clientWith(async (call) => {
    if (call.url.pathname === "/v1/tracks") return apiError(403, "Forbidden");
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
    if (call.url.pathname.endsWith("missing000000000000000")) {
      return apiError(404, "Resource not found");
    }
    return trackAnswer(call);
  }, { concurrency: 3 });
  const ids = ["a", "b", "missing000000000000000", "c", "d", "e", "f"];
  const tracks = await client.getTracks(ids);
  assert.deepEqual(
    tracks.map((t) => t?.id ?? null),
    ids.map((id) => id.startsWith("m") ? null : id),
  );
  assert.equal(client.apiGeneration, "2026");
  assert.ok(peak <= 3 && peak >= 2, `peak in-flight ${peak}`);
  // The client remembers: no more batch attempts.
  const before = apiCalls().length;
  await client.getTracks(["g", "h"]);
  assert.deepEqual(apiCalls().slice(before).map((c) => c.url.pathname), [
    "/v1/tracks/g",
    "/v1/tracks/h",
  ]);
});

Deno.test("batch reads started together before the first answer: only one is sent under 2026 rules", async () => {
  // Two calls whose batches would both go out before the first answer (a batcher flushing
  // twice under load): the second waits for the first's answer, so one refusal, not two.
  let release = () => {};
  const firstAnswer = new Promise<void>((resolve) => (release = resolve));
  const { client, apiCalls } = clientWith(async (call) => {
    if (call.url.pathname === "/v1/tracks") {
      await firstAnswer;
      return apiError(403, "Forbidden");
    }
    return trackAnswer(call);
  });
  const first = client.getTracks(["a", "b"]);
  const second = client.getTracks(["c"]);
  // Let both calls get as far as they can before the refusal arrives.
  await new Promise((resolve) => setTimeout(resolve, 0));
  release();
  const [a, b] = await Promise.all([first, second]);
  assert.deepEqual([...a, ...b].map((t) => t?.id), ["a", "b", "c"]);
  const batches = apiCalls().filter((c) => c.url.pathname === "/v1/tracks");
  assert.equal(batches.length, 1, JSON.stringify(apiCalls().map((c) => c.url.href)));
});

Deno.test("a pinned 2026 API never tries batch reads", async () => {
  const { client, apiCalls } = clientWith(trackAnswer, { apiMode: "2026" });
  await client.getTracks(["a", "b"]);
  assert.ok(apiCalls().every((c) => c.url.pathname !== "/v1/tracks"));
});

function playlistMeta(extra: Record<string, unknown> = {}) {
  return {
    id: "5LkNhFidYyyjRWwnkcMbQs",
    name: "Mix",
    owner: { id: "owner", display_name: "Owner" },
    snapshot_id: "snap",
    images: [],
    ...extra,
  };
}

Deno.test("getPlaylist uses /items (2026 rows hold `item`)", async () => {
  const track = await trackBody();
  const { client, apiCalls } = clientWith((call) => {
    if (call.url.pathname.endsWith("/items")) {
      return json({ items: [{ item: track }, { item: null }], next: null, total: 2 });
    }
    return json(playlistMeta());
  });
  const playlist = await client.getPlaylist("5LkNhFidYyyjRWwnkcMbQs");
  assert.equal(playlist.entries.length, 1);
  assert.equal(playlist.entries[0].track.id, TRACK_ID);
  assert.deepEqual(playlist.skipped, [{ position: 1, reason: "removed" }]);
  assert.equal(playlist.totalEntries, 2);
  assert.deepEqual(apiCalls().map((c) => c.url.pathname), [
    "/v1/playlists/5LkNhFidYyyjRWwnkcMbQs",
    "/v1/playlists/5LkNhFidYyyjRWwnkcMbQs/items",
  ]);
  assert.equal(client.apiGeneration, "2026");
});

Deno.test("getPlaylist falls back to /tracks when /items does not exist", async () => {
  const track = await trackBody();
  const { client, apiCalls } = clientWith((call) => {
    if (call.url.pathname.endsWith("/items")) return apiError(404, "Service not found");
    if (call.url.pathname.endsWith("/tracks")) {
      return json({ items: [{ track }], next: null, total: 1 });
    }
    return json(playlistMeta());
  });
  const playlist = await client.getPlaylist("5LkNhFidYyyjRWwnkcMbQs");
  assert.equal(playlist.entries[0].track.id, TRACK_ID);
  assert.equal(apiCalls().at(-1)!.url.searchParams.get("limit"), "100");
  assert.equal(client.apiGeneration, "pre2026");
});

Deno.test("getPlaylist uses an embedded page and follows its next link", async () => {
  const track = await trackBody();
  const { client, apiCalls } = clientWith((call) => {
    if (call.url.pathname.endsWith("/items")) {
      return json({ items: [{ item: { ...track, id: "second0000000000000000" } }], next: null });
    }
    return json(playlistMeta({
      items: {
        items: [{ item: track }],
        next: "https://api.spotify.com/v1/playlists/5LkNhFidYyyjRWwnkcMbQs/items?offset=1&limit=1",
        total: 2,
      },
    }));
  });
  const playlist = await client.getPlaylist("5LkNhFidYyyjRWwnkcMbQs");
  assert.deepEqual(playlist.entries.map((e) => [e.position, e.track.id]), [
    [0, TRACK_ID],
    [1, "second0000000000000000"],
  ]);
  assert.equal(
    apiCalls()[1].url.href,
    `${API}/v1/playlists/5LkNhFidYyyjRWwnkcMbQs/items?offset=1&limit=1`,
  );
});

Deno.test("a 403 on /items means Spotify withholds the playlist", async () => {
  const { client } = clientWith((call) =>
    call.url.pathname.endsWith("/items") ? apiError(403, "Forbidden") : json(playlistMeta())
  );
  const error = await client.getPlaylist("5LkNhFidYyyjRWwnkcMbQs").catch((e) => e);
  assert.ok(error instanceof PlaylistWithheldError);
  assert.match(error.message, /"Mix"/);
  assert.match(error.hint ?? "", /tunedl login/);
});

Deno.test("a playlist that reports entries but lists none is withheld too", async () => {
  const { client } = clientWith((call) =>
    call.url.pathname.endsWith("/items")
      ? json({ items: [], next: null, total: 0 })
      : json(playlistMeta({ items: { href: "x", total: 12 } }))
  );
  await assert.rejects(client.getPlaylist("5LkNhFidYyyjRWwnkcMbQs"), PlaylistWithheldError);
});

Deno.test("getAlbum pages the album's tracks after the embedded first page", async () => {
  const album = await recordedBody("/v1/albums/7D2NdGvBHIavgLhmcwhluK");
  const rows = (album.tracks as { items: unknown[] }).items;
  const { client, apiCalls } = clientWith((call) => {
    if (call.url.pathname.endsWith("/tracks")) {
      const offset = Number(call.url.searchParams.get("offset"));
      return json({
        items: rows.slice(offset, offset + 4),
        next: offset + 4 < rows.length
          ? `https://api.spotify.com/v1/albums/7D2NdGvBHIavgLhmcwhluK/tracks?offset=${
            offset + 4
          }&limit=4`
          : null,
        total: rows.length,
      });
    }
    return json({
      ...album,
      tracks: {
        items: rows.slice(0, 4),
        next: "https://api.spotify.com/v1/albums/7D2NdGvBHIavgLhmcwhluK/tracks?offset=4&limit=4",
        total: rows.length,
      },
    });
  });
  const result = await client.getAlbum("7D2NdGvBHIavgLhmcwhluK");
  assert.equal(result.tracks.length, 10);
  assert.deepEqual(result.tracks.map((t) => t.trackNumber), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(apiCalls().length, 3);
});

Deno.test("concurrency caps requests in flight", async () => {
  let inFlight = 0;
  let peak = 0;
  const { client } = clientWith(async (call) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
    return trackAnswer(call);
  }, { concurrency: 2 });
  await Promise.all(Array.from({ length: 8 }, (_, i) => client.getTrack(`t${i}`)));
  assert.equal(peak, 2);
});

Deno.test("the client's rate limiter lets a burst through, then holds the average", async () => {
  const { client, apiCalls, time } = clientWith(trackAnswer, {
    concurrency: 4,
    time: new VirtualTime(0),
    // A window as long as Spotify's: a burst of 3, then one every 10 s.
    rateLimit: { enabled: true, requests: 3, windowMs: 30_000 },
  });
  await Promise.all(Array.from({ length: 14 }, (_, i) => client.getTrack(`t${i}`)));
  const starts = apiCalls().map((c) => c.at).sort((a, b) => a - b);
  assert.equal(starts.length, 14);
  assert.deepEqual(starts.slice(0, 3), [0, 0, 0]);
  for (let i = 3; i < starts.length; i++) {
    assert.ok(starts[i] >= (i - 2) * 10_000, `request ${i + 1} started at ${starts[i]}`);
  }
  assert.ok(time.sleeps.length > 0);
});

Deno.test("an aborted signal cancels the request", async () => {
  const { client } = clientWith(trackAnswer);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(client.getTrack(TRACK_ID, { signal: controller.signal }), CancelledError);
});

Deno.test("getAlbum: a later track page that keeps failing costs the tracks from there, not the album", async () => {
  const album = await recordedBody("/v1/albums/7D2NdGvBHIavgLhmcwhluK");
  const rows = (album.tracks as { items: unknown[] }).items;
  const { client } = clientWith((call) => {
    if (call.url.pathname.endsWith("/tracks")) {
      const offset = Number(call.url.searchParams.get("offset"));
      if (offset >= 8) return apiError(500, "Server error");
      return json({
        items: rows.slice(offset, offset + 4),
        next: `https://api.spotify.com/v1/albums/7D2NdGvBHIavgLhmcwhluK/tracks?offset=${
          offset + 4
        }&limit=4`,
        total: rows.length,
      });
    }
    return json({
      ...album,
      tracks: {
        items: rows.slice(0, 4),
        next: "https://api.spotify.com/v1/albums/7D2NdGvBHIavgLhmcwhluK/tracks?offset=4&limit=4",
        total: rows.length,
      },
    });
  });
  const result = await client.getAlbum("7D2NdGvBHIavgLhmcwhluK");
  assert.equal(result.tracks.length, 8);
  assert.match(result.unreadTracks ?? "", /tracks from number 9 on could not be read/);
  assert.match(result.unreadTracks ?? "", /500/);
});

Deno.test("getAlbum: an outage on a later page is still the outage (not a partial album)", async () => {
  const album = await recordedBody("/v1/albums/7D2NdGvBHIavgLhmcwhluK");
  const rows = (album.tracks as { items: unknown[] }).items;
  const { client } = clientWith((call) => {
    if (call.url.pathname.endsWith("/tracks")) throw new TypeError("connection refused");
    return json({
      ...album,
      tracks: {
        items: rows.slice(0, 4),
        next: "https://api.spotify.com/v1/albums/7D2NdGvBHIavgLhmcwhluK/tracks?offset=4&limit=4",
        total: rows.length,
      },
    });
  });
  await assert.rejects(client.getAlbum("7D2NdGvBHIavgLhmcwhluK"), ServiceUnreachableError);
});

Deno.test("a megabyte error message or track name from Spotify is cut before it travels", async () => {
  const huge = "\u001b[2J" + "x".repeat(1_000_000);
  const failing = clientWith(() => apiError(400, huge));
  const error = await failing.client.getTrack(TRACK_ID).catch((e) => e);
  assert.ok(error.message.length < 600, `${error.message.length} characters`);
  assert.ok(!error.message.includes("\u001b"));

  const named = clientWith(async (call) => {
    const body = await (await trackAnswer(call)).json();
    return json({ ...body, name: huge });
  });
  const track = await named.client.getTrack(TRACK_ID);
  assert.ok(track.name.length <= 2000, `${track.name.length} characters`);
});
