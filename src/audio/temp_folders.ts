/** The library's temp root, where tracks are assembled, and removal of what killed runs left there. */
import { join } from "node:path";

/** The folder under the library root where tracks are assembled before the rename (same file system). */
export function tempRootFor(libraryRoot: string): string {
  return join(libraryRoot, ".tunedl-tmp");
}

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
