/** The second Ctrl-C: stop everything at once, without the clean stop's waiting. */
import { killRunningProcesses } from "../audio/mod.ts";
import { ExitCode } from "../errors/mod.ts";

/** Options of {@link hardExit}; each default acts on the real process. */
export interface HardExitOptions {
  /** Ends every running program and what it started; default killRunningProcesses. */
  killAll?: () => void;
  /** Removes a folder tree; default Deno.removeSync (recursive). */
  remove?: (path: string) => void;
  /** Blocks for ms milliseconds. */
  sleep?: (ms: number) => void;
  exit?: (code: number) => void;
  /** Removal attempts in all; default 5. */
  attempts?: number;
  /** Pause between attempts; default 100 ms. */
  pauseMs?: number;
}

function sleepSync(ms: number): void {
  // Blocks on purpose: nothing else may run between the kill and the exit.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes a folder tree, retrying briefly; true when it is gone. */
export function removeFolderNow(
  path: string,
  options: Pick<HardExitOptions, "remove" | "sleep" | "attempts" | "pauseMs"> = {},
): boolean {
  const remove = options.remove ??
    ((target: string) => Deno.removeSync(target, { recursive: true }));
  const sleep = options.sleep ?? sleepSync;
  const attempts = Math.max(1, options.attempts ?? 5);
  for (let attempt = 1;; attempt++) {
    try {
      remove(path);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return true;
      // Windows frees a killed program's open files a moment after it dies, and on any OS a
      // dying ffmpeg may still create a file while the tree is being removed.
      if (attempt >= attempts) return false;
      sleep(options.pauseMs ?? 100);
    }
  }
}

/** Kills every running program with its children, removes tempRoot (retrying briefly), exits 130. */
export function hardExit(tempRoot: string, options: HardExitOptions = {}): void {
  // Children run in their own process groups: neither Ctrl-C nor our exit ends them.
  (options.killAll ?? killRunningProcesses)();
  removeFolderNow(tempRoot, options);
  (options.exit ?? Deno.exit)(ExitCode.interrupted);
}

/** Kills every running program with its children and exits 130; for a command that owns no files. */
export function quitAtOnce(options: Pick<HardExitOptions, "killAll" | "exit"> = {}): void {
  (options.killAll ?? killRunningProcesses)();
  (options.exit ?? Deno.exit)(ExitCode.interrupted);
}
