/**
 * The permission and unstable flags tunedl runs with, read from one place: the `cli` task in
 * deno.json. `deno task compile` bakes the same flags into the binaries, so a permission added to
 * the task reaches the release builds without a second list to keep in step.
 */
import { ConfigError } from "../src/errors/mod.ts";

/** The parts of deno.json these scripts read. */
export interface DenoJson {
  version?: string;
  tasks?: Record<string, string | { command?: string }>;
  imports?: Record<string, string>;
}

/** Options of runtimeFlags. */
export interface RuntimeFlagsOptions {
  /** The task to read; `cli` unless told. */
  task?: string;
}

// Long permission flags (optionally `=list`), Deno 2's one-letter aliases, unstable features,
// and V8 settings (which `deno compile` bakes into the binary like the rest).
const runtimeFlagPattern =
  /^(--(allow|deny)-[a-z-]+(=.*)?|-[ARWNESP]|--permission-set(=.*)?|--unstable(-[a-z0-9-]+)?|--v8-flags=.+)$/;

/** Whether a command-line token is a permission, unstable or V8 flag. */
export function isRuntimeFlag(token: string): boolean {
  return runtimeFlagPattern.test(token);
}

/** The permission and unstable flags a `deno run ... main.ts` command line passes, in order. */
export function runtimeFlagsOfCommand(command: string): string[] {
  // Leading `NAME=value` words set the environment of the task (TUNEDL_TASK=1), not flags.
  const words = command.trim().split(/\s+/);
  const tokens = words.slice(words.findIndex((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)));
  if (tokens[0] !== "deno" || tokens[1] !== "run") {
    throw new ConfigError(`expected a "deno run" command, got "${command}"`, {
      hint: 'Start the task with "deno run" followed by its flags and main.ts.',
    });
  }
  // Flags after the script belong to tunedl, not to Deno.
  const script = tokens.findIndex((token, index) => index >= 2 && !token.startsWith("-"));
  const denoFlags = tokens.slice(2, script === -1 ? undefined : script);
  return denoFlags.filter(isRuntimeFlag);
}

/** The permission and unstable flags of deno.json's `cli` task (or `options.task`). */
export function runtimeFlags(denoJson: DenoJson, options: RuntimeFlagsOptions = {}): string[] {
  const name = options.task ?? "cli";
  const task = denoJson.tasks?.[name];
  const command = typeof task === "string" ? task : task?.command;
  if (command === undefined) {
    throw new ConfigError(`deno.json has no "${name}" task`, {
      hint: `Add the "${name}" task: deno run <permission flags> main.ts`,
    });
  }
  const flags = runtimeFlagsOfCommand(command);
  if (flags.length === 0) {
    throw new ConfigError(`deno.json's "${name}" task passes no permission flags`, {
      hint: "tunedl needs network, file, env and subprocess permissions; list them in the task.",
    });
  }
  return flags;
}

/** Reads and parses deno.json from the given file URL. */
export async function readDenoJson(url: URL): Promise<DenoJson> {
  try {
    return JSON.parse(await Deno.readTextFile(url)) as DenoJson;
  } catch (error) {
    throw new ConfigError(`cannot read ${url.pathname}: ${(error as Error).message}`, {
      cause: error,
      hint: "Run from a checkout of tunedl with a valid deno.json.",
    });
  }
}
