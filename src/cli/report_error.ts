/** How an error reaches the user: one line, a hint, an exit code. */
import { InvalidConfigError } from "../config/mod.ts";
import { ExitCode, isTunedlError } from "../errors/mod.ts";
import type { CliIo } from "./io.ts";

/** Prints a failure as one line (plus a hint) and returns its exit code. */
export function reportError(
  error: unknown,
  io: CliIo,
  options: { verbose?: boolean } = {},
): number {
  if (error instanceof InvalidConfigError) {
    for (const warning of error.warnings) io.err(`warning: ${warning}\n`);
  }
  if (isTunedlError(error)) {
    io.err(`error: ${error.message}\n`);
    for (const line of error.hint?.split("\n") ?? []) io.err(`hint: ${line}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error: unexpected failure: ${message}\n`);
  if (options.verbose && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  else io.err("hint: this is a bug in tunedl; run again with --verbose and report the output.\n");
  return ExitCode.failed;
}
