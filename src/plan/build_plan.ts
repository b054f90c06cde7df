/** Generate + optimize, as `plan` and `download` both do it. */
import hostPath, { type PlatformPath } from "node:path";
import { configHash, type LoadedConfig } from "../config/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import {
  generatePlan,
  type GenerateWarning,
  optimizePlan,
  type Plan,
  type PlanSources,
} from "./mod.ts";
import type { RunContext } from "../cli/run_context.ts";
import { probeAudio } from "../audio/mod.ts";
import { recheckPresentFiles } from "./length_check.ts";
import { statFile } from "./library_reuse.ts";

/** Where the library lives and the templates relative to it. */
export interface LibraryLayout {
  baseDir: string;
  outputTemplate: string;
  m3uTemplate: string;
}

/**
 * Splits the config's templates into the library folder and templates inside
 * it: an absolute `output` such as `/mnt/music/{artist}/{title}` puts the
 * library at /mnt/music; a relative one is relative to the config's folder.
 */
export function libraryLayout(
  loaded: LoadedConfig,
  options: { platformPath?: PlatformPath } = {},
): LibraryLayout {
  const { isAbsolute, relative, resolve, sep } = options.platformPath ?? hostPath;
  const d = loaded.config.download;
  const { prefix, rest } = splitStaticPrefix(d.output);
  const baseDir = resolve(loaded.dir, prefix || ".");
  let m3uTemplate = d.m3u_output;
  if (isAbsolute(m3uTemplate)) {
    const { prefix: m3uPrefix, rest: m3uRest } = splitStaticPrefix(m3uTemplate);
    const inside = relative(baseDir, resolve(m3uPrefix || "."));
    if (inside.startsWith("..") || isAbsolute(inside)) {
      throw new ConfigError(
        `${loaded.file}: download.m3u_output: "${d.m3u_output}" is outside the music folder ${baseDir}`,
        { hint: "Use a path relative to the music folder, such as {playlist}.m3u8." },
      );
    }
    m3uTemplate = inside ? `${inside}${sep}${m3uRest}` : m3uRest;
  }
  return { baseDir, outputTemplate: rest, m3uTemplate };
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
    m3uTemplate: layout.m3uTemplate,
    format: d.format,
    overwrite: d.overwrite,
    fileExists: (path) => ctx.caches.files.exists(path),
  });
}

/**
 * Reads again the present files tunedl recorded without a verified length, or that changed since,
 * and turns those cut short into downloads (see length_check.ts). Without ffprobe (a `plan` on a
 * machine without ffmpeg) only the recorded lengths are used.
 */
export async function recheckLibraryFiles(
  ctx: RunContext,
  plan: Plan,
  options: { ffprobe?: string; signal?: AbortSignal } = {},
): Promise<Plan> {
  const index = ctx.caches.library;
  if (!index) return plan;
  const ffprobe = options.ffprobe;
  return await recheckPresentFiles(plan, {
    index,
    stat: statFile,
    legacyToleranceSec: ctx.loaded.config.download.duration_tolerance,
    probe: ffprobe === undefined
      ? undefined
      : async (path) =>
        (await probeAudio(path, { ffprobePath: ffprobe, signal: options.signal })).durationSeconds,
  });
}
