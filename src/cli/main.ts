/** The tunedl command: dispatches to subcommands and maps failures to exit codes. */
import { ExitCode, UsageError } from "../errors/mod.ts";
import { reportError } from "./report_error.ts";
import type { CliIo } from "./io.ts";
import type { Command } from "./command.ts";
import { VERSION } from "./version.ts";
import { COMMAND_SPECS, EXIT_CODES } from "./command_specs.ts";

const commands = new Map<string, () => Promise<Command>>([
  ["download", async () => (await import("./download_command.ts")).downloadCommand],
  ["plan", async () => (await import("./plan_command.ts")).planCommand],
  ["validate", async () => (await import("./validate_command.ts")).validateCommand],
  ["explain", async () => (await import("./explain_command.ts")).explainCommand],
  ["doctor", async () => (await import("./doctor_command.ts")).doctorCommand],
  ["cache", async () => (await import("./cache_command.ts")).cacheCommand],
  ["login", async () => (await import("./login_command.ts")).loginCommand],
  ["logout", async () => (await import("./login_command.ts")).logoutCommand],
  ["completions", async () => (await import("./completions_command.ts")).completionsCommand],
  ["report", async () => (await import("./report_command.ts")).reportCommand],
]);
/** The top-level help text. */
export function helpText(): string {
  const width = Math.max(...COMMAND_SPECS.map((spec) => spec.name.length));
  const lines = COMMAND_SPECS.map((spec) => `  ${spec.name.padEnd(width)}  ${spec.summary}`);
  return [
    `tunedl ${VERSION}: a Spotify list in, a tagged music library out`,
    "",
    "Usage: tunedl <command> [options]",
    "       tunedl download <spotify link>...   (no config file needed)",
    "",
    "Commands:",
    ...lines,
    "",
    "Common options: --config FILE (default ./config.yaml), --json, --help",
    'Run "tunedl <command> --help" for a command\'s options.',
    "",
    EXIT_CODES,
    "",
  ].join("\n");
}

/** Runs the CLI with the given arguments; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(helpText());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.out(`tunedl ${VERSION} (deno ${Deno.version.deno})\n`);
    return ExitCode.ok;
  }
  const verbose = rest.includes("--verbose") || rest.includes("-v");
  let hasVerbose = false;
  try {
    const load = commands.get(name);
    if (!load) {
      throw new UsageError(`unknown command "${name}"`, {
        hint: `Commands: ${[...commands.keys()].join(", ")}. Run "tunedl --help".`,
      });
    }
    const command = await load();
    hasVerbose = command.usage.includes("--verbose");
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(`${command.usage.trimEnd()}\n`);
      return ExitCode.ok;
    }
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, io, { verbose: verbose && hasVerbose, hasVerbose });
  }
}
