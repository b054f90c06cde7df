/** tunedl entry point: wires the real process into the CLI. */
import { processIo, runCli, taskStartFolder } from "./src/cli/mod.ts";

if (import.meta.main) {
  // `deno task cli` runs in the project's folder; the user means the folder they typed it in.
  const folder = taskStartFolder(Deno.env.toObject());
  if (folder !== undefined) Deno.chdir(folder);
  Deno.exit(await runCli(Deno.args, processIo()));
}
