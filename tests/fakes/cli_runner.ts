/**
 * Runs the real `tunedl` command as a subprocess, the way `deno task cli` does,
 * for end-to-end tests. The permission flags come from deno.json's `cli` task
 * (through scripts/runtime_flags.ts), so a test never runs with permissions
 * the shipped command lacks. The child gets a clean environment: PATH, HOME
 * (on Windows also the system variables every process needs) and what the
 * test passes; never the developer's TUNEDL_* or Spotify settings.
 *
 * With TUNEDL_TEST_BINARY set to a compiled tunedl (`deno task compile`), every
 * test that starts tunedl through this module runs that binary instead, so the
 * same end-to-end tests check what users download (CI does this where Deno's
 * base runtime can be fetched).
 *
 * Usage:
 *   await using work = await makeTempWorkspace();
 *   const config = await work.writeConfig({ version: "1.2", songs: [...] });
 *   const run = await runTunedl(["plan", "--config", config, "--json"], {
 *     env: { TUNEDL_CACHE_DIR: work.cacheDir, ... },
 *   });
 */
import assert from "node:assert/strict";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { findExecutable } from "../../src/audio/mod.ts";
import { type CliIo, runCli } from "../../src/cli/mod.ts";
import { readDenoJson, runtimeFlags } from "../../scripts/runtime_flags.ts";

const PROJECT_ROOT_URL = new URL("../../", import.meta.url);
const DENO_JSON_URL = new URL("deno.json", PROJECT_ROOT_URL);
const MAIN_URL = new URL("main.ts", PROJECT_ROOT_URL);

/** The project's root folder (where deno.json and main.ts are). */
export const PROJECT_ROOT: string = fileURLToPath(PROJECT_ROOT_URL);

/** Options of {@link runTunedl}. */
export interface RunTunedlOptions {
  /** Extra environment for the child, on top of PATH and HOME. */
  env?: Record<string, string>;
  /** Working folder of the child (default: the test process's). */
  cwd?: string;
  /** Text fed to the child's stdin (default: no stdin). */
  stdin?: string;
  /** Stops the child (SIGKILL) when aborted. */
  signal?: AbortSignal;
  /**
   * Runs the CLI entry in this process with a captured I/O instead of a child (much faster),
   * unless TUNEDL_TEST_BINARY names a binary to test. For commands that need no real process:
   * no stdin, no signals, no permission checks.
   */
  inProcess?: boolean;
}

/** What a finished `tunedl` run left behind. */
export interface TunedlRun {
  code: number;
  stdout: string;
  stderr: string;
}

let cliFlags: Promise<string[]> | undefined;

/** The `deno run` flags of deno.json's `cli` task (read once per process). */
export function cliTaskFlags(): Promise<string[]> {
  cliFlags ??= readDenoJson(DENO_JSON_URL).then((denoJson) => runtimeFlags(denoJson));
  return cliFlags;
}

/** A program and its arguments. */
export interface CommandLine {
  program: string;
  args: string[];
}

/** The compiled tunedl under test, if any: TUNEDL_TEST_BINARY (absolute, or relative to the root). */
export function testBinary(): string | undefined {
  const binary = Deno.env.get("TUNEDL_TEST_BINARY");
  if (!binary) return undefined;
  return isAbsolute(binary) ? binary : join(PROJECT_ROOT, binary);
}

/** The command line that runs `tunedl <args>`: the compiled binary, or main.ts as `deno task cli` runs it. */
export async function tunedlCommand(args: readonly string[]): Promise<CommandLine> {
  const binary = testBinary();
  if (binary) return { program: binary, args: [...args] };
  // --config: the child may run in a temp folder, where Deno would not find
  // deno.json (its import map) on its own; `deno task` runs from the root.
  return {
    program: Deno.execPath(),
    args: [
      "run",
      ...await cliTaskFlags(),
      "--config",
      fileURLToPath(DENO_JSON_URL),
      fileURLToPath(MAIN_URL),
      ...args,
    ],
  };
}

// A Windows child needs these: without SystemRoot it cannot open a socket (Winsock error
// 10106), and yt-dlp's Python and ffmpeg look up the temp and profile folders. None of them
// is a TUNEDL_* or Spotify setting.
const WINDOWS_ENV = [
  "SystemRoot",
  "windir",
  "TEMP",
  "TMP",
  "USERPROFILE",
  "LOCALAPPDATA",
  "APPDATA",
  "PATHEXT",
  "ComSpec",
  "ProgramData",
];

