/**
 * A command's definition as data: its arguments, flags (with their value
 * choices) and texts. The parser, `--help` and the shell completions are all
 * made from it, so they cannot disagree.
 */
import type { FlagSpec } from "./args.ts";

/** One flag of a command. */
export interface FlagDef {
  /** Long name without dashes: "config". */
  name: string;
  short?: string;
  /** A flag that takes a value names it here ("FILE"); without, it is a switch. */
  value?: string;
  description: string;
  /** The values it accepts, offered by completion. */
  choices?: readonly string[];
  /** What completion offers for its value: files, folders or nothing (free text). */
  complete?: "file" | "folder";
}

/** One positional argument (a word, or `...` for any number). */
export interface PositionalDef {
  /** Shown in usage: "<link>". */
  name: string;
  description: string;
  /** The words it may be, offered by completion (all of them when `only` is true). */
  choices?: readonly string[];
  /** Only these words (e.g. `cache clear <target>`); otherwise free text too. */
  only?: boolean;
  /** Applies only after this word in the previous position (`clear` for the cache target). */
  after?: string;
  /** Any number of these. */
  repeat?: boolean;
  /** Choices with their own descriptions, for help ("liked  download your Liked Songs"). */
  choiceHelp?: Readonly<Record<string, string>>;
}

/** One subcommand. */
export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** After "Usage: tunedl <name> ". */
  synopsis: string;
  /** Paragraphs between the usage line and the arguments. */
  description: string;
  positionals: PositionalDef[];
  flags: FlagDef[];
  /** Closing paragraph (exit codes). */
  footer?: string;
}

/** The node:util parseArgs options of a command's flags. */
export function parserFlags(spec: CommandSpec): Record<string, FlagSpec> {
  return Object.fromEntries(spec.flags.map((flag) => [
    flag.name,
    {
      type: flag.value === undefined ? "boolean" : "string",
      ...(flag.short ? { short: flag.short } : {}),
    } satisfies FlagSpec,
  ]));
}

/** How a flag reads in help: "-c, --config FILE". */
export function flagLabel(flag: FlagDef): string {
  const long = `--${flag.name}${flag.value ? ` ${flag.value}` : ""}`;
  return flag.short ? `-${flag.short}, ${long}` : `    ${long}`;
}

function table(rows: [string, string][], indent = "  "): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  const lines: string[] = [];
  for (const [left, right] of rows) {
    const [first, ...rest] = right.split("\n");
    lines.push(`${indent}${left.padEnd(width)}  ${first}`);
    for (const line of rest) lines.push(`${indent}${" ".repeat(width)}  ${line}`);
  }
  return lines;
}

/** The `--help` text of a command. */
export function usageText(spec: CommandSpec): string {
  const lines = [`Usage: tunedl ${spec.name}${spec.synopsis ? ` ${spec.synopsis}` : ""}`];
  if (spec.description) lines.push("", spec.description.trimEnd());
  const argumentRows: [string, string][] = [];
  for (const positional of spec.positionals) {
    if (positional.choiceHelp) {
      for (const [word, text] of Object.entries(positional.choiceHelp)) {
        argumentRows.push([positional.after ? `${positional.after} ${word}` : word, text]);
      }
    } else {
      argumentRows.push([positional.name, positional.description]);
    }
  }
  if (argumentRows.length > 0) lines.push("", "Arguments:", ...table(argumentRows));
  if (spec.flags.length > 0) {
    const rows = spec.flags.map((flag): [string, string] => [
      flagLabel(flag),
      flag.choices && !flag.description.includes(flag.choices[0])
        ? `${flag.description} (${flag.choices.join(", ")})`
        : flag.description,
    ]);
    lines.push("", "Options:", ...table(rows));
  }
  if (spec.footer) lines.push("", spec.footer.trimEnd());
  return `${lines.join("\n")}\n`;
}
