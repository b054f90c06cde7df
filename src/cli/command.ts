import type { CliIo } from "./io.ts";

/** One subcommand: its one-line summary, usage text and runner. */
export interface Command {
  /** One-line description of the command (the top-level help keeps its own list in main.ts). */
  summary: string;
  /** Full help text, printed by `tunedl help <command>` and `--help`. */
  usage: string;
  /** Runs the command on the arguments after its name; resolves to the exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}
