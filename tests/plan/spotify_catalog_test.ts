/**
 * spotifyCatalogReader over a counting fake client and an in-memory cache:
 * what is read once and then served from the cache, how full track reads are
 * batched, and how playlists are revalidated by snapshot id.
 */
import assert from "node:assert/strict";
import { NetworkError, NotFoundError } from "../../src/errors/mod.ts";
import {
  type AnswerCache,
  type SpotifyCatalogClient,
  spotifyCatalogReader,
} from "../../src/plan/mod.ts";
import type {
  PagedRead,
  PageFailure,
  SpotifyAlbum,
  SpotifyAlbumSummary,
  SpotifyArtist,
  SpotifyPlaylist,
  SpotifyTrack,
} from "../../src/spotify/mod.ts";

const ALBUM_SUMMARY: SpotifyAlbumSummary = {
  id: "al1",
  name: "The Album",
  url: "https://open.spotify.com/album/al1",
  albumType: "album",
  artists: [{ id: "ar1", name: "The Artist" }],
  releaseDate: "2021-10-28",
  totalTracks: 2,
};

function makeTrack(id: string, fields: Partial<SpotifyTrack> = {}): SpotifyTrack {
  return {
    id,
    name: `Song ${id}`,
    url: `https://open.spotify.com/track/${id}`,
    artists: [{ id: "ar1", name: "The Artist" }],
    durationMs: 180_000,
    explicit: false,
    trackNumber: 1,
    discNumber: 1,
    isrc: `ISRC${id}`,
    album: ALBUM_SUMMARY,
    ...fields,
  };
}

/** A raw Web API track object, as /v1/me/tracks rows hold them. */
function rawTrack(id: string): Record<string, unknown> {
  return {
    id,
    name: `Liked ${id}`,
    type: "track",
    duration_ms: 200_000,
    explicit: false,
    track_number: 3,
    disc_number: 1,
    external_ids: { isrc: `ISRC${id}` },
    artists: [{ id: "ar1", name: "The Artist" }],
    album: {
      id: "al1",
      name: "The Album",
      album_type: "album",
      artists: [{ id: "ar1", name: "The Artist" }],
      release_date: "2021-10-28",
      total_tracks: 2,
    },
  };
}

/** A fake catalog client that records every call; ids it does not know read as missing. */
class CountingClient implements SpotifyCatalogClient {
  readonly calls: string[] = [];
  readonly getTracksCalls: string[][] = [];
  readonly artistAlbumsGroups: (string[] | undefined)[] = [];
  readonly getJsonPaths: string[] = [];
  readonly getPagedCalls: { path: string; limit?: number }[] = [];
  /** Known full tracks; an id missing here reads as null / not found. */
  readonly tracks = new Map<string, SpotifyTrack>();
  snapshotId = "snap-1";
  likedRows: unknown[] = [];
  /** Set: the Liked Songs read stopped at this page. */
  likedFailure: PageFailure | undefined;
  apiGeneration = "pre2026";

  getTrack(id: string): Promise<SpotifyTrack> {
    this.calls.push(`getTrack ${id}`);
    const track = this.tracks.get(id);
    return track ? Promise.resolve(track) : Promise.reject(new NotFoundError(`no track ${id}`));
  }

  getTracks(ids: readonly string[]): Promise<Array<SpotifyTrack | null>> {
    this.calls.push(`getTracks ${ids.length}`);
    this.getTracksCalls.push([...ids]);
    return Promise.resolve(ids.map((id) => this.tracks.get(id) ?? null));
  }

  getAlbum(id: string): Promise<SpotifyAlbum> {
    this.calls.push(`getAlbum ${id}`);
    return this.albumFor(id);
  }

  albumFor(id: string): Promise<SpotifyAlbum> {
    return Promise.resolve({
      ...ALBUM_SUMMARY,
      id,
      tracks: [
        makeTrack("a1", { album: undefined, isrc: undefined }),
        makeTrack("a2", { album: undefined, isrc: undefined, trackNumber: 2 }),
      ],
      discCount: 1,
    });
  }

