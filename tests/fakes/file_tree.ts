/** Reading back what a test run left on disk. */
import { join } from "node:path";

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
