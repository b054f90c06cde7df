/**
 * Runs external programs (yt-dlp, ffmpeg, ffprobe) with bounded output capture,
 * cancellation and timeouts. Every child starts in its own process group
 * (session) so that cancelling also ends what it spawned (yt-dlp runs ffmpeg).
 */
import { win32 } from "node:path";
import { isAbsolute } from "node:path";
import { CancelledError, DependencyError, TunedlError } from "../errors/mod.ts";
import { isExecutableFile } from "./executables.ts";
import { GroupWatchdog } from "./group_watchdog.ts";

/** Options for one program run. */
export interface RunOptions {
  /** Working folder of the program; default tunedl's own. */
  cwd?: string;
  /** Extra environment variables (added to the inherited environment). */
  env?: Record<string, string>;
  /** Aborting it kills the program and its children. */
  signal?: AbortSignal;
  /** Kill the program (and its children) after this long. */
  timeoutMs?: number;
  /** Bytes of stdout and of stderr kept (the tail); default 1 MiB each. */
  maxOutputBytes?: number;
  /** Called with each complete stdout line, as it arrives. */
  onStdoutLine?: (line: string) => void;
  /** Called with each complete stderr line, as it arrives. */
  onStderrLine?: (line: string) => void;
  /** Time between SIGTERM and SIGKILL when stopping; default 2000 ms. */
  killGraceMs?: number;
  /**
   * The run's shared watchdog ({@link createGroupWatchdog}): the program starts without a
   * watchdog shell of its own and is named to this one. Default: a watchdog per program.
   */
  watchdog?: GroupWatchdog;
  /**
   * The program starts none of its own (ffmpeg and ffprobe on local files). On POSIX it then
   * runs in tunedl's process group, without setsid(1) in front: that second start cost a
   * download slot about 5 ms on a busy 2-core machine (bench: efficiency 0.897 -> 0.91). It is
   * stopped by its own handle, never by pid after it ended; the terminal's Ctrl-C reaches it
   * too, and the first Ctrl-C stops running tracks anyway. Default false.
   */
  startsNoPrograms?: boolean;
}

/** What a finished program left behind. */
export interface RunResult {
  /** Exit code (128 + signal number when killed by a signal). */
  code: number;
  /** Whether the exit code was 0. */
  success: boolean;
  /** The signal that ended the program ("SIGKILL"), or null when it exited by itself. */
  signal: string | null;
  /** Standard output, decoded as UTF-8 (only the end when truncated). */
  stdout: string;
  /** Standard error, decoded as UTF-8 (only the end when truncated). */
  stderr: string;
  /** True when output beyond `maxOutputBytes` was dropped (from the start). */
  stdoutTruncated: boolean;
  /** True when output beyond `maxOutputBytes` was dropped (from the start). */
  stderrTruncated: boolean;
}

/** Runs a program to completion; the shape every audio function accepts for tests and wiring. */
export type ProcessRunner = (
  program: string,
  args: readonly string[],
  options?: RunOptions,
) => Promise<RunResult>;

/** A program ran longer than its time limit and was stopped. */
export class ProcessTimeoutError extends TunedlError {
  /** Always "timeout". */
  override code = "timeout";
  /** Retryable, since a slow service may answer faster next time. */
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { retryable: true, ...options });
  }
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
const DEFAULT_KILL_GRACE_MS = 2000;

/** Keeps the last `limit` bytes of a stream and splits it into lines on the way. */
class OutputCollector {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #dropped = false;
  #decoder = new TextDecoder();
  #pending = "";

  constructor(private readonly limit: number, private readonly onLine?: (line: string) => void) {}

  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.limit && this.#chunks.length > 0) {
      const first = this.#chunks[0];
      const excess = this.#size - this.limit;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
      }
      this.#dropped = true;
    }
    if (this.onLine) this.#emitLines(this.#decoder.decode(chunk, { stream: true }));
  }

  finish(): void {
    if (!this.onLine) return;
    this.#emitLines(this.#decoder.decode());
    if (this.#pending !== "") this.#safeCall(this.#pending);
    this.#pending = "";
  }

  get truncated(): boolean {
    return this.#dropped;
  }

  text(): string {
    const all = new Uint8Array(this.#size);
    let offset = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return new TextDecoder().decode(all);
  }

  #emitLines(text: string): void {
    // yt-dlp rewrites progress lines with \r when --newline is missing; treat it as a break too.
    const parts = (this.#pending + text).split(/\r\n|\n|\r/);
    this.#pending = parts.pop() ?? "";
    for (const line of parts) this.#safeCall(line);
  }

  #safeCall(line: string): void {
    try {
      this.onLine?.(line);
    } catch {
      // A faulty progress callback must not break output collection.
    }
  }
}

/** Bytes read from a program's pipe at a time. */
const PIPE_READ_SIZE = 16 * 1024;

