import { type SpotifyRef, type TrackMetadata } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import { NotFoundError, ServiceUnreachableError, TunedlError } from "../../src/errors/mod.ts";
import {
  type CatalogAlbum,
  type CatalogPlaylist,
  type CatalogReader,
  generatePlan,
  type GenerateWarning,
  type M3uMetadata,
  type PlanSources,
} from "../../src/plan/mod.ts";

function track(id: string, title: string, albumId = "al1"): TrackMetadata {
  return {
    spotifyId: id,
    spotifyUrl: `https://open.spotify.com/track/${id}`,
    title,
    artists: ["Artist"],
    artistIds: ["ar1"],
    album: "Album",
    albumId,
    albumArtists: ["Artist"],
    trackNumber: 1,
    trackCount: 2,
    discNumber: 1,
    discCount: 1,
    releaseDate: "2020-01-01",
    durationMs: 180000,
    explicit: false,
    genres: [],
  };
}

function ref(kind: SpotifyRef["kind"], id: string): SpotifyRef {
  return { kind, id, url: `https://open.spotify.com/${kind}/${id}` };
}

class WithheldError extends TunedlError {
  override code = "playlist_withheld";
}

/** An in-memory catalog that counts reads. */
function fakeCatalog(): CatalogReader & { reads: string[] } {
  const albums: Record<string, CatalogAlbum> = {
    al1: {
      id: "al1",
      name: "Album",
      url: "https://open.spotify.com/album/al1",
      artists: ["Artist"],
      releaseDate: "2020",
      tracks: [track("t1", "One"), track("t2", "Two")],
    },
    al2: {
      id: "al2",
      name: "Single",
      url: "https://open.spotify.com/album/al2",
      artists: ["Artist"],
      releaseDate: "2021",
      tracks: [track("t3", "Three", "al2")],
    },
  };
  const playlist: CatalogPlaylist = {
    id: "pl1",
    name: "Mix",
    url: "https://open.spotify.com/playlist/pl1",
    tracks: [track("t2", "Two"), track("t9", "Nine"), track("t2", "Two")],
    skipped: [{ position: 0, reason: "removed" }],
  };
  const reads: string[] = [];
  return {
    reads,
    track(id) {
      reads.push(`track:${id}`);
      if (id === "missing") return Promise.reject(new NotFoundError("track not found"));
      return Promise.resolve(track(id, "Song"));
    },
    album(id) {
      reads.push(`album:${id}`);
      return Promise.resolve(albums[id]);
    },
    artist(id, { groups }) {
      reads.push(`artist:${id}:${groups.join(",")}`);
      return Promise.resolve({
        id,
        name: "Artist",
        url: `https://open.spotify.com/artist/${id}`,
        genres: ["pop"],
        albumIds: ["al1", "al2"],
      });
    },
    playlist(id) {
      reads.push(`playlist:${id}`);
      if (id === "theirs") return Promise.reject(new WithheldError("withheld", { hint: "log in" }));
      return Promise.resolve(playlist);
    },
    likedSongs() {
      reads.push("liked");
      return Promise.resolve({ ...playlist, id: "liked", name: "Liked Songs", skipped: [] });
    },
  };
}

const emptySources: PlanSources = {
  songs: [],
  albums: [],
  artists: [],
  playlists: [],
  likedSongs: false,
};

