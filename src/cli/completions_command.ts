/** `tunedl completions <shell>`: prints the shell completion script. */
import { UsageError } from "../errors/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { COMMAND_SPECS, commandSpec, COMPLETION_SHELLS } from "./command_specs.ts";
import { completionScript, type CompletionShell } from "./completions.ts";

const COMPLETIONS = commandSpec("completions");

export const completionsCommand: Command = {
  summary: COMPLETIONS.summary,
  usage: usageText(COMPLETIONS),
  run(argv, io) {
    const { positionals } = parseCommandArgs("completions", argv, {
      flags: parserFlags(COMPLETIONS),
      maxPositionals: 1,
    });
    const shell = positionals[0];
    if (!shell || !(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
      throw new UsageError(
        shell ? `tunedl completions: unknown shell "${shell}"` : "tunedl completions: which shell?",
        { hint: `Use one of: ${COMPLETION_SHELLS.join(", ")}.` },
      );
    }
    io.out(completionScript(shell as CompletionShell, COMMAND_SPECS));
    return Promise.resolve(0);
  },
};
