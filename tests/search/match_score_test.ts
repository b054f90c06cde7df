import { type TrackMetadata } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import {
  type AudioCandidate,
  defaultMatchThreshold,
  type MatchOptions,
  matchScore,
  type MatchTarget,
} from "../../src/search/mod.ts";

/** A candidate with the defaults of a YouTube Music song row. */
function song(
  videoId: string,
  title: string,
  artists: string[],
  durationSec: number,
  extra: Partial<AudioCandidate> = {},
): AudioCandidate {
  return {
    provider: "youtube-music",
    videoId,
    url: `https://music.youtube.com/watch?v=${videoId}`,
    title,
    artists,
    durationMs: durationSec * 1000,
    isOfficialArtistChannel: false,
    isTopicChannel: true,
    resultType: "song",
    rank: 1,
    ...extra,
  };
}

/** An official music video (YouTube Music OMV or a verified artist channel). */
function officialVideo(
  videoId: string,
  title: string,
  artists: string[],
  durationSec: number,
  extra: Partial<AudioCandidate> = {},
): AudioCandidate {
  return song(videoId, title, artists, durationSec, {
    isOfficialArtistChannel: true,
    isTopicChannel: false,
    resultType: "video",
    ...extra,
  });
}

/** Anyone else's upload: no credited artists, just a channel. */
function upload(
  videoId: string,
  title: string,
  channel: string,
  durationSec: number,
  extra: Partial<AudioCandidate> = {},
): AudioCandidate {
  return song(videoId, title, [], durationSec, {
    channel,
    isTopicChannel: false,
    resultType: "video",
    provider: "youtube",
    ...extra,
  });
}

function track(
  title: string,
  artists: string[],
  durationSec: number,
  extra: Partial<MatchTarget> = {},
): MatchTarget {
  return {
    title,
    artists,
    album: title,
    durationMs: durationSec * 1000,
    explicit: false,
    ...extra,
  };
}

interface Case {
  name: string;
  track: MatchTarget;
  candidates: AudioCandidate[];
  /** The video id that must win, or null when none may be accepted. */
  winner: string | null;
  options?: MatchOptions;
  /** Substring of the rejection reason or a note of this candidate id. */
  explains?: [string, string];
}

