/**
 * Saved plans in the cache folder: a download saves its plan as it goes so
 * `--resume` can continue it, and remembers which plan each config file ran
 * last so a changed config is told apart from a first run.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { camelCaseKeys, JsonMemo, snakeCaseKeys, writeFileAtomic } from "../util/mod.ts";
import { type Plan, planFromJson, type PlanItem } from "./model.ts";
import { unfinishedTrackCount } from "./reopen_unfinished.ts";

/** The folder of saved plans inside the cache folder. */
export function plansDir(cacheDir: string): string {
  return join(cacheDir, "plans");
}

/** Where the saved plan for a config hash lives. */
export function planFileFor(cacheDir: string, configHash: string): string {
  return join(plansDir(cacheDir), `plan-${configHash.slice(0, 16)}.json`);
}

/** Saves a plan atomically (compact: a large plan is saved every few seconds during a run). */
export async function savePlan(planFile: string, plan: Plan): Promise<void> {
  await writeFileAtomic(planFile, savedPlanPieces(plan));
}

/** A plan as saved for --resume: compact JSON with snake_case keys, like every JSON tunedl writes. */
export function savedPlanText(plan: Plan): string {
  return [...savedPlanPieces(plan)].join("");
}

// Each item's saved text is made again only when the item changed since the last save.
const savedItemText = new JsonMemo<PlanItem>((item) => JSON.stringify(snakeCaseKeys(item)));

/**
 * savedPlanText in pieces: the plan's own fields, then each item's text, each item's keys
 * converted on its own and its text remembered until the item changes. The plan of thousands
 * of tracks saved every few seconds is then never one multi-MB string, nor one deep copy, and
 * a save makes new text only for the items that changed.
 */
export function* savedPlanPieces(plan: Plan): Generator<string> {
  const { items, ...rest } = plan;
  const head = JSON.stringify(rest);
  yield head === "{}" ? '{"items":[' : `${head.slice(0, -1)},"items":[`;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) yield ",";
    yield savedItemText.text(items[i]);
  }
  yield "]}";
}

/** Reads a saved plan, of this version or an earlier one (whose metadata keys were camelCase). */
export function readSavedPlan(text: string): Plan {
  const plan = planFromJson(text);
  for (const item of plan.items) {
    if (item.metadata !== null && typeof item.metadata === "object") {
      item.metadata = camelCaseKeys(item.metadata) as PlanItem["metadata"];
    }
  }
  return plan;
}

/** Records that `configFile` last ran the plan of `configHash`. */
export async function rememberPlan(
  cacheDir: string,
  configFile: string,
  configHash: string,
): Promise<void> {
  const file = lastPlanFile(cacheDir, configFile);
  // A re-run of the same config: nothing to write (and no flush to disk to wait for).
  const known = await Deno.readTextFile(file).catch(() => undefined);
  if (known !== configHash) await writeFileAtomic(file, configHash);
}

/** Options of {@link resumablePlan}. */
export interface ResumeOptions {
  /** The config file whose last run is resumed. */
  configFile: string;
  /** The hash of the config as it is now. */
  configHash: string;
  /** Told what happens ("Resuming the last run ..."). */
  info: (text: string) => void;
  /** Told about a saved plan that cannot be used. */
  warn: (text: string) => void;
}

/** The saved plan to resume, or undefined (saying why) when a fresh plan is needed. */
export async function resumablePlan(
  cacheDir: string,
  options: ResumeOptions,
): Promise<Plan | undefined> {
  const planFile = planFileFor(cacheDir, options.configHash);
  let text: string;
  try {
    text = await Deno.readTextFile(planFile);
  } catch {
    let last: string | undefined;
    try {
      last = await Deno.readTextFile(lastPlanFile(cacheDir, options.configFile));
    } catch { /* never ran */ }
    options.info(
      last && last !== options.configHash
        ? "The config changed since the last run: starting a fresh plan."
        : "No interrupted run of this config to resume: starting a fresh plan.",
    );
    return undefined;
  }
  try {
    const plan = readSavedPlan(text);
    if (plan.config_hash !== options.configHash) throw new TypeError("config hash differs");
    const done = plan.items.filter((i) => i.type === "track" && i.status === "completed").length;
    const open = unfinishedTrackCount(plan);
    options.info(
      `Resuming the last run (${done} tracks already done` +
        (open > 0 ? `, ${open} not done to try again).` : ")."),
    );
    return plan;
  } catch (error) {
    options.warn(
      `the saved plan ${planFile} is unusable (${(error as Error).message}); starting a fresh plan`,
    );
    return undefined;
  }
}

/** A key for the config file, to notice that the same file now has other content. */
function lastPlanFile(cacheDir: string, configFile: string): string {
  const key = createHash("sha256").update(configFile).digest("hex").slice(0, 16);
  return join(plansDir(cacheDir), `last-${key}.txt`);
}
