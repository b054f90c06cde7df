/** Typo suggestions for unknown config keys. */

/** Levenshtein distance between two strings (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate to a mistyped word, or undefined when none is plausibly meant. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  // Case and `-` vs `_` are the commonest slips, so they cost nothing.
  const normalize = (text: string) => text.toLowerCase().replaceAll("-", "_").replaceAll(" ", "_");
  const target = normalize(word);
  // Short words need a tighter limit, or every two-letter key would "match".
  const limit = target.length <= 3 ? 1 : target.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(target, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