  async getAlbums(ids: readonly string[]): Promise<Array<SpotifyAlbum | null>> {
    this.calls.push(`getAlbums ${ids.join(",")}`);
    return await Promise.all(ids.map((id) => this.albumFor(id)));
  }

  async getArtists(ids: readonly string[]): Promise<Array<SpotifyArtist | null>> {
    this.calls.push(`getArtists ${ids.join(",")}`);
    return await Promise.all(ids.map((id) => this.artistFor(id)));
  }

  getArtist(id: string): Promise<SpotifyArtist> {
    this.calls.push(`getArtist ${id}`);
    return this.artistFor(id);
  }

  artistFor(id: string): Promise<SpotifyArtist> {
    return Promise.resolve({
      id,
      name: "The Artist",
      url: `https://open.spotify.com/artist/${id}`,
      genres: ["synthwave"],
    });
  }

  getArtistAlbums(id: string, options: { groups?: string[] }): Promise<SpotifyAlbumSummary[]> {
    this.calls.push(`getArtistAlbums ${id}`);
    this.artistAlbumsGroups.push(options.groups);
    const groups = options.groups ?? [];
    const all = [
      { ...ALBUM_SUMMARY, id: "lp1", albumGroup: "album" },
      { ...ALBUM_SUMMARY, id: "sg1", albumType: "single", albumGroup: "single" },
    ];
    return Promise.resolve(all.filter((a) => groups.includes(a.albumGroup)));
  }

  getPlaylist(id: string): Promise<SpotifyPlaylist> {
    this.calls.push(`getPlaylist ${id}`);
    const snapshot = this.snapshotId;
    return Promise.resolve({
      id,
      name: `Playlist at ${snapshot}`,
      url: `https://open.spotify.com/playlist/${id}`,
      ownerId: "owner1",
      ownerName: "Owner",
      snapshotId: snapshot,
      totalEntries: 2,
      entries: [{ position: 0, track: makeTrack(`${snapshot}-t`) }],
      skipped: [{ position: 1, reason: "local_file", name: "demo.mp3" }],
    });
  }

  getJson(path: string): Promise<unknown> {
    this.calls.push(`getJson ${path}`);
    this.getJsonPaths.push(path);
    return Promise.resolve({ snapshot_id: this.snapshotId });
  }

  getPagedPartial(path: string, options: { limit?: number }): Promise<PagedRead> {
    this.calls.push(`getPaged ${path}`);
    this.getPagedCalls.push({ path, limit: options.limit });
    return Promise.resolve({
      items: this.likedRows,
      ...(this.likedFailure ? { failure: this.likedFailure } : {}),
    });
  }

  count(prefix: string): number {
    return this.calls.filter((call) => call.startsWith(`${prefix} `)).length;
  }
}

/** An in-memory AnswerCache that remembers each key's TTL. */
class MemoryAnswerCache implements AnswerCache {
  readonly values = new Map<string, unknown>();
  readonly ttls = new Map<string, number>();

  get<T>(key: string): Promise<T | undefined> {
    // A structured clone, like a real cache: callers must not rely on object identity.
    const value = this.values.get(key);
    return Promise.resolve(value === undefined ? undefined : structuredClone(value) as T);
  }

  set<T>(key: string, value: T, options: { ttlMs: number }): Promise<void> {
    this.values.set(key, structuredClone(value));
    this.ttls.set(key, options.ttlMs);
    return Promise.resolve();
  }

  async getOrLoad<T>(
    key: string,
    loader: () => Promise<T>,
    options: { ttlMs: number },
  ): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const value = await loader();
    await this.set(key, value, options);
    return value;
  }
}

const TTLS = { catalogMs: 1_000_000, artistAlbumsMs: 3_600_000, playlistMs: 2_000_000 };

function setUp() {
  const client = new CountingClient();
  const cache = new MemoryAnswerCache();
  const reader = spotifyCatalogReader(client, { cache, ttls: TTLS });
  return { client, cache, reader };
}

const ids = (count: number, prefix = "t") =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);

