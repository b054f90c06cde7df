/**
 * Saved plans in the cache folder: a download saves its plan as it goes so
 * `--resume` can continue it, and remembers which plan each config file ran
 * last so a changed config is told apart from a first run.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { appendTextPieces, ChangeWatch, writeFileAtomic } from "../util/mod.ts";
import { type Plan, planFromJson, type PlanItem } from "./model.ts";
import {
  applyJournal,
  itemFromSaved,
  journalFileFor,
  journalHeader,
  journalLine,
  savedItemText,
} from "./plan_journal.ts";
import { unfinishedTrackCount } from "./reopen_unfinished.ts";

/** The folder of saved plans inside the cache folder. */
export function plansDir(cacheDir: string): string {
  return join(cacheDir, "plans");
}

/** Where the saved plan for a config hash lives. */
export function planFileFor(cacheDir: string, configHash: string): string {
  return join(plansDir(cacheDir), `plan-${configHash.slice(0, 16)}.json`);
}

/** How many times the plan's size the journal grows to before the plan is saved whole again. */
const JOURNAL_BEFORE_WHOLE = 2;

/**
 * A running download's saves of its plan for --resume: the whole plan at the first save, then
 * only the items that changed since the save before, appended to the plan's journal
 * (plan_journal.ts). The whole plan is written again when the journal has grown to twice its size
 * (or the plan's list or head changed): a long run's journal stays within a few times its plan,
 * while a whole save, which makes a plan's worth of text, stays rare.
 */
export class PlanCheckpoints {
  readonly #planFile: string;
  readonly #journalFile: string;
  // One for the whole run: each item's snapshot is made again only when the item changed, even
  // across whole saves (new snapshots of thousands of items were old-generation garbage).
  readonly #watch = new ChangeWatch<PlanItem>();
  /** The journal_id of the plan file on disk; undefined until it is written (or after a failure). */
  #journalId: string | undefined;
  #items: PlanItem[] | undefined;
  #count = 0;
  #head = "";
  #planChars = 0;
  #journalChars = 0;

  /** Saves to `planFile` and its journal. */
  constructor(planFile: string) {
    this.#planFile = planFile;
    this.#journalFile = journalFileFor(planFile);
  }

