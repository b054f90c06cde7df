/**
 * The precision rules of issue 16, one table each: the main artist must be
 * credited, missing evidence is no bonus, the length tolerance depends on the
 * kind of result, and titles with other words are other songs.
 */
import assert from "node:assert/strict";
import type { ProviderName } from "../../src/model/mod.ts";
import {
  type AudioCandidate,
  cleanChannel,
  defaultMatchThreshold,
  explainMatch,
  findBestMatch,
  mainArtists,
  matchScore,
  type MatchTarget,
  nameKey,
  normalizeText,
} from "../../src/search/mod.ts";

const outOfBody: MatchTarget = {
  title: "Out of Body (feat. Kilo Kish, Zebra Katz & Imani Vonshà)",
  artists: ["Gorillaz", "Kilo Kish", "Zebra Katz", "Imani Vonshà"],
  album: "Song Machine, Season One",
  durationMs: 230_000,
  explicit: false,
};

function candidate(
  provider: ProviderName,
  title: string,
  durationSec: number,
  extra: Partial<AudioCandidate> = {},
): AudioCandidate {
  return {
    provider,
    videoId: "v",
    url: "https://www.youtube.com/watch?v=v",
    title,
    artists: [],
    durationMs: durationSec * 1000,
    isOfficialArtistChannel: false,
    isTopicChannel: false,
    resultType: "video",
    rank: 1,
    ...extra,
  };
}

const ytmSong = (title: string, artists: string[], sec: number, extra = {}) =>
  candidate("youtube-music", title, sec, {
    artists,
    album: "Song Machine, Season One",
    isTopicChannel: true,
    resultType: "song",
    ...extra,
  });
const upload = (title: string, channel: string, sec: number, extra = {}) =>
  candidate("youtube", title, sec, { channel, ...extra });

Deno.test("mainArtists: the artists the title does not credit as featured", () => {
  assert.deepEqual(mainArtists(outOfBody.artists, ["Kilo Kish", "Zebra Katz", "Imani Vonshà"]), [
    "Gorillaz",
  ]);
  assert.deepEqual(mainArtists(["NEEDTOBREATHE", "Shovels & Rope"], ["Shovels", "Rope"]), [
    "NEEDTOBREATHE",
  ]);
  assert.deepEqual(mainArtists(["Lost Identities", "Robbie Rosen"], []), [
    "Lost Identities",
    "Robbie Rosen",
  ]);
  assert.deepEqual(mainArtists(["Ariana Grande", "Doja Cat"], ["Ariana Grande", "Doja Cat"]), [
    "Ariana Grande",
  ]);
});

Deno.test("channel names lose ' - Topic', 'VEVO' and 'Official'", () => {
  assert.equal(cleanChannel("Gorillaz - Topic"), "Gorillaz");
  assert.equal(cleanChannel("GorillazVEVO"), "Gorillaz");
  assert.equal(cleanChannel("Gorillaz Official"), "Gorillaz");
  assert.equal(cleanChannel("Official Gorillaz"), "Gorillaz");
});

Deno.test("names: diacritics, letters without a decomposition, '$', scripts and joins", () => {
  const same: [string, string][] = [
    ["Imani Vonshà", "Imani Vonsha"],
    ["CØDE", "CODE"],
    ["Mikk Mäe", "Mikk Mae"],
    ["A$AP Rocky", "ASAP Rocky"],
    ["Ty Dolla $ign", "Ty Dolla Sign"],
    ["Кино", "Kino"],
    ["Shovels & Rope", "Shovels and Rope"],
    ["Zeus X Crona", "Zeus & Crona"],
    ["The Beatles", "Beatles"],
  ];
  for (const [a, b] of same) assert.equal(nameKey(a), nameKey(b), `${a} ~ ${b}`);
  assert.equal(normalizeText("Straße"), "strasse");
});

interface RuleCase {
  name: string;
  track?: MatchTarget;
  candidate: AudioCandidate;
  /** true: accepted; otherwise the rule that must reject it ("version" for a penalty). */
  expect: true | "main_artist" | "artist" | "title" | "duration" | "version";
}

