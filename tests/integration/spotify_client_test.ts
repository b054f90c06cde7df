/**
 * The catalog client against the local Spotify fake, in both API generations.
 * Sleeps are injected (and recorded) so retry waits cost no real time.
 */
import assert from "node:assert/strict";
import { AuthError, NetworkError, NotFoundError } from "../../src/errors/mod.ts";
import {
  PlaylistWithheldError,
  RateLimitedError,
  SpotifyClient,
  type SpotifyClientOptions,
  type TokenProvider,
  toTrackMetadata,
} from "../../src/spotify/mod.ts";
import {
  type FakeApiMode,
  type FakeSpotify,
  type FakeSpotifyOptions,
  FIXTURE_IDS,
  startFakeSpotify,
} from "../fakes/spotify_fake.ts";

function clientFor(fake: FakeSpotify, options: Partial<SpotifyClientOptions> = {}) {
  const sleeps: number[] = [];
  // Sleeping moves this clock instead of waiting; clock and sleep must agree.
  let now = Date.now();
  const client = new SpotifyClient({
    apiUrl: fake.url,
    accountsUrl: fake.accountsUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    maxRetries: 4,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 5000,
    clock: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
    ...options,
  });
  return { client, sleeps };
}

/** A token provider holding a user token, as a logged-in user would have. */
function userTokens(fake: FakeSpotify, userId: string): TokenProvider {
  let token = fake.issueToken({ userId });
  return {
    getToken: () => Promise.resolve(token),
    invalidate: () => {
      token = fake.issueToken({ userId });
    },
  };
}

/** Everything the client reads for the fixture data, normalized. */
async function readFixtures(mode: FakeApiMode, options: FakeSpotifyOptions = {}) {
  await using fake = await startFakeSpotify({ mode, maxPageSize: 4, ...options });
  // In 2026 only the owner sees the playlist's tracks: log in as the owner.
  const { client } = clientFor(fake, {
    tokenProvider: mode === "2026" ? userTokens(fake, FIXTURE_IDS.playlistOwner) : undefined,
  });
  const playlist = await client.getPlaylist(FIXTURE_IDS.playlist);
  const albums = [];
  for (const id of [FIXTURE_IDS.album25, FIXTURE_IDS.album16, FIXTURE_IDS.album10]) {
    albums.push(await client.getAlbum(id));
  }
  const artist = await client.getArtist(FIXTURE_IDS.artist);
  const artistAlbums = await client.getArtistAlbums(FIXTURE_IDS.artist, {
    groups: ["album", "single", "compilation"],
  });
  const tracks = await client.getTracks(playlist.entries.map((e) => e.track.id));
  return { playlist, albums, artist, artistAlbums, tracks, counts: fake.counts() };
}

Deno.test("both API generations give equal normalized results for the fixtures", async () => {
  const before = await readFixtures("pre2026");
  const after = await readFixtures("2026");
  assert.deepEqual(after.playlist, before.playlist);
  assert.deepEqual(after.albums, before.albums);
  assert.deepEqual(after.artist, before.artist);
  assert.deepEqual(after.artistAlbums, before.artistAlbums);
  assert.deepEqual(after.tracks, before.tracks);

  assert.equal(before.playlist.name, "Top 10 NCS Songs Episode 2");
  assert.equal(before.playlist.totalEntries, 10);
  assert.equal(before.playlist.entries.length, 9);
  assert.deepEqual(before.albums.map((a) => a.tracks.length), [25, 16, 10]);
  assert.equal(before.artist.name, "Kontinuum");
  assert.equal(before.artistAlbums.length, 8);
  assert.ok(before.tracks.every((t) => t !== null && t.isrc));

  // Each generation used its own endpoints.
  assert.ok(before.counts["GET /v1/playlists/{id}/tracks"] > 0);
  assert.equal(before.counts["GET /v1/playlists/{id}/items"], undefined);
  assert.equal(after.counts["GET /v1/playlists/{id}/tracks"], undefined);
  assert.ok(after.counts["GET /v1/playlists/{id}/items"] > 0);
  assert.equal(before.counts["GET /v1/tracks/{id}"], undefined);
  assert.equal(after.counts["GET /v1/tracks/{id}"], 9);
});