Deno.test("fullTrack: concurrent reads go out as one batch, repeats come from the cache", async () => {
  const { client, cache, reader } = setUp();
  for (const id of ["t1", "t2", "t3"]) client.tracks.set(id, makeTrack(id));

  const first = await Promise.all(["t1", "t2", "t3"].map((id) => reader.fullTrack(id, {})));
  assert.deepEqual(client.getTracksCalls, [["t1", "t2", "t3"]]);
  assert.deepEqual(first.map((t) => [t.spotifyId, t.isrc, t.album]), [
    ["t1", "ISRCt1", "The Album"],
    ["t2", "ISRCt2", "The Album"],
    ["t3", "ISRCt3", "The Album"],
  ]);
  assert.equal(cache.ttls.get("track:t2"), TTLS.catalogMs);

  const again = await Promise.all(["t3", "t1"].map((id) => reader.fullTrack(id, {})));
  assert.deepEqual(again.map((t) => t.spotifyId), ["t3", "t1"]);
  assert.equal(client.getTracksCalls.length, 1, "the second read must not reach the client");
  assert.equal(client.count("getTrack"), 0);
});

Deno.test("fullTrack: the same id asked twice at once is requested once", async () => {
  const { client, reader } = setUp();
  client.tracks.set("t1", makeTrack("t1"));
  const [a, b] = await Promise.all([reader.fullTrack("t1", {}), reader.fullTrack("t1", {})]);
  assert.equal(a.spotifyId, "t1");
  assert.equal(b.spotifyId, "t1");
  assert.deepEqual(client.getTracksCalls, [["t1"]]);
});

Deno.test("fullTrack: an id the batch answers null for is a NotFoundError, the others load", async () => {
  const { client, cache, reader } = setUp();
  client.tracks.set("known", makeTrack("known"));
  const [known, missing] = await Promise.allSettled([
    reader.fullTrack("known", {}),
    reader.fullTrack("gone", {}),
  ]);
  assert.equal(known.status, "fulfilled");
  assert.equal(known.value.spotifyId, "known");
  assert.equal(missing.status, "rejected");
  assert.ok(missing.reason instanceof NotFoundError, String(missing.reason));
  assert.match(missing.reason.message, /open\.spotify\.com\/track\/gone/);
  assert.deepEqual(client.getTracksCalls, [["known", "gone"]]);
  assert.equal(cache.values.has("track:gone"), false, "a miss must not be cached as a track");
});

Deno.test("fullTrack: a failing batch rejects every waiting read", async () => {
  const client = new CountingClient();
  client.getTracks = () => Promise.reject(new Error("connection reset"));
  const reader = spotifyCatalogReader(client, { cache: new MemoryAnswerCache() });
  const results = await Promise.allSettled(["x1", "x2"].map((id) => reader.fullTrack(id, {})));
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  for (const result of results) {
    assert.equal((result as PromiseRejectedResult).reason.message, "connection reset");
  }
});

Deno.test("fullTrack: 60 concurrent ids are read in two batches of 50 and 10", async () => {
  const { client, reader } = setUp();
  const wanted = ids(60);
  for (const id of wanted) client.tracks.set(id, makeTrack(id));
  const tracks = await Promise.all(wanted.map((id) => reader.fullTrack(id, {})));
  assert.deepEqual(tracks.map((t) => t.spotifyId), wanted);
  assert.deepEqual(client.getTracksCalls.map((batch) => batch.length), [50, 10]);
  assert.deepEqual(client.getTracksCalls.flat(), wanted);
});

Deno.test("album: read twice, the client is asked once", async () => {
  const { client, cache, reader } = setUp();
  const first = await reader.album("al9", {});
  const second = await reader.album("al9", {});
  assert.equal(client.count("getAlbums"), 1, "one batch read");
  assert.equal(client.count("getAlbum"), 0);
  assert.deepEqual(second, first);
  assert.equal(first.name, "The Album");
  assert.deepEqual(first.tracks.map((t) => [t.spotifyId, t.album, t.albumId, t.trackNumber]), [
    ["a1", "The Album", "al9", 1],
    ["a2", "The Album", "al9", 2],
  ]);
  assert.equal(cache.ttls.get("album:al9"), TTLS.catalogMs);
});

