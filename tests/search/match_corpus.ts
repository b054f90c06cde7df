/**
 * A labeled match corpus: Spotify tracks, the candidates a search would serve
 * for them, and which of those are the right recording. Every scenario comes
 * twice: once with the right recording among the candidates (ranked after the
 * wrong versions, as YouTube often ranks them) and once without it, where the
 * only right answer is "not found".
 *
 * Sources:
 * - the recorded YouTube Music answers in tests/fixtures/recorded/youtube-music/
 *   (real candidates, labeled by hand below);
 * - the real catalog in tests/fixtures/recorded/spotify/catalog.json (every
 *   album track), with synthetic candidates shaped like the parsers' output for
 *   each kind of result (YouTube Music song rows, official videos, lyric
 *   uploads, YouTube Topic uploads);
 * - a synthetic Gorillaz slice (titles, credits and approximate lengths as on
 *   Spotify): the recordings hold no Gorillaz, and issue 16's failures were there.
 */
import {
  type AudioCandidate,
  type MatchTarget,
  parseYouTubeMusicSearch,
} from "../../src/search/mod.ts";

/** One labeled case. */
export interface CorpusCase {
  /** "<track>/<scenario>/<with|without>". */
  id: string;
  scenario: string;
  track: MatchTarget;
  /** In answer order. */
  candidates: AudioCandidate[];
  /** Video ids of the right recording among the candidates (empty: none is right). */
  right: string[];
}

const fixtures = new URL("../fixtures/recorded/", import.meta.url);

interface CatalogArtist {
  name: string;
}
interface CatalogTrack {
  id: string;
  name: string;
  artists: CatalogArtist[];
  duration_ms: number;
  explicit?: boolean;
  external_ids?: { isrc?: string };
  album?: { id: string; name: string };
}
interface Catalog {
  tracks: Record<string, CatalogTrack>;
  albums: Record<string, { name: string }>;
  album_tracks: Record<string, CatalogTrack[]>;
}

/** A track with what the generators need to know about it. */
interface CorpusTrack extends MatchTarget {
  artists: string[];
  durationMs: number;
  album: string;
  /** Short unique slug for ids. */
  slug: string;
}

