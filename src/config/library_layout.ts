/** Where the music library is, from the config's `output` and `m3u_output` and the config's folder. */
import hostPath, { type PlatformPath } from "node:path";
import { ConfigError } from "../errors/mod.ts";
import type { LibraryLayout } from "../model/mod.ts";
import type { LoadedConfig } from "./model.ts";

/**
 * Splits the config's templates into the library folder and templates inside
 * it: an absolute `output` such as `/mnt/music/{artist}/{title}` puts the
 * library at /mnt/music; a relative one is relative to the config's folder.
 */
export function libraryLayout(
  loaded: Pick<LoadedConfig, "config" | "dir" | "file">,
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
