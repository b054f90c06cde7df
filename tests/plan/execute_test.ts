import { backoffDelayMs } from "../../src/util/mod.ts";
import assert from "node:assert/strict";
import { DependencyError, NetworkError, NotFoundError, TunedlError } from "../../src/errors/mod.ts";
import {
  containerStatus,
  type ExecuteOptions,
  executePlan,
  type ExecutionEvent,
  type Plan,
  type PlanItem,
  type PlanItemStatus,
} from "../../src/plan/mod.ts";
import {
  containerItem,
  Deferred,
  FakeTrackWorker,
  hangUntilAborted,
  m3uItem,
  planOf,
  tick,
  trackItem,
  waitUntil,
} from "../fakes/fake_track_worker.ts";

/** Options with instant sleeps (recorded) and a collected event list. */
function testOptions(worker: FakeTrackWorker, overrides: Partial<ExecuteOptions> = {}) {
  const events: ExecutionEvent[] = [];
  const sleeps: number[] = [];
  const options: ExecuteOptions = {
    worker,
    limits: { spotify: 2, search: 2, download: 2 },
    maxRetries: 3,
    retryBaseDelayMs: 100,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    onEvent: (event) => events.push(event),
    ...overrides,
  };
  return { options, events, sleeps };
}

function tracks(count: number): PlanItem[] {
  return Array.from({ length: count }, (_, n) => trackItem(`track:t${n}`));
}

function statusOf(plan: Plan, id: string): PlanItemStatus | undefined {
  return plan.items.find((item) => item.id === id)?.status;
}

function itemOf(plan: Plan, id: string): PlanItem {
  const item = plan.items.find((candidate) => candidate.id === id);
  assert.ok(item, `no item ${id}`);
  return item;
}

/** A behavior that waits a few macrotask turns, varying by item and attempt. */
function someTurns(turns: number) {
  return async (item: PlanItem) => {
    const n = Number(item.id.replace(/\D/g, "")) || 0;
    for (let turn = 0; turn < (n % turns) + 1; turn++) await tick();
  };
}

const limitCases = [
  { spotify: 1, search: 1, download: 1 },
  { spotify: 2, search: 3, download: 1 },
  { spotify: 4, search: 2, download: 3 },
  { spotify: 1, search: 4, download: 4 },
];

for (const limits of limitCases) {
  Deno.test(`executePlan never exceeds limits ${JSON.stringify(limits)}`, async () => {
    const worker = new FakeTrackWorker({
      enrich: someTurns(2),
      resolveSource: someTurns(3),
      produce: async (item) => {
        // Downloads are the slow stage, as in real life, so their pool fills up.
        for (let turn = 0; turn < 8; turn++) await tick();
        await someTurns(5)(item);
      },
    });
    const { options } = testOptions(worker, { limits });
    const result = await executePlan(planOf(tracks(24)), options);
    assert.ok(worker.maxActive.enrich <= limits.spotify);
    assert.ok(worker.maxActive.resolveSource <= limits.search);
    assert.ok(worker.maxActive.produce <= limits.download);
    assert.deepEqual(result.peaks, {
      spotify: worker.maxActive.enrich,
      search: worker.maxActive.resolveSource,
      download: worker.maxActive.produce,
    });
    // With 24 tracks and slow downloads the download pool fills up.
    assert.equal(result.peaks.download, limits.download);
    assert.equal(result.summary.downloaded, 24);
    assert.ok(result.plan.items.every((item) => item.status === "completed"));
    assert.equal(result.cancelled, false);
  });
}

Deno.test("executePlan searches the next tracks while a download runs", async () => {
  const firstDownload = new Deferred();
  const worker = new FakeTrackWorker({
    produce: (item) => item.id === "track:t0" ? firstDownload.promise : undefined,
  });
  const { options } = testOptions(worker, { limits: { spotify: 1, search: 1, download: 1 } });
  const run = executePlan(planOf(tracks(3)), options);
  await waitUntil(() => worker.callsOf("resolveSource", "track:t2").length > 0, "third search");
  // t1's search may start just before t0's download does; t2's comes strictly after.
  assert.equal(worker.callsOf("resolveSource", "track:t2")[0].activeAtStart.produce, 1);
  assert.equal(worker.callsOf("produce").length, 1);
  firstDownload.resolve();
  const result = await run;
  assert.equal(result.summary.downloaded, 3);
});