Deno.test("the fixture playlist's removed first entry is reported as skipped", async () => {
  for (const mode of ["pre2026", "2026"] as const) {
    const { playlist } = await readFixtures(mode);
    assert.deepEqual(playlist.skipped, [
      { position: 0, reason: "removed", id: FIXTURE_IDS.removedTrack },
    ], mode);
    assert.equal(playlist.entries[0].position, 1, mode);
    assert.equal(playlist.entries[0].track.name, "Cradles", mode);
  }
});

Deno.test("albums page correctly at odd page sizes", async () => {
  for (const pageSize of [1, 3, 7, 24, 25, 50]) {
    await using fake = await startFakeSpotify({ maxPageSize: pageSize });
    const { client } = clientFor(fake);
    const album = await client.getAlbum(FIXTURE_IDS.album25);
    const expected = fake.catalog.album_tracks[FIXTURE_IDS.album25].map((t) => t.id);
    assert.deepEqual(album.tracks.map((t) => t.id), expected, `page size ${pageSize}`);
    const firstPage = Math.min(pageSize, 50);
    assert.equal(
      fake.counts()["GET /v1/albums/{id}/tracks"] ?? 0,
      Math.ceil((25 - Math.min(firstPage, 25)) / Math.min(pageSize, 50)),
      `page size ${pageSize}`,
    );
  }
});

Deno.test("next links with the real hostname are followed on the configured API", async () => {
  await using fake = await startFakeSpotify({
    maxPageSize: 2,
    linkOrigin: "https://api.spotify.com",
  });
  const { client } = clientFor(fake);
  const albums = await client.getArtistAlbums(FIXTURE_IDS.artist, { groups: ["single"] });
  assert.equal(albums.length, 8);
  assert.equal(fake.counts()["GET /v1/artists/{id}/albums"], 4);
});

Deno.test("2026 with client credentials: the playlist's tracks are withheld", async () => {
  await using fake = await startFakeSpotify({ mode: "2026" });
  const { client } = clientFor(fake);
  const error = await client.getPlaylist(FIXTURE_IDS.playlist).catch((e) => e);
  assert.ok(error instanceof PlaylistWithheldError);
  assert.equal(error.playlistName, "Top 10 NCS Songs Episode 2");
  assert.match(error.message, /Top 10 NCS Songs Episode 2/);
  assert.match(error.hint ?? "", /tunedl login/);
  assert.equal(fake.count("/tracks"), 0);
  assert.equal(fake.count(/\/items/), 1);
});

Deno.test("2026: a collaborator (ownedPlaylistIds) can read the playlist", async () => {
  await using fake = await startFakeSpotify({
    mode: "2026",
    currentUserId: "me",
    ownedPlaylistIds: [FIXTURE_IDS.playlist],
  });
  const { client } = clientFor(fake, { tokenProvider: userTokens(fake, "me") });
  const playlist = await client.getPlaylist(FIXTURE_IDS.playlist);
  assert.equal(playlist.entries.length, 9);
  const stranger = clientFor(fake, { tokenProvider: userTokens(fake, "someone-else") });
  await assert.rejects(stranger.client.getPlaylist(FIXTURE_IDS.playlist), PlaylistWithheldError);
});

Deno.test("batch reads in pre-2026, single reads after one refused batch in 2026", async () => {
  const ids = ["1t2qKa8K72IBC8yQlhD9bU", "2QTDuJIGKUjR7E2Q6KupIh", "0000000000000000000000"];
  {
    await using fake = await startFakeSpotify({ mode: "pre2026" });
    const { client } = clientFor(fake);
    const tracks = await client.getTracks(ids);
    assert.deepEqual(tracks.map((t) => t?.id ?? null), [ids[0], ids[1], null]);
    assert.deepEqual(fake.counts(), { "POST /api/token": 1, "GET /v1/tracks": 1 });
  }
  {
    await using fake = await startFakeSpotify({ mode: "2026" });
    const { client } = clientFor(fake);
    const tracks = await client.getTracks(ids);
    assert.deepEqual(tracks.map((t) => t?.id ?? null), [ids[0], ids[1], null]);
    assert.deepEqual(fake.counts(), {
      "POST /api/token": 1,
      "GET /v1/tracks": 1,
      "GET /v1/tracks/{id}": 3,
    });
    assert.equal(client.apiGeneration, "2026");
    await client.getTracks(ids.slice(0, 2));
    assert.equal(fake.counts()["GET /v1/tracks"], 1);
  }
});

