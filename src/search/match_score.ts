/**
 * Scores how well one search candidate matches a Spotify track. Pure: the
 * same track and candidate always give the same breakdown, and every part of
 * the score is reported so a user can see why a video won or lost.
 *
 * total = 0.9 × weighted mean of (title 0.4, artist 0.3, duration 0.2,
 * album 0.1; parts the candidate lacks are left out) + source bonus (≤ 0.1)
 * − penalties (unwanted versions, explicitness), clamped to 0..1.
 * A hard rejection (title, artist or duration clearly wrong) makes it 0.
 */
import type { AudioCandidate } from "./model.ts";
import {
  cleanContextFor,
  cleanTitle,
  countVersionMarkers,
  explicitnessInTitle,
  readCandidateTitle,
  versionMarkers,
} from "./title_parts.ts";
import {
  compactText,
  hasUnspacedScript,
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
  /** Candidates whose length differs by more than this are rejected (default 15). */
  durationToleranceSec?: number;
}

/** Default of MatchOptions.durationToleranceSec. */
export const defaultDurationToleranceSec = 15;

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
  /** 1 within 2 s, falling to 0 at the tolerance; absent when a length is unknown. */
  duration?: number;
  /** Absolute length difference in seconds, when both lengths are known. */
  durationDiffSec?: number;
  /** Similarity of album names; absent when the candidate names no album. */
  album?: number;
  /** Bonus for trustworthy sources (YouTube Music songs, Topic and official channels). */
  bonus: number;
  /** Sum of penalties (unwanted versions, wrong explicitness). */
  penalty: number;
  /** Why the candidate cannot be this track, when it cannot. */
  rejected?: string;
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
  const tolerance = options.durationToleranceSec ?? defaultDurationToleranceSec;
  const context = cleanContextFor(track.title, track.album ?? "");
  const target = cleanTitle(track.title, context);
  const targetArtists = uniqueNames([...track.artists, ...target.featured]);

  const reading = readCandidateTitle(candidate.title, {
    core: target.core,
    artists: targetArtists,
    context,
  });
  const title = reading.similarity;

  const sources = [
    ...candidate.artists,
    ...(candidate.channel ? [cleanChannel(candidate.channel)] : []),
    ...reading.artistHints,
  ];
  const artistWeights = targetArtists.map((_, index) => (index === 0 ? 2 : 1));
  const matched = targetArtists.map((name) => artistFound(name, sources));
  const artistTotal = artistWeights.reduce((sum, weight) => sum + weight, 0);
  const artist = artistTotal === 0
    ? 0
    : matched.reduce((sum, found, index) => sum + (found ? artistWeights[index] : 0), 0) /
      artistTotal;

  let duration: number | undefined;
  let durationDiffSec: number | undefined;
  if (candidate.durationMs !== undefined && track.durationMs !== undefined) {
    durationDiffSec = Math.abs(candidate.durationMs - track.durationMs) / 1000;
    duration = durationDiffSec <= 2
      ? 1
      : Math.max(0, 1 - (durationDiffSec - 2) / Math.max(1, tolerance - 2));
  }

  let album: number | undefined;
  if (candidate.album && track.album) {
    album = textSimilarity(
      cleanTitle(track.album, context).core,
      cleanTitle(candidate.album, context).core,
    );
  }

  const notes: string[] = [];
  const bonus = sourceBonus(candidate, notes);
  const penalty = versionPenalty(track, candidate, notes) +
    explicitPenalty(track, candidate, notes);

  let rejected: string | undefined;
  if (title < minTitleSimilarity) {
    rejected = `title differs ("${candidate.title}" vs "${track.title}")`;
  } else if (artist === 0) {
    rejected = `no artist of the track (${targetArtists.join(", ")}) appears in the candidate`;
  } else if (durationDiffSec !== undefined && durationDiffSec > tolerance) {
    rejected = `length differs by ${Math.round(durationDiffSec)} s (tolerance ${tolerance} s)`;
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
  if (rejected) breakdown.rejected = rejected;
  return breakdown;
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

function versionPenalty(track: MatchTarget, candidate: AudioCandidate, notes: string[]): number {
  const wanted = countVersionMarkers(`${track.title} ${track.album ?? ""}`);
  const offered = countVersionMarkers(`${candidate.title} ${candidate.channel ?? ""}`);
  let penalty = 0;
  for (const { marker, penalty: cost, label } of versionMarkers) {
    if ((offered.get(marker) ?? 0) > (wanted.get(marker) ?? 0)) {
      penalty += cost;
      notes.push(`-${cost.toFixed(2)} ${label} (not in the Spotify title)`);
    }
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

/** "AdeleVEVO" -> "Adele", "Abstrakt - Topic" -> "Abstrakt". */
function cleanChannel(channel: string): string {
  return channel.replace(/\s*-\s*Topic$/i, "").replace(/VEVO$/i, "").trim();
}

function stripArticle(text: string): string {
  return text.replace(/^the /, "");
}

/** Whether an artist name appears in any source (names, channel, parts of the title). */
function artistFound(name: string, sources: readonly string[]): boolean {
  const wanted = stripArticle(normalizeText(name));
  const wantedCompact = wanted.replace(/ /g, "");
  if (wantedCompact.length === 0) return false;
  const unspaced = hasUnspacedScript(wanted);
  return sources.some((source) => {
    const have = stripArticle(normalizeText(source));
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
