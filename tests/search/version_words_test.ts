/**
 * Every version word, both ways: in the candidate's title only, in the
 * Spotify title only, in both, and with the same ISRC on both sides.
 */
import assert from "node:assert/strict";
import {
  type AudioCandidate,
  countVersionMarkers,
  defaultMatchThreshold,
  matchScore,
  type MatchTarget,
  type VersionMarker,
  versionMarkers,
} from "../../src/search/mod.ts";

/** Each word as titles write it, and the marker it is. */
const words: [string, VersionMarker][] = [
  ["Live", "live"],
  ["Live at Wembley 2018", "live"],
  ["En Vivo", "live"],
  ["Remix", "remix"],
  ["Alesso Remix", "remix"],
  ["RMX", "remix"],
  ["Mashup", "remix"],
  ["Bootleg", "remix"],
  ["Flume Re-work", "remix"],
  ["Ed Case Refix", "remix"],
  ["Gorillaz 20 Mix", "mix"],
  ["VIP", "vip"],
  ["Moombahton VIP", "vip"],
  ["Edit", "edit"],
  ["Radio Edit", "radio_edit"],
  ["Radio Version", "radio_edit"],
  ["Extended Mix", "extended"],
  ["Extended Version", "extended"],
  ["Club Mix", "club_mix"],
  ["Dub", "dub"],
  ["Acoustic", "acoustic"],
  ["Acoustic Version", "acoustic"],
  ["Unplugged", "unplugged"],
  ["Demo", "demo"],
  ["Instrumental", "instrumental"],
  ["Karaoke Version", "karaoke"],
  ["Cover", "cover"],
  ["Sped Up", "sped_up"],
  ["Slowed", "slowed"],
  ["Nightcore", "nightcore"],
  ["8D Audio", "8d"],
  ["Reverb", "reverb"],
  ["1 Hour Loop", "loop"],
  ["Remastered 2011", "remaster"],
  ["2009 Remaster", "remaster"],
  ["Mono", "mono"],
  ["Stereo", "stereo"],
  ["Re-Recorded", "re_recorded"],
  ["Taylor's Version", "re_recorded"],
];

const track = (title: string, isrc?: string): MatchTarget => ({
  title,
  artists: ["Lost Identities"],
  album: "Moments",
  durationMs: 220_000,
  explicit: false,
  ...(isrc ? { isrc } : {}),
});

const song = (title: string, isrc?: string): AudioCandidate => ({
  provider: "youtube-music",
  videoId: "v",
  url: "https://music.youtube.com/watch?v=v",
  title,
  artists: ["Lost Identities"],
  album: "Moments",
  durationMs: 220_000,
  isOfficialArtistChannel: false,
  isTopicChannel: true,
  resultType: "song",
  rank: 1,
  ...(isrc ? { isrc } : {}),
});

const accepted = (target: MatchTarget, candidate: AudioCandidate) =>
  matchScore(target, candidate).total >= defaultMatchThreshold;

Deno.test("every version marker has a word in this table", () => {
  const tested = new Set(words.map(([, marker]) => marker));
  for (const { marker } of versionMarkers) assert.ok(tested.has(marker), marker);
});

Deno.test("every version penalty alone keeps a perfect candidate under the threshold", () => {
  for (const { marker, penalty } of versionMarkers) {
    assert.ok(1 - penalty < defaultMatchThreshold, `${marker}: ${penalty}`);
  }
});

for (const [word, marker] of words) {
  Deno.test(`version word "${word}" (${marker}) counts both ways`, () => {
    assert.ok(countVersionMarkers(`Moments (${word})`).has(marker), "recognized");
    assert.ok(!countVersionMarkers("Moments").has(marker), "not in the plain title");

    const plain = track("Moments");
    const version = track(`Moments - ${word}`);
    const offered = matchScore(plain, song(`Moments (${word})`));
    assert.ok(offered.total < defaultMatchThreshold, `candidate only: ${JSON.stringify(offered)}`);
    assert.ok(offered.notes.some((note) => note.includes("not in the Spotify title")));

    const lacking = matchScore(version, song("Moments"));
    assert.ok(lacking.total < defaultMatchThreshold, `track only: ${JSON.stringify(lacking)}`);

    assert.ok(accepted(version, song(`Moments (${word})`)), "both have it");
    assert.ok(accepted(plain, song("Moments")), "neither has it");

    // The same ISRC is the same recording whatever the titles say.
    assert.ok(accepted(track("Moments", "GBX1"), song(`Moments (${word})`, "GBX1")), "ISRC");
    assert.ok(accepted(track(`Moments - ${word}`, "GBX1"), song("Moments", "GBX1")), "ISRC");
    assert.ok(!accepted(track("Moments", "GBX1"), song(`Moments (${word})`, "GBX2")), "other ISRC");
  });
}

Deno.test("remasters: a plain 'Remastered' is no version, another year is", () => {
  const wanted = track("Moments - Remastered 2011");
  assert.ok(accepted(wanted, song("Moments (2011 Remaster)")));
  assert.ok(accepted(wanted, { ...song("Moments"), album: "Moments (Remastered)" }));
  assert.ok(!accepted(wanted, song("Moments (Remastered 2015)")));
  assert.ok(accepted(track("Moments"), song("Moments (Remastered)")));
  assert.ok(!accepted(track("Moments"), song("Moments (Remastered 2011)")));
});

Deno.test("words that are part of the song's own title are no version", () => {
  const cases: [string, string][] = [
    ["Live Forever", "Live Forever"],
    ["Stereo Hearts", "Stereo Hearts (feat. Adam Levine)"],
    ["Freedom - Original Mix", "Freedom"],
    ["Let It Be (Single Version)", "Let It Be"],
  ];
  for (const [title, candidate] of cases) {
    assert.ok(accepted(track(title), song(candidate)), `${title} ~ ${candidate}`);
  }
});

Deno.test("channels and albums name performances, not mixes", () => {
  const nightcore = { ...song("Moments"), channel: "Nightcore Reality" };
  assert.ok(!accepted(track("Moments"), nightcore));
  const liveAlbum = { ...song("Moments"), album: "Moments (Live at Wembley)" };
  assert.ok(!accepted(track("Moments"), liveAlbum));
  const mixAlbum = { ...song("Moments"), album: "Chill Mix 2016" };
  assert.ok(accepted({ ...track("Moments"), album: "Chill Mix 2016" }, mixAlbum));
});

Deno.test("an album allows a version only when it names one: 'Live at' yes, 'Live Through This' no", () => {
  const liveAlbum = { ...track("Doll Parts"), album: "Live at Reading" };
  const liveCandidate = song("Doll Parts (Live)");
  assert.ok(accepted(liveAlbum, liveCandidate));
  assert.ok(accepted({ ...track("Doll Parts"), album: "Demon Days Live" }, liveCandidate));
  assert.ok(accepted({ ...track("Doll Parts"), album: "Unplugged (Live)" }, liveCandidate));
  assert.ok(!accepted({ ...track("Doll Parts"), album: "Live Through This" }, liveCandidate));
  assert.ok(!accepted({ ...track("Doll Parts"), album: "Live Forever" }, liveCandidate));
  // The same album name on the candidate's side says nothing either.
  const studio = { ...song("Doll Parts"), album: "Live Through This" };
  assert.ok(accepted({ ...track("Doll Parts"), album: "Live Through This" }, studio));
});
