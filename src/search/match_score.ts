/**
 * Scores how well one search candidate matches a Spotify track. Pure: the
 * same track and candidate always give the same breakdown, and every part of
 * the score is reported so a user can see why a video won or lost.
 *
 * total = 0.9 × weighted mean of (title 0.4, artist 0.3, duration 0.2,
 * album 0.1) + source bonus (≤ 0.1) − penalties (version words on one side
 * only, explicitness), clamped to 0..1. A part the track has and the candidate
 * cannot show (a video has no album) counts as a neutral 0.5, so missing
 * evidence never raises a score.
 * A hard rejection makes it 0: the title is another song's, the track's main
 * artist is not credited, or the length is off by more than the tolerance of
 * the candidate's kind (tight for released audio, looser for videos).
 */
import { SONG_DURATION_TOLERANCE_SEC } from "../model/mod.ts";
import type { AudioCandidate } from "./model.ts";
import {
  albumVersionMarkers,
  cleanContextFor,
  cleanTitle,
  countVersionMarkers,
  explicitnessInTitle,
  readCandidateTitle,
  remasterYears,
  splitArtistNames,
  titleWordDifference,
  versionMarkers,
} from "./title_parts.ts";
import {
  compactText,
  hasUnspacedScript,
  nameKey,
  normalizeText,
  textSimilarity,
} from "./text_similarity.ts";

/** What is matched; TrackMetadata satisfies it. */
export interface MatchTarget {
  title: string;
  /** Main artist first. */
  artists: readonly string[];
  album?: string;
  durationMs?: number;
  explicit?: boolean;
  isrc?: string;
}

/** Tuning of the score. */
export interface MatchOptions {
  /**
   * Videos whose length differs by more than this are rejected (default 15);
   * also the upper bound of the released-audio tolerance.
   */
  durationToleranceSec?: number;
  /**
   * The same for released audio (YouTube Music songs, "Artist - Topic"
   * uploads), which is the very recording: default 5, never above durationToleranceSec.
   */
  songDurationToleranceSec?: number;
}

/** Default of MatchOptions.durationToleranceSec. */
export const defaultDurationToleranceSec = 15;

/** Default of MatchOptions.songDurationToleranceSec. */
export const defaultSongDurationToleranceSec = SONG_DURATION_TOLERANCE_SEC;

/** The rules that reject a candidate outright. */
export type MatchRule = "title" | "artist" | "main_artist" | "duration";

/** Value of a score part the track has and the candidate's kind cannot show. */
export const neutralPartValue = 0.5;

/** Below this title similarity a candidate is another song. */
export const minTitleSimilarity = 0.75;

/** Every part of a candidate's score. All numbers are rounded to 3 decimals. */
export interface ScoreBreakdown {
  /** 0..1; 0 when rejected. */
  total: number;
  /** Similarity of the cleaned titles, 0..1. */
  title: number;
  /** Share of the track's artists found in the candidate (main artist counts double), 0..1. */
  artist: number;
  /** 1 within 2 s, falling to 0 at the tolerance; absent when the track's length is unknown. */
  duration?: number;
  /** Absolute length difference in seconds, when both lengths are known. */
  durationDiffSec?: number;
  /** Similarity of album names, neutral 0.5 for kinds without one; absent when the track has none. */
  album?: number;
  /** Bonus for trustworthy sources (YouTube Music songs, Topic and official channels). */
  bonus: number;
  /** Sum of penalties (version words on one side only, wrong explicitness). */
  penalty: number;
  /** Why the candidate cannot be this track, when it cannot. */
  rejected?: string;
  /** The rule that rejected it (with `rejected`). */
  rule?: MatchRule;
  /** One line per bonus or penalty, e.g. "-0.35 live version (not in the Spotify title)". */
  notes: string[];
}

const weights = { title: 0.4, artist: 0.3, duration: 0.2, album: 0.1 } as const;

