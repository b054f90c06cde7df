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

/** The real process's I/O. */
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
  return {
    out: (text) => writeAll(Deno.stdout, text),
    err: (text) => writeAll(Deno.stderr, text),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    stderrIsTerminal: Deno.stderr.isTerminal(),
    columns,
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
