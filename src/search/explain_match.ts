/**
 * Human-readable account of a match: which searches ran, every candidate with
 * its score parts, and why the winner won or why nothing was accepted. The
 * machine-readable form is the MatchResult itself (plain data).
 */
import type { MatchResult, ScoredCandidate } from "./find_best_match.ts";
import type { MatchRule } from "./match_score.ts";

/** How each rejecting rule is named in explanations. */
const ruleLabels: Record<MatchRule, string> = {
  title: "title",
  artist: "artist",
  main_artist: "main artist",
  duration: "length",
};

/** Options of explainMatch. */
export interface ExplainOptions {
  /** Candidates listed (default 10); the rest are counted. */
  maxCandidates?: number;
}

/** Multi-line text explaining a match result. */
export function explainMatch(result: MatchResult, options: ExplainOptions = {}): string {
  const max = options.maxCandidates ?? 10;
  const lines: string[] = [];
  const threshold = result.threshold.toFixed(2);
  if (result.status === "found" && result.best) {
    lines.push(
      `Found ${describe(result.best)} with score ${
        result.best.score.total.toFixed(2)
      } (threshold ${threshold}).`,
    );
  } else {
    lines.push(`Not found: ${result.reason ?? "no candidate reached the threshold"}.`);
  }

  lines.push("Searches:");
  for (const query of result.queries) {
    const outcome = query.error
      ? `failed: ${query.error}`
      : `${query.count} result${query.count === 1 ? "" : "s"}${query.cached ? " (cached)" : ""}`;
    lines.push(`  ${query.provider} "${query.query}": ${outcome}`);
  }

  if (result.candidates.length > 0) lines.push("Candidates (best first):");
  result.candidates.slice(0, max).forEach((scored, index) => {
    const { score } = scored;
    const verdict = score.rejected
      ? `rejected by the ${ruleLabels[score.rule ?? "title"]} rule: ${score.rejected}`
      : score.total.toFixed(2);
    lines.push(`  ${index + 1}. ${verdict}  ${describe(scored)}`);
    lines.push(`     ${scoreParts(scored)}`);
    for (const note of score.notes) lines.push(`     ${note}`);
  });
  if (result.candidates.length > max) {
    lines.push(`  ... and ${result.candidates.length - max} more`);
  }

  lines.push(verdictLine(result));
  return lines.join("\n");
}

function verdictLine(result: MatchResult): string {
  const [first, second] = result.candidates;
  const threshold = result.threshold.toFixed(2);
  if (result.status === "found" && first) {
    const margin = second
      ? `; the runner-up ${describe(second)} scored ${second.score.total.toFixed(2)}`
      : "";
    return `Why: it scored highest and at least ${threshold}${margin}.`;
  }
  if (!first) return "Why: the searches returned no playable results.";
  if (first.score.rejected) {
    return `Why: every candidate was rejected (closest: ${first.score.rejected}).`;
  }
  return `Why: the best score ${first.score.total.toFixed(2)} is below ${threshold}.`;
}

function describe(scored: ScoredCandidate): string {
  const { candidate } = scored;
  const by = candidate.artists.length > 0
    ? ` by ${candidate.artists.join(", ")}`
    : candidate.channel
    ? ` from ${candidate.channel}`
    : "";
  return `"${candidate.title}"${by} [${candidate.provider} ${candidate.resultType} ${candidate.videoId}]`;
}

function scoreParts(scored: ScoredCandidate): string {
  const { score, candidate } = scored;
  const parts = [`title ${score.title.toFixed(2)}`, `artist ${score.artist.toFixed(2)}`];
  if (score.duration !== undefined) {
    parts.push(
      `duration ${score.duration.toFixed(2)} (off by ${Math.round(score.durationDiffSec ?? 0)} s)`,
    );
  } else {
    parts.push("duration unknown");
  }
  if (score.album !== undefined) parts.push(`album ${score.album.toFixed(2)}`);
  if (score.bonus > 0) parts.push(`bonus +${score.bonus.toFixed(2)}`);
  if (score.penalty > 0) parts.push(`penalty -${score.penalty.toFixed(2)}`);
  if (candidate.durationMs !== undefined) parts.push(`length ${clock(candidate.durationMs)}`);
  parts.push(`query "${scored.query}"`);
  return parts.join(", ");
}

function clock(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
