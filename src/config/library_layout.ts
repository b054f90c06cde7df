/** Where the music library is, from the config's `output` and `m3u_output` and the config's folder. */
import hostPath, { type PlatformPath } from "node:path";
import type { LibraryLayout } from "../model/mod.ts";
import type { LoadedConfig } from "./model.ts";

/** m3u_output's default: each playlist's M3U in the library folder. */
const DEFAULT_M3U_OUTPUT = "{playlist}.m3u8";

/**
 * Splits the config's templates into folders and templates inside them: an absolute
 * `output` such as `/mnt/music/{artist}/{title}` puts the library at /mnt/music; a relative
 * one is relative to the config's folder. The same for `m3u_output`, which may point
 * anywhere (also outside the library); left at its default, the M3Us go into the library.
 */
export function libraryLayout(
  loaded: Pick<LoadedConfig, "config" | "dir" | "file">,
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
export function m3uLocation(
  layout: LibraryLayout,
  options: { platformPath?: PlatformPath } = {},
): string {
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