Deno.test("generatePlan builds containers, tracks and M3U items in config order", async () => {
  const catalog = fakeCatalog();
  const plan = await generatePlan(
    {
      ...emptySources,
      songs: [{ ref: ref("track", "s1"), name: "A song" }],
      albums: [{ ref: ref("album", "al1") }],
      playlists: [{ ref: ref("playlist", "pl1") }],
    },
    catalog,
    { configHash: "abc", now: () => new Date("2026-01-01T00:00:00Z") },
  );

  assert.equal(plan.config_hash, "abc");
  assert.deepEqual(plan.items.map((item) => item.id), [
    "track:s1",
    "album:al1",
    "track:t1",
    "track:t2",
    "playlist:pl1",
    "track:t2#2",
    "track:t9",
    "track:t2#3",
    "m3u:pl1",
  ]);
  const album = plan.items.find((item) => item.id === "album:al1")!;
  assert.deepEqual(album.children, ["track:t1", "track:t2"]);
  const m3u = plan.items.find((item) => item.id === "m3u:pl1")!;
  assert.deepEqual((m3u.metadata as M3uMetadata).trackItemIds, [
    "track:t2#2",
    "track:t9",
    "track:t2#3",
  ]);
  assert.equal(m3u.parent_id, "playlist:pl1");
  assert.ok(plan.items.every((item) => item.status === "pending"));
  assert.equal(plan.items[0].created_at, "2026-01-01T00:00:00.000Z");
});

Deno.test("generatePlan reads an album once when an artist and the album list both name it", async () => {
  const catalog = fakeCatalog();
  const plan = await generatePlan(
    {
      ...emptySources,
      albums: [{ ref: ref("album", "al1") }],
      artists: [{ ref: ref("artist", "ar1") }],
    },
    catalog,
    { configHash: "h", artistAlbumGroups: ["album"] },
  );
  assert.equal(catalog.reads.filter((read) => read === "album:al1").length, 1);
  assert.ok(catalog.reads.includes("artist:ar1:album"));
  const album = plan.items.find((item) => item.id === "album:al1")!;
  assert.deepEqual(album.parent_ids, ["artist:ar1"]);
  const artist = plan.items.find((item) => item.id === "artist:ar1")!;
  assert.deepEqual(artist.children, ["album:al1", "album:al2"]);
  assert.equal(plan.items.filter((item) => item.id === "album:al1").length, 1);
});

Deno.test("generatePlan records failed and withheld sources and goes on", async () => {
  const warnings: GenerateWarning[] = [];
  const plan = await generatePlan(
    {
      ...emptySources,
      songs: [{ ref: ref("track", "missing"), name: "Gone" }],
      playlists: [{ ref: ref("playlist", "theirs") }, { ref: ref("playlist", "pl1") }],
    },
    fakeCatalog(),
    { configHash: "h", onWarning: (w) => warnings.push(w) },
  );

  const missing = plan.items.find((item) => item.id === "track:missing")!;
  assert.equal(missing.status, "failed");
  assert.equal(missing.error?.code, "not_found");
  assert.equal(missing.name, "Gone");
  const theirs = plan.items.find((item) => item.id === "playlist:theirs")!;
  assert.equal(theirs.status, "skipped");
  assert.equal(theirs.skip_reason, "withheld");
  assert.ok(plan.items.some((item) => item.id === "m3u:pl1"));
  assert.deepEqual(warnings.map((w) => w.code), [
    "not_found",
    "playlist_withheld",
    "entries_skipped",
  ]);
  assert.match(
    warnings[2].message,
    /1 of its entries cannot be downloaded and are left out \(1 removed track\)/,
  );
});

Deno.test("generatePlan stops on a fatal error such as refused credentials", async () => {
  const catalog = fakeCatalog();
  catalog.album = () =>
    Promise.reject(Object.assign(new TunedlError("bad creds"), { code: "auth" }));
  await assert.rejects(
    generatePlan({ ...emptySources, albums: [{ ref: ref("album", "al1") }] }, catalog, {
      configHash: "h",
    }),
    /bad creds/,
  );
});

Deno.test("generatePlan adds Liked Songs as a playlist with its M3U", async () => {
  const plan = await generatePlan({ ...emptySources, likedSongs: true }, fakeCatalog(), {
    configHash: "h",
  });
  assert.ok(plan.items.some((item) => item.id === "playlist:liked" && item.type === "playlist"));
  assert.ok(plan.items.some((item) => item.id === "m3u:liked"));
});

