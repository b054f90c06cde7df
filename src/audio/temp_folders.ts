/**
 * The library's temp root, where tracks are assembled. What killed runs leave there is removed
 * by the next run once it holds the library's lock (library/run_lock.ts), not by age.
 */
import { join } from "node:path";

/** The folder under the library root where tracks are assembled before the rename (same file system). */
export function tempRootFor(libraryRoot: string): string {
  return join(libraryRoot, ".tunedl-tmp");
}
