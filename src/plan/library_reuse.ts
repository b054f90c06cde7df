/** Uses the library index so a track already in the library under another path is not downloaded twice. */
import { type LibraryIndex } from "../library/mod.ts";
import type { Plan } from "./model.ts";

/**
 * Marks pending tracks whose file the index knows (and one stat confirms) as
 * present, pointing at that file: a changed output template or a moved file
 * does not mean a second download.
 */
export async function skipIndexedTracks(plan: Plan, index: LibraryIndex): Promise<Plan> {
  const items = await Promise.all(plan.items.map(async (item) => {
    if (item.type !== "track" || item.status !== "pending" || item.action === "retag") return item;
    if (!item.spotify_id) return item;
    const entry = await index.lookup(item.spotify_id, { stat: statFile });
    if (!entry) return item;
    return {
      ...item,
      status: "skipped" as const,
      skip_reason: "exists",
      path: entry.path,
      action: undefined,
    };
  }));
  return { ...plan, items };
}

/** The index's view of a file: size and mtime, undefined when missing. */
export async function statFile(
  path: string,
): Promise<{ size: number; mtimeMs: number | null } | undefined> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? { size: info.size, mtimeMs: info.mtime?.getTime() ?? null } : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
