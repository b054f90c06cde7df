/** Whether a folder can be created and written, found before a run relies on it. */
import { join } from "node:path";

/** Why files cannot be written in `dir` (created if missing), or undefined when they can. */
export async function folderWriteProblem(dir: string): Promise<string | undefined> {
  const probe = join(dir, `.tunedl-probe-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(probe, "probe\n", { createNew: true });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await Deno.remove(probe).catch(() => {});
  }
  return undefined;
}
