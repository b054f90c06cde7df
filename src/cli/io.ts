import { batchedWriter } from "./batched_output.ts";

/** The process surface the commands use, injectable so tests can capture it. */
export interface CliIo {
  /** Writes to stdout as is (no newline added). */
  out(text: string): void;
  /** Writes to stderr as is. */
  err(text: string): void;
  /** Whether stdout is a terminal: live progress and colours are drawn only then. */
  stdoutIsTerminal: boolean;
  /** Whether stderr is a terminal (no command reads it yet). */
  stderrIsTerminal: boolean;
  /** Width of the terminal in characters; undefined when not a terminal. */
  columns?: number;
  /** The terminal's size now (it may be resized while tunedl runs); undefined off a terminal. */
  terminalSize?: () => { columns: number; rows: number } | undefined;
  /** The process environment (TUNEDL_* settings, Spotify credentials, PATH). */
  env: Record<string, string | undefined>;
  /** Working folder; relative paths on the command line resolve against it. */
  cwd: string;
  /** The OS whose conventions apply (cache folder, program names). */
  os: "linux" | "darwin" | "windows";
  /** The user's home folder (HOME, else USERPROFILE); undefined when neither is set. */
  home?: string;
}

const encoder = new TextEncoder();

/**
 * The real process's I/O. Off a terminal stdout is written in batches (see batched_output.ts);
 * a write to stderr first writes what stdout holds, so a log of both keeps their order, and the
 * rest is written when the process exits.
 */
export function processIo(): CliIo {
  let columns: number | undefined;
  try {
    columns = Deno.consoleSize().columns;
  } catch {
    columns = undefined;
  }
  const os = Deno.build.os === "darwin"
    ? "darwin"
    : Deno.build.os === "windows"
    ? "windows"
    : "linux";
  const stdoutIsTerminal = Deno.stdout.isTerminal();
  let out = (text: string) => writeAll(Deno.stdout, text);
  let beforeErr = () => {};
  if (!stdoutIsTerminal) {
    const batched = batchedWriter(out);
    out = batched.write;
    beforeErr = batched.flush;
    // An uncaught error ends the process without "unload".
    for (const event of ["unload", "error", "unhandledrejection"]) {
      globalThis.addEventListener(event, batched.flush);
    }
  }
  return {
    out,
    err: (text) => {
      beforeErr();
      writeAll(Deno.stderr, text);
    },
    stdoutIsTerminal,
    stderrIsTerminal: Deno.stderr.isTerminal(),
    columns,
    terminalSize: () => {
      try {
        return Deno.consoleSize();
      } catch {
        return undefined;
      }
    },
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    os,
    home: Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE"),
  };
}

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) {
    const n = stream.writeSync(bytes);
    bytes = bytes.subarray(n);
  }
}

/** Where live progress is drawn: one of the CLI's streams, with the terminal's current size. */
export function terminalSink(io: CliIo, stream: "stdout" | "stderr"): {
  write(text: string): void;
  isTerminal: boolean;
  readonly columns: number | undefined;
  readonly rows: number | undefined;
} {
  return {
    write: stream === "stdout" ? io.out : io.err,
    isTerminal: stream === "stdout" ? io.stdoutIsTerminal : io.stderrIsTerminal,
    get columns() {
      return io.terminalSize?.()?.columns ?? io.columns;
    },
    get rows() {
      return io.terminalSize?.()?.rows;
    },
  };
}

/**
 * The folder `deno task cli` / `deno task download` was typed in (deno sets INIT_CWD; our
 * tasks set TUNEDL_TASK), or undefined when tunedl was started some other way.
 */
export function taskStartFolder(env: Record<string, string | undefined>): string | undefined {
  if (env.TUNEDL_TASK !== "1") return undefined;
  const folder = env.INIT_CWD;
  return folder !== undefined && folder !== "" ? folder : undefined;
}