const cases: Case[] = [
  {
    name: "exact YouTube Music song beats the official video and a lyric upload",
    track: track("Moments", ["Lost Identities", "Robbie Rosen"], 220),
    candidates: [
      officialVideo("omv", "Moments", ["Robbie Rosen", "Lost Identities"], 221),
      upload("lyrics", "Lost Identities & Robbie Rosen - Moments (Lyrics)", "Lyrics Kart", 218),
      song("atv", "Moments", ["Lost Identities", "Robbie Rosen"], 220, { album: "Moments" }),
    ],
    winner: "atv",
  },
  {
    name: "only a live version: none accepted",
    track: track("Yellow", ["Coldplay"], 269),
    candidates: [officialVideo("live", "Yellow (Live in São Paulo)", ["Coldplay"], 275)],
    winner: null,
    explains: ["live", "live version"],
  },
  {
    name: "studio recording beats a live one",
    track: track("Yellow", ["Coldplay"], 269),
    candidates: [
      song("live", "Yellow - Live at Glastonbury 2016", ["Coldplay"], 270),
      song("studio", "Yellow", ["Coldplay"], 267),
    ],
    winner: "studio",
  },
  {
    name: "a live Spotify track wants the live recording",
    track: track("Yellow - Live at Glastonbury 2016", ["Coldplay"], 300, {
      album: "Live at Glastonbury",
    }),
    candidates: [
      song("studio", "Yellow", ["Coldplay"], 297),
      song("live", "Yellow (Live at Glastonbury 2016)", ["Coldplay"], 301),
    ],
    winner: "live",
  },
  {
    name: "only a remix: none accepted",
    track: track("Titanium", ["David Guetta", "Sia"], 245),
    candidates: [song("remix", "Titanium (Alesso Remix)", ["David Guetta", "Sia"], 250)],
    winner: null,
    explains: ["remix", "remix"],
  },
  {
    name: "a remix track wants that remix, not another one or the original",
    track: track("Titanium - Alesso Remix", ["David Guetta", "Sia", "Alesso"], 340),
    candidates: [
      song("original", "Titanium", ["David Guetta", "Sia"], 245),
      song("other", "Titanium (Nicky Romero Remix)", ["David Guetta", "Sia"], 338),
      song("alesso", "Titanium (Alesso Remix)", ["David Guetta", "Sia", "Alesso"], 341),
    ],
    winner: "alesso",
  },
  {
    name: "a cover by a fan: none accepted",
    track: track("Someone Like You", ["Adele"], 285),
    candidates: [upload("cover", "Adele - Someone Like You (Cover)", "Jane Sings", 284)],
    winner: null,
    explains: ["cover", "cover"],
  },
  {
    name: "the original beats a cover with the same length",
    track: track("Someone Like You", ["Adele"], 285),
    candidates: [
      upload("cover", "Someone Like You - Adele (cover by Jane)", "Jane Sings", 285),
      officialVideo("official", "Adele - Someone Like You (Official Music Video)", ["Adele"], 287),
    ],
    winner: "official",
  },
  {
    name: "featured artist written in the YouTube title",
    track: track("Moments", ["Lost Identities", "Robbie Rosen"], 220),
    candidates: [song("feat", "Moments (feat. Robbie Rosen)", ["Lost Identities"], 220)],
    winner: "feat",
  },
  {
    name: "featured artist in the Spotify title, not on YouTube",
    track: track("Stay (feat. Justin Bieber)", ["The Kid LAROI", "Justin Bieber"], 141),
    candidates: [
      officialVideo("video", "The Kid LAROI, Justin Bieber - STAY (Official Video)", [
        "The Kid LAROI",
      ], 158),
      song("atv", "Stay", ["The Kid LAROI", "Justin Bieber"], 142),
    ],
    winner: "atv",
  },
  {
    name: "fan upload naming the artist only in an 'Artist - Title' title",
    track: track("Moments", ["Lost Identities", "Robbie Rosen"], 220),
    candidates: [upload("fan", "Robbie Rosen FT Lost Identities - Moments", "Luimarose", 220)],
    winner: "fan",
  },
  {
    name: "Japanese: official MV titled 米津玄師 MV「Lemon」",
    track: track("Lemon", ["米津玄師"], 255),
    candidates: [
      upload("other", "Lemon", "Lemon Tree Covers", 255),
      upload("mv", "米津玄師 MV「Lemon」", "米津玄師", 256, { isOfficialArtistChannel: true }),
    ],
    winner: "mv",
  },
  {
    name: "Japanese title: the song row beats the official video with a long intro",
    track: track("夜に駆ける", ["YOASOBI"], 261),
    candidates: [
      officialVideo("mv", "YOASOBI「夜に駆ける」 Official Music Video", ["YOASOBI"], 274),
      song("atv", "夜に駆ける", ["YOASOBI"], 261),
    ],
    winner: "atv",
  },
  {
    name: "Cyrillic: the studio song beats a live one",
    track: track("Группа крови", ["Кино"], 285),
    candidates: [
      song("live", "Группа крови (Live)", ["Кино"], 290),
      song("atv", "Группа крови", ["Кино"], 286),
    ],
    winner: "atv",
  },
  {
    name: "Cyrillic target vs a Latin transliteration: not guessed",
    track: track("Кукушка", ["Кино"], 400),
    candidates: [song("latin", "Kukushka", ["Kino"], 400)],
    winner: null,
    explains: ["latin", "title differs"],
  },
  {
    name: "Korean: title only in brackets of an MV title, artist in the title",
    track: track("밤편지", ["IU"], 253),
    candidates: [
      upload("mv", "[MV] IU(아이유) _ Through the Night(밤편지)", "1theK (원더케이)", 255),
    ],
    winner: "mv",
  },
  {
    name: "Korean: the song row wins over the MV",
    track: track("밤편지", ["IU"], 253),
    candidates: [
      upload("mv", "[MV] IU(아이유) _ Through the Night(밤편지)", "1theK (원더케이)", 258),
      song("atv", "밤편지", ["IU"], 253),
    ],
    winner: "atv",
  },
  {
    name: "same title by another artist: none accepted",
    track: track("Hello", ["Adele"], 295),
    candidates: [song("lionel", "Hello", ["Lionel Richie"], 295)],
    winner: null,
    explains: ["lionel", "no artist of the track"],
  },
  {
    name: "same title by another artist ranked first: the right artist still wins",
    track: track("Hello", ["Adele"], 295),
    candidates: [
      song("lionel", "Hello", ["Lionel Richie"], 295, { rank: 1 }),
      song("adele", "Hello", ["Adele"], 296, { rank: 2 }),
    ],
    winner: "adele",
  },
  {
    name: "duration trap: the 3 s-off video wins over a 40 s-longer one",
    track: track("Moments", ["Lost Identities", "Robbie Rosen"], 220),
    candidates: [
      officialVideo("long", "Moments", ["Lost Identities", "Robbie Rosen"], 260),
      upload("close", "Lost Identities & Robbie Rosen - Moments", "Lyrics Kart", 223),
    ],
    winner: "close",
    explains: ["long", "length differs by 40 s (tolerance 15 s)"],
  },
  {
    name: "duration trap: only a much longer version, none accepted",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [song("extended", "Moments", ["Lost Identities"], 300)],
    winner: null,
  },
  {
    name: "duration tolerance is an option",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [officialVideo("intro", "Moments", ["Lost Identities"], 250)],
    winner: "intro",
    options: { durationToleranceSec: 60 },
  },
  {
    name: "sped up version: none accepted",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [song("sped", "Moments (Sped Up)", ["Lost Identities"], 220)],
    winner: null,
    explains: ["sped", "sped up"],
  },
  {
    name: "nightcore channel upload loses to the original",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [
      upload("nightcore", "Lost Identities - Moments", "Nightcore Reality", 220),
      upload("plain", "Lost Identities - Moments (Audio)", "Music Archive", 221),
    ],
    winner: "plain",
  },
  {
    name: "slowed + reverb: none accepted",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [upload("slowed", "Lost Identities - Moments (slowed + reverb)", "vibes", 219)],
    winner: null,
    explains: ["slowed", "slowed"],
  },
  {
    name: "8D audio: none accepted",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [upload("8d", "Lost Identities - Moments (8D Audio)", "8D Tunes", 220)],
    winner: null,
  },
  {
    name: "karaoke and instrumental versions lose to the song",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [
      upload("karaoke", "Moments - Lost Identities (Karaoke Version)", "Sing King", 220),
      song("inst", "Moments (Instrumental)", ["Lost Identities"], 220),
      upload("real", "Lost Identities - Moments", "Lost Identities Fans", 224),
    ],
    winner: "real",
  },
  {
    name: "acoustic version when Spotify's title does not say so: none accepted",
    track: track("Moments", ["Lost Identities"], 169),
    candidates: [song("acoustic", "Moments (Acoustic Version)", ["Lost Identities"], 169)],
    winner: null,
  },
  {
    name: "acoustic Spotify track: the acoustic version wins",
    track: track("Moments - Acoustic Version", ["Lost Identities"], 169, {
      album: "Moments (Acoustic Version)",
    }),
    candidates: [
      song("studio", "Moments", ["Lost Identities"], 170),
      song("acoustic", "Moments (Acoustic Version)", ["Lost Identities"], 169),
    ],
    winner: "acoustic",
  },
  {
    name: "explicit Spotify track prefers the explicit song row",
    track: track("WAP", ["Cardi B", "Megan Thee Stallion"], 187, { explicit: true }),
    candidates: [
      song("clean", "WAP", ["Cardi B", "Megan Thee Stallion"], 187, { explicit: false }),
      song("explicit", "WAP", ["Cardi B", "Megan Thee Stallion"], 187, { explicit: true }),
    ],
    winner: "explicit",
  },
  {
    name: "clean Spotify track prefers the clean song row",
    track: track("WAP", ["Cardi B", "Megan Thee Stallion"], 187, { explicit: false }),
    candidates: [
      song("explicit", "WAP", ["Cardi B", "Megan Thee Stallion"], 187, { explicit: true }),
      song("clean", "WAP", ["Cardi B", "Megan Thee Stallion"], 187, { explicit: false }),
    ],
    winner: "clean",
  },
  {
    name: "explicit track: a '(Clean)' video loses to the plain one",
    track: track("WAP", ["Cardi B"], 187, { explicit: true }),
    candidates: [
      officialVideo("cleanvid", "Cardi B - WAP (Clean)", ["Cardi B"], 187),
      officialVideo("video", "Cardi B - WAP", ["Cardi B"], 188),
    ],
    winner: "video",
  },
  {
    name: "'- Remastered 2009' on Spotify matches '(Remastered 2009)' and plain titles",
    track: track("Let It Be - Remastered 2009", ["The Beatles"], 243, { album: "Let It Be" }),
    candidates: [
      upload("fan", "The Beatles - Let It Be (Remastered 2009)", "oldies", 243),
      song("atv", "Let It Be", ["The Beatles"], 243, { album: "Let It Be (Remastered)" }),
    ],
    winner: "atv",
  },
  {
    name: "'Official Video Remastered' noise on YouTube is ignored",
    track: track("Bohemian Rhapsody", ["Queen"], 355),
    candidates: [
      officialVideo(
        "video",
        "Queen – Bohemian Rhapsody (Official Video Remastered)",
        ["Queen"],
        359,
      ),
    ],
    winner: "video",
  },
  {
    name: "Topic channel upload beats a fan upload on YouTube",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [
      upload("fan", "Lost Identities - Moments", "Random Uploads", 220),
      upload("topic", "Moments", "Lost Identities - Topic", 220, {
        artists: ["Lost Identities"],
        isTopicChannel: true,
        resultType: "song",
      }),
    ],
    winner: "topic",
  },
  {
    name: "official audio beats a lyric video",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [
      upload("lyric", "Lost Identities - Moments (Lyric Video)", "Lyrics Kart", 220),
      officialVideo(
        "audio",
        "Lost Identities - Moments (Official Audio)",
        ["Lost Identities"],
        220,
      ),
    ],
    winner: "audio",
  },
  {
    name: "radio edit track: the radio edit wins over the long album version",
    track: track("Levels - Radio Edit", ["Avicii"], 199),
    candidates: [
      song("album", "Levels", ["Avicii"], 338),
      song("radio", "Levels (Radio Edit)", ["Avicii"], 200),
    ],
    winner: "radio",
  },
  {
    // Issue 16: "Radio Edit" is a version word both ways (this case used to accept it as noise).
    name: "'Radio Edit' on YouTube when Spotify does not say it: none accepted",
    track: track("Levels", ["Avicii"], 200),
    candidates: [song("radio", "Levels (Radio Edit)", ["Avicii"], 200)],
    winner: null,
    explains: ["radio", "radio edit (not in the Spotify title)"],
  },
  {
    name: "'Love' is not 'Love Story' by the same artist",
    track: track("Love", ["Taylor Swift"], 235),
    candidates: [song("story", "Love Story", ["Taylor Swift"], 235)],
    winner: null,
  },
  {
    name: "'Part 1' is not 'Part 2'",
    track: track("Interlude Part 1", ["Lost Identities"], 120),
    candidates: [song("p2", "Interlude Part 2", ["Lost Identities"], 120)],
    winner: null,
  },
  {
    name: "Taylor's Version is another recording than the original",
    track: track("Love Story (Taylor's Version)", ["Taylor Swift"], 236),
    candidates: [
      song("original", "Love Story", ["Taylor Swift"], 235),
      song("tv", "Love Story (Taylor’s Version)", ["Taylor Swift"], 236),
    ],
    winner: "tv",
  },
  {
    name: "diacritics and case do not matter",
    track: track("Déjà Vu", ["Beyoncé", "JAY-Z"], 240),
    candidates: [song("dv", "Deja vu", ["Beyonce", "Jay Z"], 241)],
    winner: "dv",
  },
  {
    name: "VEVO channel names the artist",
    track: track("Let It Be", ["The Beatles"], 243),
    candidates: [upload("vevo", "Let It Be", "TheBeatlesVEVO", 243)],
    winner: "vevo",
  },
  {
    name: "'Title | Artist | Official Video' layout",
    track: track("Moments", ["Lost Identities"], 220),
    candidates: [upload("pipes", "Moments | Lost Identities | Official Video", "LI Music", 221)],
    winner: "pipes",
  },
];