const cases: RuleCase[] = [
  {
    name: "a cover keeping the feat credit, by someone else",
    candidate: ytmSong(outOfBody.title, ["The Midnight Covers"], 232),
    expect: "main_artist",
  },
  {
    name: "a featured artist alone",
    candidate: ytmSong(outOfBody.title, ["Kilo Kish"], 230),
    expect: "main_artist",
  },
  {
    name: "the main artist only inside a feat credit of the candidate",
    candidate: upload("Kilo Kish - Out of Body (feat. Gorillaz)", "Kilo Kish", 230),
    expect: "main_artist",
  },
  {
    name: "a channel that merely contains the name",
    candidate: upload(outOfBody.title, "Gorillaz Covers", 230),
    expect: "main_artist",
  },
  {
    name: "a tribute band named after the artist",
    candidate: ytmSong("Out of Body", ["Gorillaz Tribute Band"], 230),
    expect: "main_artist",
  },
  {
    name: "credited in one joined credit",
    candidate: ytmSong("Out of Body", ["Gorillaz & Kilo Kish"], 230),
    expect: true,
  },
  {
    name: "credited on the YouTube Music row",
    candidate: ytmSong("Out of Body", ["Gorillaz", "Kilo Kish", "Zebra Katz", "Imani Vonsha"], 231),
    expect: true,
  },
  {
    name: "the artist's Topic channel",
    candidate: upload(outOfBody.title, "Gorillaz - Topic", 230, {
      artists: ["Gorillaz"],
      isTopicChannel: true,
      resultType: "song",
    }),
    expect: true,
  },
  {
    name: "the artist's VEVO channel",
    candidate: upload("Out of Body (Official Video)", "GorillazVEVO", 236),
    expect: true,
  },
  {
    name: "the artist's 'Official' channel",
    candidate: upload("Out of Body (Audio)", "Gorillaz Official", 231),
    expect: true,
  },
  {
    name: "the artist in the title, outside the feat credit",
    candidate: upload(
      "Gorillaz - Out of Body ft. Kilo Kish, Zebra Katz & Imani Vonshà (Lyrics)",
      "Lyrics Kart",
      229,
    ),
    expect: true,
  },
  {
    name: "nobody of the track",
    candidate: ytmSong("Out of Body", ["Lionel Richie"], 230),
    expect: "artist",
  },
  {
    name: "Gorillaz 20 Mix: another song with the same mix name",
    track: {
      title: "Tranz - Gorillaz 20 Mix",
      artists: ["Gorillaz"],
      album: "Gorillaz 20",
      durationMs: 172_000,
    },
    candidate: upload("The Now Now - Gorillaz 20 Mix", "Gorillaz", 180),
    expect: "title",
  },
  {
    name: "a superset title is another song",
    track: { title: "Feel Good", artists: ["Gorillaz"], album: "Demon Days", durationMs: 221_000 },
    candidate: ytmSong("Feel Good Inc.", ["Gorillaz"], 221),
    expect: "title",
  },
  {
    name: "the studio recording of a live track",
    track: {
      title: "Feel Good Inc. - Live at Manchester Opera House",
      artists: ["Gorillaz"],
      album: "Demon Days Live",
      durationMs: 234_000,
    },
    candidate: upload("Gorillaz - Feel Good Inc. (Official Video)", "Gorillaz", 222),
    expect: "version",
  },
  {
    name: "an original mix for a VIP track",
    track: {
      title: "Puzzle - VIP",
      artists: ["RetroVision"],
      album: "Puzzle (VIP)",
      durationMs: 173_437,
    },
    candidate: ytmSong("Puzzle", ["RetroVision"], 173, { album: "Puzzle" }),
    expect: "version",
  },
  {
    name: "released audio 4 s off",
    candidate: ytmSong("Out of Body", ["Gorillaz"], 234),
    expect: true,
  },
  {
    name: "released audio 7 s off",
    candidate: ytmSong("Out of Body", ["Gorillaz"], 237),
    expect: "duration",
  },
  {
    name: "a Topic upload 7 s off",
    candidate: upload("Out of Body", "Gorillaz - Topic", 237, {
      artists: ["Gorillaz"],
      isTopicChannel: true,
      resultType: "song",
    }),
    expect: "duration",
  },
  {
    name: "the official video with a 13 s intro",
    candidate: candidate("youtube-music", "Gorillaz - Out of Body (Official Video)", 243, {
      artists: ["Gorillaz"],
      isOfficialArtistChannel: true,
      musicVideoType: "MUSIC_VIDEO_TYPE_OMV",
    }),
    expect: true,
  },
  {
    name: "a video 20 s off",
    candidate: upload("Gorillaz - Out of Body", "Gorillaz", 250),
    expect: "duration",
  },
];

