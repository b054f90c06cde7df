/**
 * Reading song titles as Spotify and YouTube write them: which bracketed or
 * dashed parts are noise ("Remastered 2011", "Official Video", "(Lyrics)"),
 * which name a different version (live, remix, cover, sped up, ...), which
 * name featured artists, and where the title sits in a video title like
 * "Artist - Title (Official Video)" or "米津玄師 MV「Lemon」".
 */
import { hasUnspacedScript, normalizeText, textSimilarity } from "./text_similarity.ts";

/** Kinds of alternative versions a title can announce. */
export type VersionMarker =
  | "live"
  | "cover"
  | "remix"
  | "mix"
  | "vip"
  | "edit"
  | "radio_edit"
  | "extended"
  | "club_mix"
  | "dub"
  | "acoustic"
  | "unplugged"
  | "demo"
  | "instrumental"
  | "karaoke"
  | "sped_up"
  | "slowed"
  | "nightcore"
  | "8d"
  | "reverb"
  | "loop"
  | "remaster"
  | "mono"
  | "stereo"
  | "re_recorded";

/** One kind of version word: how it is recognized, what it costs, and how a title keeps it. */
export interface VersionWord {
  marker: VersionMarker;
  /** Matches the word on normalized text (see normalizeText); global, so occurrences count. */
  pattern: RegExp;
  /** Subtracted from the score when one side has the word and the other does not. */
  penalty: number;
  label: string;
  /**
   * What stays in a cleaned title when the track itself has the word:
   * "descriptor" keeps the whole descriptor (a remixer's name tells remixes
   * apart), "word" only the word, "none" nothing (judged by the penalty alone).
   */
  keep: "descriptor" | "word" | "none";
  /** Text that also counts as having the word when the track wants it ("Remastered" for "Remastered 2011"). */
  satisfiedBy?: RegExp;
}

/**
 * Every version word, as data. A word in the Spotify title and not in the
 * candidate costs the same as the reverse (see versionMismatches); every
 * penalty is above 0.3, so one mismatch keeps even a perfect candidate (1.0)
 * under the default threshold 0.7.
 */