/** Scores one candidate against a track. */
export function matchScore(
  track: MatchTarget,
  candidate: AudioCandidate,
  options: MatchOptions = {},
): ScoreBreakdown {
  // The same ISRC is the same recording: version words in either title are then noise.
  const sameIsrc = isSameIsrc(track, candidate);
  const context = sameIsrc
    ? { keepMarkers: new Set<never>() }
    : cleanContextFor(track.title, track.album ?? "");
  const target = cleanTitle(track.title, context);
  const mains = mainArtists(track.artists, target.featured);
  const targetArtists = uniqueNames([
    ...track.artists,
    ...target.featured.filter((name) => !coveredBy(name, track.artists)),
  ]);
  const channel = candidate.channel ? cleanChannel(candidate.channel) : undefined;

  const reading = readCandidateTitle(candidate.title, {
    core: target.core,
    artists: targetArtists,
    context,
    knownNames: [...candidate.artists, ...(channel ? [channel] : [])],
  });
  const title = reading.similarity;

  const sources = [
    ...candidate.artists,
    ...(channel ? [channel] : []),
    ...reading.credits,
    ...reading.featured,
  ];
  // The first artist counts double; artists the title credits as featured share
  // a weight of 0.5, since videos often leave the feat credit out.
  const featuredCount = targetArtists.filter((name) => !mains.includes(name)).length;
  const artistWeights = targetArtists.map((name, index) =>
    index === 0 ? 2 : mains.includes(name) ? 1 : 0.5 / featuredCount
  );
  const matched = targetArtists.map((name) => artistFound(name, sources));
  const artistTotal = artistWeights.reduce((sum, weight) => sum + weight, 0);
  const artist = artistTotal === 0
    ? 0
    : matched.reduce((sum, found, index) => sum + (found ? artistWeights[index] : 0), 0) /
      artistTotal;
  const mainCredited = mains.some((name) =>
    // A credit is the artist's name, not a name containing it ("Gorillaz Tribute Band").
    candidate.artists.flatMap((credit) => [credit, ...splitArtistNames(credit)])
      .some((credit) => sameName(name, credit)) ||
    (channel !== undefined && sameName(name, channel)) ||
    reading.credits.some((text) => namedIn(name, text))
  );

  const releasedAudio = isReleasedAudio(candidate);
  const videoTolerance = options.durationToleranceSec ?? defaultDurationToleranceSec;
  const tolerance = releasedAudio
    ? Math.min(videoTolerance, options.songDurationToleranceSec ?? defaultSongDurationToleranceSec)
    : videoTolerance;
  let duration: number | undefined;
  let durationDiffSec: number | undefined;
  if (candidate.durationMs !== undefined && track.durationMs !== undefined) {
    durationDiffSec = Math.abs(candidate.durationMs - track.durationMs) / 1000;
    duration = durationDiffSec <= 2
      ? 1
      : Math.max(0, 1 - (durationDiffSec - 2) / Math.max(1, tolerance - 2));
  } else if (track.durationMs !== undefined) {
    duration = neutralPartValue;
  }

  let album: number | undefined;
  if (candidate.album && track.album) {
    album = textSimilarity(
      cleanTitle(track.album, context).core,
      cleanTitle(candidate.album, context).core,
    );
  } else if (track.album && !isMusicSong(candidate)) {
    // Videos never show an album: no evidence either way, not a free pass.
    album = neutralPartValue;
  }

  const notes: string[] = [];
  const bonus = sourceBonus(candidate, notes);
  const penalty = versionPenalty(track, candidate, notes) +
    explicitPenalty(track, candidate, notes);

  const words = titleWordDifference(target.core, reading.core);
  let rejected: string | undefined;
  let rule: MatchRule | undefined;
  if (title < minTitleSimilarity || words.extra.length > 0 || words.missing.length > 0) {
    rule = "title";
    const said = [
      ...(reading.unexplained ? [`"${reading.unexplained}" is not part of the song's title`] : []),
      ...(words.extra.length > 0 ? [`"${words.extra.join(" ")}" is not in the track's title`] : []),
      ...(words.missing.length > 0 ? [`"${words.missing.join(" ")}" is missing`] : []),
    ];
    rejected = `title differs ("${candidate.title}" vs "${track.title}")${
      said.length > 0 ? `: ${said.join(", ")}` : ""
    }`;
  } else if (artist === 0) {
    rule = "artist";
    rejected = `no artist of the track (${targetArtists.join(", ")}) appears in the candidate`;
  } else if (!mainCredited) {
    rule = "main_artist";
    const credits = [
      ...candidate.artists,
      ...(candidate.channel ? [`channel ${candidate.channel}`] : []),
    ];
    rejected = `the track's artist (${mains.join(", ")}) is not credited${
      matched.some((found, index) => found && !mains.includes(targetArtists[index]))
        ? "; a featured artist alone is not enough"
        : credits.length > 0
        ? ` (credits: ${credits.join(", ")})`
        : ""
    }`;
  } else if (durationDiffSec !== undefined && durationDiffSec > tolerance) {
    rule = "duration";
    rejected = `length differs by ${Math.round(durationDiffSec)} s (tolerance ${tolerance} s${
      releasedAudio ? " for released audio" : ""
    })`;
  }

  const parts: [number, number | undefined][] = [
    [weights.title, title],
    [weights.artist, artist],
    [weights.duration, duration],
    [weights.album, album],
  ];
  let weightSum = 0;
  let valueSum = 0;
  for (const [weight, value] of parts) {
    if (value === undefined) continue;
    weightSum += weight;
    valueSum += weight * value;
  }
  const total = rejected ? 0 : clamp(0.9 * (valueSum / weightSum) + bonus - penalty);

  const breakdown: ScoreBreakdown = {
    total: round(total),
    title: round(title),
    artist: round(artist),
    bonus: round(bonus),
    penalty: round(penalty),
    notes,
  };
  if (duration !== undefined) breakdown.duration = round(duration);
  if (durationDiffSec !== undefined) breakdown.durationDiffSec = round(durationDiffSec);
  if (album !== undefined) breakdown.album = round(album);
  if (rejected) {
    breakdown.rejected = rejected;
    breakdown.rule = rule;
  }
  return breakdown;
}