Deno.test("playlist: the same snapshot costs one snapshot_id request and no full read", async () => {
  const { client, cache, reader } = setUp();
  const first = await reader.playlist("pl1", {});
  assert.equal(client.count("getPlaylist"), 1);
  assert.equal(client.count("getJson"), 0, "nothing cached yet: no revalidation request");
  assert.equal(first.snapshotId, "snap-1");
  assert.deepEqual(first.tracks.map((t) => t.spotifyId), ["snap-1-t"]);
  assert.deepEqual(first.skipped, [{ position: 1, reason: "local_file", name: "demo.mp3" }]);
  assert.equal(cache.ttls.get("playlist:pl1"), TTLS.playlistMs);

  const second = await reader.playlist("pl1", {});
  assert.deepEqual(client.getJsonPaths, ["/v1/playlists/pl1?fields=snapshot_id"]);
  assert.equal(client.count("getPlaylist"), 1);
  assert.deepEqual(second, first);
});

Deno.test("playlist: a changed snapshot reads the playlist again and caches the new one", async () => {
  const { client, reader } = setUp();
  await reader.playlist("pl1", {});
  client.snapshotId = "snap-2";

  const changed = await reader.playlist("pl1", {});
  assert.equal(client.count("getPlaylist"), 2);
  assert.equal(changed.snapshotId, "snap-2");
  assert.equal(changed.name, "Playlist at snap-2");
  assert.deepEqual(changed.tracks.map((t) => t.spotifyId), ["snap-2-t"]);

  // The new snapshot is what is cached now.
  await reader.playlist("pl1", {});
  assert.equal(client.count("getPlaylist"), 2);
  assert.equal(client.count("getJson"), 2);
});

Deno.test("artist: the album list is cached per set of groups, in any order", async () => {
  const { client, cache, reader } = setUp();
  const both = await reader.artist("ar1", { groups: ["album", "single"] });
  const reordered = await reader.artist("ar1", { groups: ["single", "album"] });
  assert.deepEqual(both.albumIds, ["lp1", "sg1"]);
  assert.deepEqual(reordered.albumIds, ["lp1", "sg1"]);
  assert.equal(client.count("getArtistAlbums"), 1);

  const albumsOnly = await reader.artist("ar1", { groups: ["album"] });
  assert.deepEqual(albumsOnly.albumIds, ["lp1"]);
  assert.deepEqual(client.artistAlbumsGroups, [["album", "single"], ["album"]]);
  assert.equal(client.count("getArtists"), 1, "the artist itself is read once");
  assert.deepEqual(both.genres, ["synthwave"]);
  assert.equal(cache.ttls.get("artist-albums:ar1:album,single"), TTLS.artistAlbumsMs);
  assert.equal(cache.ttls.get("artist:ar1"), TTLS.catalogMs);

  // Genres for tagging come from the same cached artist.
  assert.deepEqual(await reader.artistGenres("ar1", {}), ["synthwave"]);
  assert.equal(client.count("getArtists"), 1);
});

Deno.test("likedSongs: reads /v1/me/tracks every time and classifies the rows", async () => {
  const { client, reader } = setUp();
  client.likedRows = [
    { added_at: "2024-01-01T00:00:00Z", is_local: false, track: rawTrack("l1") },
    { added_at: "2024-01-02T00:00:00Z", is_local: true, track: { id: null, name: "home.mp3" } },
    { added_at: "2024-01-03T00:00:00Z", is_local: false, track: null },
    { added_at: "2024-01-04T00:00:00Z", is_local: false, track: rawTrack("l2") },
  ];
  const liked = await reader.likedSongs({});
  assert.deepEqual(client.getPagedCalls, [{ path: "/v1/me/tracks", limit: 50 }]);
  assert.equal(liked.id, "liked");
  assert.equal(liked.name, "Liked Songs");
  assert.deepEqual(liked.tracks.map((t) => [t.spotifyId, t.isrc, t.album]), [
    ["l1", "ISRCl1", "The Album"],
    ["l2", "ISRCl2", "The Album"],
  ]);
  assert.deepEqual(liked.skipped.map((s) => [s.position, s.reason, s.name ?? null]), [
    [1, "local_file", "home.mp3"],
    [2, "removed", null],
  ]);

  await reader.likedSongs({});
  assert.equal(client.getPagedCalls.length, 2, "Liked Songs are not cached");
});

