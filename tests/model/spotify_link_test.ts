import { analyzeSpotifyLink, isLikedSongsLink, parseSpotifyUrl } from "../../src/model/mod.ts";
import assert from "node:assert/strict";

const ID = "1t2qKa8K72IBC8yQlhD9bU";
const ID2 = "5LkNhFidYyyjRWwnkcMbQs";

const accepted: [string, string, string][] = [
  [`https://open.spotify.com/track/${ID}`, "track", ID],
  [`http://open.spotify.com/track/${ID}`, "track", ID],
  [`https://open.spotify.com/track/${ID}?si=7a7f3e934606434c`, "track", ID],
  [`https://open.spotify.com/intl-de/track/${ID}?si=abc&utm_source=copy-link`, "track", ID],
  [`https://open.spotify.com/intl-pt-br/album/${ID}`, "album", ID],
  [`open.spotify.com/artist/${ID}`, "artist", ID],
  [`open.spotify.com/intl-fr/playlist/${ID2}?si=x&pt=y`, "playlist", ID2],
  [`https://open.spotify.com/track/${ID}/`, "track", ID],
  [`https://open.spotify.com/track/${ID}#fragment`, "track", ID],
  [`https://open.spotify.com/embed/track/${ID}`, "track", ID],
  [`https://open.spotify.com/user/spotify/playlist/${ID2}`, "playlist", ID2],
  [`https://play.spotify.com/album/${ID}`, "album", ID],
  [`HTTPS://OPEN.SPOTIFY.COM/TRACK/${ID}`, "track", ID],
  [`  https://open.spotify.com/track/${ID}\n`, "track", ID],
  [`spotify:track:${ID}`, "track", ID],
  [`spotify:album:${ID}`, "album", ID],
  [`spotify:artist:${ID}`, "artist", ID],
  [`spotify:playlist:${ID2}`, "playlist", ID2],
  [`spotify:user:someone:playlist:${ID2}`, "playlist", ID2],
];

Deno.test("parseSpotifyUrl accepts share links, intl links, links without scheme and URIs", () => {
  for (const [input, kind, id] of accepted) {
    assert.deepEqual(
      parseSpotifyUrl(input),
      { kind, id, url: `https://open.spotify.com/${kind}/${id}` },
      `input ${JSON.stringify(input)}`,
    );
  }
});

const rejected: [string, string][] = [
  [ID, "bare_id"],
  [`https://open.spotify.com/track/abc`, "bad_id"],
  [`https://open.spotify.com/track/${ID}x`, "bad_id"],
  [`https://open.spotify.com/track/${ID.slice(0, 21)}-`, "bad_id"],
  [`https://open.spotify.com/track`, "bad_id"],
  [`spotify:track:nope`, "bad_id"],
  [`https://open.spotify.com/episode/${ID}`, "unsupported"],
  [`https://open.spotify.com/show/${ID}`, "unsupported"],
  [`https://open.spotify.com/user/someone`, "unsupported"],
  [`https://open.spotify.com/collection/tracks`, "liked"],
  [`spotify:user:someone:collection`, "liked"],
  [`https://spotify.link/AbCdEf`, "short_link"],
  [`https://www.youtube.com/watch?v=dQw4w9WgXcQ`, "not_spotify"],
  [`https://evil.example/open.spotify.com/track/${ID}`, "not_spotify"],
  [`https://open.spotify.com.evil.example/track/${ID}`, "not_spotify"],
  [`ftp://open.spotify.com/track/${ID}`, "not_spotify"],
  [`https://open.spotify.com/`, "not_spotify"],
  [`https://open.spotify.com/unknownkind/${ID}`, "not_spotify"],
  [`not a link at all`, "not_spotify"],
  ["", "not_spotify"],
];

Deno.test("parseSpotifyUrl rejects bare ids, malformed ids, other kinds and other sites", () => {
  for (const [input, type] of rejected) {
    assert.equal(parseSpotifyUrl(input), null, `input ${JSON.stringify(input)}`);
    assert.equal(analyzeSpotifyLink(input).type, type, `analysis of ${JSON.stringify(input)}`);
  }
});

Deno.test("analyzeSpotifyLink names the kind and id of a malformed link", () => {
  assert.deepEqual(analyzeSpotifyLink("https://open.spotify.com/album/123"), {
    type: "bad_id",
    kind: "album",
    id: "123",
  });
  assert.deepEqual(analyzeSpotifyLink(`https://open.spotify.com/episode/${ID}`), {
    type: "unsupported",
    what: "a podcast episode",
  });
});

Deno.test("isLikedSongsLink knows every way to say Liked Songs", () => {
  for (
    const liked of [
      "liked",
      " Liked ",
      "open.spotify.com/collection/tracks",
      "spotify:user:bob:collection",
      "spotify:collection:tracks",
    ]
  ) {
    assert.equal(isLikedSongsLink(liked), true, liked);
  }
  for (
    const other of [
      "like",
      `https://open.spotify.com/playlist/${ID2}`,
      "https://open.spotify.com/collection/albums",
    ]
  ) {
    assert.equal(isLikedSongsLink(other), false, other);
  }
});
