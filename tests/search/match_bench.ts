/**
 * `deno task match-bench`: runs the labeled match corpus (tests/search/match_corpus.ts)
 * through findBestMatch and reports precision and recall per scenario. Exits 1
 * when a goal of issue 16 is missed: any wrong pick, or recall under 98 %.
 *
 * Options: --json (one JSON document on stdout), --show N (list N failures, default 20),
 * --threshold X, --tolerance S (video / upper-bound duration tolerance), --song-tolerance S.
 */
import { parseArgs } from "node:util";
import { buildMatchCorpus } from "./match_corpus.ts";
import { type CaseOutcome, evaluateCorpus, goals, meetsGoals } from "./match_evaluation.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    json: { type: "boolean" },
    show: { type: "string" },
    threshold: { type: "string" },
    tolerance: { type: "string" },
    "song-tolerance": { type: "string" },
  },
});
const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));

const corpus = buildMatchCorpus();
const started = performance.now();
const report = await evaluateCorpus(corpus, {
  threshold: number(values.threshold),
  durationToleranceSec: number(values.tolerance),
  songDurationToleranceSec: number(values["song-tolerance"]),
});
const elapsedMs = Math.round(performance.now() - started);
const ok = meetsGoals(report);
const percent = (value: number) => `${(value * 100).toFixed(2)} %`;

function describe(outcome: CaseOutcome) {
  const best = outcome.result.best;
  return {
    id: outcome.case.id,
    verdict: outcome.verdict,
    track: `${outcome.case.track.artists.join(", ")} - ${outcome.case.track.title}`,
    picked: outcome.verdict === "wrong" && best
      ? { title: best.candidate.title, total: best.score.total }
      : null,
    right: outcome.result.candidates
      .filter((scored) => outcome.case.right.includes(scored.candidate.videoId))
      .map((scored) => ({
        title: scored.candidate.title,
        total: scored.score.total,
        rejected: scored.score.rejected ?? null,
        notes: scored.score.notes,
      })),
  };
}
const failures = report.outcomes.filter((o) => o.verdict === "wrong" || o.verdict === "missed");

if (values.json) {
  console.log(JSON.stringify(
    {
      ok,
      goals: { max_wrong_picks: goals.maxWrongPicks, min_recall: goals.minRecall },
      cases: report.cases,
      cases_with_right: report.casesWithRight,
      picks: report.picks,
      right_picks: report.rightPicks,
      wrong_picks: report.wrongPicks,
      wrong_pick_rate: report.wrongPickRate,
      precision: report.precision,
      recall: report.recall,
      elapsed_ms: elapsedMs,
      scenarios: [...report.byScenario].map(([name, row]) => ({ name, ...row })),
      failures: failures.map(describe),
    },
    null,
    2,
  ));
} else {
  console.log(
    `Match corpus: ${report.cases} cases (${report.casesWithRight} with the right recording among the candidates), ${elapsedMs} ms`,
  );
  console.log("");
  const width = Math.max(...[...report.byScenario.keys()].map((name) => name.length));
  console.log(`${"scenario".padEnd(width)}  cases  wrong  missed`);
  for (const [name, row] of report.byScenario) {
    console.log(
      `${name.padEnd(width)}  ${String(row.cases).padStart(5)}  ${String(row.wrong).padStart(5)}  ${
        String(row.missed).padStart(6)
      }`,
    );
  }
  console.log("");
  console.log(
    `precision: ${report.wrongPicks} wrong picks of ${report.picks} (${
      percent(report.wrongPickRate)
    }; goal ${goals.maxWrongPicks})`,
  );
  console.log(
    `recall:    ${report.rightPicks} right picks of ${report.casesWithRight} cases with a right candidate (${
      percent(report.recall)
    }; goal >= ${percent(goals.minRecall)})`,
  );
  const show = Number(values.show ?? 20);
  if (failures.length > 0 && show > 0) {
    console.log("");
    for (const failure of failures.slice(0, show).map(describe)) {
      console.log(`${failure.verdict}: ${failure.id} (${failure.track})`);
      if (failure.picked) {
        console.log(`  picked "${failure.picked.title}" at ${failure.picked.total}`);
      }
      for (const right of failure.right) {
        console.log(
          `  right "${right.title}": ${right.rejected ?? right.total} ${right.notes.join("; ")}`,
        );
      }
    }
    if (failures.length > show) console.log(`... and ${failures.length - show} more`);
  }
  console.log("");
  console.log(ok ? "Goals met." : "Goals MISSED.");
}
Deno.exit(ok ? 0 : 1);
