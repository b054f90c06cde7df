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
      args: joinNegativeValues(argv, options.flags),
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
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    throw new UsageError(`tunedl ${command}: ${message.replace(/\.$/, "")}`, {
      hint: (unknown !== undefined ? OTHER_WAYS[unknown] : undefined) ??
        `Run "tunedl ${command} --help" for usage.`,
    });
  }
}

/** Options people bring from other tools, and where tunedl does that instead. */
const OTHER_WAYS: Record<string, string> = {
  "--dry-run": 'To see what would be downloaded, without downloading, run "tunedl plan".',
  "-n": 'To see what would be downloaded, without downloading, run "tunedl plan".',
};

/**
 * `--timeout -5` as `--timeout=-5`: parseArgs would read `-5` as an option and call the
 * whole thing ambiguous, where the user should hear that -5 is not a valid value.
 */
function joinNegativeValues(argv: readonly string[], flags: Record<string, FlagSpec>): string[] {
  const takesValue = new Set<string>();
  for (const [name, spec] of Object.entries(flags)) {
    if (spec.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (spec.short) takesValue.add(`-${spec.short}`);
  }
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else args.push(arg);
  }
  return args;
}
