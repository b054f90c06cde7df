/** How an error reaches the user: one line, a hint, an exit code. */
import { formatProblem, InvalidConfigError } from "../config/mod.ts";
import { ExitCode, isTunedlError } from "../errors/mod.ts";
import type { CliIo } from "./io.ts";
import { printable } from "./terminal_text.ts";

/** Prints a failure as one line (plus a hint) and returns its exit code. */
export function reportError(
  error: unknown,
  io: CliIo,
  options: { verbose?: boolean; hasVerbose?: boolean } = {},
): number {
  if (error instanceof InvalidConfigError) {
    for (const warning of error.warnings) io.err(`warning: ${printable(warning)}\n`);
    // Each problem with its own hint right under it, not all hints in one block after.
    for (const problem of error.problems) {
      io.err(`error: ${printable(formatProblem(problem))}\n`);
      if (problem.hint) io.err(`hint: ${printable(problem.hint)}\n`);
    }
    return error.exitCode;
  }
  if (isTunedlError(error)) {
    // A config error lists one problem per line; each line is made safe on its own.
    io.err(`error: ${error.message.split("\n").map(printable).join("\n")}\n`);
    for (const line of error.hint?.split("\n") ?? []) io.err(`hint: ${printable(line)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error: unexpected failure: ${printable(message)}\n`);
  if (options.verbose && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  else if (options.hasVerbose) {
    io.err("hint: this is a bug in tunedl; run again with --verbose and report the output.\n");
  } else io.err("hint: this is a bug in tunedl; please report it with the command you ran.\n");
  return ExitCode.failed;
}