Deno.test("executePlan: a download that releases its slot lets the next download start", async () => {
  const tagging = new Deferred();
  const worker = new FakeTrackWorker({
    produce: async (item, ctx) => {
      if (item.id !== "track:t0") return undefined;
      // The programs are done; what is left (tags, move, index) needs no slot.
      ctx.releaseSlot();
      await tagging.promise;
      return undefined;
    },
  });
  const { options } = testOptions(worker, { limits: { spotify: 1, search: 1, download: 1 } });
  const run = executePlan(planOf(tracks(3)), options);
  await waitUntil(() => worker.callsOf("produce", "track:t2").length > 0, "third download");
  // t1 and t2 downloaded in the one slot while t0 was still being finished:
  // t1 started with t0's produce still running (the count includes itself).
  assert.equal(worker.callsOf("produce", "track:t1")[0].activeAtStart.produce, 2);
  tagging.resolve();
  const result = await run;
  assert.equal(result.summary.downloaded, 3);
  assert.equal(statusOf(result.plan, "track:t0"), "completed");
  assert.equal(result.peaks.download, 1);
});

Deno.test("executePlan retries a retryable stage alone, with growing backoff", async () => {
  const worker = new FakeTrackWorker({
    produce: (_item, _ctx, attempt) => {
      if (attempt <= 2) throw new NetworkError(`reset ${attempt}`);
    },
  });
  const { options, events, sleeps } = testOptions(worker, { maxRetries: 3 });
  const result = await executePlan(planOf([trackItem("track:a")]), options);
  assert.equal(worker.callsOf("produce").length, 3);
  assert.equal(worker.callsOf("resolveSource").length, 1);
  assert.equal(worker.callsOf("enrich").length, 1);
  assert.equal(statusOf(result.plan, "track:a"), "completed");
  const retries = events.filter((event) => event.type === "item_retry");
  assert.deepEqual(retries.map((event) => event.attempt), [1, 2]);
  assert.deepEqual(sleeps, [75, 150]);
  assert.deepEqual(retries.map((event) => event.delayMs), sleeps);
});

Deno.test("executePlan gives up after maxRetries retries", async () => {
  const worker = new FakeTrackWorker({
    resolveSource: () => {
      throw new NetworkError("search unreachable", { hint: "check the network" });
    },
  });
  const { options } = testOptions(worker, { maxRetries: 2 });
  const result = await executePlan(planOf([trackItem("track:a")]), options);
  assert.equal(worker.callsOf("resolveSource").length, 3);
  assert.equal(worker.callsOf("produce").length, 0);
  const item = itemOf(result.plan, "track:a");
  assert.equal(item.status, "failed");
  assert.deepEqual(item.error, {
    code: "network",
    message: "search unreachable",
    hint: "check the network",
  });
  assert.deepEqual(result.summary.failedByReason, { network: 1 });
  assert.equal(result.summary.failures[0].id, "track:a");
});

Deno.test("executePlan shares the retry budget across an item's stages", async () => {
  const worker = new FakeTrackWorker({
    resolveSource: (_item, _ctx, attempt) => {
      if (attempt === 1) throw new NetworkError("search blip");
    },
    produce: () => {
      throw new NetworkError("download blip");
    },
  });
  const { options } = testOptions(worker, { maxRetries: 2 });
  const result = await executePlan(planOf([trackItem("track:a")]), options);
  assert.equal(worker.callsOf("resolveSource").length, 2);
  assert.equal(worker.callsOf("produce").length, 2);
  assert.equal(statusOf(result.plan, "track:a"), "failed");
});

const notRetried: [string, () => unknown][] = [
  ["not found", () => new NotFoundError("no match")],
  ["private video", () => new TunedlError("Video is private", { retryable: false })],
  ["plain error", () => new Error("bug")],
  ["retryable false network", () => new NetworkError("403", { retryable: false })],
];

for (const [label, makeError] of notRetried) {
  Deno.test(`executePlan does not retry a ${label}`, async () => {
    const worker = new FakeTrackWorker({
      produce: () => {
        throw makeError();
      },
    });
    const { options, sleeps } = testOptions(worker, { maxRetries: 5 });
    const result = await executePlan(planOf([trackItem("track:a"), trackItem("track:b")]), options);
    assert.equal(worker.callsOf("produce", "track:a").length, 1);
    assert.equal(sleeps.length, 0);
    assert.equal(statusOf(result.plan, "track:a"), "failed");
    assert.equal(statusOf(result.plan, "track:b"), "failed");
  });
}

