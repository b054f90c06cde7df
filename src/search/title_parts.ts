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
  | "karaoke"
  | "instrumental"
  | "sped_up"
  | "slowed"
  | "nightcore"
  | "8d"
  | "reverb"
  | "acoustic";

/** How each version marker is recognized (on normalized text) and what it costs when unwanted. */
export const versionMarkers: readonly {
  marker: VersionMarker;
  pattern: RegExp;
  penalty: number;
  label: string;
}[] = [
  {
    marker: "live",
    pattern: /\b(?:live|en vivo|ao vivo|in concert)\b/g,
    penalty: 0.35,
    label: "live version",
  },
  { marker: "cover", pattern: /\b(?:cover|covered by)\b/g, penalty: 0.45, label: "cover" },
  { marker: "remix", pattern: /\b(?:remix|rmx|mashup|bootleg)\b/g, penalty: 0.35, label: "remix" },
  {
    marker: "karaoke",
    pattern: /\b(?:karaoke|backing track|sing along)\b/g,
    penalty: 0.5,
    label: "karaoke",
  },
  {
    marker: "instrumental",
    pattern: /\b(?:instrumental|off vocal|minus one)\b/g,
    penalty: 0.45,
    label: "instrumental",
  },
  {
    marker: "sped_up",
    pattern: /\b(?:sped up|speed up|spedup)\b/g,
    penalty: 0.45,
    label: "sped up",
  },
  { marker: "slowed", pattern: /\bslowed\b/g, penalty: 0.45, label: "slowed" },
  { marker: "nightcore", pattern: /\bnightcore\b/g, penalty: 0.5, label: "nightcore" },
  { marker: "8d", pattern: /\b8d\b/g, penalty: 0.45, label: "8D audio" },
  { marker: "reverb", pattern: /\breverb\b/g, penalty: 0.35, label: "reverb" },
  {
    marker: "acoustic",
    pattern: /\b(?:acoustic|acustico|akustik|unplugged)\b/g,
    penalty: 0.35,
    label: "acoustic version",
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

/** What a title says about explicit content: "(Explicit)", "(Clean)", or nothing. */
export function explicitnessInTitle(text: string): "explicit" | "clean" | undefined {
  const normalized = normalizeText(text);
  if (/\b(?:explicit|dirty)\b/.test(normalized)) return "explicit";
  if (/\b(?:clean|censored)\b/.test(normalized)) return "clean";
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
  /\b(?:album|single|original|mono|stereo) (?:version|mix)\b/,
  /^(?:mono|stereo)$/,
  /^from\b/,
  /^prod\b/,
  /\bbonus track\b/,
  /^\d{4}$/,
];

const radioEditPattern = /\bradio (?:edit|version|mix)\b/;
const featPattern = /^(?:feat|ft|featuring|with)\s+(.+)$/;
const unbracketedFeatPattern = /\s+(?:feat\.?|ft\.?|featuring)\s+(.+)$/i;
const bracketPattern = /[(\[{【（]([^()\[\]{}【】（）]*)[)\]}】）]/g;
const dashPattern = /\s+[-–—]\s+/;

/** What the target title makes relevant when cleaning any title. */
export interface CleanTitleContext {
  /** Markers the target title itself carries; descriptors with them stay in the title. */
  keepMarkers: ReadonlySet<VersionMarker>;
  /** Whether "Radio Edit" is part of the target title (then it is no noise). */
  keepRadioEdit: boolean;
}

/** A title reduced to what identifies the song, plus the artists it credits. */
export interface CleanedTitle {
  /** Normalized title without noise, feature credits or unwanted version descriptors. */
  core: string;
  featured: string[];
}

/** The cleaning context a target title implies. */
export function cleanContextFor(targetTitle: string, targetAlbum = ""): CleanTitleContext {
  const markers = countVersionMarkers(`${targetTitle} ${targetAlbum}`);
  return {
    keepMarkers: new Set(markers.keys()),
    keepRadioEdit: radioEditPattern.test(normalizeText(targetTitle)),
  };
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
      const kept = markers.filter((marker) => context.keepMarkers.has(marker));
      if (kept.length === 0) return "";
      // A remixer's name tells remixes apart; other versions only need the word.
      return kept.includes("remix") ? normalized : kept.join(" ");
    }
    if (radioEditPattern.test(normalized)) return context.keepRadioEdit ? normalized : "";
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
  /** Similarity of `core` to the target's core title, 0..1. */
  similarity: number;
  /** Text of the video title outside the chosen part, plus featured artists. */
  artistHints: string[];
}

/**
 * Reads a candidate title against the target: tries the whole title, each side
 * of " - " / " | " splits, quoted parts 「...」 and the title without the
 * target's artist names, bracketed parts (a title given in a second script), and
 * keeps the reading most similar to the target.
 */
export function readCandidateTitle(
  candidateTitle: string,
  target: { core: string; artists: readonly string[]; context: CleanTitleContext },
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

  let best: TitleReading | undefined;
  const consider = (variant: string, core: string, featured: string[]) => {
    const similarity = textSimilarity(target.core, core);
    if (best !== undefined && similarity <= best.similarity) return;
    const rest = candidateTitle.includes(variant) && variant !== candidateTitle
      ? candidateTitle.replace(variant, " ")
      : "";
    best = { core, similarity, artistHints: [rest, ...featured].filter((hint) => hint.trim()) };
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
      best = { core: stripped, similarity, artistHints: [candidateTitle, ...whole.featured] };
    }
  }
  return best ?? { core: whole.core, similarity: 0, artistHints: whole.featured };
}