function winnerOf(c: Case): string | null {
  let best: { id: string; total: number } | undefined;
  for (const candidate of c.candidates) {
    const { total } = matchScore(c.track, candidate, c.options ?? {});
    if (best === undefined || total > best.total) best = { id: candidate.videoId, total };
  }
  return best !== undefined && best.total >= defaultMatchThreshold ? best.id : null;
}

Deno.test("the matching table has at least 30 cases", () => {
  assert.ok(cases.length >= 30, `only ${cases.length} cases`);
});

for (const c of cases) {
  Deno.test(`match: ${c.name}`, () => {
    const scores = c.candidates.map((candidate) =>
      `${candidate.videoId}=${JSON.stringify(matchScore(c.track, candidate, c.options ?? {}))}`
    );
    assert.equal(winnerOf(c), c.winner, scores.join("\n"));
    if (c.explains) {
      const [id, text] = c.explains;
      const candidate = c.candidates.find((candidate) => candidate.videoId === id)!;
      const score = matchScore(c.track, candidate, c.options ?? {});
      const said = [score.rejected ?? "", ...score.notes].join(" | ");
      assert.ok(said.includes(text), `expected "${text}" in: ${said}`);
    }
  });
}

Deno.test("score parts are reported and the total stays in 0..1", () => {
  const target = track("Moments", ["Lost Identities", "Robbie Rosen"], 220);
  const score = matchScore(
    target,
    song("atv", "Moments", ["Lost Identities", "Robbie Rosen"], 221, { album: "Moments" }),
  );
  assert.deepEqual(score, {
    total: 1,
    title: 1,
    artist: 1,
    duration: 1,
    durationDiffSec: 1,
    album: 1,
    bonus: 0.1,
    penalty: 0,
    notes: ["+0.10 YouTube Music song (the released audio)"],
  });
  const stacked = matchScore(
    target,
    upload("x", "Lost Identities - Moments (Nightcore Sped Up 8D Karaoke)", "x", 220),
  );
  assert.equal(stacked.total, 0);
  assert.equal(stacked.rejected, undefined);
  assert.ok(stacked.penalty > 1);
});