function isSameIsrc(track: MatchTarget, candidate: AudioCandidate): boolean {
  return Boolean(
    track.isrc && candidate.isrc && compactText(track.isrc) === compactText(candidate.isrc),
  );
}

/** A YouTube Music song row: the released audio with its album line. */
function isMusicSong(candidate: AudioCandidate): boolean {
  return candidate.provider === "youtube-music" && candidate.resultType === "song";
}

/** The released recording itself (a YouTube Music song or a Topic upload), whose length is exact. */
function isReleasedAudio(candidate: AudioCandidate): boolean {
  return isMusicSong(candidate) || candidate.isTopicChannel;
}

/**
 * The track's main artists: its artists except those its title credits as
 * featured ("(feat. X)", "(with X)"); the first artist when the title credits all.
 */
export function mainArtists(artists: readonly string[], featured: readonly string[]): string[] {
  const mains = artists.filter((name) => !coveredBy(name, featured));
  return mains.length > 0 ? mains : artists.slice(0, 1);
}

/** Whether a name is one of the names of a list, read as one credit ("Shovels & Rope" in ["Shovels", "Rope"]). */
function coveredBy(name: string, names: readonly string[]): boolean {
  const key = nameKey(name);
  if (key.length === 0) return false;
  const joined = ` ${names.map(nameKey).join(" and ")} `;
  return joined.includes(` ${key} `);
}

function sourceBonus(candidate: AudioCandidate, notes: string[]): number {
  if (candidate.provider === "youtube-music" && candidate.resultType === "song") {
    notes.push("+0.10 YouTube Music song (the released audio)");
    return 0.1;
  }
  if (candidate.isTopicChannel) {
    notes.push("+0.08 Topic channel upload (the released audio)");
    return 0.08;
  }
  if (candidate.isOfficialArtistChannel) {
    notes.push("+0.06 official artist channel or official video");
    return 0.06;
  }
  return 0;
}

/**
 * Version words both ways: a word the candidate has and the track lacks costs
 * the same as one the track has and the candidate lacks, unless both carry the
 * same ISRC (then they are the same recording whatever the titles say).
 */