/** How many read buffers wait for the next programs: both pipes of eight at once. */
const SPARE_PIPE_BUFFERS = 16;

// Every program's two pipes need a read buffer; allocated anew, each track (two programs) left
// 64 KiB of buffers for the garbage collector.
const sparePipeBuffers: ArrayBuffer[] = [];

/**
 * Reads a pipe into one reused buffer and keeps exact copies of what came.
 * The default reader hands out each read in a fresh 64 KiB buffer: a program
 * that prints a line at a time (yt-dlp's progress) then holds 64 KiB per line
 * until it exits, and every track leaves megabytes of garbage behind.
 */
async function drain(
  stream: ReadableStream<Uint8Array>,
  collector: OutputCollector,
  giveUp: AbortSignal,
): Promise<void> {
  const reader = stream.getReader({ mode: "byob" });
  const cancel = () => void reader.cancel().catch(() => {});
  giveUp.addEventListener("abort", cancel, { once: true });
  let buffer = new Uint8Array(sparePipeBuffers.pop() ?? new ArrayBuffer(PIPE_READ_SIZE));
  let reusable = false;
  try {
    while (true) {
      const { done, value } = await reader.read(buffer);
      // Both answers hand the buffer back (transferred); a failed read keeps it.
      if (value !== undefined) buffer = new Uint8Array(value.buffer, 0, PIPE_READ_SIZE);
      if (done || value === undefined) {
        reusable = value !== undefined;
        break;
      }
      collector.push(value.slice());
    }
  } catch {
    // The pipe breaks when the process group is killed; what was read is kept.
  } finally {
    giveUp.removeEventListener("abort", cancel);
    collector.finish();
    reader.releaseLock();
  }
  if (reusable && sparePipeBuffers.length < SPARE_PIPE_BUFFERS) {
    sparePipeBuffers.push(buffer.buffer as ArrayBuffer);
  }
}

/** taskkill's arguments that force-end a process and everything it started (Windows; pure). */
export function taskkillArgs(pid: number): string[] {
  // Windows has no process groups to signal; /T walks the child tree, /F does not ask first.
  return ["/PID", String(pid), "/T", "/F"];
}

/** How runProcess starts a program so that it leads a new session. */
export interface Launch {
  /** The program actually started: `program` itself, or setsid. */
  program: string;
  /** Its arguments (for setsid, the program and its arguments). */
  args: string[];
  /** Deno's own way: fork the tunedl process, setsid() in the child, exec. */
  detached: boolean;
  /** Started behind {@link WATCHDOG_SCRIPT}: its stdin must be a pipe that tunedl holds open. */
  watchdog: boolean;
}

/**
 * The shell that starts a program with a watchdog, then becomes the program (exec keeps its pid,
 * exit code and signals). The watchdog reads the pipe on the shell's stdin, which tunedl holds
 * and never writes: when tunedl ends in any way (kill -9 too) the OS closes it, the read ends,
 * and the watchdog kills the whole process group: the program and whatever it started (ffmpeg
 * under yt-dlp). A child's own PR_SET_PDEATHSIG would miss those grandchildren, and macOS has
 * none. The watchdog is started as an orphan (the subshell exits at once), so it is nobody's
 * child to wait for, and it holds none of the program's output pipes.
 */
export const WATCHDOG_SCRIPT: string = "exec 3<&0 </dev/null\n" +
  "( { read -r _ <&3; kill -s KILL 0; } >/dev/null 2>&1 & )\n" +
  'exec "$@" 3<&-';

/**
 * The command that starts `program` in a new session (pure). Deno's `detached` forks the whole
 * tunedl process, which costs about 0.06 ms per MB it holds (35 ms at 600 MB, measured), up to
 * three times per track: the download stage's main cost. setsid(1) is started without a fork
 * (posix_spawn, under 2 ms) and makes the same new session before it execs the program in place,
 * so the pid is the program's and the session's. It is used for programs given by absolute
 * path that runProcess has checked, so a missing one still fails as "not found"; those also get
 * the watchdog shell (`shell`, POSIX only), so they cannot outlive tunedl.
 */
export function launchCommand(
  program: string,
  args: readonly string[],
  options: { setsid?: string; shell?: string; programChecked?: boolean; ownGroup?: boolean } = {},
): Launch {
  // A program that starts no others needs no group to be stopped with its children.
  if (options.ownGroup === false) {
    return { program, args: [...args], detached: false, watchdog: false };
  }
  const checked = options.programChecked === true && isAbsolute(program);
  const watched = checked && options.shell !== undefined
    ? [options.shell, "-c", WATCHDOG_SCRIPT, "tunedl-watchdog", program, ...args]
    : undefined;
  if (options.setsid !== undefined && checked) {
    return {
      program: options.setsid,
      args: watched ?? [program, ...args],
      detached: false,
      watchdog: watched !== undefined,
    };
  }
  if (watched !== undefined) {
    return { program: watched[0], args: watched.slice(1), detached: true, watchdog: true };
  }
  return { program, args: [...args], detached: true, watchdog: false };
}