for (const c of cases) {
  Deno.test(`rule: ${c.name}`, () => {
    const score = matchScore(c.track ?? outOfBody, c.candidate);
    const detail = JSON.stringify(score);
    if (c.expect === true) {
      assert.ok(score.total >= defaultMatchThreshold, detail);
    } else if (c.expect === "version") {
      assert.equal(score.rejected, undefined, detail);
      assert.ok(score.total < defaultMatchThreshold, detail);
      assert.ok(score.notes.some((note) => note.includes("not in the candidate's")), detail);
    } else {
      assert.equal(score.rule, c.expect, detail);
      assert.equal(score.total, 0, detail);
    }
  });
}

Deno.test("tolerance by kind: released audio at most 5 s, videos the configured tolerance", () => {
  const song = ytmSong("Out of Body", ["Gorillaz"], 236);
  assert.match(
    matchScore(outOfBody, song).rejected ?? "",
    /length differs by 6 s \(tolerance 5 s for released audio\)/,
  );
  assert.equal(
    matchScore(outOfBody, song, { songDurationToleranceSec: 8 }).rejected,
    undefined,
  );
  // The configured tolerance is the upper bound of every kind.
  const close = ytmSong("Out of Body", ["Gorillaz"], 233);
  assert.match(
    matchScore(outOfBody, close, { durationToleranceSec: 2 }).rejected ?? "",
    /tolerance 2 s for released audio/,
  );
  const video = upload("Gorillaz - Out of Body", "Gorillaz", 270);
  assert.match(
    matchScore(outOfBody, video).rejected ?? "",
    /length differs by 40 s \(tolerance 15 s\)$/,
  );
  assert.equal(matchScore(outOfBody, video, { durationToleranceSec: 45 }).rejected, undefined);
});

Deno.test("missing evidence is no bonus: a video without an album scores a neutral album part", () => {
  const track: MatchTarget = { ...outOfBody, title: "Out of Body" };
  // A near title: letters differ a little, so the other parts decide.
  const video = upload("Gorillaz - Out Of Bodyy", "Gorillaz", 236);
  const without = matchScore(track, video);
  assert.equal(without.album, 0.5);
  const withAlbum = matchScore(track, { ...video, album: track.album });
  assert.equal(withAlbum.album, 1);
  assert.ok(without.total < withAlbum.total, `${without.total} < ${withAlbum.total}`);
  // The same evidence as a YouTube Music song row with an album that matches scores more.
  const sameWithoutAlbumPart = 0.9 * (0.4 * without.title + 0.3 * without.artist +
    0.2 * without.duration!) /
    0.9;
  assert.ok(without.total < sameWithoutAlbumPart, "the old average (album left out) was higher");
  // A track without an album leaves the part out for everyone.
  const noAlbum = matchScore({ ...track, album: undefined }, video);
  assert.equal(noAlbum.album, undefined);
});

Deno.test("explain names the rule that rejected each candidate, and version words both ways", async () => {
  const answer = [
    ytmSong(outOfBody.title, ["The Midnight Covers"], 232, { videoId: "cover", rank: 1 }),
    ytmSong("Out of Body (Live)", ["Gorillaz"], 231, { videoId: "live", rank: 2 }),
    ytmSong("Out of Body", ["Gorillaz"], 260, { videoId: "long", rank: 3 }),
    ytmSong("Out of Body Forever", ["Gorillaz"], 230, { videoId: "other", rank: 4 }),
  ];
  const provider = {
    name: "youtube-music" as const,
    search: () => Promise.resolve(answer),
  };
  const result = await findBestMatch(outOfBody, [provider]);
  assert.equal(result.status, "not_found");
  const text = explainMatch(result);
  assert.match(
    text,
    /rejected by the main artist rule: the track's artist \(Gorillaz\) is not credited/,
  );
  assert.match(text, /rejected by the length rule: length differs by 30 s/);
  assert.match(
    text,
    /rejected by the title rule: title differs .*"forever" is not in the track's title/,
  );
  assert.match(text, /-0\.35 live version \(not in the Spotify title\)/);
  const rules = Object.fromEntries(
    result.candidates.map((scored) => [scored.candidate.videoId, scored.score.rule ?? null]),
  );
  assert.deepEqual(rules, { live: null, cover: "main_artist", long: "duration", other: "title" });

  const live: MatchTarget = { ...outOfBody, title: "Out of Body - Live" };
  const studioOnly = await findBestMatch(live, [{
    name: "youtube-music" as const,
    search: () => Promise.resolve([ytmSong("Out of Body", ["Gorillaz"], 230)]),
  }]);
  assert.match(
    explainMatch(studioOnly),
    /-0\.35 live version \(in the Spotify title, not in the candidate's\)/,
  );
});