Deno.test("likedSongs: a later page that could not be read leaves the songs before it, named as unread", async () => {
  const { client, reader } = setUp();
  client.likedRows = [
    { added_at: "2024-01-01T00:00:00Z", is_local: false, track: rawTrack("l1") },
    { added_at: "2024-01-02T00:00:00Z", is_local: false, track: rawTrack("l2") },
  ];
  client.likedFailure = { position: 2, offset: 2, error: new Error("Spotify answered 500") };
  const liked = await reader.likedSongs({});
  assert.deepEqual(liked.tracks.map((t) => t.spotifyId), ["l1", "l2"]);
  assert.equal(
    liked.unread,
    "its songs from number 3 on could not be read (the page at offset 2: Spotify answered 500)",
  );
  client.likedFailure = undefined;
  assert.equal((await reader.likedSongs({})).unread, undefined);
});

Deno.test("track: a single track read is cached under the same key as fullTrack", async () => {
  const { client, reader } = setUp();
  client.tracks.set("t1", makeTrack("t1"));
  const single = await reader.track("t1", {});
  const full = await reader.fullTrack("t1", {});
  assert.equal(single.spotifyId, "t1");
  assert.deepEqual(full, single);
  assert.deepEqual(client.getTracksCalls, [["t1"]], "one (batch) read serves both");
});

Deno.test("album, artist: reads asked for together go out as one batch", async () => {
  const { client, reader } = setUp();
  await Promise.all(["a1", "a2", "a3"].map((id) => reader.album(id, {})));
  await Promise.all(["r1", "r2"].map((id) => reader.artistGenres(id, {})));
  assert.deepEqual(client.calls.filter((c) => c.startsWith("getA")), [
    "getAlbums a1,a2,a3",
    "getArtists r1,r2",
  ]);
});

