import type { CliIo } from "./io.ts";

/** One subcommand: its one-line summary, usage text and runner. */
export interface Command {
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
