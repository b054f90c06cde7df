/**
 * The labeled match corpus: its shape, and the goals of issue 16 on it (no
 * wrong pick; recall at least 98 %). Not timed: it scores a few thousand cases.
 */
import assert from "node:assert/strict";
import { buildMatchCorpus, scenarios } from "./match_corpus.ts";
import { evaluateCorpus, goals } from "./match_evaluation.ts";

const corpus = buildMatchCorpus();

Deno.test("corpus: every scenario comes with and without the right recording", () => {
  const ids = new Set(corpus.map((c) => c.id));
  assert.equal(ids.size, corpus.length, "ids are unique");
  for (const c of corpus) {
    const [track, scenario, presence] = c.id.split("/");
    assert.ok(presence === "with" || presence === "without", c.id);
    const twin = `${track}/${scenario}/${presence === "with" ? "without" : "with"}`;
    assert.ok(ids.has(twin), `${c.id} has its twin`);
    if (presence === "without") {
      assert.deepEqual(c.right, [], c.id);
    } else {
      assert.ok(c.right.length > 0, c.id);
      const served = new Set(c.candidates.map((candidate) => candidate.videoId));
      for (const id of c.right) assert.ok(served.has(id), `${c.id}: ${id} is served`);
    }
  }
});

Deno.test("corpus: recorded answers, catalog tracks and every scenario are in it", () => {
  assert.ok(corpus.length >= 2000, `${corpus.length} cases`);
  const names = new Set(corpus.map((c) => c.scenario));
  for (const scenario of scenarios) assert.ok(names.has(scenario.name), scenario.name);
  assert.ok(names.has("recorded answer"));
  assert.ok(names.has("look-alikes from the catalog"));
  assert.ok(corpus.some((c) => c.track.artists[0] === "Gorillaz"));
  assert.ok(corpus.some((c) => c.track.artists[0] === "Rage Against The Machine"));
  assert.ok(
    corpus.some((c) => c.candidates.some((candidate) => candidate.videoId === "0h6XAAwX8II")),
    "the recorded Moments answer",
  );
});

Deno.test("corpus: no wrong pick, and recall at least 98 %", async () => {
  const report = await evaluateCorpus(corpus);
  const failures = report.outcomes
    .filter((o) => o.verdict === "wrong")
    .map((o) => `${o.case.id}: picked "${o.result.best?.candidate.title}"`);
  assert.equal(report.wrongPicks, goals.maxWrongPicks, failures.slice(0, 20).join("\n"));
  assert.ok(
    report.recall >= goals.minRecall,
    `recall ${report.recall} (${report.rightPicks}/${report.casesWithRight})`,
  );
});
