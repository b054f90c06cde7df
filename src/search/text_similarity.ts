/**
 * Text normalization and similarity for matching titles and names across
 * Spotify and YouTube: case, diacritics, punctuation and spacing never matter;
 * scripts without spaces (Japanese, Chinese) compare by characters.
 */

/** Latin letters that Unicode does not decompose into a base letter and a diacritic. */
const latinFolds: Record<string, string> = {
  ø: "o",
  æ: "ae",
  œ: "oe",
  ß: "ss",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ħ: "h",
};

/** Recent normalizations: a search scores the same few titles and names many times. */
const normalized = new Map<string, string>();
const normalizedLimit = 20_000;

/** Lower-case letters and digits separated by single spaces; diacritics and punctuation dropped. */
export function normalizeText(text: string): string {
  let result = normalized.get(text);
  if (result === undefined) {
    if (normalized.size >= normalizedLimit) normalized.clear();
    result = normalizeUncached(text);
    normalized.set(text, result);
  }
  return result;
}

function normalizeUncached(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[øæœßłđðþıħ]/g, (letter) => latinFolds[letter])
    // "A$AP", "Ke$ha", "Ty Dolla $ign": a dollar sign inside a name is an "s".
    .replace(/\$(?=\p{L})|(?<=\p{L})\$/gu, "s")
    .replace(/[\u0027\u2018\u2019\u0060\u00b4]/g, "")
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Normalized text without spaces, for comparisons where word breaks differ. */
export function compactText(text: string): string {
  return normalizeText(text).replace(/ /g, "");
}

/** Whether the text has characters of scripts that do not separate words with spaces. */
export function hasUnspacedScript(text: string): boolean {
  return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u.test(text);
}

/**
 * Similarity of two texts in 0..1: the better of the bigram Dice coefficient
 * (robust to word order) and the Levenshtein ratio (robust to short typos),
 * on normalized text without spaces. Texts whose numbers differ ("Part 1" vs
 * "Part 2") are scaled down, since they usually are different songs.
 */
export function textSimilarity(a: string, b: string): number {
  const left = compactText(a);
  const right = compactText(b);
  if (left === right) return left.length > 0 ? 1 : 0;
  if (left.length === 0 || right.length === 0) return 0;
  const similarity = Math.max(diceCoefficient(left, right), levenshteinRatio(left, right));
  return sameNumbers(a, b) ? similarity : similarity * 0.6;
}

function sameNumbers(a: string, b: string): boolean {
  const numbers = (text: string) => (normalizeText(text).match(/\p{N}+/gu) ?? []).sort().join(" ");
  return numbers(a) === numbers(b);
}

function bigrams(text: string): Map<string, number> {
  const chars = [...text];
  const counts = new Map<string, number>();
  for (let i = 0; i < chars.length - 1; i++) {
    const gram = chars[i] + chars[i + 1];
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** Sørensen–Dice coefficient of character bigrams (multiset). */
export function diceCoefficient(a: string, b: string): number {
  const left = bigrams(a);
  const right = bigrams(b);
  let leftTotal = 0;
  let rightTotal = 0;
  let shared = 0;
  for (const count of left.values()) leftTotal += count;
  for (const [gram, count] of right) {
    rightTotal += count;
    shared += Math.min(count, left.get(gram) ?? 0);
  }
  if (leftTotal + rightTotal === 0) return 0;
  return (2 * shared) / (leftTotal + rightTotal);
}

/** 1 - edit distance / length of the longer text, over Unicode code points. */
export function levenshteinRatio(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const longer = Math.max(left.length, right.length);
  if (longer === 0) return 1;
  let previous = Array.from({ length: right.length + 1 }, (_, i) => i);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return 1 - previous[right.length] / longer;
}

const cyrillic: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ё: "e",
  ж: "zh",
  з: "z",
  и: "i",
  й: "i",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
  і: "i",
  ї: "yi",
  є: "ye",
  ґ: "g",
};
const greek: Record<string, string> = {
  α: "a",
  β: "v",
  γ: "g",
  δ: "d",
  ε: "e",
  ζ: "z",
  η: "i",
  θ: "th",
  ι: "i",
  κ: "k",
  λ: "l",
  μ: "m",
  ν: "n",
  ξ: "x",
  ο: "o",
  π: "p",
  ρ: "r",
  σ: "s",
  ς: "s",
  τ: "t",
  υ: "y",
  φ: "f",
  χ: "ch",
  ψ: "ps",
  ω: "o",
};

/**
 * A name's comparison key: normalized, Cyrillic and Greek transliterated to
 * Latin letters, and the joins "&", "and", "x", "+", "und" made one word, so
 * "Кино" is "kino" and "Shovels & Rope" is "Shovels and Rope" and "Shovels x Rope".
 */
export function nameKey(name: string): string {
  return normalizeText(name.replace(/\+/g, " and "))
    .replace(
      /[\u0400-\u04ff\u0370-\u03ff]/g,
      (letter) => cyrillic[letter] ?? greek[letter] ?? letter,
    )
    .replace(/(^| )(?:and|x|und|n)(?= |$)/g, "$1and")
    .replace(/^the /, "");
}
