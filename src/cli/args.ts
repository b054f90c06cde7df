/** Command-line parsing on top of node:util's parseArgs, with tunedl's usage errors. */
import { parseArgs } from "node:util";
import { UsageError } from "../errors/mod.ts";

/** A flag a command accepts. */
export interface FlagSpec {
  type: "boolean" | "string";
  short?: string;
  multiple?: boolean;
}

/** Parsed flags and positionals of one command. */
export interface ParsedArgs {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses a command's arguments; unknown flags are a UsageError naming the command. */
export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: { flags: Record<string, FlagSpec>; maxPositionals?: number },
): ParsedArgs {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: options.flags,
      allowPositionals: true,
      strict: true,
    });
    const max = options.maxPositionals ?? 0;
    if (parsed.positionals.length > max) {
      throw new UsageError(
        `tunedl ${command}: unexpected argument "${parsed.positionals[max]}"`,
        { hint: `Run "tunedl ${command} --help" for usage.` },
      );
    }
    return { flags: parsed.values as ParsedArgs["flags"], positionals: parsed.positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // node's parseArgs appends advice about "--" to unknown options; keep the first sentence.
    const message = (error instanceof Error ? error.message.split("\n")[0] : String(error))
      .split(". To specify")[0];
    throw new UsageError(`tunedl ${command}: ${message.replace(/\.$/, "")}`, {
      hint: `Run "tunedl ${command} --help" for usage.`,
    });
  }
}