function versionPenalty(track: MatchTarget, candidate: AudioCandidate, notes: string[]): number {
  if (isSameIsrc(track, candidate)) {
    notes.push("+0.00 same ISRC as the track (version words not compared)");
    return 0;
  }
  // The track's album may allow a word ("Live at Glastonbury"); only its title demands one.
  const demanded = countVersionMarkers(track.title);
  const allowed = countVersionMarkers(track.title);
  for (const [marker, count] of albumVersionMarkers(track.album ?? "")) {
    allowed.set(marker, (allowed.get(marker) ?? 0) + count);
  }
  const offeredInTitle = countVersionMarkers(candidate.title);
  const offeredInChannel = countVersionMarkers(candidate.channel ?? "");
  const offeredInAlbum = albumVersionMarkers(candidate.album ?? "");
  const candidateText = normalizeText(`${candidate.title} ${candidate.album ?? ""}`);
  let penalty = 0;
  for (const word of versionMarkers) {
    const { marker, penalty: cost, label } = word;
    // Channels and albums name performances ("Nightcore Reality", "... Live at Wembley"),
    // but "Mix" or "Edit" in them says nothing about this upload.
    const loose = word.keep === "word";
    const inTitle = offeredInTitle.get(marker) ?? 0;
    const around = loose && (offeredInChannel.has(marker) || offeredInAlbum.has(marker));
    const allowedCount = allowed.get(marker) ?? 0;
    if (inTitle > allowedCount || (around && allowedCount === 0)) {
      penalty += cost;
      notes.push(`-${cost.toFixed(2)} ${label} (not in the Spotify title)`);
      continue;
    }
    if ((demanded.get(marker) ?? 0) === 0) continue;
    const present = (offeredInTitle.get(marker) ?? 0) + (offeredInAlbum.get(marker) ?? 0) > 0 ||
      (word.satisfiedBy?.test(candidateText) ?? false);
    if (!present) {
      penalty += cost;
      notes.push(`-${cost.toFixed(2)} ${label} (in the Spotify title, not in the candidate's)`);
    }
  }
  const wantedYears = remasterYears(track.title);
  const offeredYears = remasterYears(`${candidate.title} ${candidate.album ?? ""}`);
  if (
    wantedYears.size > 0 && offeredYears.size > 0 &&
    ![...wantedYears].some((year) => offeredYears.has(year))
  ) {
    const cost = versionMarkers.find((word) => word.marker === "remaster")!.penalty;
    penalty += cost;
    notes.push(
      `-${cost.toFixed(2)} remaster of ${[...offeredYears].join("/")}, not ${
        [...wantedYears].join("/")
      }`,
    );
  }
  return penalty;
}

function explicitPenalty(track: MatchTarget, candidate: AudioCandidate, notes: string[]): number {
  if (track.explicit === undefined) return 0;
  const titleSays = explicitnessInTitle(candidate.title);
  const candidateExplicit = candidate.explicit ??
    (titleSays === undefined ? undefined : titleSays === "explicit");
  if (candidateExplicit === undefined || candidateExplicit === track.explicit) return 0;
  notes.push(
    track.explicit
      ? "-0.10 clean version of an explicit track"
      : "-0.10 explicit version of a clean track",
  );
  return 0.1;
}

/** "AdeleVEVO" -> "Adele", "Abstrakt - Topic" -> "Abstrakt", "Gorillaz Official" -> "Gorillaz". */
export function cleanChannel(channel: string): string {
  return channel
    .replace(/\s*-\s*Topic$/i, "")
    .replace(/\s*VEVO$/i, "")
    .replace(/^\s*Official\s+|\s+Official(?:\s+Channel)?\s*$/i, "")
    .trim();
}

/** Whether a channel is the artist's own: the same name, not a name inside another ("Gorillaz Covers"). */
function sameName(name: string, channel: string): boolean {
  const wanted = nameKey(name);
  const have = nameKey(channel);
  if (wanted.length === 0) return false;
  // "TheBeatlesVEVO": spaces and a leading "The" may be missing in a channel name.
  const compact = (key: string) => key.replace(/ /g, "").replace(/^the/, "");
  if (wanted === have || compact(wanted) === compact(have)) return true;
  return textSimilarity(wanted, have) >= 0.88;
}

/** Whether a piece of title text names the artist as a whole word (or within unspaced script). */
function namedIn(name: string, text: string): boolean {
  const wanted = nameKey(name);
  if (wanted.length === 0) return false;
  const have = nameKey(text);
  if (hasUnspacedScript(wanted)) return have.includes(wanted);
  return ` ${have} `.includes(` ${wanted} `) ||
    ` ${have.replace(/ and /g, " ")} `.includes(` ${wanted.replace(/ and /g, " ")} `);
}

/** Whether an artist name appears in any source (names, channel, parts of the title). */
function artistFound(name: string, sources: readonly string[]): boolean {
  const wanted = nameKey(name);
  const wantedCompact = wanted.replace(/ /g, "");
  if (wantedCompact.length === 0) return false;
  const unspaced = hasUnspacedScript(wanted);
  return sources.some((source) => {
    const have = nameKey(source);
    const haveCompact = have.replace(/ /g, "");
    if (have === wanted || haveCompact === wantedCompact) return true;
    if (` ${have} `.includes(` ${wanted} `)) return true;
    if ((unspaced || wantedCompact.length >= 4) && haveCompact.includes(wantedCompact)) {
      return true;
    }
    return textSimilarity(have, wanted) >= 0.88;
  });
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const name of names) {
    const key = compactText(name);
    if (key.length === 0 || seen.has(key)) continue;
    seen.add(key);
    unique.push(name);
  }
  return unique;
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
