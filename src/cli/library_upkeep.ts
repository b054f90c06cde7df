/**
 * Wiring for the library's own bookkeeping, shared by `plan` and `download`:
 * the ownership record, duplicates of one recording, and prunes.
 */
import { relative } from "node:path";
import type { LoadedConfig } from "../config/mod.ts";
import type { DuplicatesMode } from "../model/mod.ts";
import { UsageError } from "../errors/mod.ts";
import {
  type LibraryIndex,
  OwnershipRecord,
  type RemovalOutcome,
  removeOwnedFiles,
} from "../library/mod.ts";
import {
  type ExecutionResult,
  findRemovals,
  markKnownDuplicates,
  needsForce,
  type Plan,
  type Removal,
  type SharedRecording,
  sourcesByItem,
  statFile,
  unreadSources,
  type WrittenFile,
} from "../plan/mod.ts";
import type { CliIo } from "./io.ts";
import { ExitCode } from "../errors/mod.ts";
import { pathExistsSync, snakeCaseKeys } from "../util/mod.ts";

/** Opens the library's ownership record, warning on stderr about a damaged one. */
export function openOwnership(
  libraryRoot: string,
  io: CliIo,
  options: { readOnly?: boolean } = {},
): Promise<OwnershipRecord> {
  return OwnershipRecord.open(libraryRoot, {
    warn: (m) => io.err(`warning: ${m}\n`),
    readOnly: options.readOnly,
  });
}

/** Ids of the sources the config lists, as the plan names its top-level items. */
export function configuredSources(loaded: LoadedConfig): Set<string> {
  const c = loaded.config;
  const ids = [
    ...c.songs.map((s) => `track:${s.ref.id}`),
    ...c.albums.map((s) => `album:${s.ref.id}`),
    ...c.artists.map((s) => `artist:${s.ref.id}`),
    ...c.playlists.map((s) => `playlist:${s.ref.id}`),
    ...(c.liked_songs ? ["playlist:liked"] : []),
  ];
  return new Set(ids);
}

/**
 * Files the plan downloads again (`overwrite: overwrite`, a file cut short): never a
 * recording to copy from, they are about to be replaced.
 */
export function filesToReplace(plan: Plan): Set<string> {
  return new Set(
    plan.items.filter((item) =>
      item.type === "track" && item.path !== undefined &&
      (item.status === "pending" || item.status === "in_progress") && item.action !== "retag"
    ).map((item) => item.path!),
  );
}

/** The file of a recording the ownership record knows (by ISRC), if it is still there. */
export function ownedRecording(ownership: OwnershipRecord, replaced: ReadonlySet<string>) {
  return (keys: readonly string[]): string | undefined => {
    for (const key of keys) {
      if (!key.startsWith("isrc:")) continue;
      for (const file of ownership.recordingFiles(key.slice("isrc:".length))) {
        if (!replaced.has(file) && pathExistsSync(file)) return file;
      }
    }
    return undefined;
  };
}

/**
 * For the run's recording registry: a file of the recording in this library, from the ownership
 * record, else from the library index (files tunedl wrote before it kept the record); never one
 * this run replaces.
 */
export function libraryRecording(
  ownership: OwnershipRecord,
  index: LibraryIndex | null,
  options: { replaced: ReadonlySet<string> },
) {
  const find = ownedRecording(ownership, options.replaced);
  return async (keys: readonly string[]): Promise<SharedRecording | undefined> => {
    const owned = find(keys);
    if (owned !== undefined) return { path: owned };
    for (const key of keys) {
      if (!key.startsWith("isrc:") || index === null) continue;
      const entry = await index.lookup(key, { stat: statFile });
      // Another library on the same cache is not this one: `skip` must not point outside.
      if (!entry || ownership.keyOf(entry.path) === undefined) continue;
      if (!options.replaced.has(entry.path)) return { path: entry.path };
    }
    return undefined;
  };
}

/**
 * Marks the duplicates the plan already knows, as the config's `duplicates` says. Files the
 * plan downloads again (`overwrite: overwrite`, a file cut short) are not copied from.
 */
export function markPlanDuplicates(
  plan: Plan,
  ownership: OwnershipRecord,
  options: { mode: DuplicatesMode },
): Plan {
  return markKnownDuplicates(plan, {
    mode: options.mode,
    existing: ownedRecording(ownership, filesToReplace(plan)),
  });
}

/**
 * Brings the ownership record up to date with a fresh plan: files it owns gain the sources that
 * list them now, and present files the library index says tunedl wrote (before it kept the
 * record) are adopted, so they can be pruned later. Never adopts a file the index does not vouch
 * for (same track, same size and time).
 */
export async function syncOwnership(
  plan: Plan,
  ownership: OwnershipRecord,
  options: { index: LibraryIndex | null; sources?: Map<string, string[]> },
): Promise<void> {
  const sources = options.sources ?? sourcesByItem(plan.items);
  for (const item of plan.items) {
    if ((item.type !== "track" && item.type !== "m3u") || item.path === undefined) continue;
    const itemSources = sources.get(item.id) ?? [];
    if (ownership.get(item.path)) {
      ownership.addSources(item.path, itemSources);
      continue;
    }
    const present = item.status === "completed" ||
      (item.status === "skipped" && item.skip_reason === "exists");
    if (item.type !== "track" || !present || !item.spotify_id || options.index === null) continue;
    if (item.duplicate_of !== undefined) continue;
    const entry = await options.index.lookup(item.spotify_id, { stat: statFile });
    if (entry?.path !== item.path) continue;
    ownership.record(item.path, {
      kind: "track",
      spotify_id: item.spotify_id,
      isrc: (item.metadata as { isrc?: string } | null)?.isrc,
      sources: itemSources,
    });
  }
}