let shellPath: string | null | undefined;

/** The POSIX shell that runs the watchdog; none on Windows (see README: no orphan guard there). */
function findShell(): string | undefined {
  if (shellPath === undefined) {
    shellPath = Deno.build.os !== "windows" && isExecutableFile("/bin/sh") ? "/bin/sh" : null;
  }
  return shellPath ?? undefined;
}

let setsidPath: string | null | undefined;

/** util-linux's setsid(1), where there is one (Linux); looked up once. */
function findSetsid(): string | undefined {
  if (setsidPath === undefined) {
    setsidPath = null;
    if (Deno.build.os === "linux") {
      for (const candidate of ["/usr/bin/setsid", "/bin/setsid"]) {
        if (isExecutableFile(candidate)) {
          setsidPath = candidate;
          break;
        }
      }
    }
  }
  return setsidPath ?? undefined;
}

/**
 * A watchdog for the programs of one run (see group_watchdog.ts), or undefined where there is
 * no POSIX shell (Windows). It starts with the first program named to it; close it at the end.
 */
export function createGroupWatchdog(): GroupWatchdog | undefined {
  const shell = findShell();
  return shell === undefined ? undefined : new GroupWatchdog({ shell, setsid: findSetsid() });
}

/** Sends a signal to a whole process group (POSIX) or kills a process tree (Windows). */
export async function killProcessTree(pid: number, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  if (Deno.build.os === "windows") {
    try {
      await new Deno.Command("taskkill", {
        args: taskkillArgs(pid),
        stdout: "null",
        stderr: "null",
        stdin: "null",
      }).output();
    } catch {
      // Nothing more can be done; the process may already be gone.
    }
    return;
  }
  signalGroup(pid, signal, Deno.kill);
}

/** Signals the group a child leads, or the child alone when its group does not exist yet. */
function signalGroup(
  pid: number,
  signal: Deno.Signal,
  kill: (pid: number, signal: Deno.Signal) => void,
): void {
  try {
    // Negative pid = the process group the child leads.
    kill(-pid, signal);
    return;
  } catch {
    // ESRCH: the group is gone, or setsid(1) has not made it yet; then the child is setsid
    // itself, which has started nothing.
  }
  try {
    kill(pid, signal);
  } catch {
    // Already gone.
  }
}

// Process groups started by runProcess and not yet exited: a hard exit (second Ctrl-C) cannot
// wait for each run's SIGTERM-then-SIGKILL sequence, so it kills these directly.
const runningGroups = new Set<number>();

/** Options of {@link killRunningProcesses}; replaceable so tests can stand in for the OS. */
export interface KillRunningOptions {
  /** The OS whose way of killing applies (taskkill on windows); default the one running. */
  os?: typeof Deno.build.os;
  /** Sends a signal; default Deno.kill. */
  kill?: (pid: number, signal: Deno.Signal) => void;
  /** Runs a program to its end and tells whether it succeeded; default a quiet Deno.Command. */
  runSync?: (program: string, args: string[]) => boolean;
}

function runQuietlySync(program: string, args: string[]): boolean {
  return new Deno.Command(program, { args, stdin: "null", stdout: "null", stderr: "null" })
    .outputSync().success;
}

/** Kills every still-running program runProcess started, with its children; for an immediate exit. */
export function killRunningProcesses(options: KillRunningOptions = {}): void {
  const os = options.os ?? Deno.build.os;
  const kill = options.kill ?? Deno.kill;
  const runSync = options.runSync ?? runQuietlySync;
  for (const pid of runningGroups) {
    if (os === "windows") {
      // Killing only the child would leave its children (ffmpeg under yt-dlp, python behind a
      // launcher .exe) holding files in the temp folder the caller removes next. Synchronous,
      // because the caller exits right after.
      let killed = false;
      try {
        killed = runSync("taskkill", taskkillArgs(pid));
      } catch {
        // No taskkill on PATH; at least end the child itself.
      }
      if (killed) continue;
    }
    if (os === "windows") {
      try {
        kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    } else {
      signalGroup(pid, "SIGKILL", kill);
    }
  }
  runningGroups.clear();
}

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    id = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(id) };
}

