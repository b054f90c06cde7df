/** tunedl entry point: wires the real process into the CLI. */
import { processIo, runCli } from "./src/cli/mod.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, processIo()));
}