export const versionMarkers: readonly VersionWord[] = [
  {
    marker: "live",
    pattern: /\b(?:live|en vivo|ao vivo|in concert)\b/g,
    penalty: 0.35,
    label: "live version",
    keep: "word",
  },
  {
    marker: "cover",
    pattern: /\b(?:cover|covered by|tribute)\b/g,
    penalty: 0.45,
    label: "cover",
    keep: "word",
  },
  {
    marker: "remix",
    pattern: /\b(?:remix|remixed|rmx|mashup|bootleg|re ?work|refix|flip)\b/g,
    penalty: 0.35,
    label: "remix",
    keep: "descriptor",
  },
  {
    marker: "mix",
    pattern: /(?<!\b(?:original|album|single|radio|club|extended|dub|mono|stereo) )\bmix\b/g,
    penalty: 0.35,
    label: "named mix",
    keep: "descriptor",
  },
  { marker: "vip", pattern: /\bvip\b/g, penalty: 0.35, label: "VIP version", keep: "descriptor" },
  {
    marker: "edit",
    pattern: /(?<!\b(?:radio|club|extended) )\bedit\b/g,
    penalty: 0.35,
    label: "edit",
    keep: "descriptor",
  },
  {
    marker: "radio_edit",
    pattern: /\bradio (?:edit|version|mix)\b/g,
    penalty: 0.35,
    label: "radio edit",
    keep: "descriptor",
  },
  {
    marker: "extended",
    pattern: /\bextended\b/g,
    penalty: 0.35,
    label: "extended version",
    keep: "descriptor",
  },
  {
    marker: "club_mix",
    pattern: /\bclub (?:mix|edit|version)\b/g,
    penalty: 0.35,
    label: "club mix",
    keep: "descriptor",
  },
  { marker: "dub", pattern: /\bdub\b/g, penalty: 0.35, label: "dub version", keep: "descriptor" },
  {
    marker: "acoustic",
    pattern: /\b(?:acoustic|acustico|akustik)\b/g,
    penalty: 0.35,
    label: "acoustic version",
    keep: "word",
  },
  {
    marker: "unplugged",
    pattern: /\bunplugged\b/g,
    penalty: 0.35,
    label: "unplugged version",
    keep: "word",
  },
  { marker: "demo", pattern: /\bdemo\b/g, penalty: 0.35, label: "demo", keep: "word" },
  {
    marker: "instrumental",
    pattern: /\b(?:instrumental|off vocal|minus one)\b/g,
    penalty: 0.45,
    label: "instrumental",
    keep: "word",
  },
  {
    marker: "karaoke",
    pattern: /\b(?:karaoke|backing track|sing along|in the style of)\b/g,
    penalty: 0.5,
    label: "karaoke",
    keep: "word",
  },
  {
    marker: "sped_up",
    pattern: /\b(?:sped up|speed up|spedup)\b/g,
    penalty: 0.45,
    label: "sped up",
    keep: "word",
  },
  { marker: "slowed", pattern: /\bslowed\b/g, penalty: 0.45, label: "slowed", keep: "word" },
  {
    marker: "nightcore",
    pattern: /\bnightcore\b/g,
    penalty: 0.5,
    label: "nightcore",
    keep: "word",
  },
  { marker: "8d", pattern: /\b8d\b/g, penalty: 0.45, label: "8D audio", keep: "word" },
  { marker: "reverb", pattern: /\breverb\b/g, penalty: 0.35, label: "reverb", keep: "word" },
  {
    marker: "loop",
    pattern: /\b(?:loop(?:ed)?|\d+ ?(?:hours?|hrs?))\b/g,
    penalty: 0.5,
    label: "loop",
    keep: "word",
  },
  {
    marker: "remaster",
    pattern:
      /\b(?:(?:19|20)\d\d (?:digital )?remaster(?:ed)?|remaster(?:ed)? (?:version )?(?:19|20)\d\d)\b/g,
    penalty: 0.35,
    label: "remaster of a given year",
    keep: "none",
    satisfiedBy: /\bremaster/,
  },
  { marker: "mono", pattern: /\bmono\b/g, penalty: 0.35, label: "mono mix", keep: "none" },
  { marker: "stereo", pattern: /\bstereo\b/g, penalty: 0.35, label: "stereo mix", keep: "none" },
  {
    marker: "re_recorded",
    pattern: /\b(?:re ?record(?:ed|ing)?|(?!(?:this|his|its) )[a-z]+s version)\b/g,
    penalty: 0.35,
    label: "re-recording",
    keep: "descriptor",
  },
];

/** How often each version marker occurs in a text. */
export function countVersionMarkers(text: string): Map<VersionMarker, number> {
  const normalized = normalizeText(text);
  const counts = new Map<VersionMarker, number>();
  for (const { marker, pattern } of versionMarkers) {
    const found = normalized.match(pattern)?.length ?? 0;
    if (found > 0) counts.set(marker, found);
  }
  return counts;
}

/** Years of remasters a text names ("Remastered 2011", "2009 Remaster"). */
export function remasterYears(text: string): Set<string> {
  const years = new Set<string>();
  const remaster = versionMarkers.find((word) => word.marker === "remaster")!;
  for (const found of normalizeText(text).match(remaster.pattern) ?? []) {
    const year = /(?:19|20)\d\d/.exec(found);
    if (year) years.add(year[0]);
  }
  return years;
}