Deno.test("executePlan reports not found apart, with the best candidate", async () => {
  const worker = new FakeTrackWorker({
    resolveSource: (item) => {
      if (item.id === "track:missing") {
        throw new NotFoundError("No confident match for Track missing", {
          hint: "Add a manual link",
          detail: { bestCandidate: { title: "Some cover", url: "https://x.test/v", score: 0.41 } },
        });
      }
    },
  });
  const { options, events } = testOptions(worker);
  const result = await executePlan(
    planOf([trackItem("track:ok"), trackItem("track:missing")]),
    options,
  );
  assert.equal(result.summary.downloaded, 1);
  assert.deepEqual(result.summary.failedByReason, {});
  assert.equal(result.summary.notFound.length, 1);
  assert.equal(result.summary.notFound[0].id, "track:missing");
  assert.equal(
    result.summary.notFound[0].bestCandidate,
    "Some cover <https://x.test/v> score 0.41",
  );
  assert.equal(itemOf(result.plan, "track:missing").error?.code, "not_found");
  const finished = events.filter((event) => event.type === "item_finished");
  assert.deepEqual(
    finished.map((event) => [event.id, event.status]).sort(),
    [["track:missing", "not_found"], ["track:ok", "completed"]],
  );
});

Deno.test("executePlan runs only pending tracks and redoes interrupted ones", async () => {
  const items = [
    trackItem("track:done", { status: "completed", path: "/music/done.mp3", progress: 1 }),
    trackItem("track:exists", { status: "skipped", skip_reason: "exists" }),
    trackItem("track:dup", { status: "skipped", skip_reason: "duplicate" }),
    trackItem("track:old_failure", { status: "failed", error: { code: "network", message: "x" } }),
    trackItem("track:interrupted", { status: "in_progress", stage: "download", progress: 0.4 }),
    trackItem("track:retag", { action: "retag", path: "/music/retag.mp3" }),
    trackItem("track:new", { action: "download" }),
  ];
  const before = structuredClone(items);
  const worker = new FakeTrackWorker();
  const { options, events } = testOptions(worker);
  const result = await executePlan(planOf(items), options);
  const ran = (stage: "produce" | "retag") => worker.callsOf(stage).map((call) => call.id).sort();
  assert.deepEqual(ran("produce"), ["track:interrupted", "track:new"]);
  assert.deepEqual(ran("retag"), ["track:retag"]);
  assert.equal(statusOf(result.plan, "track:old_failure"), "failed");
  assert.equal(statusOf(result.plan, "track:retag"), "completed");
  assert.equal(itemOf(result.plan, "track:retag").path, "/music/retag.mp3");
  assert.equal(itemOf(result.plan, "track:new").path, "/music/track:new.mp3");
  assert.equal(itemOf(result.plan, "track:new").stage, undefined);
  // Cleared, not deleted: a deleted field turns every finished item into a slower, larger
  // dictionary object in V8; saved, the field is left out all the same.
  assert.ok("stage" in itemOf(result.plan, "track:new"));
  assert.doesNotMatch(JSON.stringify(itemOf(result.plan, "track:new")), /"stage"/);
  assert.equal(result.summary.total, 3);
  assert.equal(result.summary.downloaded, 2);
  assert.equal(result.summary.retagged, 1);
  assert.equal(result.summary.alreadyPresent, 1);
  assert.equal(result.summary.skipped, 1);
  assert.equal(result.summary.bytesWritten, 2000);
  const started = events.find((event) => event.type === "run_started");
  assert.deepEqual(started && [started.total, started.alreadyDone], [3, 3]);
  // The input plan is left as it was; finished tracks are shared with the result, not copied.
  assert.equal(items[6].status, "pending");
  assert.deepEqual(items, before);
  assert.equal(itemOf(result.plan, "track:done"), items[0]);
  assert.equal(itemOf(result.plan, "track:exists"), items[1]);
  assert.notEqual(itemOf(result.plan, "track:interrupted"), items[4]);
});