  /** Saves the plan: what changed since the last save, or the whole plan. */
  async save(plan: Plan): Promise<void> {
    const head = headText(plan);
    if (
      this.#journalId === undefined || plan.items !== this.#items ||
      plan.items.length !== this.#count || head !== this.#head ||
      this.#journalChars > JOURNAL_BEFORE_WHOLE * this.#planChars
    ) {
      await this.#saveWhole(plan, head);
      return;
    }
    // Looked at and made into text in one go, before any wait: an item changed while the lines
    // are written is seen by the next save.
    const lines: string[] = [];
    let chars = 0;
    plan.items.forEach((item, index) => {
      // A resumed run starts a track left in progress again from pending, as the journal already
      // has it: its stages and progress would be lines for nothing (most of a run's lines).
      if (item.status === "in_progress" || !this.#watch.changed(item)) return;
      const line = journalLine(index, item);
      lines.push(line);
      chars += line.length;
    });
    if (lines.length === 0) return;
    try {
      await appendTextPieces(this.#journalFile, lines);
    } catch (error) {
      // Those items are no longer seen as changed: only a whole save can still record them.
      this.#journalId = undefined;
      throw error;
    }
    this.#journalChars += chars;
  }

  async #saveWhole(plan: Plan, head: string): Promise<void> {
    this.#journalId = undefined;
    const journalId = crypto.randomUUID();
    let chars = 0;
    const watch = this.#watch;
    function* pieces(): Generator<string> {
      for (const piece of savedPlanPieces(plan, { journalId, watch })) {
        chars += piece.length;
        yield piece;
      }
    }
    await writeFileAtomic(this.#planFile, pieces());
    // After the plan file: a crash in between leaves an older journal, which names another plan.
    await writeFileAtomic(this.#journalFile, journalHeader(journalId));
    this.#journalId = journalId;
    this.#items = plan.items;
    this.#count = plan.items.length;
    this.#head = head;
    this.#planChars = chars;
    this.#journalChars = 0;
  }
}

/** Removes a saved plan and its journal, if there are any. */
export async function removeSavedPlan(planFile: string): Promise<void> {
  await Deno.remove(planFile).catch(() => {});
  await Deno.remove(journalFileFor(planFile)).catch(() => {});
}

/** A plan as saved for --resume: compact JSON with snake_case keys, like every JSON tunedl writes. */
export function savedPlanText(plan: Plan): string {
  return [...savedPlanPieces(plan)].join("");
}

function headText(plan: Plan): string {
  const { items: _, ...rest } = plan;
  return JSON.stringify(rest);
}

/** Options of {@link savedPlanPieces}. */
export interface SavedPlanOptions {
  /** Names the journal that goes with this save (plan_journal.ts). */
  journalId?: string;
  /** Told each item just before its text is made (so it knows the item as saved). */
  watch?: ChangeWatch<PlanItem>;
}

/**
 * savedPlanText in pieces: the plan's own fields, then each item's text, each item's keys
 * converted on its own. The plan of thousands of tracks is then never one multi-MB string, nor
 * one deep copy.
 */
export function* savedPlanPieces(
  plan: Plan,
  options: SavedPlanOptions = {},
): Generator<string> {
  const { items, ...rest } = plan;
  const head = JSON.stringify(
    options.journalId === undefined ? rest : { ...rest, journal_id: options.journalId },
  );
  yield head === "{}" ? '{"items":[' : `${head.slice(0, -1)},"items":[`;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) yield ",";
    options.watch?.changed(items[i]);
    yield savedItemText(items[i]);
  }
  yield "]}";
}

/** Reads a saved plan's text, of this version or an earlier one (whose metadata keys were camelCase). */
export function readSavedPlan(text: string): Plan {
  return parseSavedPlan(text).plan;
}

function parseSavedPlan(text: string): { plan: Plan; journalId?: string } {
  const plan = planFromJson(text) as Plan & { journal_id?: unknown };
  const journalId = plan.journal_id;
  delete plan.journal_id;
  plan.items.forEach(itemFromSaved);
  return { plan, journalId: typeof journalId === "string" ? journalId : undefined };
}

/** Reads a saved plan file with its journal applied; `warn` hears of a journal left out. */
export async function readSavedPlanFile(
  planFile: string,
  options: { warn?: (text: string) => void } = {},
): Promise<Plan> {
  const { plan, journalId } = parseSavedPlan(await Deno.readTextFile(planFile));
  if (journalId === undefined) return plan;
  const journalFile = journalFileFor(planFile);
  let journal: string;
  try {
    journal = await Deno.readTextFile(journalFile);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return plan;
    throw error;
  }
  const result = applyJournal(plan.items, journal, { journalId });
  if (result.ignored !== undefined) {
    options.warn?.(
      `the plan's journal ${journalFile} was read only up to where ${result.ignored}: ` +
        "tracks finished after that are done again",
    );
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
  const unusable = (error: unknown) => {
    options.warn(
      `the saved plan ${planFile} is unusable (${(error as Error).message}); starting a fresh plan`,
    );
    return undefined;
  };
  let plan: Plan;
  try {
    plan = await readSavedPlanFile(planFile, { warn: options.warn });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return unusable(error);
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
  if (plan.config_hash !== options.configHash) {
    return unusable(new TypeError("config hash differs"));
  }
  const done = plan.items.filter((i) => i.type === "track" && i.status === "completed").length;
  const open = unfinishedTrackCount(plan);
  options.info(
    `Resuming the last run (${done} tracks already done` +
      (open > 0 ? `, ${open} not done to try again).` : ")."),
  );
  return plan;
}

/** A key for the config file, to notice that the same file now has other content. */
function lastPlanFile(cacheDir: string, configFile: string): string {
  const key = createHash("sha256").update(configFile).digest("hex").slice(0, 16);
  return join(plansDir(cacheDir), `last-${key}.txt`);
}