/** The real catalog's album tracks (each distinct title and artists once). */
export function catalogTracks(): CorpusTrack[] {
  const catalog: Catalog = JSON.parse(
    Deno.readTextFileSync(new URL("spotify/catalog.json", fixtures)),
  );
  const albumNames = new Map<string, string>();
  for (const [id, album] of Object.entries(catalog.albums)) albumNames.set(id, album.name);
  for (const track of Object.values(catalog.tracks)) {
    if (track.album) albumNames.set(track.album.id, track.album.name);
  }
  const isrcs = new Map<string, string>();
  for (const track of Object.values(catalog.tracks)) {
    if (track.external_ids?.isrc) isrcs.set(track.id, track.external_ids.isrc);
  }
  const seen = new Set<string>();
  const tracks: CorpusTrack[] = [];
  for (const [albumId, rows] of Object.entries(catalog.album_tracks)) {
    for (const row of rows) {
      const artists = row.artists.map((artist) => artist.name);
      const key = `${row.name}|${artists.join(",")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const track: CorpusTrack = {
        title: row.name,
        artists,
        album: albumNames.get(albumId) ?? row.name,
        durationMs: row.duration_ms,
        explicit: row.explicit ?? false,
        slug: slugOf(`${artists[0]}-${row.name}`),
      };
      const isrc = isrcs.get(row.id);
      if (isrc) track.isrc = isrc;
      tracks.push(track);
    }
  }
  return tracks;
}

/** Synthetic: Gorillaz tracks as Spotify lists them (lengths approximate). */
export const gorillazTracks: CorpusTrack[] = [
  g("Out of Body (feat. Kilo Kish, Zebra Katz & Imani Vonshà)", 230, "Song Machine, Season One", [
    "Kilo Kish",
    "Zebra Katz",
    "Imani Vonshà",
  ]),
  g("How Far? (feat. Tony Allen and Skepta)", 237, "Song Machine, Season One", [
    "Tony Allen",
    "Skepta",
  ]),
  g("Possession Island (feat. Beck)", 238, "Cracker Island", ["Beck"]),
  g("Cracker Island (feat. Thundercat)", 214, "Cracker Island", ["Thundercat"]),
  g("New Gold (feat. Tame Impala and Bootie Brown)", 215, "Cracker Island", [
    "Tame Impala",
    "Bootie Brown",
  ]),
  g("Stylo (feat. Mos Def and Bobby Womack)", 270, "Plastic Beach", ["Mos Def", "Bobby Womack"]),
  g("Humility (feat. George Benson)", 197, "The Now Now", ["George Benson"]),
  g("Saturnz Barz (feat. Popcaan)", 181, "Humanz", ["Popcaan"]),
  g("Andromeda (feat. DRAM)", 198, "Humanz", ["DRAM"]),
  g("Feel Good Inc.", 221, "Demon Days"),
  g("Feel Good Inc. - Live at Manchester Opera House", 234, "Demon Days Live"),
  g("DARE", 244, "Demon Days"),
  g("DARE - Soulwax Remix", 331, "D-Sides"),
  g("Clint Eastwood", 341, "Gorillaz"),
  g("Clint Eastwood - Ed Case & Sweetie Irie Refix", 229, "G-Sides"),
  g("19-2000 - Soulchild Remix", 208, "G-Sides"),
  g("On Melancholy Hill", 233, "Plastic Beach"),
  g("Rhinestone Eyes", 200, "Plastic Beach"),
  g("Kids With Guns", 226, "Demon Days"),
  g("Dirty Harry", 223, "Demon Days"),
  g("Tomorrow Comes Today", 192, "Gorillaz"),
  g("Tranz", 170, "The Now Now"),
  g("Tranz - Gorillaz 20 Mix", 172, "Gorillaz 20"),
  g("Hollywood (feat. Snoop Dogg and Jamie Principle)", 305, "The Now Now", [
    "Snoop Dogg",
    "Jamie Principle",
  ]),
  g("Silent Running (feat. Adeleye Omotayo)", 250, "Cracker Island", ["Adeleye Omotayo"]),
  g("Tormenta (feat. Bad Bunny)", 196, "Cracker Island", ["Bad Bunny"]),
  g("Rock The House - Radio Edit", 195, "Rock The House"),
  g("Kids With Guns - Hot Chip Remix", 258, "D-Sides"),
  g("El Mañana - Demo", 214, "D-Sides"),
  g("Feel Good Inc. - Extended Mix", 282, "Feel Good Inc."),
];

function g(title: string, sec: number, album: string, featured: string[] = []): CorpusTrack {
  return {
    title,
    artists: ["Gorillaz", ...featured],
    album,
    durationMs: sec * 1000,
    explicit: false,
    slug: slugOf(`gorillaz-${title}`),
  };
}

function slugOf(text: string): string {
  return text.normalize("NFKD").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "").slice(0, 48);
}

// ---------------------------------------------------------------- candidates

let serial = 0;
function nextId(slug: string, kind: string): string {
  serial++;
  return `${slug}~${kind}~${serial}`;
}

function base(
  provider: AudioCandidate["provider"],
  videoId: string,
  title: string,
  durationSec: number,
): AudioCandidate {
  const origin = provider === "youtube-music"
    ? "https://music.youtube.com"
    : "https://www.youtube.com";
  return {
    provider,
    videoId,
    url: `${origin}/watch?v=${videoId}`,
    title,
    artists: [],
    durationMs: Math.round(durationSec) * 1000,
    isOfficialArtistChannel: false,
    isTopicChannel: false,
    resultType: "video",
    rank: 0,
  };
}

/** A YouTube Music song row (ATV): credited artists, album, explicit flag. */
function ytmSong(
  id: string,
  title: string,
  artists: string[],
  sec: number,
  album: string,
  explicit = false,
): AudioCandidate {
  return {
    ...base("youtube-music", id, title, sec),
    artists,
    album,
    explicit,
    isTopicChannel: true,
    resultType: "song",
    musicVideoType: "MUSIC_VIDEO_TYPE_ATV",
  };
}

/** A YouTube Music official music video (OMV). */
function ytmOfficialVideo(id: string, title: string, artists: string[], sec: number) {
  return {
    ...base("youtube-music", id, title, sec),
    artists,
    isOfficialArtistChannel: true,
    musicVideoType: "MUSIC_VIDEO_TYPE_OMV",
  };
}

/** Anyone's upload as YouTube Music lists it (UGC): no credits, a channel. */
function ytmUpload(id: string, title: string, channel: string, sec: number): AudioCandidate {
  return {
    ...base("youtube-music", id, title, sec),
    channel,
    musicVideoType: "MUSIC_VIDEO_TYPE_UGC",
  };
}

/** A plain YouTube video: a channel, no album, no explicit flag. */
function ytVideo(
  id: string,
  title: string,
  channel: string,
  sec: number,
  verified = false,
): AudioCandidate {
  return {
    ...base("youtube", id, title, sec),
    channel,
    artists: verified ? [channel] : [],
    isOfficialArtistChannel: verified,
  };
}

/** A YouTube "Artist - Topic" upload of a released recording. */
function ytTopic(id: string, title: string, artist: string, sec: number): AudioCandidate {
  return {
    ...base("youtube", id, title, sec),
    channel: `${artist} - Topic`,
    artists: [artist],
    isTopicChannel: true,
    resultType: "song",
  };
}

// ---------------------------------------------------------------- track parts

interface Parts {
  /** Title without its " - Version" tail and "(feat. ...)" credit. */
  name: string;
  /** The " - X" tail ("Live at ...", "JJD Remix"), if any. */
  tail?: string;
  featured: string[];
  main: string;
  sec: number;
}

function partsOf(track: CorpusTrack): Parts {
  const featured: string[] = [];
  let name = track.title.replace(/\s*\((?:feat\.|with) ([^)]*)\)/i, (_, names: string) => {
    featured.push(names);
    return "";
  });
  let tail: string | undefined;
  const dash = name.indexOf(" - ");
  if (dash > 0) {
    tail = name.slice(dash + 3);
    name = name.slice(0, dash);
  }
  return { name, tail, featured, main: track.artists[0], sec: track.durationMs / 1000 };
}

/** How YouTube Music writes a Spotify title: "Lost - JJD Remix" -> "Lost (JJD Remix)". */
function musicTitle(track: CorpusTrack): string {
  const dash = track.title.indexOf(" - ");
  if (dash < 0) return track.title;
  return `${track.title.slice(0, dash)} (${track.title.slice(dash + 3)})`;
}

/** The right recording in one of several kinds, chosen by the track's position. */
function rightCandidates(track: CorpusTrack, index: number): AudioCandidate[] {
  const p = partsOf(track);
  const s = track.slug;
  const credit = track.artists.join(", ");
  const withoutFeat = musicTitle(track).replace(/\s*\((?:feat\.|with) [^)]*\)/i, "");
  const featCredit = p.featured.length > 0 ? ` ft. ${p.featured.join(", ")}` : "";
  switch (index % 12) {
    case 0:
      // YouTube Music writes the feat credit in the title or only in the credits.
      return [
        ytmSong(
          nextId(s, "atv"),
          index % 16 === 0 ? musicTitle(track) : withoutFeat,
          track.artists,
          p.sec + 1,
          track.album,
          track.explicit,
        ),
      ];
    case 1:
      return [
        ytmOfficialVideo(
          nextId(s, "omv"),
          `${p.main} - ${withoutFeat}${featCredit} (Official Video)`,
          track.artists,
          p.sec + 8,
        ),
        ytmUpload(
          nextId(s, "lyrics"),
          `${credit} - ${musicTitle(track)} (Lyrics)`,
          "Lyrics Kart",
          p.sec - 1,
        ),
      ];
    case 2:
      return [ytTopic(nextId(s, "topic"), musicTitle(track), p.main, p.sec)];
    case 3:
      // The same recording on another release (a compilation).
      return [
        ytmSong(
          nextId(s, "compilation"),
          musicTitle(track),
          track.artists,
          p.sec,
          "Best of 2016",
          track.explicit,
        ),
      ];
    case 4:
      return [
        ytVideo(
          nextId(s, "audio"),
          `${credit} - ${musicTitle(track)} (Official Audio)`,
          p.main,
          p.sec + 1,
          true,
        ),
      ];
    case 5:
      // An official video with a long intro, alone.
      return [
        ytmOfficialVideo(
          nextId(s, "omv-intro"),
          `${p.main} - ${withoutFeat}${featCredit} (Official Music Video)`,
          track.artists,
          p.sec + 13,
        ),
      ];
    case 6:
      // Only a fan's lyric upload.
      return [
        ytVideo(
          nextId(s, "fan"),
          `${credit} - ${musicTitle(track)} [Lyrics]`,
          "Lyrical Vibes",
          p.sec - 1,
        ),
      ];
    case 7:
      return [
        ytmSong(
          nextId(s, "deluxe"),
          musicTitle(track),
          track.artists,
          p.sec - 1,
          `${track.album} (Deluxe)`,
          track.explicit,
        ),
      ];
    case 8:
      // The artist's verified channel, feat credit left out.
      return [
        ytVideo(
          nextId(s, "verified"),
          `${p.main} - ${withoutFeat} (Official Music Video) [HD]`,
          p.main,
          p.sec + 10,
          true,
        ),
      ];
    case 9:
      // "Title - Artist | Lyrics" by a lyrics channel.
      return [
        ytVideo(
          nextId(s, "title-first"),
          `${withoutFeat} - ${p.main} | Lyrics`,
          "7clouds",
          p.sec - 2,
        ),
      ];
    case 10:
      // A VEVO channel, quoted title.
      return [
        ytVideo(
          nextId(s, "vevo"),
          `${p.main.toUpperCase()} "${withoutFeat}" (Official Audio)`,
          `${p.main.replace(/\s+/g, "")}VEVO`,
          p.sec + 1,
        ),
      ];
    default:
      // YouTube Music credits only the main artist.
      return [
        ytmSong(nextId(s, "main-only"), withoutFeat, [p.main], p.sec, track.album, track.explicit),
      ];
  }
}

// ---------------------------------------------------------------- scenarios

/** A scenario: which tracks it fits and the wrong candidates it serves. */
interface Scenario {
  name: string;
  fits(track: CorpusTrack, parts: Parts): boolean;
  wrong(track: CorpusTrack, parts: Parts, index: number): AudioCandidate[];
  /** The right recording of this scenario, when not the track's usual one. */
  right?(track: CorpusTrack, parts: Parts): AudioCandidate[];
}

/** A title tail naming another version than the plain studio one ("Original Mix" is the plain one). */
function hasVersionTail(text: string): boolean {
  return /\b(?:live|remix|refix|re-?work|vip|mix|edit|demo|acoustic)\b/i.test(
    text.replace(/\boriginal mix\b/i, ""),
  );
}

/** The song's name without version words ("34+35 Remix" -> "34+35"). */
function plainName(parts: Parts): string {
  return parts.name
    .replace(/\s*\([^)]*\b(?:remix|re-?work|vip|mix|edit)\b[^)]*\)/gi, "")
    .replace(/\s*\b(?:remix|vip)\b/gi, "")
    .trim();
}

/** Version words tried against plain tracks, one per track in turn (each word meets many tracks). */
const versionWords = [
  "Live",
  "Remix",
  "VIP",
  "Edit",
  "Radio Edit",
  "Extended Mix",
  "Club Mix",
  "Dub",
  "Acoustic",
  "Unplugged",
  "Demo",
  "Instrumental",
  "Karaoke Version",
  "Cover",
  "Sped Up",
  "Slowed",
  "Nightcore",
  "8D Audio",
  "Reverb",
  "Remastered 2011",
  "Mono",
  "Stereo",
  "Re-Recorded",
  "Gorillaz's Version",
];

export const scenarios: Scenario[] = [
  {
    name: "cover keeping the feat credit",
    fits: (_, p) => p.featured.length > 0,
    wrong: (t, p) => [
      ytmSong(
        nextId(t.slug, "cover"),
        t.title,
        ["The Midnight Covers"],
        p.sec + 3,
        "Covers Vol. 2",
      ),
      ytmSong(nextId(t.slug, "featcover"), t.title, [t.artists[1]], p.sec + 2, "Acoustic Sessions"),
      ytVideo(nextId(t.slug, "ugc-cover"), t.title, "Sara Sings", p.sec - 1),
    ],
  },
  {
    name: "labelled cover and tribute",
    fits: () => true,
    wrong: (t, p) => [
      ytmUpload(nextId(t.slug, "cover"), `${p.main} - ${p.name} (Cover)`, "Jane Sings", p.sec),
      ytmSong(
        nextId(t.slug, "tribute"),
        p.name,
        ["Piano Tribute Players"],
        p.sec,
        `Piano Tribute to ${p.main}`,
      ),
      // A tribute band named after the artist, the title as released.
      ytmSong(
        nextId(t.slug, "band"),
        musicTitle(t),
        [`${p.main} Tribute Band`],
        p.sec + 2,
        "Live in Leeds",
      ),
    ],
  },
  {
    name: "live version of a studio track",
    fits: (t) => !/\blive\b/i.test(t.title),
    wrong: (t, p) => [
      ytmSong(
        nextId(t.slug, "live"),
        `${musicTitle(t)} (Live at Wembley)`,
        t.artists,
        p.sec + 2,
        `${t.album} (Live)`,
      ),
      ytVideo(
        nextId(t.slug, "live-video"),
        `${p.main} - ${p.name} (Live)`,
        p.main,
        p.sec + 1,
        true,
      ),
    ],
  },
  {
    name: "studio version of a version track",
    fits: (t) => hasVersionTail(t.title),
    wrong: (t, p) => [
      ytmSong(
        nextId(t.slug, "studio"),
        plainName(p),
        t.artists.slice(0, 1),
        p.sec - 3,
        plainName(p),
      ),
      ytVideo(
        nextId(t.slug, "studio-video"),
        `${p.main} - ${plainName(p)} (Official Video)`,
        p.main,
        p.sec + 4,
        true,
      ),
    ],
  },
  {
    name: "remix of an original",
    fits: (t) => !/remix/i.test(t.title),
    wrong: (t, p) => [
      ytmSong(
        nextId(t.slug, "remix"),
        `${p.name} (Kaskade Remix)`,
        [...t.artists, "Kaskade"],
        p.sec + 2,
        p.name,
      ),
    ],
  },
  {
    name: "another song by the same artist sharing words",
    fits: () => true,
    wrong: (t, p, index) =>
      index % 2 === 0
        ? [
          // "The Now Now - Gorillaz 20 Mix" for "Tranz - Gorillaz 20 Mix": another song, the same tail.
          ytVideo(
            nextId(t.slug, "shared"),
            p.tail ? `The Now Now - ${p.tail}` : `${p.name} Forever`,
            p.main,
            p.sec + 8,
          ),
          ytmSong(
            nextId(t.slug, "pt2"),
            `${p.name} Pt. 2`,
            t.artists.slice(0, 1),
            p.sec + 1,
            t.album,
          ),
        ]
        : [
          ytmSong(
            nextId(t.slug, "interlude"),
            `${p.name} ${/interlude/i.test(t.title) ? "Outro" : "Interlude"}`,
            t.artists.slice(0, 1),
            p.sec,
            t.album,
          ),
          ytmSong(
            nextId(t.slug, "reprise"),
            `Return to ${p.name}`,
            t.artists.slice(0, 1),
            p.sec + 1,
            t.album,
          ),
        ],
  },
  {
    name: "same title by another artist",
    fits: () => true,
    wrong: (t, p) => [
      ytmSong(nextId(t.slug, "other"), t.title, ["Lionel Richie"], p.sec + 1, t.album),
      ytTopic(nextId(t.slug, "other-topic"), p.name, "Yellow Claw", p.sec),
    ],
  },
  {
    name: "karaoke, sped up, slowed, nightcore, 8D and loops",
    fits: () => true,
    wrong: (t, p) => [
      ytmUpload(
        nextId(t.slug, "karaoke"),
        `${p.name} (Karaoke Version) - ${p.main}`,
        "Sing King",
        p.sec,
      ),
      ytmSong(
        nextId(t.slug, "sped"),
        `${p.name} (Sped Up)`,
        t.artists.slice(0, 1),
        p.sec * 0.8,
        t.album,
      ),
      ytVideo(
        nextId(t.slug, "slowed"),
        `${p.main} - ${p.name} (slowed + reverb)`,
        "vibes",
        p.sec * 1.15,
      ),
      ytVideo(
        nextId(t.slug, "nightcore"),
        `Nightcore - ${p.name}`,
        "Nightcore Reality",
        p.sec * 0.85,
      ),
      ytVideo(nextId(t.slug, "8d"), `${p.main} - ${p.name} (8D Audio)`, "8D Tunes", p.sec),
      ytVideo(nextId(t.slug, "loop"), `${p.main} - ${p.name} (1 Hour Loop)`, "Loops", 3600),
    ],
  },
  {
    name: "the same recording on another release",
    fits: (t) => !/remaster/i.test(t.title),
    right: (t, p) => [
      ytmSong(nextId(t.slug, "other-release"), musicTitle(t), t.artists, p.sec, "The Very Best Of"),
      ytTopic(nextId(t.slug, "other-release-topic"), musicTitle(t), p.main, p.sec + 1),
    ],
    wrong: (t, p) => [
      // A remaster of another year and a longer cut on the same compilation.
      ytmSong(
        nextId(t.slug, "remaster"),
        `${musicTitle(t)} (Remastered 2021)`,
        t.artists,
        p.sec,
        "The Very Best Of",
      ),
      ytmSong(nextId(t.slug, "long-cut"), musicTitle(t), t.artists, p.sec + 40, "Anthology"),
    ],
  },
  {
    name: "a version word on the candidate only",
    fits: (t) => !hasVersionTail(t.title),
    wrong: (t, p, index) => {
      const word = versionWords[index % versionWords.length];
      return [
        ytmSong(
          nextId(t.slug, "version"),
          `${musicTitle(t)} (${word})`,
          t.artists,
          p.sec + 1,
          t.album,
        ),
      ];
    },
  },
];

// ---------------------------------------------------------------- recorded answers

function recorded(file: string): AudioCandidate[] {
  const raw = JSON.parse(Deno.readTextFileSync(new URL(`youtube-music/${file}`, fixtures)));
  return parseYouTubeMusicSearch(raw.response, {
    baseUrl: "https://music.youtube.com",
    query: raw.request.query,
  });
}

/** Cases from the recorded answers, labeled by hand. */
function recordedCases(): CorpusCase[] {
  const moments = recorded("search-lost-identities-moments.json");
  const nobodyElse = recorded("search-isrc-GB2LD2210007.json");
  // The studio "Moments": the song row, both official videos and both lyric uploads are it.
  const studio = ["0h6XAAwX8II", "fxhzvHrTO2k", "14CjyUYO8lE", "GnKXjblvqOg", "EPwGkq2QZ8w"];
  const acoustic = ["wgpEmlJ3guA"];
  const cases: CorpusCase[] = [];
  const both = (
    name: string,
    track: MatchTarget,
    candidates: AudioCandidate[],
    right: string[],
  ) => {
    cases.push({
      id: `${name}/recorded/with`,
      scenario: "recorded answer",
      track,
      candidates,
      right,
    });
    cases.push({
      id: `${name}/recorded/without`,
      scenario: "recorded answer",
      track,
      candidates: candidates.filter((candidate) => !right.includes(candidate.videoId)),
      right: [],
    });
  };
  both(
    "moments",
    {
      title: "Moments",
      artists: ["Lost Identities", "Robbie Rosen"],
      album: "Moments",
      durationMs: 220_000,
      explicit: false,
    },
    moments,
    studio,
  );
  both(
    "moments-acoustic",
    {
      title: "Moments - Acoustic Version",
      artists: ["Lost Identities", "Robbie Rosen"],
      album: "Moments (Acoustic Version)",
      durationMs: 169_000,
      explicit: false,
    },
    moments,
    acoustic,
  );
  both(
    "nobody-else",
    {
      title: "Nobody Else",
      artists: ["Abstrakt"],
      album: "Nobody Else",
      durationMs: 162_000,
      explicit: false,
      isrc: "GB2LD2210007",
    },
    [...nobodyElse, ...moments],
    ["nfyk-V5CoIE"],
  );
  return cases;
}

// ---------------------------------------------------------------- the corpus

/** Transliterated and re-joined credits: the right recording credited under another spelling. */
function spellingCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const spelled: [MatchTarget, AudioCandidate][] = [
    [
      {
        title: "We're Invincible",
        artists: ["CØDE", "Joseph Feinstein"],
        album: "NCS",
        durationMs: 204_080,
      },
      ytTopic("spell-code", "We're Invincible", "CODE", 204),
    ],
    [
      {
        title: "I Remember U",
        artists: ["Cartoon", "Jüri Pootsmann"],
        album: "NCS",
        durationMs: 215_862,
      },
      ytVideo("spell-juri", "Cartoon & Juri Pootsmann - I Remember U", "NoCopyrightSounds", 216),
    ],
    [
      {
        title: "Sticks & Stones",
        artists: ["Jónsi"],
        album: "How To Train Your Dragon",
        durationMs: 257_959,
      },
      ytVideo("spell-jonsi", "Jonsi - Sticks and Stones", "jonsi official", 258),
    ],
    [
      {
        title: "GREAT NIGHT (feat. Shovels & Rope)",
        artists: ["NEEDTOBREATHE", "Shovels & Rope"],
        album: "H A R D L O V E",
        durationMs: 175_680,
      },
      ytmSong(
        "spell-shovels",
        "Great Night (feat. Shovels and Rope)",
        ["Needtobreathe", "Shovels and Rope"],
        176,
        "HARD LOVE",
      ),
    ],
    [
      {
        title: "Invisible",
        artists: ["Julius Dreisig", "Zeus X Crona"],
        album: "Invisible",
        durationMs: 201_015,
      },
      ytVideo(
        "spell-zeus",
        "Julius Dreisig & Zeus x Crona - Invisible [NCS Release]",
        "NoCopyrightSounds",
        201,
      ),
    ],
    [
      { title: "Группа крови", artists: ["Кино"], album: "Группа крови", durationMs: 285_000 },
      ytTopic("spell-kino", "Группа крови", "Kino", 285),
    ],
    [
      {
        title: "Praise The Lord (Da Shine) (feat. Skepta)",
        artists: ["A$AP Rocky", "Skepta"],
        album: "TESTING",
        durationMs: 205_040,
        explicit: true,
      },
      ytVideo(
        "spell-asap",
        "ASAP Rocky - Praise The Lord (Da Shine) ft. Skepta",
        "ASAPROCKYUPTOWN",
        205,
      ),
    ],
  ];
  for (const [track, right] of spelled) {
    const slug = slugOf(track.title);
    const wrong = [
      ytmSong(
        nextId(slug, "live"),
        `${track.title} (Live)`,
        [...track.artists],
        track.durationMs! / 1000 + 2,
        "Live",
      ),
      ytmSong(
        nextId(slug, "other"),
        track.title,
        ["Someone Else"],
        track.durationMs! / 1000,
        "Other",
      ),
    ];
    cases.push({
      id: `${slug}/spelling/with`,
      scenario: "credits spelled another way",
      track,
      candidates: [...wrong, right],
      right: [right.videoId],
    });
    cases.push({
      id: `${slug}/spelling/without`,
      scenario: "credits spelled another way",
      track,
      candidates: wrong,
      right: [],
    });
  }
  return cases;
}

/** Words of a song's name that other titles could share. */
function nameWords(track: CorpusTrack): Set<string> {
  return new Set(
    plainName(partsOf(track)).toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) =>
      word.length >= 3
    ),
  );
}

/**
 * Real look-alikes from the catalog: other tracks of the same main artist
 * sharing a word ("Puzzle" / "Puzzle - VIP", "Lost" / "Lost - JJD Remix"), and
 * tracks of other artists with the same name ("Test Drive" by John Powell, Joji
 * and Ariana Grande), served as their own song rows.
 */
function catalogLookAlikes(track: CorpusTrack, all: readonly CorpusTrack[]): AudioCandidate[] {
  const words = nameWords(track);
  const name = plainName(partsOf(track)).toLowerCase();
  return all.filter((other) => {
    if (other === track || other.title === track.title) return false;
    if (other.artists[0] === track.artists[0]) {
      return [...nameWords(other)].some((word) => words.has(word));
    }
    return plainName(partsOf(other)).toLowerCase() === name;
  }).map((other) =>
    ytmSong(
      nextId(track.slug, "lookalike"),
      musicTitle(other),
      other.artists,
      other.durationMs / 1000,
      other.album,
    )
  );
}

/** Builds the whole corpus (deterministic). */
export function buildMatchCorpus(): CorpusCase[] {
  serial = 0;
  const cases: CorpusCase[] = [...recordedCases(), ...spellingCases()];
  const tracks = [...catalogTracks(), ...gorillazTracks];
  const all: Scenario[] = [...scenarios, {
    name: "look-alikes from the catalog",
    fits: () => true,
    wrong: (track) => catalogLookAlikes(track, tracks),
  }];
  tracks.forEach((track, index) => {
    const parts = partsOf(track);
    const usualRight = rightCandidates(track, index);
    for (const scenario of all) {
      if (!scenario.fits(track, parts)) continue;
      const wrong = scenario.wrong(track, parts, index);
      const right = scenario.right?.(track, parts) ?? usualRight;
      if (wrong.length === 0) continue;
      const ranked = (candidates: AudioCandidate[]) =>
        candidates.map((candidate, rank) => ({ ...candidate, rank: rank + 1 }));
      const { album: _album, slug: _slug, ...target } = track;
      const matchTarget: MatchTarget = { ...target, album: track.album };
      cases.push({
        id: `${track.slug}/${scenario.name}/with`,
        scenario: scenario.name,
        track: matchTarget,
        candidates: ranked([...wrong, ...right]),
        right: right.map((candidate) => candidate.videoId),
      });
      cases.push({
        id: `${track.slug}/${scenario.name}/without`,
        scenario: scenario.name,
        track: matchTarget,
        candidates: ranked(wrong),
        right: [],
      });
    }
  });
  return cases;
}