/** What a title says about explicit content: "(Explicit)", "(Clean)", or nothing. */
export function explicitnessInTitle(text: string): "explicit" | "clean" | undefined {
  // Only descriptors count: "Dirty Palm - Ropes" and "Clean Bandit" say nothing about the lyrics.
  const descriptors = [
    ...[...text.matchAll(/[(\[{【（]([^()\[\]{}【】（）]*)[)\]}】）]/g)].map((found) => found[1]),
    ...text.split(/\s+[-–—]\s+/).slice(1),
  ].map((descriptor) => normalizeText(descriptor));
  const says = (pattern: RegExp) =>
    descriptors.some((descriptor) => pattern.test(descriptor) && descriptor.split(" ").length <= 3);
  if (says(/^(?:explicit|dirty)\b|\b(?:explicit|dirty)(?: version)?$/)) return "explicit";
  if (says(/^(?:clean|censored)\b|\b(?:clean|censored)(?: version)?$/)) return "clean";
  return undefined;
}

/** Descriptors that never change which recording a title means. */
const noisePatterns: RegExp[] = [
  /\bremaster(?:ed)?\b/,
  /\b(?:official|oficial|officiel|offizielles?)\b/,
  /\b(?:music video|video|videoclip|clip|audio|visuali[sz]er)\b/,
  /\blyrics?\b/,
  /\b(?:letra|paroles|legendado|traducao|sub espanol)\b/,
  /\b(?:hd|hq|4k|8k|uhd|1080p|720p|high quality)\b/,
  /^m ?v$/,
  /\bmv\b/,
  /\b(?:explicit|clean|dirty|censored)\b/,
  /\b(?:album|single|original) (?:version|mix)\b/,
  /^from\b/,
  /^prod\b/,
  /\bbonus track\b/,
  /^\d{4}$/,
  /\b(?:ncs|monstercat) release\b/,
  /\b(?:copyright free|no copyright)\b/,
];

const featPattern = /^(?:feat|ft|featuring|with)\s+(.+)$/;
const unbracketedFeatPattern = /\s+(?:feat\.?|ft\.?|featuring)\s+(.+)$/i;
const bracketPattern = /[(\[{【（]([^()\[\]{}【】（）]*)[)\]}】）]/g;
const dashPattern = /\s+[-–—]\s+/;

/** What the target title makes relevant when cleaning any title. */
export interface CleanTitleContext {
  /** Markers the target title itself carries; descriptors with them stay in the title. */
  keepMarkers: ReadonlySet<VersionMarker>;
}

/** A title reduced to what identifies the song, plus the artists it credits. */
export interface CleanedTitle {
  /** Normalized title without noise, feature credits or unwanted version descriptors. */
  core: string;
  featured: string[];
}

/** The cleaning context a target title implies. */
export function cleanContextFor(targetTitle: string, targetAlbum = ""): CleanTitleContext {
  const markers = [
    ...countVersionMarkers(targetTitle).keys(),
    ...albumVersionMarkers(targetAlbum).keys(),
  ];
  return { keepMarkers: new Set(markers) };
}

/**
 * Version words an album name states for its tracks: "Live at Wembley",
 * "Demon Days Live", "Moments (Acoustic Version)"; but "Live Through This"
 * and "Live Forever" use the word, they are no concert.
 */
export function albumVersionMarkers(album: string): Map<VersionMarker, number> {
  const counts = countVersionMarkers(album);
  if (!counts.has("live")) return counts;
  const normalized = normalizeText(album);
  const concert =
    /^live$|\blive$|\blive (?:at|in|from|on|aus|au|en)\b|\b(?:en vivo|ao vivo|in concert)\b/
      .test(normalized) ||
    [...album.matchAll(bracketPattern)].some((found) => /\blive\b/.test(normalizeText(found[1])));
  if (!concert) counts.delete("live");
  return counts;
}

