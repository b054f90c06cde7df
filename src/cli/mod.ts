/** The command-line interface: argument parsing, commands and wiring. */
export { helpText, runCli } from "./main.ts";
export { reportError } from "./report_error.ts";
export type { Command } from "./command.ts";
export { type CliIo, processIo, taskStartFolder } from "./io.ts";
export { VERSION } from "./version.ts";
