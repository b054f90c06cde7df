/** Generate + optimize, as `plan` and `download` both do it. */
import hostPath, { type PlatformPath } from "node:path";
import { configHash, type LoadedConfig } from "../config/mod.ts";
import {
  generatePlan,
  type GenerateWarning,
  optimizePlan,
  type Plan,
  type PlanSources,
} from "../plan/mod.ts";
import type { RunContext } from "./run_context.ts";

/** Where the library lives and the templates relative to it. */
export interface LibraryLayout {
  baseDir: string;
  outputTemplate: string;
  /** The folder the M3U template starts from: the library, or where m3u_output points. */
  m3uBaseDir: string;
  m3uTemplate: string;
}

/** m3u_output's default: each playlist's M3U in the library folder. */
const DEFAULT_M3U_OUTPUT = "{playlist}.m3u8";

/**
 * Splits the config's templates into folders and templates inside them: an absolute
 * `output` such as `/mnt/music/{artist}/{title}` puts the library at /mnt/music; a relative
 * one is relative to the config's folder. The same for `m3u_output`, which may point
 * anywhere (also outside the library); left at its default, the M3Us go into the library.
 */
export function libraryLayout(
  loaded: LoadedConfig,
  options: { platformPath?: PlatformPath } = {},
): LibraryLayout {
  const { resolve } = options.platformPath ?? hostPath;
  const d = loaded.config.download;
  const { prefix, rest } = splitStaticPrefix(d.output);
  const baseDir = resolve(loaded.dir, prefix || ".");
  if (d.m3u_output === DEFAULT_M3U_OUTPUT) {
    return { baseDir, outputTemplate: rest, m3uBaseDir: baseDir, m3uTemplate: d.m3u_output };
  }
  const m3u = splitStaticPrefix(d.m3u_output);
  return {
    baseDir,
    outputTemplate: rest,
    m3uBaseDir: resolve(loaded.dir, m3u.prefix || "."),
    m3uTemplate: m3u.rest,
  };
}

/** Where the M3U files go, as a path with the {playlist} placeholder (for plan and validate). */
export function m3uLocation(layout: LibraryLayout, options: { platformPath?: PlatformPath } = {}) {
  const { join } = options.platformPath ?? hostPath;
  return join(layout.m3uBaseDir, layout.m3uTemplate);
}

/** The folder part of a template before its first placeholder, and the rest. */
function splitStaticPrefix(template: string): { prefix: string; rest: string } {
  const firstPlaceholder = template.indexOf("{");
  const head = firstPlaceholder === -1 ? template : template.slice(0, firstPlaceholder);
  const lastSep = Math.max(head.lastIndexOf("/"), head.lastIndexOf("\\"));
  if (lastSep === -1) return { prefix: "", rest: template };
  return { prefix: template.slice(0, lastSep + 1), rest: template.slice(lastSep + 1) };
}

/** The config's sources in the generator's terms. */
export function planSources(
  loaded: LoadedConfig,
  options: { likedOnly?: boolean } = {},
): PlanSources {
  const c = loaded.config;
  if (options.likedOnly) {
    return { songs: [], albums: [], artists: [], playlists: [], likedSongs: true };
  }
  return {
    songs: c.songs,
    albums: c.albums,
    artists: c.artists,
    playlists: c.playlists,
    likedSongs: c.liked_songs,
  };
}

/** Generates and optimizes the plan for a config. */
export async function buildPlan(
  ctx: RunContext,
  options: {
    signal?: AbortSignal;
    likedOnly?: boolean;
    onWarning?: (warning: GenerateWarning) => void;
  } = {},
): Promise<{ plan: Plan; layout: LibraryLayout }> {
  const { loaded } = ctx;
  const d = loaded.config.download;
  const layout = libraryLayout(loaded);
  const generated = await generatePlan(planSources(loaded, options), ctx.catalog, {
    configHash: configHash(loaded.config) + (options.likedOnly ? "-liked" : ""),
    artistAlbumGroups: d.artist_album_groups,
    signal: options.signal,
    onWarning: options.onWarning,
  });
  // Optimizing also assigns the output paths, so it runs even when a musicdl
  // config says plan_optimization_enabled: false (merging duplicates is safe).
  return { plan: await optimizeFor(ctx, generated), layout };
}

/**
 * Merges duplicates, assigns paths and skips files already in the library;
 * also run on a resumed plan, so tracks finished after its last save are not
 * downloaded again.
 */
export function optimizeFor(ctx: RunContext, plan: Plan): Promise<Plan> {
  const d = ctx.loaded.config.download;
  const layout = libraryLayout(ctx.loaded);
  return optimizePlan(plan, {
    baseDir: layout.baseDir,
    outputTemplate: layout.outputTemplate,
    m3uBaseDir: layout.m3uBaseDir,
    m3uTemplate: layout.m3uTemplate,
    format: d.format,
    overwrite: d.overwrite,
    fileExists: (path) => ctx.caches.files.exists(path),
  });
}