Deno.test("album: reads wanted together share a batch however slowly the cache answers", async () => {
  const client = new CountingClient();
  const cache = new MemoryAnswerCache();
  // A busy cache: every lookup waits until the test lets it answer.
  const waiting: (() => void)[] = [];
  const get = cache.get.bind(cache);
  cache.get = <T>(key: string) =>
    new Promise<void>((resolve) => waiting.push(resolve)).then(() => get<T>(key));
  await cache.set("album:a05", { id: "a05", cached: true }, { ttlMs: 1000 });
  const reader = spotifyCatalogReader(client, { cache, ttls: TTLS });
  const wanted = ids(20, "a");
  const reads = Promise.all(wanted.map((id) => reader.album(id, {})));
  // Let the lookups answer one at a time, last asked first, a macrotask apart.
  while (waiting.length < 20) await new Promise((resolve) => setTimeout(resolve, 0));
  while (waiting.length > 0) {
    waiting.pop()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const albums = await reads;
  assert.equal(albums.length, 20);
  // One read for the 19 not cached; the cached one came from the cache.
  assert.deepEqual(client.calls.filter((c) => c.startsWith("getAlbum")), [
    `getAlbums ${wanted.filter((id) => id !== "a05").join(",")}`,
  ]);
});

Deno.test("prefetch: batch-reads uncached full tracks and artists once, then serves them", async () => {
  const { client, reader } = setUp();
  for (const id of ["t1", "t2", "t3"]) client.tracks.set(id, makeTrack(id));
  await reader.fullTrack("t1", {});
  await reader.prefetch([
    { trackId: "t1", artistId: "r1" },
    { trackId: "t2", artistId: "r1" },
    { trackId: "t3", artistId: "r2" },
  ], {});
  assert.deepEqual(client.getTracksCalls, [["t1"], ["t2", "t3"]], "t1 was cached already");
  assert.equal(client.count("getArtists"), 1);
  await reader.fullTrack("t3", {});
  await reader.artistGenres("r2", {});
  assert.equal(client.getTracksCalls.length, 2, "answered from the cache");
  assert.equal(client.count("getArtists"), 1);
});

Deno.test("prefetch: does nothing ahead of time under the 2026 rules (no batch reads)", async () => {
  const { client, reader } = setUp();
  client.apiGeneration = "2026";
  client.tracks.set("t1", makeTrack("t1"));
  await reader.prefetch([{ trackId: "t1", artistId: "r1" }], {});
  assert.equal(client.getTracksCalls.length, 0);
  assert.equal(client.count("getArtists"), 0);
});

Deno.test("'Spotify has no such item' is remembered for a day; the next read does not ask again", async () => {
  const client = new CountingClient();
  const cache = new MemoryAnswerCache();
  const reader = spotifyCatalogReader(client, { cache });
  await assert.rejects(reader.track("gone", {}), NotFoundError);
  assert.equal(client.count("getTracks"), 1);
  assert.equal(cache.ttls.get("missing:track:gone"), 24 * 60 * 60 * 1000);
  // A second reader over the same cache: a warm run.
  const warm = spotifyCatalogReader(client, { cache });
  await assert.rejects(warm.track("gone", {}), (error: unknown) => {
    assert.ok(error instanceof NotFoundError);
    assert.match(error.message, /Spotify has no track https:\/\/open\.spotify\.com\/track\/gone/);
    return true;
  });
  assert.equal(client.count("getTracks"), 1, "asked Spotify again");
});

Deno.test("a transient failure (5xx, timeout) is not remembered: the next read asks again", async () => {
  const client = new CountingClient();
  let failing = true;
  const getAlbums = client.getAlbums.bind(client);
  client.getAlbums = (ids) => {
    if (failing) {
      client.calls.push(`getAlbums ${ids.join(",")}`);
      return Promise.reject(new NetworkError("Spotify answered 503"));
    }
    return getAlbums(ids);
  };
  const cache = new MemoryAnswerCache();
  const reader = spotifyCatalogReader(client, { cache });
  await assert.rejects(reader.album("al9", {}), NetworkError);
  assert.ok(![...cache.values.keys()].some((key) => key.startsWith("missing:")));
  failing = false;
  const album = await spotifyCatalogReader(client, { cache }).album("al9", {});
  assert.equal(album.id, "al9");
  assert.equal(client.count("getAlbums"), 2);
});

Deno.test("playlist: the kept snapshot id sends the check out before the playlist is read; the playlist's own id decides", async () => {
  const { client, cache, reader } = setUp();
  await reader.playlist("pl1", {});
  assert.equal(cache.values.get("playlist-snapshot:pl1"), "snap-1");
  assert.equal(cache.ttls.get("playlist-snapshot:pl1"), TTLS.playlistMs);
  // The check goes out before the (slow) read of the playlist answers.
  let release = () => {};
  const slowGet = cache.get.bind(cache);
  const order: string[] = [];
  cache.get = <T>(key: string) => {
    if (key !== "playlist:pl1") return slowGet<T>(key);
    return new Promise<T | undefined>((resolve) => {
      release = () => {
        order.push("read");
        resolve(slowGet<T>(key));
      };
    });
  };
  const getJson = client.getJson.bind(client);
  client.getJson = (path: string) => {
    order.push("check");
    setTimeout(() => release(), 0);
    return getJson(path);
  };
  const again = await reader.playlist("pl1", {});
  assert.deepEqual(order, ["check", "read"]);
  assert.equal(again.snapshotId, "snap-1");
  assert.equal(client.count("getPlaylist"), 1);

  // A kept id the playlist does not match (written apart) is no reason to trust the playlist.
  cache.get = slowGet;
  client.getJson = getJson;
  await cache.set("playlist-snapshot:pl1", "snap-2", { ttlMs: 1 });
  client.snapshotId = "snap-2";
  const changed = await reader.playlist("pl1", {});
  assert.equal(changed.snapshotId, "snap-2");
  assert.equal(client.count("getPlaylist"), 2);
  // The playlist without its kept id (an older cache): checked after it is read, as before.
  cache.values.delete("playlist-snapshot:pl1");
  await reader.playlist("pl1", {});
  assert.equal(client.count("getPlaylist"), 2);
  assert.equal(client.count("getJson"), 3);
});
