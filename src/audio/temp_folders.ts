/** Removes work folders that a killed run (kill -9, power loss) left in the library's temp root. */
import { join } from "node:path";

/** Deletes entries of tempRoot older than olderThanMs; younger ones may belong to a running tunedl. */
export async function removeStaleTempFolders(
  tempRoot: string,
  options: { olderThanMs: number; now?: number },
): Promise<number> {
  const now = options.now ?? Date.now();
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(tempRoot)) {
      const path = join(tempRoot, entry.name);
      try {
        const info = await Deno.lstat(path);
        const age = now - (info.mtime?.getTime() ?? now);
        if (age >= options.olderThanMs) {
          await Deno.remove(path, { recursive: true });
          removed++;
        }
      } catch { /* gone meanwhile */ }
    }
  } catch { /* no temp root */ }
  return removed;
}