/** Whether a promise settles within ms (leaving no timer behind). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const wait = delay(ms);
  const settled = await Promise.race([
    promise.then(() => true, () => true),
    wait.promise.then(() => false),
  ]);
  wait.cancel();
  return settled;
}

/** Runs a program in its own process group; abort or timeout kills the whole group. */
export async function runProcess(
  program: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const signal = options.signal;
  if (signal?.aborted) throw new CancelledError(`cancelled before starting ${program}`);
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

  let child: Deno.ChildProcess;
  // Windows has no groups to share: taskkill /T ends a tree there either way.
  const ownGroup = options.startsNoPrograms !== true || Deno.build.os === "windows";
  const setsid = ownGroup ? findSetsid() : undefined;
  // With the run's watchdog, no shell of the program's own.
  const shell = options.watchdog === undefined && ownGroup ? findShell() : undefined;
  const launch = launchCommand(program, args, {
    setsid,
    shell,
    programChecked: (setsid !== undefined || shell !== undefined) && isExecutableFile(program),
    ownGroup,
  });
  try {
    child = new Deno.Command(launch.program, {
      args: launch.args,
      cwd: options.cwd,
      env: options.env,
      // The watchdog's pipe: never written, closed by the OS when tunedl ends.
      stdin: launch.watchdog ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
      // A new session/process group, so the whole tree can be signalled at once.
      detached: launch.detached,
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new DependencyError(`program not found: ${program}`, {
        hint: "Install it or set its path in the config (download.ytdlp_path / ffmpeg_path).",
        cause: error,
      });
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new DependencyError(`cannot run ${program}: permission denied`, {
        hint: "Check that the file is executable (chmod +x) and that tunedl may run programs.",
        cause: error,
      });
    }
    throw error;
  }

  const started = child;
  // In tunedl's group the program is signalled alone, through its handle: once it has been
  // waited for, its pid may be another process's.
  const signalProgram = async (signal: "SIGTERM" | "SIGKILL") => {
    if (ownGroup) return await killProcessTree(started.pid, signal);
    try {
      started.kill(signal);
    } catch {
      // It has ended.
    }
  };
  runningGroups.add(child.pid);
  // Named there too: the watchdog kills a pid that leads no group as the pid.
  options.watchdog?.watch(child.pid);
  const stdout = new OutputCollector(limit, options.onStdoutLine);
  const stderr = new OutputCollector(limit, options.onStderrLine);
  const giveUpReading = new AbortController();
  let readingDone = false;
  const reading = Promise.all([
    drain(child.stdout, stdout, giveUpReading.signal),
    drain(child.stderr, stderr, giveUpReading.signal),
  ]).finally(() => (readingDone = true));

  let stopReason: "abort" | "timeout" | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (reason: "abort" | "timeout") => {
    if (stopReason) return;
    stopReason = reason;
    stopping = (async () => {
      await signalProgram("SIGTERM");
      const wait = delay(grace);
      await Promise.race([child.status, wait.promise]);
      wait.cancel();
      // Also catches descendants that ignored SIGTERM or outlived the leader.
      await signalProgram("SIGKILL");
    })();
  };
  const onAbort = () => stop("abort");
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = options.timeoutMs !== undefined
    ? setTimeout(() => stop("timeout"), options.timeoutMs)
    : undefined;

  let status: Deno.CommandStatus;
  try {
    status = await child.status;
    if (stopping) await stopping;
    // Mostly read already (the pipes close as the program exits): then no timer to race.
    if (!readingDone && !(await settlesWithin(reading, grace))) {
      // A leftover descendant still holds the pipes open after the program exited.
      if (ownGroup) await killProcessTree(child.pid, "SIGKILL");
      // One that left the process group (setsid) cannot be killed here; stop waiting for it.
      if (!(await settlesWithin(reading, grace))) giveUpReading.abort();
      await reading;
    }
  } finally {
    // Tells the watchdog to end the group: the program is done, leftovers go with it.
    if (launch.watchdog) await child.stdin.close().catch(() => {});
    if (options.watchdog !== undefined) {
      // What the program left running goes with it (the per-program watchdog does the same).
      // The group only: the program's own pid may already be another process's.
      if (ownGroup) {
        try {
          Deno.kill(-child.pid, "SIGKILL");
        } catch {
          // No one left in the group.
        }
      }
      options.watchdog.release(child.pid);
    }
    runningGroups.delete(child.pid);
    signal?.removeEventListener("abort", onAbort);
    if (timer !== undefined) clearTimeout(timer);
  }

  if (stopReason === "abort") {
    throw new CancelledError(`cancelled: ${win32.basename(program)} was stopped`, {
      cause: signal?.reason,
    });
  }
  if (stopReason === "timeout") {
    throw new ProcessTimeoutError(
      `${win32.basename(program)} did not finish within ${Math.round(options.timeoutMs! / 1000)} s`,
      { hint: "The network may be slow; try again or raise the timeout." },
    );
  }
  return {
    code: status.code,
    success: status.success,
    signal: status.signal,
    stdout: stdout.text(),
    stderr: stderr.text(),
    stdoutTruncated: stdout.truncated,
    stderrTruncated: stderr.truncated,
  };
}
