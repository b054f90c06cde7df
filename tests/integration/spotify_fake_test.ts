/**
 * The Spotify fake itself, over raw HTTP: other tests and the benchmark rely
 * on it answering like the real API in both generations.
 */
import assert from "node:assert/strict";
import {
  type FakeSpotify,
  FIXTURE_IDS,
  PREMIUM_REQUIRED_MESSAGE,
  startFakeSpotify,
} from "../fakes/spotify_fake.ts";

type Json = Record<string, unknown>;

async function token(fake: FakeSpotify, secret = fake.clientSecret): Promise<Response> {
  return await fetch(`${fake.accountsUrl}/api/token`, {
    method: "POST",
    headers: {
      "Authorization": `Basic ${btoa(`${fake.clientId}:${secret}`)}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
}

async function appToken(fake: FakeSpotify): Promise<string> {
  return (await (await token(fake)).json()).access_token;
}

async function get(fake: FakeSpotify, pathOrUrl: string, bearer?: string) {
  const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${fake.url}${pathOrUrl}`;
  const response = await fetch(url, {
    headers: bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` },
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Json, headers: response.headers };
}

Deno.test("token endpoint checks the client credentials and issues expiring tokens", async () => {
  await using fake = await startFakeSpotify();
  const bad = await token(fake, "nope");
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), {
    error: "invalid_client",
    error_description: "Invalid client secret",
  });
  const good = await token(fake);
  const body = await good.json();
  assert.equal(good.status, 200);
  assert.equal(body.token_type, "Bearer");
  assert.equal(body.expires_in, 3600);

  assert.equal((await get(fake, `/v1/tracks/${FIXTURE_IDS.track}`)).status, 401);
  assert.equal((await get(fake, `/v1/tracks/${FIXTURE_IDS.track}`, "made-up")).status, 401);
  assert.equal((await get(fake, `/v1/tracks/${FIXTURE_IDS.track}`, body.access_token)).status, 200);
  fake.expireTokens();
  const expired = await get(fake, `/v1/tracks/${FIXTURE_IDS.track}`, body.access_token);
  assert.equal(expired.status, 401);
  assert.deepEqual(expired.body, { error: { status: 401, message: "The access token expired" } });
});

Deno.test("paging answers any limit/offset with correct total and absolute links", async () => {
  await using fake = await startFakeSpotify();
  const bearer = await appToken(fake);
  const expected = fake.catalog.album_tracks[FIXTURE_IDS.album25].map((t) => t.id);
  for (const limit of [1, 4, 7, 24, 25, 50]) {
    const ids: unknown[] = [];
    let next: string | null = `/v1/albums/${FIXTURE_IDS.album25}/tracks?limit=${limit}&offset=0`;
    let pages = 0;
    while (next) {
      const { status, body } = await get(fake, next, bearer);
      assert.equal(status, 200);
      assert.equal(body.total, 25);
      assert.equal(body.limit, limit);
      ids.push(...(body.items as Json[]).map((t) => t.id));
      next = body.next as string | null;
      if (next) assert.ok(next.startsWith(`${fake.url}/v1/albums/`), next);
      pages++;
    }
    assert.deepEqual(ids, expected, `limit ${limit}`);
    assert.equal(pages, Math.ceil(25 / limit));
  }
  const middle = await get(
    fake,
    `/v1/albums/${FIXTURE_IDS.album25}/tracks?limit=10&offset=10`,
    bearer,
  );
  assert.equal(
    middle.body.previous,
    `${fake.url}/v1/albums/${FIXTURE_IDS.album25}/tracks?offset=0&limit=10`,
  );
  assert.equal(
    middle.body.next,
    `${fake.url}/v1/albums/${FIXTURE_IDS.album25}/tracks?offset=20&limit=10`,
  );
  const past = await get(fake, `/v1/albums/${FIXTURE_IDS.album25}/tracks?offset=30`, bearer);
  assert.deepEqual([past.body.items, past.body.next], [[], null]);
  for (const limit of ["0", "51", "x"]) {
    const refused = await get(
      fake,
      `/v1/albums/${FIXTURE_IDS.album25}/tracks?limit=${limit}`,
      bearer,
    );
    assert.equal(refused.status, 400, `limit ${limit}`);
  }
});

Deno.test("pre-2026 shapes: batch reads, /tracks rows, embedded tracks, popularity", async () => {
  await using fake = await startFakeSpotify({ mode: "pre2026" });
  const bearer = await appToken(fake);
  const batch = await get(
    fake,
    `/v1/tracks?ids=${FIXTURE_IDS.track},0000000000000000000000`,
    bearer,
  );
  assert.equal(batch.status, 200);
  const tracks = batch.body.tracks as Array<Json | null>;
  assert.equal(tracks[0]?.id, FIXTURE_IDS.track);
  assert.equal(tracks[1], null);
  assert.ok("popularity" in tracks[0]! && "available_markets" in tracks[0]!);
  const tooMany = Array.from({ length: 51 }, () => FIXTURE_IDS.track).join(",");
  assert.equal((await get(fake, `/v1/tracks?ids=${tooMany}`, bearer)).status, 400);

  const playlist = await get(fake, `/v1/playlists/${FIXTURE_IDS.playlist}`, bearer);
  const embedded = playlist.body.tracks as Json;
  assert.equal(embedded.total, 10);
  assert.ok("track" in (embedded.items as Json[])[1]);
  const rows = await get(
    fake,
    `/v1/playlists/${FIXTURE_IDS.playlist}/tracks?limit=3&offset=9`,
    bearer,
  );
  assert.equal((rows.body.items as Json[]).length, 1);
  assert.equal(
    (await get(fake, `/v1/playlists/${FIXTURE_IDS.playlist}/items`, bearer)).status,
    404,
  );
  const top = await get(fake, `/v1/artists/${FIXTURE_IDS.artist}/top-tracks`, bearer);
  assert.equal(top.status, 200);
  assert.equal((await get(fake, "/v1/search?q=test&type=track&limit=50", bearer)).status, 200);
  assert.equal((await get(fake, "/v1/search?q=test&type=track&limit=51", bearer)).status, 400);
});

Deno.test("a playlist read with fields= answers only those top-level fields, like Spotify", async () => {
  await using fake = await startFakeSpotify({ mode: "pre2026" });
  const bearer = await appToken(fake);
  const path = `/v1/playlists/${FIXTURE_IDS.playlist}`;
  const cases: [string, string[] | "all"][] = [
    ["?fields=snapshot_id", ["snapshot_id"]],
    ["?fields=name,snapshot_id", ["name", "snapshot_id"]],
    ["", "all"],
    // Nested selections are not modelled: the whole playlist comes back.
    ["?fields=tracks.items(track(name))", "all"],
  ];
  const full = (await get(fake, path, bearer)).body;
  for (const [query, keys] of cases) {
    const { status, body } = await get(fake, `${path}${query}`, bearer);
    assert.equal(status, 200, query);
    if (keys === "all") assert.deepEqual(body, full, query);
    else assert.deepEqual(Object.keys(body).sort(), keys, query);
  }
  assert.equal(typeof full.snapshot_id, "string");
});

Deno.test("2026 shapes: removed endpoints 403, /items with `item`, stripped fields", async () => {
  await using fake = await startFakeSpotify({ mode: "2026" });
  const app = await appToken(fake);
  const owner = fake.issueToken({ userId: FIXTURE_IDS.playlistOwner });
  const removed = [
    `/v1/tracks?ids=${FIXTURE_IDS.track}`,
    `/v1/albums?ids=${FIXTURE_IDS.album10}`,
    `/v1/artists?ids=${FIXTURE_IDS.artist}`,
    `/v1/artists/${FIXTURE_IDS.artist}/top-tracks`,
    `/v1/playlists/${FIXTURE_IDS.playlist}/tracks`,
  ];
  for (const path of removed) {
    const answer = await get(fake, path, owner);
    assert.equal(answer.status, 403, path);
    assert.deepEqual(answer.body, { error: { status: 403, message: "Forbidden" } });
  }

  const track = (await get(fake, `/v1/tracks/${FIXTURE_IDS.track}`, app)).body;
  assert.ok(!("popularity" in track) && !("available_markets" in track));
  assert.ok(!("available_markets" in (track.album as Json)));
  assert.ok((track.external_ids as Json).isrc, "ISRC stays (reverted in March 2026)");
  const album = (await get(fake, `/v1/albums/${FIXTURE_IDS.album10}`, app)).body;
  assert.ok(!("popularity" in album) && !("available_markets" in album));

  // Client credentials: metadata only, /items refused.
  const metadataOnly = (await get(fake, `/v1/playlists/${FIXTURE_IDS.playlist}`, app)).body;
  assert.equal(metadataOnly.name, "Top 10 NCS Songs Episode 2");
  assert.ok(!("items" in metadataOnly) && !("tracks" in metadataOnly));
  const refused = await get(fake, `/v1/playlists/${FIXTURE_IDS.playlist}/items`, app);
  assert.deepEqual([refused.status, refused.body], [403, {
    error: { status: 403, message: "Forbidden" },
  }]);

  // The owner sees the rows, which hold `item`.
  const full = (await get(fake, `/v1/playlists/${FIXTURE_IDS.playlist}`, owner)).body;
  const rows = (full.items as Json).items as Json[];
  assert.equal(rows.length, 10);
  assert.ok(rows.every((row) => "item" in row && !("track" in row)));
  const items = await get(fake, `/v1/playlists/${FIXTURE_IDS.playlist}/items?limit=4`, owner);
  assert.equal(items.body.total, 10);
  assert.match(String(items.body.next), /\/items\?offset=4&limit=4$/);
  assert.equal(
    (await get(fake, `/v1/playlists/${FIXTURE_IDS.playlist}/items?limit=51`, owner)).status,
    400,
  );

  const search = await get(fake, "/v1/search?q=test&type=track", app);
  assert.equal((search.body.tracks as Json).limit, 5);
  assert.equal((await get(fake, "/v1/search?q=test&type=track&limit=10", app)).status, 200);
  assert.equal((await get(fake, "/v1/search?q=test&type=track&limit=11", app)).status, 400);
});

Deno.test("2026 without Premium: every API call is 403 with Spotify's message", async () => {
  await using fake = await startFakeSpotify({ mode: "2026", premium: false });
  const bearer = await appToken(fake);
  for (const path of [`/v1/tracks/${FIXTURE_IDS.track}`, "/v1/search?q=x&type=track"]) {
    const answer = await get(fake, path, bearer);
    assert.deepEqual([answer.status, answer.body], [403, {
      error: { status: 403, message: PREMIUM_REQUIRED_MESSAGE },
    }]);
  }
  fake.setMode("pre2026");
  assert.equal((await get(fake, `/v1/tracks/${FIXTURE_IDS.track}`, bearer)).status, 200);
});

Deno.test("search matches names, artists and field filters", async () => {
  await using fake = await startFakeSpotify();
  const bearer = await appToken(fake);
  const track = fake.catalog.tracks["1gqkRc9WtOpnGIqxf2Hvzr"];
  const isrc = (track.external_ids as Json).isrc;
  const found = await get(fake, `/v1/search?q=isrc:${isrc}&type=track`, bearer);
  assert.deepEqual(
    ((found.body.tracks as Json).items as Json[]).map((t) => t.id),
    ["1gqkRc9WtOpnGIqxf2Hvzr"],
  );
  const albums = await get(fake, "/v1/search?q=album:yeezus&type=album", bearer);
  assert.ok(((albums.body.albums as Json).items as Json[]).some((a) => a.name === "Yeezus"));
  const artistWords = await get(fake, "/v1/search?q=kanye%20sight&type=track", bearer);
  assert.ok(
    ((artistWords.body.tracks as Json).items as Json[]).some((t) => t.name === "On Sight"),
  );
});

Deno.test("scripted faults: 429, 5xx, dropped connection, malformed JSON, then normal", async () => {
  await using fake = await startFakeSpotify({
    faults: [
      { path: /\/v1\/artists\//, status: 429, retryAfter: 7 },
      { path: /\/v1\/artists\//, status: 503 },
      { path: /\/v1\/artists\//, status: "drop" },
      { path: /\/v1\/artists\//, status: "malformed-json" },
    ],
  });
  const bearer = await appToken(fake);
  const url = `${fake.url}/v1/artists/${FIXTURE_IDS.artist}`;
  const limited = await fetch(url, { headers: { Authorization: `Bearer ${bearer}` } });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "7");
  await limited.body?.cancel();
  const unavailable = await fetch(url, { headers: { Authorization: `Bearer ${bearer}` } });
  assert.equal(unavailable.status, 503);
  await unavailable.body?.cancel();
  const dropped = await fetch(url, { headers: { Authorization: `Bearer ${bearer}` } });
  await assert.rejects(dropped.text());
  const malformed = await fetch(url, { headers: { Authorization: `Bearer ${bearer}` } });
  const malformedText = await malformed.text();
  assert.equal(malformed.status, 200);
  assert.throws(() => JSON.parse(malformedText));
  assert.equal((await get(fake, url, bearer)).status, 200);

  assert.deepEqual(
    fake.requests.filter((r) => r.path.startsWith("/v1/")).map((r) => [r.status, r.fault]),
    [[429, "429"], [503, "503"], [0, "drop"], [200, "malformed-json"], [200, undefined]],
  );
  assert.equal(fake.counts()["GET /v1/artists/{id}"], 5);
  assert.equal(fake.count(/artists/), 5);
  fake.reset();
  assert.deepEqual(fake.requests, []);
  assert.deepEqual(fake.counts(), {});
});

Deno.test("latency delays answers without breaking them", async () => {
  await using fake = await startFakeSpotify({ latencyMs: 5 });
  const bearer = await appToken(fake);
  assert.equal((await get(fake, `/v1/artists/${FIXTURE_IDS.artist}`, bearer)).status, 200);
});
