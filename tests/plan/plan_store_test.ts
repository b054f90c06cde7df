import assert from "node:assert/strict";
import { join } from "node:path";
import {
  createPlanItem,
  journalFileFor,
  type Plan,
  PlanCheckpoints,
  planFileFor,
  readSavedPlanFile,
  removeSavedPlan,
  resumablePlan,
} from "../../src/plan/mod.ts";

const NOW = new Date("2026-03-01T12:00:00Z");

function plan(tracks: number): Plan {
  const items = [createPlanItem({ id: "album:a", type: "album", name: "A" }, NOW)];
  for (let n = 1; n <= tracks; n++) {
    items.push(createPlanItem({
      id: `track:${n}`,
      type: "track",
      name: `Song ${n}`,
      parent_ids: ["album:a"],
      metadata: { title: `Song ${n}`, artists: ["X"], durationMs: 1000 } as never,
    }, NOW));
  }
  return { version: 1, config_hash: "h", created_at: NOW.toISOString(), items };
}

function finish(p: Plan, index: number): void {
  const item = p.items[index];
  item.status = "completed";
  item.path = `/music/${item.name}.mp3`;
  item.metadata = { ...item.metadata!, isrc: `ISRC${index}` } as never;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-checkpoints-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const lineCount = async (file: string) =>
  (await Deno.readTextFile(file)).split("\n").filter(Boolean).length;

Deno.test("PlanCheckpoints: the whole plan once, then only what changed, and it reads back", async () => {
  await withDir(async (dir) => {
    const file = planFileFor(dir, "0123456789abcdef0");
    const saves = new PlanCheckpoints(file);
    const p = plan(20);
    await saves.save(p);
    const whole = await Deno.readTextFile(file);
    assert.equal(await lineCount(journalFileFor(file)), 1, "a header only");
    assert.deepEqual(await readSavedPlanFile(file), p);

    await saves.save(p);
    assert.equal(await lineCount(journalFileFor(file)), 1, "nothing changed: nothing written");
    finish(p, 3);
    finish(p, 7);
    await saves.save(p);
    assert.equal(await Deno.readTextFile(file), whole, "the plan file is left as it was");
    assert.equal(await lineCount(journalFileFor(file)), 3, "a line per changed item");
    p.items[3].status = "failed";
    await saves.save(p);
    assert.equal(await lineCount(journalFileFor(file)), 4);
    // A track in progress is pending to a resumed run: no line until it is done.
    p.items[5].status = "in_progress";
    p.items[5].stage = "download";
    await saves.save(p);
    assert.equal(await lineCount(journalFileFor(file)), 4, "in progress: no line");
    assert.equal((await readSavedPlanFile(file)).items[5].status, "pending");
    finish(p, 5);
    await saves.save(p);
    assert.equal(await lineCount(journalFileFor(file)), 5, "done: its line");
    assert.deepEqual(await readSavedPlanFile(file), p, "the journal applied, later lines win");
  });
});

Deno.test("PlanCheckpoints: the whole plan again once the journal outgrows it, or the list changed", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "plan-x.json");
    const saves = new PlanCheckpoints(file);
    const p = plan(4);
    await saves.save(p);
    const first = await Deno.readTextFile(file);
    // Each save changes every track: the journal soon holds more text than the plan.
    for (let round = 0; round < 6; round++) {
      for (let n = 1; n <= 4; n++) p.items[n].progress = round / 10 + n / 100;
      await saves.save(p);
      assert.deepEqual(await readSavedPlanFile(file), p, `round ${round}`);
    }
    assert.notEqual(await Deno.readTextFile(file), first, "the plan file was written again");
    assert.ok(await lineCount(journalFileFor(file)) < 1 + 6 * 4, "the journal started over");

    p.items = [...p.items, ...plan(1).items.slice(1).map((item) => ({ ...item, id: "track:9" }))];
    await saves.save(p);
    assert.equal(await lineCount(journalFileFor(file)), 1, "a new list: saved whole");
    assert.deepEqual(await readSavedPlanFile(file), p);
  });
});

Deno.test("PlanCheckpoints: after a failed append the next save writes the whole plan", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "plan-x.json");
    const saves = new PlanCheckpoints(file);
    const p = plan(3);
    await saves.save(p);
    // The journal cannot be appended to: a folder stands where it was.
    await Deno.remove(journalFileFor(file));
    await Deno.mkdir(journalFileFor(file));
    finish(p, 1);
    await assert.rejects(saves.save(p));
    await Deno.remove(journalFileFor(file));
    await saves.save(p);
    assert.equal(await lineCount(journalFileFor(file)), 1, "saved whole: a header only");
    assert.deepEqual(await readSavedPlanFile(file), p, "the change is kept");
  });
});

Deno.test("resumablePlan: a journal of another saved plan is left out, with a warning", async () => {
  await withDir(async (dir) => {
    const file = planFileFor(dir, "hash-of-config");
    const saves = new PlanCheckpoints(file);
    const p = plan(2);
    p.config_hash = "hash-of-config";
    await saves.save(p);
    const stale = await Deno.readTextFile(journalFileFor(file));
    finish(p, 1);
    await saves.save(p);
    const infos: string[] = [];
    const warnings: string[] = [];
    const options = {
      configFile: join(dir, "config.yaml"),
      configHash: "hash-of-config",
      info: (text: string) => infos.push(text),
      warn: (text: string) => warnings.push(text),
    };
    const resumed = await resumablePlan(dir, options);
    assert.equal(resumed?.items[1].status, "completed");
    assert.deepEqual(warnings, []);
    assert.match(infos[0], /Resuming the last run \(1 tracks already done/);

    // A plan file written again whose journal is still the older one (a crash in between).
    await Deno.writeTextFile(
      journalFileFor(file),
      stale.replace(/"journal_of":"[^"]+"/, '"journal_of":"other"') + '{"i":1,"item":{}}\n',
    );
    const again = await resumablePlan(dir, options);
    assert.equal(again?.items[1].status, "pending", "the plan file alone");
    assert.match(
      warnings[0],
      /plan-hash-of-config.*\.journal was read only up to where it belongs to another saved plan/,
    );

    await removeSavedPlan(file);
    assert.equal(await resumablePlan(dir, options), undefined);
    assert.match(infos.at(-1)!, /No interrupted run/);
  });
});
