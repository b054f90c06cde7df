/**
 * Sources read page by page from the start (a 2026 playlist's `/items`, Liked Songs, an
 * album's `/tracks` when its object has no first page) against the local Spotify fake: a
 * later page that keeps failing costs the items from there on, named by the page's offset;
 * the first page failing still fails the source; a partial answer is never cached.
 */
import assert from "node:assert/strict";
import { ServiceUnreachableError } from "../../src/errors/mod.ts";
import { type AnswerCache, spotifyCatalogReader } from "../../src/plan/mod.ts";
import { SpotifyClient, type TokenProvider } from "../../src/spotify/mod.ts";
import {
  type FakeSpotify,
  type FakeSpotifyOptions,
  FIXTURE_IDS,
  startFakeSpotify,
} from "../fakes/spotify_fake.ts";

const PLAYLIST = FIXTURE_IDS.playlist;
const ALBUM = FIXTURE_IDS.album25;

/** A client with two retries per request and sleeps that cost no time. */
function clientFor(fake: FakeSpotify, tokenProvider?: TokenProvider): SpotifyClient {
  return new SpotifyClient({
    apiUrl: fake.url,
    accountsUrl: fake.accountsUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    maxRetries: 2,
    retryBaseDelayMs: 1,
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    tokenProvider,
  });
}

/** The token of a logged-in user who may read Liked Songs and owns the fixture playlist. */
function userTokens(fake: FakeSpotify): TokenProvider {
  const issue = () =>
    fake.issueToken({ userId: FIXTURE_IDS.playlistOwner, scopes: ["user-library-read"] });
  let token = issue();
  return {
    getToken: () => Promise.resolve(token),
    invalidate: () => {
      token = issue();
    },
  };
}

/** A cache in memory, to see what a reader keeps. */
class MapCache implements AnswerCache {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): Promise<T | undefined> {
    return Promise.resolve(this.values.get(key) as T | undefined);
  }
  set<T>(key: string, value: T): Promise<void> {
    this.values.set(key, structuredClone(value));
    return Promise.resolve();
  }
  async getOrLoad<T>(key: string, loader: () => Promise<T>): Promise<T> {
    const known = await this.get<T>(key);
    if (known !== undefined) return known;
    const value = await loader();
    await this.set(key, value);
    return value;
  }
}

async function fakeWith(options: FakeSpotifyOptions) {
  return await startFakeSpotify({
    omitFirstPages: true,
    currentUserId: FIXTURE_IDS.playlistOwner,
    ...options,
  });
}

const laterPage = (path: string, offset: number) =>
  new RegExp(`^${path.replace(/\//g, "\\/")}\\?offset=${offset}&`);

for (const [mode, endpoint] of [["2026", "items"], ["pre2026", "tracks"]] as const) {
  Deno.test(`${mode} playlist without an embedded page: a later /${endpoint} page that keeps failing leaves the rows before it`, async () => {
    await using fake = await fakeWith({
      mode,
      maxPageSize: 4,
      faults: [{
        path: laterPage(`/v1/playlists/${PLAYLIST}/${endpoint}`, 4),
        status: 500,
        times: Infinity,
      }],
    });
    const client = clientFor(fake, userTokens(fake));
    const playlist = await client.getPlaylist(PLAYLIST);
    // Rows 1-4: the first one is a removed track.
    assert.equal(playlist.entries.length, 3);
    assert.equal(playlist.skipped.length, 1);
    assert.match(playlist.unreadEntries ?? "", /^its entries from number 5 on could not be read/);
    assert.match(playlist.unreadEntries ?? "", /the page at offset 4: .*500/);
    // The failing page was retried (1 + 2 retries); nothing after it was asked for.
    assert.equal(fake.count(laterPage(`/v1/playlists/${PLAYLIST}/${endpoint}`, 4)), 3);
    assert.equal(fake.count(laterPage(`/v1/playlists/${PLAYLIST}/${endpoint}`, 8)), 0);
  });
}

Deno.test("2026 playlist without an embedded page: a first /items page that keeps failing fails the playlist", async () => {
  await using fake = await fakeWith({
    mode: "2026",
    maxPageSize: 4,
    faults: [{ path: `/v1/playlists/${PLAYLIST}/items?limit=`, status: 502, times: Infinity }],
  });
  const client = clientFor(fake, userTokens(fake));
  await assert.rejects(client.getPlaylist(PLAYLIST), /502/);
});

