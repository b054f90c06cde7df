/** What the steps of one `tunedl download` share as it goes. */
import { tempRootFor } from "../audio/mod.ts";
import type { LibraryLock, OwnershipRecord } from "../library/mod.ts";
import { type Plan, plansDir, runRecordFileFor } from "../plan/mod.ts";
import type { CliIo } from "./io.ts";
import type { WholeFiles } from "./library_recheck.ts";
import type { PreparedPrune } from "./library_upkeep.ts";
import type { PlanningProgress } from "./planning_progress.ts";
import type { RunContext } from "./run_context.ts";
import { planHashFor } from "./stage_options.ts";
import { printable } from "./terminal_text.ts";

/** The flags of `tunedl download` that its steps read. */
export interface DownloadFlags {
  resume: boolean;
  prune: boolean;
  force: boolean;
  /** Links or `liked` on the command line replaced the config's lists. */
  oneShot: boolean;
  quiet: boolean;
  verbose: boolean;
  json: boolean;
}

/** One download as it goes: what its steps share, and what Ctrl-C and the way out must see. */
export interface DownloadRun {
  readonly ctx: RunContext;
  readonly io: CliIo;
  readonly flags: DownloadFlags;
  /** Tells what happens, unless --quiet or --log-format json. */
  readonly info: (text: string) => void;
  readonly warn: (text: string, hint?: string) => void;
  readonly controller: AbortController;
  readonly startedAt: Date;
  /** The library's temp folder: the lock lives there, and a second Ctrl-C removes it. */
  readonly tempRoot: string;
  /** The hash the plan is filed under. */
  readonly hash: string;
  phase: "planning" | "running";
  spinner?: PlanningProgress;
  /** The present files the check of a fresh plan found whole (none for a resumed plan). */
  wholeFiles?: WholeFiles;
  /** The ownership record, read while Spotify answers (holding the library's lock). */
  ownershipOpening?: Promise<OwnershipRecord>;
  ownership?: OwnershipRecord;
  lock?: LibraryLock;
}

/** The plan as the library's bookkeeping left it, with its ownership record and prune. */
export interface PreparedLibrary {
  plan: Plan;
  ownership: OwnershipRecord;
  /** The sources above each item of the plan (sourcesByItem), made once for the run. */
  sources: Map<string, string[]>;
  prune?: PreparedPrune;
}

/** A download before its first step: nothing taken, nothing read. */
export function startDownload(
  ctx: RunContext,
  options: { io: CliIo; flags: DownloadFlags },
): DownloadRun {
  const { io, flags } = options;
  return {
    ctx,
    io,
    flags,
    info: (text) => {
      if (!flags.quiet && !flags.json) io.err(`${text}\n`);
    },
    warn: (text, hint) => {
      io.err(`warning: ${printable(text)}\n`);
      if (hint) io.err(`hint: ${printable(hint)}\n`);
    },
    controller: new AbortController(),
    startedAt: new Date(),
    tempRoot: tempRootFor(ctx.loaded.library.baseDir),
    hash: planHashFor(ctx.loaded),
    phase: "planning",
  };
}

/** Where the run record goes; undefined when the cache folder cannot be written. */
export function runRecordFile(ctx: RunContext): string | undefined {
  return ctx.cacheWritable ? runRecordFileFor(plansDir(ctx.paths.dir), ctx.loaded.file) : undefined;
}
