/**
 * The part of a path below a folder, found by cutting instead of resolving: a plan's thousands of
 * paths are absolute and normalized, and `path.relative` resolves both sides of each. Anything
 * that would need resolving is left to the caller's long way.
 */
import hostPath, { type PlatformPath } from "node:path";

/** A path part that resolving would change: "." or ".." segments, a doubled, leading or trailing separator, or (Windows) "/" and ":". */
const POSIX_UNNORMALIZED = /(^|\/)\.{1,2}(\/|$)|\/\/|^\/|\/$/;
const WINDOWS_UNNORMALIZED = /(^|[\\/])\.{1,2}([\\/]|$)|[\\/][\\/]|^[\\/]|[\\/]$|\/|:/;

/** A relative path with "/" between its parts, as M3U files and the ownership record keep them (pure). */
export function forwardSlashes(
  relative: string,
  options: { platformPath?: PlatformPath } = {},
): string {
  const { sep } = options.platformPath ?? hostPath;
  return sep === "/" ? relative : relative.split(sep).join("/");
}

/** What paths below `folder` start with (the folder and a separator); undefined when it is not absolute and normalized (pure). */
export function prefixBelow(
  folder: string,
  options: { platformPath?: PlatformPath } = {},
): string | undefined {
  const path = options.platformPath ?? hostPath;
  if (path.resolve(folder) !== folder || folder.endsWith(path.sep)) return undefined;
  return `${folder}${path.sep}`;
}

/**
 * The part of `filePath` below the folder of `prefix` (from {@link prefixBelow}), with the
 * platform's separators; undefined when the path is not below it or would need resolving (pure).
 */
export function partBelow(
  prefix: string | undefined,
  filePath: string,
  options: { platformPath?: PlatformPath } = {},
): string | undefined {
  if (prefix === undefined || !filePath.startsWith(prefix)) return undefined;
  const rest = filePath.slice(prefix.length);
  const unnormalized = (options.platformPath ?? hostPath).sep === "/"
    ? POSIX_UNNORMALIZED
    : WINDOWS_UNNORMALIZED;
  return rest === "" || unnormalized.test(rest) ? undefined : rest;
}