function windowsSystemEnv(): Record<string, string> {
  // Windows spells names freely ("Path", "SYSTEMROOT"), so they are matched without case.
  const parent = new Map(
    Object.entries(Deno.env.toObject()).map(([name, value]) => [name.toUpperCase(), value]),
  );
  const env: Record<string, string> = {};
  for (const name of WINDOWS_ENV) {
    const value = parent.get(name.toUpperCase());
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The environment a child gets: PATH, HOME, Deno's cache folder (Windows: its system variables), then `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  // DENO_DIR is where the compiled modules and npm packages are; without it a
  // developer with a custom DENO_DIR would make every child download again.
  for (const name of ["PATH", "HOME", "DENO_DIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  if (Deno.build.os === "windows") Object.assign(env, windowsSystemEnv());
  env.DENO_NO_UPDATE_CHECK = "1";
  return { ...env, ...extra };
}

/** Starts `tunedl <args>` as a child with a clean environment, stdout and stderr piped. */
export async function spawnTunedl(
  args: readonly string[],
  options: Omit<RunTunedlOptions, "stdin" | "inProcess"> & { stdin?: "null" | "piped" } = {},
): Promise<Deno.ChildProcess> {
  const { program, args: programArgs } = await tunedlCommand(args);
  return new Deno.Command(program, {
    args: programArgs,
    cwd: options.cwd,
    env: cleanEnv(options.env),
    clearEnv: true,
    stdin: options.stdin ?? "null",
    stdout: "piped",
    stderr: "piped",
    signal: options.signal,
  }).spawn();
}

/** Runs `tunedl <args>` (in a subprocess unless `inProcess`) and collects its exit code and output. */
export async function runTunedl(
  args: readonly string[],
  options: RunTunedlOptions = {},
): Promise<TunedlRun> {
  if (options.inProcess && !testBinary()) return await runTunedlInProcess(args, options);
  const child = await spawnTunedl(args, {
    cwd: options.cwd,
    env: options.env,
    signal: options.signal,
    stdin: options.stdin === undefined ? "null" : "piped",
  });
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** The CLI entry called in this process with the environment a child would get. */
async function runTunedlInProcess(
  args: readonly string[],
  options: RunTunedlOptions,
): Promise<TunedlRun> {
  let stdout = "";
  let stderr = "";
  const env = cleanEnv(options.env);
  const io: CliIo = {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    env,
    cwd: options.cwd ?? Deno.cwd(),
    os: Deno.build.os === "darwin" ? "darwin" : Deno.build.os === "windows" ? "windows" : "linux",
    home: env.HOME ?? env.USERPROFILE,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** Parses stdout as exactly one JSON document (JSON.parse rejects anything around it). */
export function parseStdoutJson<T>(run: TunedlRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch (error) {
    throw new assert.AssertionError({
      message: `stdout is not one JSON document (${(error as Error).message}):\n${run.stdout}\n` +
        `stderr:\n${run.stderr}`,
    });
  }
}

/** A config as YAML text, or as data to write as YAML. */
export type ConfigContent = string | Record<string, unknown>;

/** Writes a config file into `dir` (default name config.yaml) and returns its path. */
export async function writeTempConfig(
  dir: string,
  content: ConfigContent,
  options: { name?: string } = {},
): Promise<string> {
  const path = join(dir, options.name ?? "config.yaml");
  await Deno.writeTextFile(path, typeof content === "string" ? content : stringify(content));
  return path;
}

/** A temp folder for one test: a config, a cache folder and a library folder; removed on dispose. */
export interface TempWorkspace {
  readonly dir: string;
  /** For TUNEDL_CACHE_DIR. */
  readonly cacheDir: string;
  /** `<dir>/music`: where a relative `output` template puts the library. */
  readonly libraryDir: string;
  /** Writes `<dir>/<name>` (default config.yaml) and returns its path. */
  writeConfig(content: ConfigContent, options?: { name?: string }): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Creates a temp workspace; use with `await using`. */
export async function makeTempWorkspace(
  options: { prefix?: string } = {},
): Promise<TempWorkspace> {
  const dir = await Deno.makeTempDir({ prefix: options.prefix ?? "tunedl-cli-" });
  const cacheDir = join(dir, "cache");
  const libraryDir = join(dir, "music");
  await Deno.mkdir(cacheDir);
  return {
    dir,
    cacheDir,
    libraryDir,
    writeConfig: (content, writeOptions) => writeTempConfig(dir, content, writeOptions),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** The installed yt-dlp (for wrapper scripts that hand over to it), found as tunedl finds it. */
export function installedYtdlp(): string {
  const path = findExecutable("yt-dlp", { env: Deno.env.toObject() });
  assert.ok(path, "yt-dlp is installed");
  return path;
}