Deno.test("without Premium every call fails with the Premium explanation", async () => {
  await using fake = await startFakeSpotify({ mode: "2026", premium: false });
  const { client } = clientFor(fake);
  for (const read of [() => client.getTrack(FIXTURE_IDS.track), () => client.getTracks(["a"])]) {
    const error = await read().catch((e) => e);
    assert.ok(error instanceof AuthError);
    assert.match(error.message, /the Spotify app's owner needs Spotify Premium/);
  }
  fake.setPremium(true);
  assert.equal((await client.getTrack(FIXTURE_IDS.track)).id, FIXTURE_IDS.track);
});

Deno.test("tokens are cached, and renewed once when the fake expires them", async () => {
  await using fake = await startFakeSpotify({ separateAccountsServer: true });
  assert.notEqual(fake.accountsUrl, fake.url);
  const { client } = clientFor(fake);
  await client.getTrack(FIXTURE_IDS.track);
  await client.getArtist(FIXTURE_IDS.artist);
  assert.equal(client.stats().tokenRequests, 1);
  fake.expireTokens();
  await client.getTrack(FIXTURE_IDS.track);
  assert.equal(client.stats().tokenRequests, 2);
  assert.deepEqual(
    fake.requests.filter((r) => r.path.startsWith("/v1/")).map((r) => r.status),
    [200, 200, 401, 200],
  );
});

Deno.test("wrong client credentials are an AuthError naming the id/secret", async () => {
  await using fake = await startFakeSpotify();
  const { client } = clientFor(fake, { clientSecret: "wrong" });
  const error = await client.getTrack(FIXTURE_IDS.track).catch((e) => e);
  assert.ok(error instanceof AuthError);
  assert.match(error.message, /Spotify rejected the client id\/secret/);
  assert.doesNotMatch(`${error.message} ${error.hint}`, /wrong/);
});

Deno.test("503, dropped connections and malformed JSON are retried until success", async () => {
  await using fake = await startFakeSpotify({
    faults: [
      { path: /^\/v1\/tracks\//, status: 503, times: 2 },
      { path: /^\/v1\/tracks\//, status: "drop" },
      { path: /^\/v1\/tracks\//, status: "malformed-json" },
    ],
  });
  const { client, sleeps } = clientFor(fake);
  const track = await client.getTrack(FIXTURE_IDS.track);
  assert.equal(track.id, FIXTURE_IDS.track);
  assert.deepEqual(
    fake.requests.filter((r) => r.path.startsWith("/v1/")).map((r) => r.fault ?? r.status),
    ["503", "503", "drop", "malformed-json", 200],
  );
  assert.equal(client.stats().retries, 4);
  assert.equal(sleeps.length, 4);
});

Deno.test("retries stop after maxRetries", async () => {
  await using fake = await startFakeSpotify({
    faults: [{ path: "/v1/albums/", status: 500, times: Infinity }],
  });
  const { client } = clientFor(fake, { maxRetries: 2 });
  await assert.rejects(client.getAlbum(FIXTURE_IDS.album10), NetworkError);
  assert.equal(fake.count("/v1/albums/"), 3);
});

Deno.test("429 Retry-After is honoured; a long one raises RateLimitedError", async () => {
  await using fake = await startFakeSpotify({
    faults: [{ path: "/v1/artists/", status: 429, retryAfter: 3 }],
  });
  const { client, sleeps } = clientFor(fake);
  assert.equal((await client.getArtist(FIXTURE_IDS.artist)).name, "Kontinuum");
  assert.deepEqual(sleeps, [3000]);
  assert.equal(client.stats().rateLimited, 1);

  fake.addFault({ path: "/v1/artists/", status: 429, retryAfter: 86_400 });
  const error = await client.getArtist(FIXTURE_IDS.artist).catch((e) => e);
  assert.ok(error instanceof RateLimitedError);
  assert.match(error.message, /try again after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
});

Deno.test("unknown ids are NotFoundError naming the Spotify URL", async () => {
  await using fake = await startFakeSpotify({ mode: "2026" });
  const { client } = clientFor(fake);
  const id = "0000000000000000000000";
  const error = await client.getAlbum(id).catch((e) => e);
  assert.ok(error instanceof NotFoundError);
  assert.match(error.message, new RegExp(`https://open\\.spotify\\.com/album/${id}`));
  await assert.rejects(client.getPlaylist(id), /open\.spotify\.com\/playlist\/0{22}/);
});

Deno.test("album tracks plus their album give the same metadata as full tracks", async () => {
  await using fake = await startFakeSpotify({ mode: "2026" });
  const { client } = clientFor(fake);
  const album = await client.getAlbum(FIXTURE_IDS.album10);
  const artist = await client.getArtist(album.artists[0].id);
  const full = await client.getTrack(album.tracks[2].id);
  const fromAlbum = toTrackMetadata(album.tracks[2], album, artist);
  const fromFull = toTrackMetadata(full, undefined, artist);
  const { isrc: _isrc, ...fullWithoutIsrc } = fromFull;
  assert.deepEqual(fromAlbum, fullWithoutIsrc);
  assert.equal(fromAlbum.trackNumber, 3);
  assert.equal(fromAlbum.trackCount, 10);
});

Deno.test("albums and artists: batch reads in pre-2026, single reads in 2026, same results", async () => {
  const albumIds = [FIXTURE_IDS.album16, FIXTURE_IDS.album10, "0000000000000000000000"];
  const artistIds = [FIXTURE_IDS.artist, "0000000000000000000000"];
  const results: Record<string, unknown> = {};
  for (const mode of ["pre2026", "2026"] as const) {
    await using fake = await startFakeSpotify({ mode });
    const { client } = clientFor(fake);
    const albums = await client.getAlbums(albumIds);
    const artists = await client.getArtists(artistIds);
    assert.deepEqual(albums.map((a) => a?.tracks.length ?? null), [16, 10, null]);
    assert.deepEqual(artists.map((a) => a?.id ?? null), [FIXTURE_IDS.artist, null]);
    const counts = fake.counts();
    if (mode === "pre2026") {
      assert.equal(counts["GET /v1/albums"], 1);
      assert.equal(counts["GET /v1/artists"], 1);
      assert.equal(counts["GET /v1/albums/{id}"], undefined);
    } else {
      // The first refused batch teaches the client the 2026 rules; no second probe.
      assert.equal((counts["GET /v1/albums"] ?? 0) + (counts["GET /v1/artists"] ?? 0), 1);
      assert.equal(counts["GET /v1/albums/{id}"], 3);
      assert.equal(counts["GET /v1/artists/{id}"], 2);
    }
    results[mode] = {
      albums: albums.map((a) => a?.name ?? null),
      artists: artists.map((a) => a?.name ?? null),
    };
  }
  assert.deepEqual(results.pre2026, results["2026"]);
});

Deno.test("2026: many ids in several batches cost one refused batch probe, not one per batch", async () => {
  await using fake = await startFakeSpotify({ mode: "2026" });
  const { client } = clientFor(fake);
  const known = Object.keys(fake.catalog.tracks);
  const ids = Array.from({ length: 120 }, (_, i) => known[i % known.length]);
  const tracks = await client.getTracks(ids);
  assert.equal(tracks.filter((t) => t !== null).length, 120);
  assert.equal(fake.counts()["GET /v1/tracks"], 1);
  assert.equal(client.apiGeneration, "2026");
});
