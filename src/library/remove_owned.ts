/**
 * Removing files tunedl wrote (a prune): only files the ownership record
 * names, never anything else, then the folders that removal left empty.
 */
import path from "node:path";
import type { OwnershipRecord } from "./ownership.ts";

/** What removing a list of owned files did. */
export interface RemovalOutcome {
  /** Absolute paths of the files removed (and forgotten). */
  removed: string[];
  /** Files that were already gone (forgotten too). */
  missing: string[];
  /** Files that could not be removed, with why; they stay owned. */
  failed: { path: string; message: string }[];
  /** Folders removed because they became empty. */
  folders: string[];
}

/** Removes owned files (others are refused), forgets them and removes folders left empty inside the library. */
export async function removeOwnedFiles(
  paths: readonly string[],
  ownership: OwnershipRecord,
): Promise<RemovalOutcome> {
  const outcome: RemovalOutcome = { removed: [], missing: [], failed: [], folders: [] };
  const parents = new Set<string>();
  for (const filePath of paths) {
    if (ownership.get(filePath) === undefined) {
      outcome.failed.push({ path: filePath, message: "not a file tunedl wrote" });
      continue;
    }
    try {
      await Deno.remove(filePath);
      outcome.removed.push(filePath);
      parents.add(path.dirname(filePath));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) outcome.missing.push(filePath);
      else {
        outcome.failed.push({ path: filePath, message: (error as Error).message });
        continue;
      }
    }
    ownership.forget(filePath);
  }
  // Deepest first, so a parent is tried after its emptied children.
  const queue = [...parents].sort((a, b) => b.length - a.length);
  const tried = new Set<string>();
  while (queue.length > 0) {
    const folder = queue.shift()!;
    if (tried.has(folder) || ownership.keyOf(path.join(folder, "x")) === undefined) continue;
    if (path.resolve(folder) === path.resolve(ownership.root)) continue;
    tried.add(folder);
    try {
      // Not recursive: only a folder that is empty now goes (a user's file keeps it).
      await Deno.remove(folder);
      outcome.folders.push(folder);
      queue.push(path.dirname(folder));
      queue.sort((a, b) => b.length - a.length);
    } catch {
      // Not empty, or not ours to remove.
    }
  }
  return outcome;
}
