/**
 * A TrackWorker for executor tests: every stage does what the test says
 * (resolve, fail on the Nth call, wait for a gate, hang until aborted), and the
 * fake records calls and how many of each stage ran at once, measured on its
 * own so tests do not trust the executor's counters.
 */
import { CancelledError } from "../../src/errors/mod.ts";
import {
  createPlanItem,
  type M3uWriteResult,
  type Plan,
  type PlanItem,
  type ProducedFile,
  type ResolvedSource,
  type StageContext,
  type TrackWorker,
} from "../../src/plan/mod.ts";

export type FakeStage = "enrich" | "resolveSource" | "produce" | "retag" | "writeM3u";

/** One recorded call. */
export interface FakeCall {
  stage: FakeStage;
  id: string;
  /** 1-based count of calls of this stage for this item. */
  attempt: number;
  /** For writeM3u: the ids of the tracks passed. */
  trackIds?: string[];
  /** How many of each stage were running when this call started. */
  activeAtStart: Record<FakeStage, number>;
}

/** What one stage call does; return undefined for the default result. */
export type FakeBehavior = (
  item: PlanItem,
  ctx: StageContext,
  attempt: number,
) => Promise<unknown> | unknown;

/** A promise with its resolve/reject exposed. */
export class Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** Waits until `signal` aborts, then rejects like a cancelled request. */
export function hangUntilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new CancelledError("aborted", { cause: signal.reason }));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

/** Lets other tasks and timers run once (a macrotask turn). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Polls `condition` between macrotask turns; throws if it stays false. */
export async function waitUntil(condition: () => boolean, what = "condition"): Promise<void> {
  for (let turn = 0; turn < 2000; turn++) {
    if (condition()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stages: FakeStage[] = ["enrich", "resolveSource", "produce", "retag", "writeM3u"];

/** A TrackWorker whose stages are scripted by the test. */
export class FakeTrackWorker implements TrackWorker {
  readonly calls: FakeCall[] = [];
  readonly active: Record<FakeStage, number> = zeroCounts();
  readonly maxActive: Record<FakeStage, number> = zeroCounts();
  /** Signals the worker was given, per call, to check they abort. */
  readonly signals: AbortSignal[] = [];
  readonly behaviors: Partial<Record<FakeStage, FakeBehavior>>;
  readonly #attempts = new Map<string, number>();

  constructor(behaviors: Partial<Record<FakeStage, FakeBehavior>> = {}) {
    this.behaviors = behaviors;
  }

  callsOf(stage: FakeStage, id?: string): FakeCall[] {
    return this.calls.filter((call) =>
      call.stage === stage && (id === undefined || call.id === id)
    );
  }

  async enrich(item: PlanItem, ctx: StageContext): Promise<void> {
    await this.#call("enrich", item, ctx);
  }

  async resolveSource(item: PlanItem, ctx: StageContext): Promise<ResolvedSource> {
    const result = await this.#call("resolveSource", item, ctx);
    return (result as ResolvedSource | undefined) ??
      { url: `https://example.test/watch?v=${item.id}`, provider: "fake", score: 0.9 };
  }

  async produce(item: PlanItem, _source: ResolvedSource, ctx: StageContext): Promise<ProducedFile> {
    const result = await this.#call("produce", item, ctx);
    return (result as ProducedFile | undefined) ?? { path: `/music/${item.id}.mp3`, bytes: 1000 };
  }

  async retag(item: PlanItem, ctx: StageContext): Promise<void> {
    await this.#call("retag", item, ctx);
  }

  async writeM3u(item: PlanItem, tracks: PlanItem[], ctx: StageContext): Promise<M3uWriteResult> {
    const result = await this.#call("writeM3u", item, ctx, tracks.map((track) => track.id));
    return (result as M3uWriteResult | undefined) ?? { written: tracks.length, leftOut: 0 };
  }

  async #call(
    stage: FakeStage,
    item: PlanItem,
    ctx: StageContext,
    trackIds?: string[],
  ): Promise<unknown> {
    const key = `${stage}|${item.id}`;
    const attempt = (this.#attempts.get(key) ?? 0) + 1;
    this.#attempts.set(key, attempt);
    this.active[stage]++;
    this.maxActive[stage] = Math.max(this.maxActive[stage], this.active[stage]);
    this.calls.push({
      stage,
      id: item.id,
      attempt,
      activeAtStart: { ...this.active },
      ...(trackIds === undefined ? {} : { trackIds }),
    });
    this.signals.push(ctx.signal);
    try {
      return await this.behaviors[stage]?.(item, ctx, attempt);
    } finally {
      this.active[stage]--;
    }
  }
}

function zeroCounts(): Record<FakeStage, number> {
  return Object.fromEntries(stages.map((stage) => [stage, 0])) as Record<FakeStage, number>;
}

/** A pending track item. */
export function trackItem(id: string, fields: Partial<PlanItem> = {}): PlanItem {
  return createPlanItem({ id, type: "track", name: `Track ${id}`, ...fields }, fixedDate);
}

/** A container item listing `children` (and making them list it as parent). */
export function containerItem(
  id: string,
  type: "album" | "artist" | "playlist",
  children: PlanItem[],
  fields: Partial<PlanItem> = {},
): PlanItem {
  for (const child of children) {
    child.parent_ids.push(id);
    child.parent_id ??= id;
  }
  return createPlanItem(
    { id, type, name: `${type} ${id}`, children: children.map((child) => child.id), ...fields },
    fixedDate,
  );
}

/** An M3U item for the given track ids, in order. */
export function m3uItem(id: string, trackItemIds: string[]): PlanItem {
  return createPlanItem({
    id,
    type: "m3u",
    name: `Playlist ${id}`,
    path: `/music/${id}.m3u`,
    metadata: { playlistName: `Playlist ${id}`, trackItemIds },
  }, fixedDate);
}

/** A plan holding `items`. */
export function planOf(items: PlanItem[]): Plan {
  return { version: 1, config_hash: "test", created_at: fixedDate.toISOString(), items };
}

const fixedDate = new Date("2024-01-01T00:00:00Z");
