/** Generate + optimize, as `plan` and `download` both do it. */
import type { LibraryLayout, OverwriteMode } from "../model/mod.ts";
import {
  type CatalogReader,
  generatePlan,
  type GenerateProgress,
  type GenerateWarning,
  type PlanSources,
} from "./generate.ts";
import type { Plan } from "./model.ts";
import { optimizePlan } from "./optimize.ts";

/** Where tracks go and what happens to files already there. */
export interface PlacementOptions {
  /** The library folder and its path templates. */
  layout: LibraryLayout;
  /** Audio format, used as the file extension. */
  format: string;
  /** What to do with a track whose file already exists. */
  overwrite: OverwriteMode;
  /** Tells whether a path exists (the CLI passes the cached file-exists check). */
  fileExists: (path: string) => Promise<boolean> | boolean;
  /** Whether playlists get their M3U files (default true; `m3u: false`, `--no-m3u`). */
  m3u?: boolean;
}

/** Options of {@link buildPlan}. */
export interface BuildPlanOptions extends PlacementOptions {
  /** Identifies the sources and settings a saved plan belongs to. */
  configHash: string;
  /** Which of an artist's releases an artist entry covers. */
  artistAlbumGroups?: readonly string[];
  /** Aborting it stops reading Spotify and rejects with CancelledError. */
  signal?: AbortSignal;
  /** Told about each source that could not be read and was left out of the plan. */
  onWarning?: (warning: GenerateWarning) => void;
  /** Sources read so far, for a progress display. */
  onProgress?: (progress: GenerateProgress) => void;
}

/** Generates and optimizes the plan for a set of sources. */
export async function buildPlan(
  sources: PlanSources,
  catalog: CatalogReader,
  options: BuildPlanOptions,
): Promise<Plan> {
  const generated = await generatePlan(sources, catalog, {
    configHash: options.configHash,
    artistAlbumGroups: options.artistAlbumGroups,
    signal: options.signal,
    onWarning: options.onWarning,
    onProgress: options.onProgress,
  });
  if (options.m3u === false) {
    generated.items = generated.items.filter((item) => item.type !== "m3u");
  }
  // Optimizing also assigns the output paths, so it runs even when a musicdl
  // config says plan_optimization_enabled: false (merging duplicates is safe).
  return await placePlan(generated, options);
}

/**
 * Merges duplicates, assigns paths and skips files already in the library;
 * also run on a resumed plan, so tracks finished after its last save are not
 * downloaded again. The plan is given up: its items are changed in place.
 */
export function placePlan(plan: Plan, options: PlacementOptions): Promise<Plan> {
  return optimizePlan(plan, {
    baseDir: options.layout.baseDir,
    outputTemplate: options.layout.outputTemplate,
    m3uBaseDir: options.layout.m3uBaseDir,
    m3uTemplate: options.layout.m3uTemplate,
    format: options.format,
    overwrite: options.overwrite,
    fileExists: options.fileExists,
    owned: true,
  });
}