Deno.test("2026 playlist read in part: the catalog reader warns through `unread` and does not cache it", async () => {
  await using fake = await fakeWith({
    mode: "2026",
    maxPageSize: 4,
    faults: [{
      path: laterPage(`/v1/playlists/${PLAYLIST}/items`, 8),
      status: "malformed-json",
      times: 3,
    }],
  });
  const cache = new MapCache();
  const reader = spotifyCatalogReader(clientFor(fake, userTokens(fake)), { cache });
  const partial = await reader.playlist(PLAYLIST, {});
  assert.equal(partial.tracks.length, 7);
  assert.match(partial.unread ?? "", /entries from number 9 on .*offset 8/);
  assert.equal(cache.values.has(`playlist:${PLAYLIST}`), false);

  // The faults are used up: the next read is whole, and that one is kept.
  const whole = await reader.playlist(PLAYLIST, {});
  assert.equal(whole.tracks.length, 9);
  assert.equal(whole.unread, undefined);
  assert.equal(cache.values.has(`playlist:${PLAYLIST}`), true);
});

Deno.test("Liked Songs: a later /me/tracks page that keeps failing leaves the songs before it", async () => {
  await using fake = await fakeWith({
    mode: "2026",
    maxPageSize: 2,
    faults: [{ path: laterPage("/v1/me/tracks", 2), status: 503, times: Infinity }],
  });
  const client = clientFor(fake, userTokens(fake));
  const read = await client.getPagedPartial("/v1/me/tracks", { limit: 50 });
  assert.equal(read.items.length, 2);
  assert.equal(read.failure?.position, 2);
  assert.equal(read.failure?.offset, 2);
  assert.match(read.failure?.error.message ?? "", /503/);

  const reader = spotifyCatalogReader(client, { user: { id: "me", displayName: "Me" } });
  const liked = await reader.likedSongs({});
  assert.deepEqual(
    liked.tracks.map((t) => t.spotifyId),
    fake.likedTrackIds.slice(0, 2),
  );
  assert.match(
    liked.unread ?? "",
    /^its songs from number 3 on could not be read \(the page at offset 2: .*503/,
  );
});

Deno.test("Liked Songs: a first page that keeps failing, or an outage, fails them whole", async () => {
  await using fake = await fakeWith({
    mode: "2026",
    maxPageSize: 2,
    faults: [{ path: "/v1/me/tracks?limit=", status: 500, times: Infinity }],
  });
  const client = clientFor(fake, userTokens(fake));
  await assert.rejects(client.getPagedPartial("/v1/me/tracks", { limit: 50 }), /500/);

  fake.reset();
  fake.addFault({ path: laterPage("/v1/me/tracks", 2), status: "drop", times: Infinity });
  // No answer on any try is an outage: every other read would fail the same way.
  await assert.rejects(
    client.getPagedPartial("/v1/me/tracks", { limit: 50 }),
    ServiceUnreachableError,
  );
});

for (const mode of ["pre2026", "2026"] as const) {
  Deno.test(`${mode} album without an embedded page: a later /tracks page that keeps failing leaves the tracks before it`, async () => {
    await using fake = await fakeWith({
      mode,
      maxPageSize: 10,
      faults: [{
        path: laterPage(`/v1/albums/${ALBUM}/tracks`, 20),
        status: 500,
        times: Infinity,
      }],
    });
    const client = clientFor(fake);
    // getAlbums reads a batch before 2026 and single albums in 2026: both end in /tracks.
    const [album] = await client.getAlbums([ALBUM]);
    assert.ok(album);
    assert.equal(album.tracks.length, 20);
    assert.equal(
      album.tracks.map((t) => t.trackNumber).join(","),
      Array.from({ length: 20 }, (_, i) => i + 1).join(","),
    );
    assert.match(album.unreadTracks ?? "", /^its tracks from number 21 on could not be read/);
    assert.match(album.unreadTracks ?? "", /the page at offset 20: .*500/);
  });
}

Deno.test("album without an embedded page: read in part is not cached; a failing first page fails it", async () => {
  await using fake = await fakeWith({
    mode: "2026",
    maxPageSize: 10,
    faults: [{ path: laterPage(`/v1/albums/${ALBUM}/tracks`, 10), status: 500, times: 3 }],
  });
  const cache = new MapCache();
  const reader = spotifyCatalogReader(clientFor(fake), { cache });
  const partial = await reader.album(ALBUM, {});
  assert.equal(partial.tracks.length, 10);
  assert.match(partial.unread ?? "", /tracks from number 11 on .*offset 10/);
  assert.equal(cache.values.has(`album:${ALBUM}`), false);
  const whole = await reader.album(ALBUM, {});
  assert.equal(whole.tracks.length, 25);
  assert.equal(cache.values.has(`album:${ALBUM}`), true);

  fake.addFault({ path: `/v1/albums/${ALBUM}/tracks?limit=`, status: 500, times: Infinity });
  await assert.rejects(clientFor(fake).getAlbum(ALBUM), /500/);
});
