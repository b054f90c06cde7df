/**
 * Whether something is at a path, as node's `existsSync` answers (links followed, any error a
 * no), without `node:fs`: loading Deno's node:fs layer costs a download about 12 ms at start.
 */
export function pathExistsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