Deno.test("executePlan marks a track skipped when the worker found nothing to do", async () => {
  const worker = new FakeTrackWorker({
    produce: (item) => ({ path: `/music/${item.id}.mp3`, skipped: "exists" }),
  });
  const { options } = testOptions(worker);
  const result = await executePlan(planOf([trackItem("track:a")]), options);
  assert.equal(statusOf(result.plan, "track:a"), "skipped");
  assert.equal(result.summary.alreadyPresent, 1);
  assert.equal(result.summary.downloaded, 0);
});

Deno.test("executePlan sets statuses, stages and timestamps while running", async () => {
  const gate = new Deferred();
  const worker = new FakeTrackWorker({
    produce: async (_item, ctx) => {
      ctx.stage("convert");
      ctx.progress(0.5);
      await gate.promise;
    },
  });
  let time = Date.parse("2024-05-01T10:00:00Z");
  const { options, events } = testOptions(worker, { now: () => new Date(time++) });
  const run = executePlan(planOf([trackItem("track:a")]), options);
  await waitUntil(() => worker.callsOf("produce").length === 1, "download");
  gate.resolve();
  const result = await run;
  const item = itemOf(result.plan, "track:a");
  assert.equal(item.status, "completed");
  assert.equal(item.progress, 1);
  assert.ok(item.started_at !== undefined && item.completed_at !== undefined);
  assert.ok(item.started_at < item.completed_at);
  const stages = events.flatMap((event) => event.type === "stage" ? [event.stage] : []);
  assert.deepEqual(stages, ["spotify", "search", "download", "convert"]);
  assert.ok(events.some((event) => event.type === "item_progress" && event.progress === 0.5));
  for (const event of events) {
    assert.deepEqual(JSON.parse(JSON.stringify(event)), event);
    assert.ok(!Number.isNaN(Date.parse(event.time)));
  }
  assert.equal(events.at(-1)?.type, "run_finished");
});

Deno.test("executePlan leaves the input plan as it was, unless it is owned", async () => {
  for (const owned of [false, true]) {
    const worker = new FakeTrackWorker();
    const { options } = testOptions(worker, { owned });
    const plan = planOf([trackItem("track:a"), trackItem("track:b")]);
    const before = structuredClone(plan.items);
    const inputItems = [...plan.items];
    const result = await executePlan(plan, options);
    assert.deepEqual(result.plan.items.map((item) => item.status), ["completed", "completed"]);
    if (owned) {
      assert.deepEqual(result.plan.items, inputItems, `owned: the same items`);
      result.plan.items.forEach((item, at) =>
        assert.equal(item, inputItems[at], "changed in place")
      );
    } else {
      assert.deepEqual(plan.items, before, "not owned: the input is not changed");
      assert.notEqual(result.plan.items[0], inputItems[0]);
    }
  }
});

Deno.test("containerStatus derives a container's status from its children", () => {
  const cases: [PlanItemStatus[], PlanItemStatus][] = [
    [[], "completed"],
    [["pending", "pending"], "pending"],
    [["pending", "completed"], "in_progress"],
    [["in_progress"], "in_progress"],
    [["completed", "completed"], "completed"],
    [["completed", "failed"], "failed"],
    [["skipped", "failed"], "failed"],
    [["skipped", "skipped"], "skipped"],
    [["completed", "skipped"], "completed"],
    [["failed", "pending"], "in_progress"],
  ];
  for (const [children, expected] of cases) {
    assert.equal(containerStatus(children), expected, JSON.stringify(children));
  }
});

