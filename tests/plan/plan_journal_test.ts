import assert from "node:assert/strict";
import {
  applyJournal,
  createPlanItem,
  journalFileFor,
  journalHeader,
  journalLine,
  type PlanItem,
} from "../../src/plan/mod.ts";

const NOW = new Date("2026-03-01T12:00:00Z");

function items(): PlanItem[] {
  return [
    createPlanItem({ id: "album:a", type: "album", name: "A" }, NOW),
    createPlanItem({
      id: "track:1",
      type: "track",
      name: "One",
      metadata: { title: "One", durationMs: 1000 } as PlanItem["metadata"],
    }, NOW),
    createPlanItem({ id: "track:2", type: "track", name: "Two" }, NOW),
  ];
}

function done(item: PlanItem, status: PlanItem["status"] = "completed"): PlanItem {
  return { ...item, status, path: `/music/${item.name}.mp3` };
}

Deno.test("journalFileFor: beside the plan file", () => {
  assert.equal(journalFileFor("/c/plans/plan-0123.json"), "/c/plans/plan-0123.journal");
});

Deno.test("applyJournal: which lines apply, and where it stops", () => {
  const [album, one, two] = items();
  const header = journalHeader("id-1");
  const cases: {
    label: string;
    journal: string;
    applied: number;
    ignored?: RegExp;
    cutShort?: boolean;
    statuses: string[];
  }[] = [
    { label: "empty", journal: "", applied: 0, statuses: ["pending", "pending", "pending"] },
    {
      label: "header only",
      journal: header,
      applied: 0,
      statuses: ["pending", "pending", "pending"],
    },
    {
      label: "two items",
      journal: header + journalLine(1, done(one)) + journalLine(2, done(two, "failed")),
      applied: 2,
      statuses: ["pending", "completed", "failed"],
    },
    {
      label: "a later line wins",
      journal: header + journalLine(1, done(one, "in_progress")) + journalLine(1, done(one)),
      applied: 2,
      statuses: ["pending", "completed", "pending"],
    },
    {
      label: "another plan's journal",
      journal: journalHeader("id-0") + journalLine(1, done(one)),
      applied: 0,
      ignored: /another saved plan/,
      statuses: ["pending", "pending", "pending"],
    },
    {
      label: "no header",
      journal: journalLine(1, done(one)),
      applied: 0,
      ignored: /another saved plan/,
      statuses: ["pending", "pending", "pending"],
    },
    {
      label: "last line cut short by a crash",
      journal: header + journalLine(1, done(one)) + journalLine(2, done(two)).slice(0, 30),
      applied: 1,
      cutShort: true,
      statuses: ["pending", "completed", "pending"],
    },
    {
      label: "a damaged line in the middle",
      journal: header + journalLine(1, done(one)) + "{oops\n" + journalLine(2, done(two)),
      applied: 1,
      ignored: /line 3 is not JSON/,
      statuses: ["pending", "completed", "pending"],
    },
    {
      label: "an index past the plan",
      journal: header + journalLine(3, done(two)),
      applied: 0,
      ignored: /line 2 does not fit/,
      statuses: ["pending", "pending", "pending"],
    },
    {
      label: "another item at that index",
      journal: header + journalLine(0, done(two)),
      applied: 0,
      ignored: /line 2 does not fit/,
      statuses: ["pending", "pending", "pending"],
    },
  ];
  for (const c of cases) {
    const plan = [album, one, two];
    const result = applyJournal(plan, c.journal, { journalId: "id-1" });
    assert.equal(result.applied, c.applied, c.label);
    if (c.ignored) assert.match(result.ignored ?? "", c.ignored, c.label);
    else assert.equal(result.ignored, undefined, c.label);
    assert.equal(result.cutShort, c.cutShort, c.label);
    assert.deepEqual(plan.map((item) => item.status), c.statuses, c.label);
  }
});

Deno.test("applyJournal: a journaled item reads back as it was, metadata keys in camelCase", () => {
  const plan = items();
  const changed = done(plan[1]);
  const journal = journalHeader("j") + journalLine(1, changed);
  assert.match(journal, /"duration_ms":1000/, "saved snake_case");
  applyJournal(plan, journal, { journalId: "j" });
  assert.deepEqual(plan[1], changed);
  assert.notEqual(plan[1], changed, "a new object, read from the text");
});
