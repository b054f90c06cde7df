import { TaskPool } from "../../src/util/mod.ts";
import assert from "node:assert/strict";
import { CancelledError } from "../../src/errors/mod.ts";
import { Deferred, tick } from "../fakes/fake_track_worker.ts";

Deno.test("TaskPool runs queued tasks in arrival order", async () => {
  const pool = new TaskPool({ limit: 1 });
  const gate = new Deferred();
  const started: number[] = [];
  const first = pool.run(async () => {
    started.push(0);
    await gate.promise;
  });
  const rest = [1, 2, 3, 4].map((n) =>
    pool.run(() => {
      started.push(n);
      return Promise.resolve(n);
    })
  );
  assert.deepEqual(started, [0]);
  assert.equal(pool.queued, 4);
  gate.resolve();
  await first;
  assert.deepEqual(await Promise.all(rest), [1, 2, 3, 4]);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
});

for (const limit of [1, 2, 3, 5]) {
  Deno.test(`TaskPool never runs more than ${limit} tasks at once`, async () => {
    const pool = new TaskPool({ limit });
    let running = 0;
    let observedMax = 0;
    const tasks = Array.from({ length: 12 }, (_, n) =>
      pool.run(async () => {
        running++;
        observedMax = Math.max(observedMax, running);
        assert.ok(pool.active <= limit);
        for (let turn = 0; turn < n % 3 + 1; turn++) await tick();
        running--;
        return n;
      }));
    assert.equal(pool.active, limit);
    assert.equal(pool.queued, 12 - limit);
    assert.deepEqual(await Promise.all(tasks), Array.from({ length: 12 }, (_, n) => n));
    assert.equal(observedMax, limit);
    assert.equal(pool.peak, limit);
    assert.equal(pool.active, 0);
    assert.equal(pool.queued, 0);
  });
}

Deno.test("TaskPool drops a queued task whose signal aborts, without starting it", async () => {
  const pool = new TaskPool({ limit: 1 });
  const gate = new Deferred();
  const blocker = pool.run(() => gate.promise);
  const controller = new AbortController();
  let cancelledStarted = false;
  const cancelled = pool.run(() => {
    cancelledStarted = true;
    return Promise.resolve();
  }, { signal: controller.signal });
  const after = pool.run(() => Promise.resolve("after"));
  assert.equal(pool.queued, 2);
  controller.abort();
  await assert.rejects(cancelled, CancelledError);
  assert.equal(pool.queued, 1);
  gate.resolve();
  await blocker;
  assert.equal(await after, "after");
  assert.equal(cancelledStarted, false);
});

Deno.test("TaskPool rejects at once when the signal is already aborted", async () => {
  const pool = new TaskPool({ limit: 2 });
  let started = false;
  await assert.rejects(
    pool.run(() => {
      started = true;
      return Promise.resolve();
    }, { signal: AbortSignal.abort() }),
    CancelledError,
  );
  assert.equal(started, false);
  assert.equal(pool.active, 0);
});

Deno.test("TaskPool passes the signal to a running task", async () => {
  const pool = new TaskPool({ limit: 1 });
  const controller = new AbortController();
  let seen: AbortSignal | undefined;
  const task = pool.run((signal) => {
    seen = signal;
    return new Promise<string>((resolve) =>
      signal.addEventListener("abort", () => resolve("aborted"), { once: true })
    );
  }, { signal: controller.signal });
  controller.abort();
  assert.equal(await task, "aborted");
  assert.equal(seen?.aborted, true);
});

Deno.test("TaskPool frees the slot of a failing task", async () => {
  const pool = new TaskPool({ limit: 1 });
  const failing = pool.run(() => Promise.reject(new Error("boom")));
  const throwing = pool.run(() => {
    throw new Error("sync boom");
  });
  const next = pool.run(() => Promise.resolve(7));
  await assert.rejects(failing, /boom/);
  await assert.rejects(throwing, /sync boom/);
  assert.equal(await next, 7);
  assert.equal(pool.active, 0);
});

Deno.test("TaskPool refuses a limit below 1", () => {
  for (const limit of [0, -1, 1.5, NaN]) {
    assert.throws(() => new TaskPool({ limit }), RangeError);
  }
});

Deno.test("TaskPool: a task that releases its slot lets the next one start while it finishes", async () => {
  const pool = new TaskPool({ limit: 1 });
  const bookkeeping = new Deferred();
  const started: string[] = [];
  const first = pool.run(async (_signal, release) => {
    started.push("first");
    release();
    release(); // a second call changes nothing
    await bookkeeping.promise;
    started.push("first done");
  });
  const second = pool.run(() => {
    started.push("second");
    return Promise.resolve();
  });
  const third = pool.run(() => {
    started.push("third");
    return Promise.resolve();
  });
  await second;
  await third;
  // The limit counts the slot, not the bookkeeping: both ran while "first" still finished.
  assert.deepEqual(started, ["first", "second", "third"]);
  assert.equal(pool.active, 0);
  bookkeeping.resolve();
  await first;
  assert.deepEqual(started, ["first", "second", "third", "first done"]);
  assert.equal(pool.active, 0);
  assert.equal(pool.peak, 1);
});

Deno.test("TaskPool: a released slot is counted once, even if the task then fails", async () => {
  const pool = new TaskPool({ limit: 2 });
  const failing = pool.run((_signal, release) => {
    release();
    return Promise.reject(new Error("tagging failed"));
  });
  await assert.rejects(failing, /tagging failed/);
  assert.equal(pool.active, 0);
  const gates = [new Deferred(), new Deferred(), new Deferred()];
  const running = gates.map((gate) => pool.run(() => gate.promise));
  await tick();
  assert.equal(pool.active, 2);
  assert.equal(pool.queued, 1);
  for (const gate of gates) gate.resolve();
  await Promise.all(running);
  assert.equal(pool.active, 0);
});

Deno.test("TaskPool: waiters on one signal share one abort listener; an abort drops only theirs", async () => {
  const pool = new TaskPool({ limit: 1 });
  const gate = new Deferred();
  const blocker = pool.run(() => gate.promise);
  const counted = new AbortController();
  const calls = { add: 0, remove: 0 };
  const { signal } = counted;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    calls.add++;
    add(...args);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    calls.remove++;
    remove(...args);
  }) as typeof signal.removeEventListener;
  const started: number[] = [];
  const queued = Array.from(
    { length: 100 },
    (_, n) => pool.run(() => Promise.resolve(started.push(n)), { signal }),
  );
  const other = new AbortController();
  const dropped = Array.from(
    { length: 3 },
    () => pool.run(() => Promise.resolve(started.push(-1)), { signal: other.signal }),
  );
  assert.equal(calls.add, 1, "one listener for 100 waiters");
  other.abort();
  for (const task of dropped) await assert.rejects(task, CancelledError);
  gate.resolve();
  await Promise.all([blocker, ...queued]);
  assert.deepEqual(started, Array.from({ length: 100 }, (_, n) => n));
  assert.equal(calls.remove, 1, "the listener goes with the last waiter");
});