Deno.test("executePlan rolls container statuses up from their children", async () => {
  const a1 = trackItem("track:a1");
  const a2 = trackItem("track:a2");
  const a3 = trackItem("track:a3");
  const albumA = containerItem("album:a", "album", [a1, a2, a3]);
  const b1 = trackItem("track:b1");
  const albumB = containerItem("album:b", "album", [b1]);
  const artist = containerItem("artist:x", "artist", [albumA, albumB]);
  const s1 = trackItem("track:s1", { status: "skipped", skip_reason: "exists" });
  const s2 = trackItem("track:s2", { status: "skipped", skip_reason: "exists" });
  const skippedList = containerItem("playlist:s", "playlist", [s1, s2]);
  const mixed = containerItem("playlist:m", "playlist", [s1, b1]);
  const worker = new FakeTrackWorker({
    resolveSource: (item) => {
      if (item.id === "track:a2") throw new NotFoundError("no match");
    },
  });
  const { options } = testOptions(worker);
  const result = await executePlan(
    planOf([artist, albumA, albumB, a1, a2, a3, b1, skippedList, s1, s2, mixed]),
    options,
  );
  const expected: Record<string, PlanItemStatus> = {
    "album:a": "failed",
    "track:a1": "completed",
    "track:a2": "failed",
    "track:a3": "completed",
    "album:b": "completed",
    "artist:x": "failed",
    "playlist:s": "skipped",
    "playlist:m": "completed",
  };
  for (const [id, status] of Object.entries(expected)) {
    assert.equal(statusOf(result.plan, id), status, id);
  }
  assert.equal(itemOf(result.plan, "album:a").error?.code, "partial");
  assert.equal(itemOf(result.plan, "album:b").error, undefined);
});

Deno.test("executePlan writes an M3U after its tracks, leaving failed ones out", async () => {
  const gate = new Deferred();
  const worker = new FakeTrackWorker({
    produce: (item) => item.id === "track:p3" ? gate.promise : undefined,
    resolveSource: (item) => {
      if (item.id === "track:p2") throw new NotFoundError("no match");
    },
  });
  const items = [
    trackItem("track:p1"),
    trackItem("track:p2"),
    trackItem("track:p3"),
    trackItem("track:p0", { status: "skipped", skip_reason: "exists" }),
    m3uItem("m3u:list", ["track:p3", "track:p0", "track:p2", "track:p1", "track:p3"]),
    m3uItem("m3u:ready", ["track:p0"]),
  ];
  const { options, events } = testOptions(worker);
  const run = executePlan(planOf(items), options);
  await waitUntil(() => worker.callsOf("produce", "track:p3").length === 1, "p3 download");
  await waitUntil(() => worker.callsOf("writeM3u", "m3u:ready").length === 1, "ready m3u");
  await tick();
  assert.equal(worker.callsOf("writeM3u", "m3u:list").length, 0, "m3u written too early");
  gate.resolve();
  const result = await run;
  const calls = worker.callsOf("writeM3u", "m3u:list");
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].trackIds, ["track:p3", "track:p0", "track:p1", "track:p3"]);
  assert.equal(statusOf(result.plan, "m3u:list"), "completed");
  const written =
    events.flatMap((event) =>
      event.type === "m3u_written" && event.id === "m3u:list" ? [event] : []
    )[0];
  assert.deepEqual([written.path, written.tracks, written.leftOut], [
    "/music/m3u:list.m3u",
    4,
    1,
  ]);
  assert.equal(result.summary.m3usWritten, 2);
});

Deno.test("executePlan cancels: unfinished items go back to pending", async () => {
  const controller = new AbortController();
  const worker = new FakeTrackWorker({
    produce: (item, ctx) => item.id === "track:t0" ? undefined : hangUntilAborted(ctx.signal),
  });
  const saved: Plan[] = [];
  const { options, events } = testOptions(worker, {
    limits: { spotify: 1, search: 1, download: 2 },
    signal: controller.signal,
    onCheckpoint: (plan) => {
      saved.push(structuredClone(plan));
      return Promise.resolve();
    },
  });
  const all = tracks(8);
  const playlist = m3uItem("m3u:p", all.map((item) => item.id));
  const run = executePlan(planOf([...all, playlist]), options);
  await waitUntil(() => worker.active.produce === 2, "two hanging downloads");
  controller.abort();
  const result = await run;
  assert.equal(result.cancelled, true);
  assert.equal(statusOf(result.plan, "track:t0"), "completed");
  for (const item of result.plan.items.filter((item) => item.id !== "track:t0")) {
    assert.equal(item.status, "pending", item.id);
    assert.equal(item.stage, undefined);
    assert.equal(item.error, undefined);
  }
  assert.equal(worker.callsOf("writeM3u").length, 0);
  assert.ok(worker.signals.every((signal) => signal.aborted));
  assert.equal(result.summary.failures.length, 0);
  assert.equal(result.summary.pending, 8);
  assert.ok(events.some((event) => event.type === "item_cancelled"));
  assert.deepEqual(saved.at(-1), result.plan);
});

