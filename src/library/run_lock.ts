/**
 * One download per library: a lock file in the library's temp folder names the run that
 * holds it (pid, host, start time). A second run exits at once naming the holder; a lock
 * whose process is gone (kill -9, power loss) is taken over. Creating the lock is also the
 * preflight: it proves the library and its temp folder can be created and written before
 * anything is searched or downloaded.
 */
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { StorageError } from "../errors/mod.ts";

/** What a lock file holds. */
export interface LockOwner {
  /** Process id of the run holding the lock. */
  pid: number;
  /** Host name of the machine it runs on; a pid is only checked on its own host. */
  host: string;
  /** ISO 8601 time the run took the lock. */
  started_at: string;
}

/** A held lock; release() removes the file (only while it is still this run's). */
export interface LibraryLock {
  /** The lock file, `<temp folder>/run.lock`. */
  readonly path: string;
  /** What this run wrote into the lock file. */
  readonly owner: LockOwner;
  /** Removes the lock file, unless another run has taken it over meanwhile. */
  release(): Promise<void>;
}

/** Options of {@link acquireLibraryLock}; each default acts on the real process. */
export interface LibraryLockOptions {
  /** Process id written into the lock; Deno.pid by default. */
  pid?: number;
  /** Host name written into the lock; the machine's by default. */
  host?: string;
  /** Clock for `started_at`; the real one by default. */
  now?: () => Date;
  /** Whether a process of this host is running (default: asks the OS). */
  isAlive?: (pid: number) => Promise<boolean>;
}

/** The lock file's name inside the temp folder; temp cleanup leaves it alone. */
export const LOCK_FILE_NAME = "run.lock";

/** Takes the library's lock, or throws a StorageError (held by a live run, or not writable). */
export async function acquireLibraryLock(
  tempRoot: string,
  options: LibraryLockOptions = {},
): Promise<LibraryLock> {
  const path = join(tempRoot, LOCK_FILE_NAME);
  const owner: LockOwner = {
    pid: options.pid ?? Deno.pid,
    host: options.host ?? hostname(),
    started_at: (options.now?.() ?? new Date()).toISOString(),
  };
  const isAlive = options.isAlive ?? processIsAlive;
  const text = `${JSON.stringify(owner)}\n`;
  try {
    await Deno.mkdir(tempRoot, { recursive: true });
  } catch (error) {
    throw notWritable(tempRoot, error);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await Deno.writeTextFile(path, text, { createNew: true });
      return {
        path,
        owner,
        release: () => releaseLock(path, text),
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw notWritable(tempRoot, error);
    }
    const holderText = await Deno.readTextFile(path).catch(() => undefined);
    if (holderText === undefined) continue; // released meanwhile: try again
    const holder = parseOwner(holderText);
    if (holder && (holder.host !== owner.host || await isAlive(holder.pid))) {
      throw heldBy(holder, path);
    }
    // A dead run's lock (or a damaged file): move it aside, then check it was the one judged.
    const aside = `${path}.stale-${owner.pid}-${crypto.randomUUID().slice(0, 8)}`;
    try {
      await Deno.rename(path, aside);
    } catch {
      continue; // another run took it over first
    }
    const moved = await Deno.readTextFile(aside).catch(() => undefined);
    if (moved !== holderText) {
      // A live run's fresh lock replaced the stale one in between: put it back.
      await Deno.rename(aside, path).catch(() => {});
      continue;
    }
    await Deno.remove(aside).catch(() => {});
  }
  const holder = parseOwner(await Deno.readTextFile(path).catch(() => ""));
  if (holder) throw heldBy(holder, path);
  throw new StorageError(`could not take the library lock ${path}`, {
    hint: "Another tunedl run may be starting on this library; try again.",
  });
}

/** Reads who holds a library's lock, if anyone. */
export async function readLockOwner(tempRoot: string): Promise<LockOwner | undefined> {
  const text = await Deno.readTextFile(join(tempRoot, LOCK_FILE_NAME)).catch(() => undefined);
  return text === undefined ? undefined : parseOwner(text);
}

async function releaseLock(path: string, text: string): Promise<void> {
  const current = await Deno.readTextFile(path).catch(() => undefined);
  if (current !== text) return; // not ours any more
  await Deno.remove(path).catch(() => {});
  // Leave no empty hidden folder behind in the library.
  await Deno.remove(dirname(path)).catch(() => {});
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value?.pid === "number" && typeof value.started_at === "string") {
      return { pid: value.pid, host: String(value.host ?? ""), started_at: value.started_at };
    }
  } catch { /* damaged */ }
  return undefined;
}

function heldBy(holder: LockOwner, path: string): StorageError {
  const where = holder.host ? ` on ${holder.host}` : "";
  return new StorageError(
    `another tunedl run holds this library: pid ${holder.pid}${where}, started ${holder.started_at}`,
    {
      hint: `Wait for it to finish (or stop it). If that run is gone (another machine crashed), ` +
        `delete ${path} and try again.`,
      detail: { lockHolder: holder },
    },
  );
}

/** The library cannot be written: one error with what to check. */
export function notWritable(folder: string, error: unknown): StorageError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageError(`cannot write to the library folder ${folder}: ${reason}`, {
    hint: "Check that the folder (or its parent) exists, is not on a read-only or full disk, " +
      "and that you may write to it; or point download.output at another folder.",
    cause: error,
  });
}

/** Whether a local process with this pid is running (when unsure: yes, obey the lock). */
export async function processIsAlive(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return true;
  // Not /proc: Deno allows reading it only with --allow-all. `kill -0` sends no signal.
  const command = Deno.build.os === "windows"
    ? new Deno.Command("tasklist", {
      args: ["/FI", `PID eq ${pid}`, "/NH", "/FO", "CSV"],
      stdout: "piped",
      stderr: "null",
    })
    : new Deno.Command("sh", {
      args: ["-c", 'kill -0 "$1" 2>&1', "sh", String(pid)],
      env: { LC_ALL: "C" }, // the message is matched below
      stdout: "piped",
      stderr: "null",
    });
  try {
    const result = await command.output();
    const output = new TextDecoder().decode(result.stdout);
    if (Deno.build.os === "windows") return output.includes(`"${pid}"`);
    // kill -0 fails for a pid that does not exist (ESRCH) but also for another user's
    // process (EPERM): only the first means gone.
    return result.success || !/no such process/i.test(output);
  } catch {
    return true;
  }
}

/**
 * Removes what runs that are gone left in the temp folder (work folders of killed runs).
 * Called while holding the lock: no other run can be using anything in it.
 */
export async function removeDeadRunLeftovers(tempRoot: string): Promise<number> {
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(tempRoot)) {
      if (entry.name === LOCK_FILE_NAME) continue;
      try {
        await Deno.remove(join(tempRoot, entry.name), { recursive: true });
        removed++;
      } catch { /* gone meanwhile, or not ours to remove */ }
    }
  } catch { /* no temp folder */ }
  return removed;
}
