import assert from "node:assert/strict";
import {
  normalizeAlbum,
  normalizeTrack,
  type SpotifyArtist,
  toTrackMetadata,
} from "../../src/spotify/mod.ts";
import { recordedBody } from "./test_support.ts";

const artist: SpotifyArtist = {
  id: "5K4W6rqBFWDnAN6FQUkS6x",
  name: "Kanye West",
  url: "https://open.spotify.com/artist/5K4W6rqBFWDnAN6FQUkS6x",
  genres: ["hip hop", "rap"],
};

Deno.test("toTrackMetadata from a full track alone", async () => {
  const raw = await recordedBody("/v1/tracks/1gqkRc9WtOpnGIqxf2Hvzr");
  const meta = toTrackMetadata(normalizeTrack(raw), undefined, artist);
  assert.equal(meta.spotifyId, "1gqkRc9WtOpnGIqxf2Hvzr");
  assert.equal(meta.title, "On Sight");
  assert.equal(meta.album, "Yeezus");
  assert.equal(meta.albumId, "7D2NdGvBHIavgLhmcwhluK");
  assert.deepEqual(meta.albumArtists, ["Kanye West"]);
  assert.equal(meta.trackNumber, 1);
  assert.equal(meta.trackCount, 10);
  assert.equal(meta.discNumber, 1);
  assert.equal(meta.discCount, 1);
  assert.equal(meta.releaseDate, "2013-06-18");
  assert.equal(meta.isrc, (raw.external_ids as { isrc: string }).isrc);
  assert.equal(meta.explicit, true);
  assert.deepEqual(meta.genres, ["hip hop", "rap"]);
  assert.match(meta.coverUrl ?? "", /ab67616d0000b273/); // the 640 px image
});

Deno.test("toTrackMetadata from a simplified album track plus its album", async () => {
  const rawAlbum = await recordedBody("/v1/albums/7D2NdGvBHIavgLhmcwhluK");
  const rows = (rawAlbum.tracks as { items: Record<string, unknown>[] }).items;
  const album = normalizeAlbum(rawAlbum, rows);
  const fromAlbum = toTrackMetadata(album.tracks[0], album, artist);
  const full = toTrackMetadata(
    normalizeTrack(await recordedBody("/v1/tracks/1gqkRc9WtOpnGIqxf2Hvzr")),
    undefined,
    artist,
  );
  // Album track lists lack the ISRC; everything else matches the full track.
  const { isrc: _isrc, ...fullWithoutIsrc } = full;
  assert.equal(fromAlbum.isrc, undefined);
  assert.deepEqual(fromAlbum, fullWithoutIsrc);
});

Deno.test("discCount is the highest disc number on the album", async () => {
  const rawAlbum = await recordedBody("/v1/albums/7D2NdGvBHIavgLhmcwhluK");
  const rows = (rawAlbum.tracks as { items: Record<string, unknown>[] }).items
    .map((t, i) => ({ ...t, disc_number: i < 4 ? 1 : i < 8 ? 2 : 3 }));
  const album = normalizeAlbum(rawAlbum, rows);
  const meta = toTrackMetadata(album.tracks[9], album);
  assert.equal(meta.discNumber, 3);
  assert.equal(meta.discCount, 3);
  assert.equal(meta.trackCount, 10);
  assert.deepEqual(meta.genres, []);
});