/**
 * Records every file the run writes in the ownership record, with the sources that list it
 * (`sources`: sourcesByItem of the plan, when already made).
 */
export function recordWrittenFiles(
  ownership: OwnershipRecord,
  plan: Plan,
  options: { sources?: Map<string, string[]> } = {},
) {
  const sources = options.sources ?? sourcesByItem(plan.items);
  return (file: WrittenFile): void => {
    const { item } = file;
    const itemSources = sources.get(item.id) ?? [];
    // An M3U left as it was keeps its entry (and the time it was written): nothing to save.
    if (file.unchanged && ownership.get(file.path)?.kind === file.kind) {
      ownership.addSources(file.path, itemSources);
      return;
    }
    if (file.shared) {
      if (item.spotify_id) ownership.share(file.path, item.spotify_id, itemSources);
      return;
    }
    const isrc = file.kind === "track"
      ? (item.metadata as { isrc?: string } | null)?.isrc
      : undefined;
    ownership.record(file.path, {
      kind: file.kind,
      spotify_id: item.spotify_id,
      isrc,
      sources: itemSources,
    });
  };
}

/** `--prune` goes by the config's own lists: with links or `liked` instead, it would see almost nothing listed. */
export function pruneWithLinksError(command: string): UsageError {
  return new UsageError(
    `tunedl ${command}: --prune cannot be used with links or \`liked\``,
    {
      hint: "A prune keeps what the config lists; run it without links, e.g. " +
        `\`tunedl ${command} --prune --config config.yaml\`.`,
    },
  );
}

/** Refuses (exit 2) a prune that would remove more than a quarter of the owned files, unless forced. */
export function checkPruneSize(
  removals: readonly Removal[],
  ownership: OwnershipRecord,
  options: { force: boolean; command: string },
): void {
  if (options.force || !needsForce(removals.length, ownership.size)) return;
  throw new UsageError(
    `${options.command} --prune would remove ${removals.length} of the ${ownership.size} files ` +
      "tunedl owns in this library (more than a quarter)",
    {
      hint: "See the list with `tunedl plan --prune`; if it is right, run again with --force.",
    },
  );
}

/** The removals as text lines, relative to the library. */
export function formatRemovals(
  removals: readonly Removal[],
  baseDir: string,
  options: { heading: string },
): string {
  if (removals.length === 0) return "";
  const lines = ["", `${options.heading} (${removals.length}):`];
  for (const removal of removals) {
    lines.push(`  ${relative(baseDir, removal.path)}  (${removal.reason})`);
  }
  return `${lines.join("\n")}\n`;
}

/** What a prune did, as text. */
export function formatPruneOutcome(outcome: RemovalOutcome, baseDir: string): string {
  const lines: string[] = [];
  const files = outcome.removed.length + outcome.missing.length;
  lines.push(
    `Pruned: removed ${files} file${files === 1 ? "" : "s"} that no source lists any more` +
      (outcome.folders.length > 0
        ? ` and ${outcome.folders.length} emptied folder${outcome.folders.length === 1 ? "" : "s"}`
        : ""),
  );
  for (const path of [...outcome.removed, ...outcome.missing].sort()) {
    lines.push(`  removed ${relative(baseDir, path)}`);
  }
  for (const failure of outcome.failed) {
    lines.push(`  could not remove ${relative(baseDir, failure.path)}: ${failure.message}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A prune checked before the run (the --force guard) and done after it. */
export interface PreparedPrune {
  /** Removes what no source lists any more, if the run went well; returns an exit code (0 or 1). */
  afterRun(
    result: ExecutionResult,
    options: { io: CliIo; info: (text: string) => void; json: boolean },
  ): Promise<number>;
}

/** Checks a `download --prune` against the plan before downloading (exit 2 without --force when large). */
export function preparePrune(
  plan: Plan,
  ownership: OwnershipRecord,
  options: { loaded: LoadedConfig; force: boolean },
): PreparedPrune {
  const configured = configuredSources(options.loaded);
  const unread = unreadSources(plan);
  checkPruneSize(
    findRemovals(plan, ownership.entries(), {
      configuredSources: configured,
      unreadSources: unread,
    }),
    ownership,
    { force: options.force, command: "tunedl download" },
  );
  return {
    async afterRun(result, { io, info, json }) {
      const failed = result.summary.failures.length;
      if (result.cancelled || result.stoppedBy !== undefined || failed > 0) {
        const why = failed > 0
          ? `${failed} track${failed === 1 ? "" : "s"} failed`
          : "the run did not finish";
        info(`Not pruning: ${why}. Files are removed only after a run whose downloads succeeded.`);
        return 0;
      }
      // After the run: its paths are final (a shared file in place of a track's own).
      const removals = findRemovals(result.plan, ownership.entries(), {
        configuredSources: configured,
        unreadSources: unread,
      });
      checkPruneSize(removals, ownership, { force: options.force, command: "tunedl download" });
      const outcome = await removeOwnedFiles(removals.map((r) => r.path), ownership);
      await ownership.flush();
      if (json) {
        io.out(`${
          JSON.stringify(snakeCaseKeys({
            type: "pruned",
            time: new Date().toISOString(),
            removed: removals.filter((r) => !outcome.failed.some((f) => f.path === r.path)),
            folders: outcome.folders,
            failed: outcome.failed,
          }))
        }\n`);
      } else if (removals.length === 0) {
        info("Nothing to prune: every file tunedl wrote is still listed by a source.");
      } else {
        io.out(formatPruneOutcome(outcome, ownership.root));
      }
      return outcome.failed.length > 0 ? ExitCode.failed : 0;
    },
  };
}
