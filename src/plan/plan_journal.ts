/**
 * The journal beside a saved plan: a download saves its whole plan once, then
 * every few seconds only the items that changed, as lines appended to
 * `plan-….journal`. Keeping each item's saved text to rewrite the whole plan
 * cheaply held about 5 MB for the run (a 4,067-track plan); making it anew
 * each time made that much garbage every save.
 *
 * The file is JSON lines: a header naming the plan file it belongs to (the
 * `journal_id` in the plan's head), then `{"i": index, "item": {...}}` per
 * changed item, each the item as it was then, so a later line wins. A journal
 * of another plan file (a crash between writing a new plan file and starting
 * its journal) is ignored, as is a line cut short by a crash while appending.
 */
import { camelCaseKeys, snakeCaseKeys } from "../util/mod.ts";
import type { PlanItem } from "./model.ts";

/** The journal that goes with a saved plan file. */
export function journalFileFor(planFile: string): string {
  return planFile.replace(/\.json$/, "") + ".journal";
}

/** The journal's first line, naming the plan file's `journal_id`. */
export function journalHeader(journalId: string): string {
  return `${JSON.stringify({ journal_of: journalId })}\n`;
}

/** One journal line: the item at `index` as it is now. */
export function journalLine(index: number, item: PlanItem): string {
  return `{"i":${index},"item":${savedItemText(item)}}\n`;
}

/** An item as saved: snake_case keys, like every JSON tunedl writes. */
export function savedItemText(item: PlanItem): string {
  return JSON.stringify(snakeCaseKeys(item));
}

/** An item read back from a saved plan or journal, of this version or an earlier one. */
export function itemFromSaved(item: PlanItem): PlanItem {
  // Earlier versions saved the metadata's keys in camelCase; both read back the same.
  if (item.metadata !== null && typeof item.metadata === "object") {
    item.metadata = camelCaseKeys(item.metadata) as PlanItem["metadata"];
  }
  return item;
}

/** What {@link applyJournal} did. */
export interface JournalApplied {
  /** Lines applied. */
  applied: number;
  /** Why the rest was left out (a journal of another plan file, a damaged line), if it was. */
  ignored?: string;
  /** The last line was cut short (a crash while appending) and left out. */
  cutShort?: boolean;
}

/**
 * Replaces the plan's items with their journaled states, in order (pure on the text; edits
 * `items`). Stops at the first line that does not fit the plan: what came before stays applied,
 * each line being a whole item. A last line without its newline is a write cut short.
 */
export function applyJournal(
  items: PlanItem[],
  journal: string,
  options: { journalId: string },
): JournalApplied {
  if (journal === "") return { applied: 0 };
  const lines = journal.split("\n");
  // The text after the last newline: empty, or a line whose append did not finish.
  const cutShort = lines.pop() !== "";
  let applied = 0;
  for (let n = 0; n < lines.length; n++) {
    let entry: { journal_of?: unknown; i?: unknown; item?: PlanItem };
    try {
      entry = JSON.parse(lines[n]);
    } catch {
      return { applied, ignored: `line ${n + 1} is not JSON` };
    }
    if (n === 0) {
      if (entry?.journal_of !== options.journalId) {
        return { applied, ignored: "it belongs to another saved plan" };
      }
      continue;
    }
    const index = entry?.i;
    const item = entry?.item;
    if (
      typeof index !== "number" || !Number.isInteger(index) || index < 0 ||
      index >= items.length || typeof item !== "object" || item === null ||
      item.id !== items[index].id || item.type !== items[index].type
    ) {
      return { applied, ignored: `line ${n + 1} does not fit the plan` };
    }
    items[index] = itemFromSaved(item);
    applied++;
  }
  return cutShort ? { applied, cutShort } : { applied };
}