Deno.test("a missing main artist weighs double", () => {
  const target = track("Moments", ["Lost Identities", "Robbie Rosen"], 220);
  const onlyFeatured = matchScore(target, song("f", "Moments", ["Robbie Rosen"], 220));
  const onlyMain = matchScore(target, song("m", "Moments", ["Lost Identities"], 220));
  assert.equal(onlyFeatured.artist, 0.333);
  assert.equal(onlyMain.artist, 0.667);
  assert.ok(onlyMain.total > onlyFeatured.total);
});

Deno.test("unknown lengths leave the duration part out instead of failing", () => {
  const target: MatchTarget = { title: "Moments", artists: ["Lost Identities"] };
  const candidate = song("x", "Moments", ["Lost Identities"], 1);
  delete candidate.durationMs;
  const score = matchScore(target, candidate);
  assert.equal(score.duration, undefined);
  assert.equal(score.total, 1);
});

Deno.test("TrackMetadata satisfies MatchTarget", () => {
  const metadata: TrackMetadata = {
    spotifyId: "1",
    spotifyUrl: "https://open.spotify.com/track/1",
    title: "Nobody Else",
    artists: ["Abstrakt"],
    artistIds: ["a"],
    album: "Nobody Else",
    albumId: "b",
    albumArtists: ["Abstrakt"],
    trackNumber: 1,
    trackCount: 1,
    discNumber: 1,
    discCount: 1,
    releaseDate: "2022",
    isrc: "GB2LD2210007",
    durationMs: 162_000,
    explicit: false,
    genres: [],
  };
  const score = matchScore(
    metadata,
    song("nfyk-V5CoIE", "Nobody Else", ["Abstrakt"], 163, { album: "Nobody Else" }),
  );
  assert.equal(score.total, 1);
});