Deno.test("generatePlan says an empty Liked Songs is empty and writes no M3U for it", async () => {
  const catalog = fakeCatalog();
  catalog.likedSongs = () =>
    Promise.resolve({
      id: "liked",
      name: "Liked Songs",
      url: "https://open.spotify.com/collection/tracks",
      tracks: [],
      skipped: [],
    });
  const warnings: string[] = [];
  const plan = await generatePlan({ ...emptySources, likedSongs: true }, catalog, {
    configHash: "h",
    onWarning: (w) => warnings.push(`${w.source}: ${w.message}`),
  });
  assert.deepEqual(warnings, ["Liked Songs: is empty: nothing to download and no M3U written"]);
  assert.ok(!plan.items.some((item) => item.id === "m3u:liked"));
});

Deno.test("generatePlan reports sources read, done of total, naming one still read", async () => {
  const progress: string[] = [];
  await generatePlan(
    {
      ...emptySources,
      songs: [{ ref: ref("track", "s1"), name: "A song" }],
      albums: [{ ref: ref("album", "al1") }],
      playlists: [{ ref: ref("playlist", "pl1"), name: "Mix" }],
    },
    fakeCatalog(),
    { configHash: "h", onProgress: (p) => progress.push(`${p.done}/${p.total}`) },
  );
  assert.deepEqual(progress, ["0/3", "1/3", "2/3", "3/3"]);
});

Deno.test("generatePlan: an artist's unreadable release is left out with one warning; the rest is planned", async () => {
  const catalog = fakeCatalog();
  const readAlbum = catalog.album.bind(catalog);
  catalog.album = (id, options) =>
    id === "al2"
      ? Promise.reject(new NotFoundError("Spotify has no album al2", { hint: "check it" }))
      : readAlbum(id, options);
  const warnings: GenerateWarning[] = [];
  const plan = await generatePlan(
    { ...emptySources, artists: [{ ref: ref("artist", "ar1") }] },
    catalog,
    { configHash: "h", onWarning: (w) => warnings.push(w) },
  );
  const artist = plan.items.find((i) => i.id === "artist:ar1");
  assert.deepEqual(artist?.children, ["album:al1"]);
  assert.equal(plan.items.filter((i) => i.type === "track").length, 2);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0].message,
    /release https:\/\/open\.spotify\.com\/album\/al2 could not be read/,
  );
  assert.equal(warnings[0].source, "Artist");
  assert.deepEqual(plan.sources?.map((s) => [s.item_id, s.status]), [["artist:ar1", "partial"]]);
  assert.match(plan.sources?.[0].message ?? "", /1 of 2 releases could not be read/);
});

Deno.test("generatePlan: every configured source is listed with its status", async () => {
  const plan = await generatePlan(
    {
      ...emptySources,
      songs: [{ ref: ref("track", "t1") }, { ref: ref("track", "missing"), name: "Gone" }],
      albums: [{ ref: ref("album", "al1") }],
      playlists: [{ ref: ref("playlist", "theirs"), name: "Theirs" }],
    },
    fakeCatalog(),
    { configHash: "h" },
  );
  assert.deepEqual(plan.sources?.map((s) => [s.kind, s.name, s.status, s.code]), [
    ["track", "Artist - Song", "ok", undefined],
    ["track", "Gone", "failed", "not_found"],
    ["album", "Album", "ok", undefined],
    ["playlist", "Theirs", "failed", "playlist_withheld"],
  ]);
});

Deno.test("generatePlan: Spotify unreachable ends the plan with that one error, no warnings", async () => {
  const catalog = fakeCatalog();
  const down = () => Promise.reject(new ServiceUnreachableError("could not reach Spotify"));
  catalog.album = down;
  catalog.track = down;
  const warnings: GenerateWarning[] = [];
  await assert.rejects(
    generatePlan(
      {
        ...emptySources,
        songs: [{ ref: ref("track", "t1") }],
        albums: [{ ref: ref("album", "al1") }, { ref: ref("album", "al2") }],
      },
      catalog,
      { configHash: "h", onWarning: (w) => warnings.push(w) },
    ),
    ServiceUnreachableError,
  );
  assert.deepEqual(warnings, []);
});