/** Reduces a title to its core: drops noise and feature credits, keeps wanted version words. */
export function cleanTitle(title: string, context: CleanTitleContext): CleanedTitle {
  const featured: string[] = [];
  const judge = (descriptor: string): string | undefined => {
    const normalized = normalizeText(descriptor);
    const feat = featPattern.exec(normalized);
    if (feat) {
      featured.push(...splitArtistNames(descriptor.replace(/^\s*\S+\s+/, "")));
      return "";
    }
    const markers = [...countVersionMarkers(descriptor).keys()];
    if (markers.length > 0) {
      const kept = versionMarkers.filter((word) =>
        word.keep !== "none" && markers.includes(word.marker) &&
        context.keepMarkers.has(word.marker)
      );
      if (kept.length === 0) return "";
      // A remixer's name tells remixes apart; other versions only need the word.
      return kept.some((word) => word.keep === "descriptor")
        ? normalized
        : kept.map((word) => word.marker.replace("_", " ")).join(" ");
    }
    if (noisePatterns.some((pattern) => pattern.test(normalized))) return "";
    return undefined;
  };

  let text = title.replace(bracketPattern, (whole, inner: string) => {
    const verdict = judge(inner);
    return verdict === undefined ? whole : ` ${verdict} `;
  });
  const [head, ...tails] = text.split(dashPattern);
  text = [head, ...tails.map((tail) => judge(tail) ?? tail)].join(" ");
  const feat = unbracketedFeatPattern.exec(text);
  if (feat) {
    featured.push(...splitArtistNames(feat[1]));
    text = text.slice(0, feat.index);
  }
  let core = normalizeText(text);
  core = core
    .replace(/\bofficial (?:music |lyric )?(?:video|audio|visuali[sz]er)\b/g, " ")
    .replace(/\b(?:music|lyric) video\b/g, " ")
    .replace(/\b(?:official|lyrics?|hd|hq|4k)\s*$/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return { core, featured };
}

/** Splits "A, B & C", "A feat. B", "A x B", "A und B" into names. */
export function splitArtistNames(text: string): string[] {
  return text
    .split(/\s*(?:,|&|\/|;|\s(?:and|und|x|feat\.?|ft\.?|featuring|with|vs\.?)\s)\s*/i)
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/** The part of a video title that best matches the target title, and the rest (which may name artists). */
export interface TitleReading {
  core: string;
  /** Similarity of `core` to the target's core title, 0..1, lowered when the rest is unexplained. */
  similarity: number;
  /** Text of the video title outside the chosen part and outside any "(feat. ...)" credit. */
  credits: string[];
  /** Artists the video title names in a "(feat. ...)" / "ft." credit. */
  featured: string[];
  /** Words outside the chosen part that are neither a known name nor noise ("The Now Now"). */
  unexplained: string;
}

/** What readCandidateTitle compares against. */
export interface TitleReadingTarget {
  core: string;
  artists: readonly string[];
  context: CleanTitleContext;
  /** Other names the candidate is known by (credited artists, channel); they explain the rest of a title. */
  knownNames?: readonly string[];
}

/** Words a video title adds around the song title that say nothing about which song it is. */
const fillerWords = new Set([
  "mv",
  "m",
  "v",
  "pv",
  "official",
  "video",
  "audio",
  "music",
  "lyric",
  "lyrics",
  "visualizer",
  "visualiser",
  "topic",
  "vevo",
  "hd",
  "hq",
  "4k",
  "and",
  "x",
  "feat",
  "ft",
  "featuring",
  "with",
  "by",
  "prod",
  "vs",
  "the",
  "new",
  "full",
  "song",
  "single",
  "original",
  "release",
  "records",
  "recordings",
  "channel",
  "ncs",
  "monstercat",
]);

/** Unbracketed "feat. A & B" up to the next separator or bracket. */
const inlineFeatPattern = /(?:^|\s)(?:feat\.?|ft\.?|featuring)\s+[^\-–—|()\[\]{}]*/gi;

/** Removes "(feat. ...)" / "ft. ..." credits from a piece of title text. */
function withoutFeatCredits(text: string): string {
  return text
    .replace(
      bracketPattern,
      (whole, inner: string) => featPattern.test(normalizeText(inner)) ? " " : whole,
    )
    .replace(inlineFeatPattern, " ");
}

/** The words of a title's rest that no known name or filler word explains. */
function unexplainedWords(rest: string, names: readonly string[], context: CleanTitleContext) {
  let text = ` ${cleanTitle(withoutFeatCredits(rest), context).core} `;
  const keys = names.map((name) => normalizeText(name)).filter((key) => key.length > 0)
    .sort((a, b) => b.length - a.length);
  for (const key of keys) {
    text = hasUnspacedScript(key) ? text.replaceAll(key, " ") : text.replaceAll(` ${key} `, "  ");
  }
  return text.split(/\s+/).filter((word) => word.length > 0 && !fillerWords.has(word)).join(" ");
}

/** Whether a text has Latin letters (a title in another script may carry a translation around it). */
function hasLatinLetters(text: string): boolean {
  return /\p{Script=Latin}/u.test(text);
}

/**
 * Reads a candidate title against the target: tries the whole title, each side
 * of " - " / " | " splits, quoted parts 「...」 and the title without the
 * target's artist names, bracketed parts (a title given in a second script), and
 * keeps the reading most similar to the target. A part read alone counts fully
 * only when the rest of the title is names and noise: "The Now Now - Gorillaz 20
 * Mix" is not "Gorillaz 20 Mix".
 */
export function readCandidateTitle(
  candidateTitle: string,
  target: TitleReadingTarget,
): TitleReading {
  const variants = new Set<string>([candidateTitle]);
  const parts = candidateTitle.split(/\s+(?:[-–—~|_]|\/\/)\s+/);
  for (let i = 0; i < parts.length; i++) {
    variants.add(parts[i]);
    if (i > 0) variants.add(parts.slice(i).join(" - "));
    if (i > 0) variants.add(parts.slice(0, i).join(" - "));
  }
  for (const quoted of candidateTitle.matchAll(/["“”「『‘]([^"“”」』’]+)["“”」』’]/g)) {
    variants.add(quoted[1]);
  }
  // "[MV] IU(아이유) _ Through the Night(밤편지)": the title in another script, in brackets.
  for (const bracketed of candidateTitle.matchAll(bracketPattern)) variants.add(bracketed[1]);

  const names = [...target.artists, ...(target.knownNames ?? [])];
  const checkRest = hasLatinLetters(target.core);
  let best: TitleReading | undefined;
  let bestLength = Infinity;
  // Better similarity wins; on a tie the shorter part, whose rest may name the artist
  // ("Just Stay - Beatcore | Lyrics" cleans whole to "just stay" and credits nobody).
  const beats = (similarity: number, length: number) =>
    best === undefined || similarity > best.similarity ||
    (similarity === best.similarity && length < bestLength);
  const consider = (variant: string, core: string, featured: string[]) => {
    const rest = candidateTitle.includes(variant) && variant !== candidateTitle
      ? candidateTitle.replace(variant, " ")
      : "";
    const plain = textSimilarity(target.core, core);
    if (!beats(plain, variant.length)) return;
    const unexplained = checkRest && rest ? unexplainedWords(rest, names, target.context) : "";
    // Unexplained words belong to the title that was read.
    const similarity = unexplained
      ? Math.min(plain, textSimilarity(target.core, `${unexplained} ${core}`))
      : plain;
    if (!beats(similarity, variant.length)) return;
    bestLength = variant.length;
    const restFeatured = rest ? cleanTitle(rest, target.context).featured : [];
    best = {
      core,
      similarity,
      credits: [withoutFeatCredits(rest)].filter((hint) => hint.trim()),
      featured: [...featured, ...restFeatured, ...inlineFeatured(rest)],
      unexplained,
    };
  };
  for (const variant of variants) {
    const cleaned = cleanTitle(variant, target.context);
    consider(variant, cleaned.core, cleaned.featured);
  }
  // "Adele Hello", "米津玄師 MV Lemon": the title with the artist's name taken out.
  const whole = cleanTitle(candidateTitle, target.context);
  let stripped = whole.core;
  for (const artist of target.artists) {
    const name = normalizeText(artist);
    if (name.length === 0) continue;
    stripped = hasUnspacedScript(name)
      ? stripped.replaceAll(name, " ")
      : ` ${stripped} `.replaceAll(` ${name} `, " ");
  }
  stripped = stripped.replace(/\b(?:mv|m v|and|x)\b/g, " ").replace(/\s+/g, " ").trim();
  if (stripped !== whole.core && stripped.length > 0) {
    const similarity = textSimilarity(target.core, stripped);
    if (best === undefined || similarity > best.similarity) {
      best = {
        core: stripped,
        similarity,
        credits: [withoutFeatCredits(candidateTitle)],
        featured: [...whole.featured, ...inlineFeatured(candidateTitle)],
        unexplained: "",
      };
    }
  }
  return best ??
    { core: whole.core, similarity: 0, credits: [], featured: whole.featured, unexplained: "" };
}

/** Names in unbracketed "ft. A & B" credits of a piece of title text. */
function inlineFeatured(text: string): string[] {
  return [...text.matchAll(inlineFeatPattern)].flatMap((found) =>
    splitArtistNames(found[0].trim().replace(/^\S+\s+/, ""))
  );
}

/** Roman numerals written as words of a title ("Pt. II"), and the short forms of "part". */
const wordForms: Record<string, string> = {
  ii: "2",
  iii: "3",
  iv: "4",
  vi: "6",
  vii: "7",
  viii: "8",
  pt: "part",
  prt: "part",
  vol: "volume",
  n: "and",
};

/** Words too common to tell songs apart when one title has them and the other not. */
const minorWords = new Set(["the", "and", "a", "an", "of", "to", "in", "on", "my", "i", "o"]);

function titleWords(core: string): string[] {
  return core.split(" ").filter((word) => word.length > 0).map((word) => wordForms[word] ?? word);
}

function wordCovered(word: string, others: readonly string[]): boolean {
  return others.some((other) =>
    other === word ||
    (word.length >= 4 && other.length >= 4 && textSimilarity(word, other) >= 0.8) ||
    // "Fireproof" / "Fire Proof", "Hun43rd" / "Hun 43rd".
    (word.length >= 4 && other.length >= 4 && (other.includes(word) || word.includes(other)))
  );
}

/**
 * Words one cleaned title has and the other lacks ("Return to X", "X Forever",
 * "Feel Good" for "Feel Good Inc."): such titles name another song, however
 * similar their letters are. Empty for titles in scripts without spaces.
 */
export function titleWordDifference(
  targetCore: string,
  candidateCore: string,
): { extra: string[]; missing: string[] } {
  if (hasUnspacedScript(targetCore) || hasUnspacedScript(candidateCore)) {
    return { extra: [], missing: [] };
  }
  if (targetCore.replace(/ /g, "") === candidateCore.replace(/ /g, "")) {
    return { extra: [], missing: [] };
  }
  const target = titleWords(targetCore);
  const candidate = titleWords(candidateCore);
  const differs = (word: string, others: string[]) =>
    !minorWords.has(word) && !wordCovered(word, others);
  // Version words are the version rule's business, not the title's.
  const withoutVersionWords = (list: string[]) => {
    let text = list.join(" ");
    for (const { pattern } of versionMarkers) text = text.replace(pattern, " ");
    return text.split(" ").filter((word) => word.length > 0);
  };
  return {
    extra: withoutVersionWords(candidate.filter((word) => differs(word, target))),
    missing: withoutVersionWords(target.filter((word) => differs(word, candidate))),
  };
}