Deno.test("executePlan with an aborted signal starts nothing", async () => {
  const worker = new FakeTrackWorker();
  const { options } = testOptions(worker, { signal: AbortSignal.abort() });
  const result = await executePlan(planOf(tracks(3)), options);
  assert.equal(result.cancelled, true);
  assert.equal(worker.calls.length, 0);
  assert.ok(result.plan.items.every((item) => item.status === "pending"));
});

Deno.test("executePlan stops waiting for a task that ignores cancellation", async () => {
  const controller = new AbortController();
  const stuck = new Deferred();
  const worker = new FakeTrackWorker({ produce: () => stuck.promise });
  const { options } = testOptions(worker, { signal: controller.signal, cancelGraceMs: 1 });
  const run = executePlan(planOf([trackItem("track:a")]), options);
  await waitUntil(() => worker.active.produce === 1, "download");
  controller.abort();
  const result = await run;
  stuck.resolve();
  await tick();
  assert.equal(statusOf(result.plan, "track:a"), "pending");
});

Deno.test("executePlan checkpoints at most every interval, and at the end", async () => {
  let time = 0;
  const saves: number[] = [];
  const worker = new FakeTrackWorker({ produce: someTurns(2) });
  const { options } = testOptions(worker, {
    now: () => new Date(time += 100),
    checkpointIntervalMs: 1000,
    onCheckpoint: (plan) => {
      saves.push(time);
      assert.ok(plan.items.length === 10);
      return Promise.resolve();
    },
  });
  const result = await executePlan(planOf(tracks(10)), options);
  assert.ok(saves.length >= 2, `saved ${saves.length} times`);
  for (let n = 1; n < saves.length - 1; n++) assert.ok(saves[n] - saves[n - 1] >= 1000);
  assert.equal(result.summary.downloaded, 10);
});

Deno.test("executePlan spaces checkpoints to 20 times a slow save's duration", async () => {
  let time = 0;
  const saves: number[] = [];
  const worker = new FakeTrackWorker({ produce: someTurns(2) });
  const { options } = testOptions(worker, {
    now: () => new Date(time += 100),
    checkpointIntervalMs: 100,
    onCheckpoint: () => {
      saves.push(time);
      time += 500; // each save takes half a second of the run's clock
      return Promise.resolve();
    },
  });
  await executePlan(planOf(tracks(40)), options);
  assert.ok(saves.length >= 3, `saved ${saves.length} times`);
  // The first save follows the interval; after it, 20 x 500 ms; the last one is the final save.
  for (let n = 2; n < saves.length - 1; n++) {
    assert.ok(saves[n] - saves[n - 1] >= 10_000, `saves at ${saves.join(", ")}`);
  }
});

Deno.test("executePlan rejects when the final save fails, after reporting it", async () => {
  const { options, events } = testOptions(new FakeTrackWorker(), {
    onCheckpoint: () => Promise.reject(new Error("disk full")),
    checkpointIntervalMs: 1e9,
  });
  await assert.rejects(executePlan(planOf(tracks(1)), options), /disk full/);
  assert.ok(events.some((event) => event.type === "warning" && /disk full/.test(event.message)));
  assert.equal(events.at(-1)?.type, "run_finished");
});

Deno.test("backoffDelayMs grows exponentially, capped, with jitter", () => {
  const cases: [number, number, number][] = [
    [1, 0, 50],
    [1, 0.999, 100],
    [2, 0, 100],
    [3, 0.5, 300],
    [10, 0, 500],
    [10, 0.999, 1000],
  ];
  for (const [attempt, random, expected] of cases) {
    const delay = backoffDelayMs(attempt, {
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => random,
    });
    assert.equal(delay, expected, `attempt ${attempt}, random ${random}`);
  }
});

