/**
 * One watchdog for the process groups of a whole run, instead of one per program.
 *
 * runProcess's default guard starts every program behind a shell that forks a
 * watchdog of its own (WATCHDOG_SCRIPT): two forks and an exec more per
 * program, about 3 ms of a download slot and 2 ms of CPU each, twice per
 * track. A run's programs can share one: a shell started once, reading lines
 * on a pipe that tunedl holds and the OS closes when tunedl ends in any way
 * (kill -9 too). `+PID` names a new group (the program's pid is its group's
 * id), `-PID` one whose program ended (runProcess kills its leftovers itself).
 * At the pipe's end it kills every group still named. Ended groups are told
 * along with the next new one, or within a second: each line is a write and a
 * wake-up of the shell.
 */

/**
 * The shared watchdog's shell script (POSIX sh). It ignores the terminal's
 * signals: Ctrl-C stops tunedl, which stops its programs itself; the watchdog
 * is for when tunedl cannot. A group not yet made (setsid(1) has not run yet)
 * is killed as its pid.
 */
export const GROUP_WATCHDOG_SCRIPT: string = `trap '' HUP INT TERM QUIT PIPE
groups=" "
while IFS= read -r line; do
  g=\${line#?}
  case $g in ''|*[!0-9]*|0|1) continue ;; esac
  case $line in
    +*) groups="$groups$g " ;;
    -*)
      rest=" "
      for x in $groups; do [ "$x" = "$g" ] || rest="$rest$x "; done
      groups=$rest ;;
  esac
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null || kill -s KILL "$g" 2>/dev/null; done
`;

/** How the watchdog is started; found by runProcess's own lookups. */
export interface GroupWatchdogOptions {
  /** The POSIX shell that runs the script (/bin/sh). */
  shell: string;
  /** setsid(1), so the watchdog is in a session of its own; Deno's detached start without. */
  setsid?: string;
}

const encoder = new TextEncoder();
/** Longest time an ended group stays named when no new one comes. */
const RELEASE_DELAY_MS = 1000;

/** A run's watchdog: started with the first program, told of each group, closed at the run's end. */
export class GroupWatchdog implements AsyncDisposable {
  readonly #options: GroupWatchdogOptions;
  readonly #watched = new Set<number>();
  #child: Deno.ChildProcess | undefined;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #closed = false;
  /** `-PID` lines not written yet. */
  #released = "";
  #releaseTimer: ReturnType<typeof setTimeout> | undefined;

  /** A watchdog that starts its shell when the first group is named. */
  constructor(options: GroupWatchdogOptions) {
    this.#options = options;
  }

  /** The shell's pid while it runs; undefined before the first group, after close or its death. */
  get pid(): number | undefined {
    return this.#writer === undefined ? undefined : this.#child?.pid;
  }

  /** Names a new process group (its leader's pid); starts the shell first when needed. */
  watch(pid: number): void {
    if (this.#closed) return;
    this.#watched.add(pid);
    // A start names every watched group, this one too.
    if (this.#writer === undefined) this.#start();
    else this.#send(`+${pid}\n`);
  }

  /** The group's program ended (its leftovers killed by the caller): no longer named. */
  release(pid: number): void {
    if (!this.#watched.delete(pid) || this.#writer === undefined) return;
    this.#released += `-${pid}\n`;
    if (this.#releaseTimer !== undefined) return;
    const timer = setTimeout(() => {
      this.#releaseTimer = undefined;
      this.#send("");
    }, RELEASE_DELAY_MS);
    Deno.unrefTimer(timer);
    this.#releaseTimer = timer;
  }

  /** Ends the watchdog (it kills groups still named); resolves once the shell has exited. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#releaseTimer);
    const writer = this.#writer;
    const child = this.#child;
    this.#writer = undefined;
    this.#child = undefined;
    if (writer === undefined || child === undefined) return;
    // Waited for now: the unref'd child would not keep the event loop alive for it.
    child.ref();
    await writer.close().catch(() => {});
    await child.status.catch(() => {});
  }

  /** Same as close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #start(): boolean {
    const { shell, setsid } = this.#options;
    const args = ["-c", GROUP_WATCHDOG_SCRIPT, "tunedl-watchdog"];
    try {
      const child = new Deno.Command(setsid ?? shell, {
        args: setsid === undefined ? args : [shell, ...args],
        stdin: "piped",
        stdout: "null",
        stderr: "null",
        detached: setsid === undefined,
      }).spawn();
      // It must not keep tunedl alive: it ends when tunedl's end closes its pipe.
      child.unref();
      this.#child = child;
      this.#writer = child.stdin.getWriter();
      // Killed from outside: the next group starts a new shell.
      child.status.then(() => this.#forget(child), () => this.#forget(child));
      // Groups named before a restart (the last shell died) are named again.
      for (const pid of this.#watched) this.#send(`+${pid}\n`);
      return true;
    } catch {
      return false;
    }
  }

  #send(line: string): void {
    const writer = this.#writer;
    if (writer === undefined) return;
    const text = this.#released + line;
    this.#released = "";
    if (text === "") return;
    writer.write(encoder.encode(text)).catch(() => {
      // The shell is gone (killed from outside): the next group starts a new one.
      if (this.#child !== undefined) this.#forget(this.#child);
    });
  }

  #forget(child: Deno.ChildProcess): void {
    if (this.#child !== child) return;
    const writer = this.#writer;
    this.#child = undefined;
    this.#writer = undefined;
    // A new shell is told only of the groups still running.
    this.#released = "";
    // Lets go of the broken pipe.
    writer?.abort().catch(() => {});
  }
}
