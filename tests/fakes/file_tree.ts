/** Reading back what a test run left on disk, and clearing it away on every OS. */
import { join, sep } from "node:path";

/** Every file under `dir` (recursively), absolute paths, sorted; none when `dir` does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(current));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory) await walk(path);
      else found.push(path);
    }
  };
  await walk(dir);
  return found.sort();
}

/** The files of a library as its user sees them: {@link listFiles} without tunedl's own `.tunedl/` records. */
export async function listLibraryFiles(libraryDir: string): Promise<string[]> {
  const own = join(libraryDir, ".tunedl");
  return (await listFiles(libraryDir)).filter((path) => !path.startsWith(own + sep));
}

/** Options of {@link retryWhileHeld}. */
export interface RetryWhileHeldOptions {
  /** How long to keep trying on Windows (default 5 s). */
  timeoutMs?: number;
}

// Windows refuses to delete or rename a file something still has open, and a Deno KV database or
// a child process lets go of its files a moment after it was closed or ended. Elsewhere open files
// can be removed, so there the first failure is final.

/** Runs a file operation; on Windows again, for a while, when it fails with anything but NotFound. */
export async function retryWhileHeld<T>(
  operation: () => Promise<T>,
  options: RetryWhileHeldOptions = {},
): Promise<T> {
  if (Deno.build.os !== "windows") return await operation();
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  while (true) {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Removes a file or folder, waiting on Windows until nothing holds it (see {@link retryWhileHeld}). */
export async function removeWithRetry(
  path: string,
  options: { recursive?: boolean; missingOk?: boolean } = {},
): Promise<void> {
  try {
    await retryWhileHeld(() => Deno.remove(path, { recursive: options.recursive }));
  } catch (error) {
    if (!(options.missingOk && error instanceof Deno.errors.NotFound)) throw error;
  }
}

// Before a test touches a just-closed KV file or its -wal/-shm neighbours: SQLite may still write
// to the file, or delete the neighbours, when it finally lets go on Windows.

/** Waits until nothing holds a file open (Windows: until it can be renamed and put back). */
export async function waitUntilReleased(path: string): Promise<void> {
  if (Deno.build.os !== "windows") return;
  const probe = `${path}.release-probe`;
  await retryWhileHeld(() => Deno.rename(path, probe));
  await Deno.rename(probe, path);
}
