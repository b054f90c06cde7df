/**
 * Wires the length check of present library files (plan/length_check.ts) for `plan` and
 * `download`: the run's library index, a stat, and ffprobe when there is one. A download keeps
 * the files it found whole in one value of the index (see `LibraryIndex.checkedFiles`), so the
 * next run settles each unchanged file with one stat instead of a read of its entry.
 */
import { probeAudio } from "../audio/mod.ts";
import type { FileExistsCache } from "../cache/mod.ts";
import type { CheckedFile } from "../library/mod.ts";
import { type Plan, recheckPresentFiles, statFile } from "../plan/mod.ts";
import type { RunContext } from "./run_context.ts";

/** Present files the check found whole, and the copy it started from (to save only a change). */
export interface WholeFiles {
  /** The copy as read before the check. */
  before: ReadonlyMap<string, CheckedFile>;
  /** Track id -> file, for every present file found whole and unchanged. */
  found: Map<string, CheckedFile>;
}

/**
 * Reads again the present files tunedl recorded without a verified length, or that changed since,
 * and turns those cut short into downloads. Without ffprobe (a `plan` on a machine without
 * ffmpeg) only the recorded lengths are used. `whole`, when given, is filled with the files
 * found whole.
 */
export async function recheckLibraryFiles(
  ctx: Pick<RunContext, "libraryIndex" | "loaded" | "caches">,
  plan: Plan,
  options: {
    ffprobe?: string;
    signal?: AbortSignal;
    whole?: WholeFiles;
    /** The library's checked files, when already read. */
    checked?: ReadonlyMap<string, CheckedFile>;
  } = {},
): Promise<Plan> {
  const index = ctx.libraryIndex;
  if (!index) return plan;
  const ffprobe = options.ffprobe;
  const files = ctx.caches.files;
  const checked = options.checked ?? await index.checkedFiles(ctx.loaded.library.baseDir);
  if (options.whole) options.whole.before = checked;
  return await recheckPresentFiles(plan, {
    index,
    // The optimizer just stat-ed every track's file to see whether it exists: its answer
    // (size and time) is as fresh as a second stat would be.
    stat: async (path) => await files.facts(path) ?? await statFile(path),
    legacyToleranceSec: ctx.loaded.config.download.duration_tolerance,
    checked,
    onWhole: (trackId, file) => options.whole?.found.set(trackId, file),
    probe: ffprobe === undefined
      ? undefined
      : async (path) =>
        (await probeAudio(path, { ffprobePath: ffprobe, signal: options.signal })).durationSeconds,
  });
}

/**
 * Stats files ahead into the file-exists cache, a few dozen at a time between other work (the
 * plan's answers from Spotify), until `signal` says the plan is made.
 */
export async function statAhead(
  files: Pick<FileExistsCache, "facts">,
  known: Iterable<CheckedFile>,
  options: { signal: AbortSignal },
): Promise<void> {
  let count = 0;
  for (const file of known) {
    if (options.signal.aborted) return;
    await files.facts(file.path);
    if (++count % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** An empty record of whole files, for {@link recheckLibraryFiles} to fill. */
export function noWholeFiles(): WholeFiles {
  return { before: new Map(), found: new Map() };
}

/**
 * Library index entries read at once after a run: one cache read of ten keys. Each read in
 * flight holds a thread of Deno's blocking pool; 64 at once (seven reads) put about 5 MiB on the
 * download's RSS in its last 0.1 s, its peak (measured with a 2 ms poller; 4,067 entries now take
 * 0.16 s instead of 0.1 s).
 */
const ENTRIES_AT_ONCE = 10;

/**
 * After a download: the files the check found whole plus those the run wrote (their entries
 * carry the length verified as they were written), saved as the library's checked files when
 * they differ from the copy the run started from. The entries' sizes and times are taken as
 * they are: the next run settles each file by a stat against them, so a file changed since is
 * read again then. (A stat of each here, 32 at a time, made 16 more threads of Deno's blocking
 * pool at the end of a download: about 5 MB of RSS at the run's peak, measured.)
 */
export async function rememberWholeFiles(
  ctx: Pick<RunContext, "libraryIndex" | "loaded">,
  plan: Plan,
  whole: WholeFiles,
): Promise<void> {
  const index = ctx.libraryIndex;
  if (!index) return;
  const found = new Map(whole.found);
  // Downloaded or re-tagged by this run: as its entry has it now (a new tag changes the size).
  const written = plan.items.filter((item) =>
    item.type === "track" && item.status === "completed" && item.spotify_id !== undefined &&
    item.path !== undefined
  );
  // A slice of the entries at a time: the run ends with its heap at its largest, and all of a
  // big library's entries read at once added to it.
  for (let start = 0; start < written.length; start += ENTRIES_AT_ONCE) {
    const slice = written.slice(start, start + ENTRIES_AT_ONCE);
    const entries = await index.entries(slice.map((item) => item.spotify_id!));
    slice.forEach((item, at) => {
      const entry = entries[at];
      found.delete(item.spotify_id!);
      if (entry?.durationSec === undefined || entry.path !== item.path) return;
      found.set(item.spotify_id!, { path: entry.path, size: entry.size, mtimeMs: entry.mtimeMs });
    });
  }
  if (sameFiles(found, whole.before)) return;
  await index.saveCheckedFiles(ctx.loaded.library.baseDir, found);
}

function sameFiles(a: ReadonlyMap<string, CheckedFile>, b: ReadonlyMap<string, CheckedFile>) {
  if (a.size !== b.size) return false;
  for (const [trackId, file] of a) {
    const other = b.get(trackId);
    if (
      other === undefined || other.path !== file.path || other.size !== file.size ||
      other.mtimeMs !== file.mtimeMs
    ) return false;
  }
  return true;
}
