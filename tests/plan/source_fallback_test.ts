import assert from "node:assert/strict";
import {
  type FallbackSteps,
  produceWithFallback,
  type ResolvedSource,
} from "../../src/plan/mod.ts";

class Dead extends Error {}
class Flaky extends Error {}

/** Steps over a list of candidates, best first; records what happened. */
function stepsFor(
  candidates: ResolvedSource[],
  outcome: (url: string) => "ok" | "dead" | "flaky",
  options: { maxFallbacks?: number } = {},
) {
  const log: string[] = [];
  const steps: FallbackSteps<string> = {
    produce(source) {
      log.push(`produce ${source.url}`);
      const result = outcome(source.url);
      if (result === "dead") return Promise.reject(new Dead(source.url));
      if (result === "flaky") return Promise.reject(new Flaky(source.url));
      return Promise.resolve(`file from ${source.url}`);
    },
    nextSource(dead) {
      log.push(`search without ${[...dead].join(",")}`);
      return Promise.resolve(candidates.find((c) => !dead.has(c.url)));
    },
    isDead: (error) => error instanceof Dead,
    dropsMatch: (error) => !(error instanceof Flaky),
    forgetMatch() {
      log.push("forget");
      return Promise.resolve();
    },
    rememberMatch(source) {
      log.push(`remember ${source.url}`);
      return Promise.resolve();
    },
    maxFallbacks: options.maxFallbacks,
  };
  return { steps, log };
}

const a = { url: "a", provider: "youtube-music", score: 1 };
const b = { url: "b", provider: "youtube", score: 0.96 };
const c = { url: "c", provider: "youtube", score: 0.8 };

Deno.test("produceWithFallback: a working source is used as it is, the match untouched", async () => {
  const { steps, log } = stepsFor([a, b], () => "ok");
  assert.equal(await produceWithFallback(a, steps), "file from a");
  assert.deepEqual(log, ["produce a"]);
});

Deno.test("produceWithFallback: a dead video falls back to the runner-up, which is remembered", async () => {
  const { steps, log } = stepsFor([a, b, c], (url) => url === "a" ? "dead" : "ok");
  assert.equal(await produceWithFallback(a, steps), "file from b");
  assert.deepEqual(log, ["produce a", "forget", "search without a", "produce b", "remember b"]);
});

Deno.test("produceWithFallback: no candidate left throws the last dead failure, match forgotten", async () => {
  const { steps, log } = stepsFor([a, b], () => "dead");
  await assert.rejects(produceWithFallback(a, steps), (error) => error instanceof Dead);
  assert.deepEqual(log, [
    "produce a",
    "forget",
    "search without a",
    "produce b",
    "forget",
    "search without a,b",
  ]);
});

Deno.test("produceWithFallback: at most maxFallbacks runner-ups are tried", async () => {
  const { steps, log } = stepsFor([a, b, c], () => "dead", { maxFallbacks: 1 });
  await assert.rejects(produceWithFallback(a, steps), (error) => error instanceof Dead);
  assert.equal(log.filter((line) => line.startsWith("produce")).length, 2);
});

Deno.test("produceWithFallback: an override is never swapped for a search result", async () => {
  const { steps, log } = stepsFor([b], () => "dead");
  const override = { url: "mine", provider: "override" };
  await assert.rejects(produceWithFallback(override, steps), (error) => error instanceof Dead);
  assert.deepEqual(log, ["produce mine"]);
});

Deno.test("produceWithFallback: a transient failure keeps the match (retried by the executor)", async () => {
  const { steps, log } = stepsFor([a, b], () => "flaky");
  await assert.rejects(produceWithFallback(a, steps), (error) => error instanceof Flaky);
  assert.deepEqual(log, ["produce a"]);
});

Deno.test("produceWithFallback: another lasting failure drops the match for the next run", async () => {
  const { steps, log } = stepsFor([a, b], () => "ok");
  steps.produce = () => Promise.reject(new Error("yt-dlp failed"));
  await assert.rejects(produceWithFallback(a, steps), /yt-dlp failed/);
  assert.deepEqual(log, ["forget"]);
});
