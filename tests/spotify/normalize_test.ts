import assert from "node:assert/strict";
import {
  classifyPlaylistRow,
  classifyPlaylistRows,
  largestImageUrl,
  normalizeAlbum,
  normalizeAlbumSummary,
  normalizeArtist,
  normalizeTrack,
} from "../../src/spotify/mod.ts";
import { embeddedPlaylistPage, normalizePlaylistMetadata } from "../../src/spotify/normalize.ts";
import { recordedBody } from "./test_support.ts";

Deno.test("normalizeTrack keeps what tunedl uses from a recorded full track", async () => {
  const raw = await recordedBody("/v1/tracks/1t2qKa8K72IBC8yQlhD9bU");
  const track = normalizeTrack(raw);
  assert.equal(track.id, "1t2qKa8K72IBC8yQlhD9bU");
  assert.equal(track.url, "https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU");
  assert.equal(track.name, raw.name);
  assert.equal(track.durationMs, raw.duration_ms);
  assert.equal(track.isrc, (raw.external_ids as { isrc: string }).isrc);
  assert.ok(track.album);
  assert.equal(track.album.id, (raw.album as { id: string }).id);
  assert.match(track.album.coverUrl ?? "", /^https:\/\/i\.scdn\.co\/image\//);
  assert.ok(track.artists.length > 0 && track.artists.every((a) => a.id && a.name));
  // Nothing beyond the normalized fields leaks through (keeps caches small).
  assert.deepEqual(Object.keys(track).sort(), [
    "album",
    "artists",
    "discNumber",
    "durationMs",
    "explicit",
    "id",
    "isrc",
    "name",
    "trackNumber",
    "url",
  ]);
});

Deno.test("normalizeTrack keeps the original id of a relinked track (recorded linked_from, id null)", async () => {
  const catalog = JSON.parse(
    await Deno.readTextFile(new URL("../fixtures/recorded/spotify/catalog.json", import.meta.url)),
  ) as { album_tracks: Record<string, Record<string, unknown>[]> };
  // "Fearless Pt. II" on its single is played as 4y1nvnc..., relinked from the playlist's 4VZH6...
  const [relinked] = catalog.album_tracks["1EfxWO4kPvf4d2Nj6HCL3D"];
  const track = normalizeTrack(relinked);
  assert.equal(track.id, "4y1nvncvBhdoelqPMyXxis");
  assert.equal(track.linkedFromId, "4VZH6OfxPy1nNE7KbtVKyK");
  const plain = catalog.album_tracks["4MQnUDGXmHOvnsWCpzeqWT"][7];
  assert.equal(normalizeTrack(plain).linkedFromId, undefined);
});

Deno.test("a 2026 track without popularity/available_markets normalizes the same", async () => {
  const raw = await recordedBody("/v1/tracks/1t2qKa8K72IBC8yQlhD9bU");
  const stripped = structuredClone(raw);
  delete stripped.popularity;
  delete stripped.available_markets;
  delete (stripped.album as Record<string, unknown>).available_markets;
  assert.deepEqual(normalizeTrack(stripped), normalizeTrack(raw));
});

Deno.test("normalizeAlbum takes every track and the highest disc number", async () => {
  const raw = await recordedBody("/v1/albums/7D2NdGvBHIavgLhmcwhluK");
  const rows = (raw.tracks as { items: Record<string, unknown>[] }).items.map((t, i) => ({
    ...t,
    disc_number: i < 5 ? 1 : 2,
  }));
  const album = normalizeAlbum(raw, rows);
  assert.equal(album.name, "Yeezus");
  assert.equal(album.tracks.length, 10);
  assert.equal(album.totalTracks, 10);
  assert.equal(album.discCount, 2);
  assert.equal(album.tracks[0].album, undefined);
  assert.equal(album.tracks[0].isrc, undefined);
  assert.deepEqual(album.artists.map((a) => a.name), ["Kanye West"]);
});

Deno.test("album summaries keep album_group; artists keep genres", async () => {
  const page = await recordedBody(
    "/v1/artists/1FPC2zwfMHhrP3frOfaai6/albums",
    "include_groups=album%2Csingle&limit=20&offset=0",
  );
  const first = normalizeAlbumSummary((page.items as Record<string, unknown>[])[0]);
  assert.equal(first.albumGroup, "single");
  assert.equal(first.albumType, "single");
  const artist = normalizeArtist({
    id: "x",
    name: "Someone",
    genres: ["uk garage", 7],
    images: [],
  });
  assert.deepEqual(artist.genres, ["uk garage"]);
  assert.equal(artist.url, "https://open.spotify.com/artist/x");
});

Deno.test("largestImageUrl picks by area and falls back to the first unsized image", () => {
  const cases: Array<[unknown, string | undefined]> = [
    [undefined, undefined],
    [[], undefined],
    [[{ url: "a", width: 64, height: 64 }, { url: "b", width: 640, height: 640 }], "b"],
    [[{ url: "a", width: null, height: null }, { url: "b", width: null, height: null }], "a"],
    [[{ url: "", width: 900, height: 900 }, { url: "c", width: 1, height: 1 }], "c"],
  ];
  for (const [images, expected] of cases) assert.equal(largestImageUrl(images), expected);
});

const goodTrack = { id: "t1", name: "Song", type: "track", artists: [], is_local: false };

Deno.test("classifyPlaylistRow: tracks are entries, the rest skipped with a reason", () => {
  const cases: Array<[string, unknown, string]> = [
    ["pre-2026 row", { track: goodTrack, is_local: false }, "entry"],
    ["2026 row", { item: goodTrack, is_local: false }, "entry"],
    ["2026 row with deprecated track too", { item: goodTrack, track: null }, "entry"],
    [
      "local file",
      { is_local: true, track: { ...goodTrack, id: null, is_local: true } },
      "local_file",
    ],
    ["local flag on track only", { track: { ...goodTrack, is_local: true } }, "local_file"],
    ["episode", { track: { ...goodTrack, type: "episode" } }, "episode"],
    ["episode as track", { track: { ...goodTrack, episode: true } }, "episode"],
    ["null track", { track: null }, "removed"],
    ["no track at all", {}, "removed"],
    ["empty id", { track: { ...goodTrack, id: "" } }, "removed"],
    ["empty name", { track: { ...goodTrack, name: "" } }, "removed"],
    ["not an object", null, "removed"],
  ];
  for (const [label, row, expected] of cases) {
    const result = classifyPlaylistRow(row, 3);
    const actual = result.kind === "entry" ? "entry" : result.skipped.reason;
    assert.equal(actual, expected, label);
    const position = result.kind === "entry" ? result.entry.position : result.skipped.position;
    assert.equal(position, 3, label);
  }
});

Deno.test("the recorded playlist's first row (a removed track) is skipped", async () => {
  const page = await recordedBody("/v1/playlists/5LkNhFidYyyjRWwnkcMbQs/tracks");
  const { entries, skipped } = classifyPlaylistRows(page.items as unknown[]);
  assert.equal(entries.length, 9);
  assert.deepEqual(skipped, [{ position: 0, reason: "removed", id: "4YhITuwINLCfXYB2WCXbCZ" }]);
  assert.equal(entries[0].position, 1);
  assert.equal(entries[0].track.name, "Cradles");
  assert.equal(entries[0].addedAt, "2021-01-24T12:47:48Z");
});

Deno.test("playlist metadata reads either generation's embedded page", async () => {
  const raw = await recordedBody("/v1/playlists/5LkNhFidYyyjRWwnkcMbQs");
  const meta = normalizePlaylistMetadata(raw);
  assert.equal(meta.name, "Top 10 NCS Songs Episode 2");
  assert.equal(meta.ownerName, "Teejay.limm");
  assert.equal(meta.totalEntries, 10);
  const renamed = structuredClone(raw);
  renamed.items = renamed.tracks;
  delete renamed.tracks;
  assert.deepEqual(normalizePlaylistMetadata(renamed), meta);
  assert.equal(embeddedPlaylistPage(renamed), renamed.items);
  const metadataOnly = structuredClone(raw);
  delete metadataOnly.tracks;
  assert.equal(embeddedPlaylistPage(metadataOnly), undefined);
  assert.equal(normalizePlaylistMetadata(metadataOnly).totalEntries, 0);
});
