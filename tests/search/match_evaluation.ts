/**
 * Runs the match corpus through findBestMatch the way a download searches
 * (YouTube Music first, then YouTube, every query answered with the case's
 * candidates of that provider) and counts right, wrong and missed picks.
 */
import type { ProviderName } from "../../src/model/mod.ts";
import {
  type AudioCandidate,
  type AudioProvider,
  findBestMatch,
  type FindBestMatchOptions,
  type MatchResult,
} from "../../src/search/mod.ts";
import type { CorpusCase } from "./match_corpus.ts";

/** Goals of issue 16: no wrong pick at all, and at least 98 % of right recordings found. */
export const goals = { maxWrongPicks: 0, minRecall: 0.98 } as const;

/** One case's outcome. */
export interface CaseOutcome {
  case: CorpusCase;
  /** Video id picked, or null for "not found". */
  picked: string | null;
  verdict: "right" | "wrong" | "missed" | "not_found";
  result: MatchResult;
}

/** Totals over a corpus. */
export interface CorpusReport {
  cases: number;
  casesWithRight: number;
  picks: number;
  rightPicks: number;
  wrongPicks: number;
  /** wrongPicks / picks (goal 0). */
  wrongPickRate: number;
  /** 1 - wrongPickRate. */
  precision: number;
  /** rightPicks / casesWithRight (goal >= 0.98). */
  recall: number;
  outcomes: CaseOutcome[];
  byScenario: Map<string, { cases: number; wrong: number; missed: number }>;
}

class AnswerProvider implements AudioProvider {
  constructor(readonly name: ProviderName, readonly answer: AudioCandidate[]) {}
  search(): Promise<AudioCandidate[]> {
    return Promise.resolve(this.answer);
  }
}

/** Evaluates every case. */
export async function evaluateCorpus(
  corpus: readonly CorpusCase[],
  options: FindBestMatchOptions = {},
): Promise<CorpusReport> {
  const outcomes: CaseOutcome[] = [];
  for (const c of corpus) {
    const providers = (["youtube-music", "youtube"] as const).map((name) =>
      new AnswerProvider(name, c.candidates.filter((candidate) => candidate.provider === name))
    );
    const result = await findBestMatch(c.track, providers, options);
    const picked = result.status === "found" ? result.best!.candidate.videoId : null;
    const verdict = picked === null
      ? (c.right.length > 0 ? "missed" : "not_found")
      : c.right.includes(picked)
      ? "right"
      : "wrong";
    outcomes.push({ case: c, picked, verdict, result });
  }
  const picks = outcomes.filter((o) => o.picked !== null).length;
  const rightPicks = outcomes.filter((o) => o.verdict === "right").length;
  const wrongPicks = outcomes.filter((o) => o.verdict === "wrong").length;
  const casesWithRight = corpus.filter((c) => c.right.length > 0).length;
  const byScenario = new Map<string, { cases: number; wrong: number; missed: number }>();
  for (const o of outcomes) {
    const row = byScenario.get(o.case.scenario) ?? { cases: 0, wrong: 0, missed: 0 };
    row.cases++;
    if (o.verdict === "wrong") row.wrong++;
    if (o.verdict === "missed") row.missed++;
    byScenario.set(o.case.scenario, row);
  }
  const wrongPickRate = picks === 0 ? 0 : wrongPicks / picks;
  return {
    cases: corpus.length,
    casesWithRight,
    picks,
    rightPicks,
    wrongPicks,
    wrongPickRate,
    precision: 1 - wrongPickRate,
    recall: casesWithRight === 0 ? 1 : rightPicks / casesWithRight,
    outcomes,
    byScenario,
  };
}

/** Whether the report meets the goals. */
export function meetsGoals(report: CorpusReport): boolean {
  return report.wrongPicks <= goals.maxWrongPicks && report.recall >= goals.minRecall;
}