Deno.test("executePlan checkpoints running state that a later run can resume", async () => {
  const gate = new Deferred();
  const worker = new FakeTrackWorker({ produce: () => gate.promise });
  const tracksOfAlbum = [trackItem("track:a"), trackItem("track:b")];
  const album = containerItem("album:x", "album", tracksOfAlbum);
  const saved: Plan[] = [];
  const { options } = testOptions(worker, {
    limits: { spotify: 1, search: 1, download: 1 },
    checkpointIntervalMs: 0,
    onCheckpoint: (plan) => {
      saved.push(structuredClone(plan));
      return Promise.resolve();
    },
  });
  const run = executePlan(planOf([album, ...tracksOfAlbum]), options);
  await waitUntil(() => worker.active.produce === 1, "download");
  await tick();
  const during = saved.at(-1)!;
  assert.equal(statusOf(during, "track:a"), "in_progress");
  assert.equal(itemOf(during, "track:a").stage, "download");
  assert.equal(statusOf(during, "album:x"), "in_progress");
  gate.resolve();
  const result = await run;
  assert.equal(statusOf(result.plan, "album:x"), "completed");
  assert.deepEqual(saved.at(-1), result.plan);
});

Deno.test("executePlan works with a worker that has no optional stages", async () => {
  const produced: string[] = [];
  const worker = {
    resolveSource: (item: PlanItem) =>
      Promise.resolve({ url: `https://x.test/${item.id}`, provider: "fake" }),
    produce: (item: PlanItem) => {
      produced.push(item.id);
      return Promise.resolve({ path: `/music/${item.id}.opus` });
    },
    writeM3u: () => Promise.resolve({ written: 0, leftOut: 0 }),
  };
  const events: ExecutionEvent[] = [];
  const result = await executePlan(
    planOf([trackItem("track:a"), trackItem("track:r", { action: "retag", path: "/m/r.mp3" })]),
    {
      worker,
      limits: { spotify: 1, search: 1, download: 1 },
      maxRetries: 0,
      retryBaseDelayMs: 1,
      onEvent: (event) => events.push(event),
    },
  );
  assert.deepEqual(produced, ["track:a"]);
  assert.equal(result.peaks.spotify, 0);
  assert.equal(statusOf(result.plan, "track:a"), "completed");
  assert.equal(statusOf(result.plan, "track:r"), "failed");
  assert.match(itemOf(result.plan, "track:r").error?.message ?? "", /cannot retag Track track:r/);
  const stages = events.flatMap((event) => event.type === "stage" ? [event.stage] : []);
  assert.ok(!stages.includes("spotify"));
});

Deno.test("executePlan stops at a failure every track would meet; that track and the rest stay pending", async () => {
  const setupFailure = new DependencyError("yt-dlp needs a JavaScript runtime", {
    hint: "install Deno",
  });
  const worker = new FakeTrackWorker({
    produce: (item) => {
      if (item.id === "track:t2") throw setupFailure;
    },
  });
  const { options, events } = testOptions(worker, {
    limits: { spotify: 1, search: 1, download: 1 },
    maxInFlight: 1,
    stopsRun: (failure) => failure instanceof DependencyError,
  });
  const result = await executePlan(planOf(tracks(6)), options);
  assert.equal(result.cancelled, false);
  assert.deepEqual(result.stoppedBy, {
    code: "dependency",
    message: "yt-dlp needs a JavaScript runtime",
    hint: "install Deno",
    itemId: "track:t2",
    itemName: itemOf(result.plan, "track:t2").name,
    exitCode: setupFailure.exitCode,
  });
  assert.equal(statusOf(result.plan, "track:t0"), "completed");
  assert.equal(statusOf(result.plan, "track:t1"), "completed");
  for (const id of ["track:t2", "track:t3", "track:t4", "track:t5"]) {
    assert.equal(statusOf(result.plan, id), "pending", id);
  }
  // Nothing after the stop was tried, and no failure was counted for the pending track.
  assert.equal(worker.callsOf("produce").length, 3);
  assert.deepEqual(result.summary.failures, []);
  assert.equal(result.summary.pending, 4);
  const finished = events.find((event) => event.type === "run_finished");
  assert.ok(finished?.type === "run_finished" && finished.stoppedBy?.itemId === "track:t2");
});

Deno.test("executePlan without stopsRun fails only the track that met the failure", async () => {
  const worker = new FakeTrackWorker({
    produce: (item) => {
      if (item.id === "track:t2") throw new DependencyError("yt-dlp needs a JavaScript runtime");
    },
  });
  const { options } = testOptions(worker, { limits: { spotify: 1, search: 1, download: 1 } });
  const result = await executePlan(planOf(tracks(4)), options);
  assert.equal(result.stoppedBy, undefined);
  assert.equal(statusOf(result.plan, "track:t2"), "failed");
  assert.equal(result.summary.downloaded, 3);
});
