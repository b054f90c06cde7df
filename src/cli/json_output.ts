/** `--json` output: stdout holds exactly one JSON document, also on failure. */
import { InvalidConfigError } from "../config/mod.ts";
import { isTunedlError, toTunedlError } from "../errors/mod.ts";
import type { CliIo } from "./io.ts";
import { snakeCaseKeys } from "../util/mod.ts";
import { reportError } from "./report_error.ts";

/** Writes one JSON document (keys in snake_case) and a newline to stdout. */
export function writeJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(snakeCaseKeys(value), null, 2)}\n`);
}

/**
 * Runs a reporting command body; with `json`, a failure is written as
 * `{"ok": false, "error": {...}}` on stdout as well as explained on stderr.
 */
export async function runReporting(
  io: CliIo,
  json: boolean,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (json) {
      const typed = toTunedlError(error);
      writeJson(io, {
        ok: false,
        error: {
          code: isTunedlError(error) ? typed.code : "internal",
          message: typed.message,
          hint: typed.hint,
          ...(error instanceof InvalidConfigError ? { warnings: error.warnings } : {}),
        },
        ...(error instanceof InvalidConfigError
          ? {
            errors: error.problems.map((problem) => ({
              file: problem.file,
              line: problem.line,
              column: problem.column,
              key: problem.path,
              message: problem.message,
              hint: problem.hint ?? null,
            })),
          }
          : {}),
      });
    }
    return reportError(error, io);
  }
}
