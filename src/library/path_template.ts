/**
 * Output path templates in the style of musicdl and spotDL
 * ("{artist}/{album}/{track-number} - {title}.{output-ext}").
 */
import hostPath, { type PlatformPath } from "node:path";
import { ConfigError } from "../errors/mod.ts";
import { PATH_PLACEHOLDERS, type PathPlaceholder, type TrackMetadata } from "../model/mod.ts";
import { sanitizePathComponent } from "./sanitize.ts";

/** What a path template may use; a TrackMetadata satisfies it. */
export type PathFields =
  & Pick<TrackMetadata, "title" | "artists">
  & Partial<
    Pick<
      TrackMetadata,
      | "album"
      | "albumArtists"
      | "trackNumber"
      | "trackCount"
      | "discNumber"
      | "discCount"
      | "releaseDate"
      | "isrc"
      | "spotifyId"
      | "genres"
    >
  >;

/** Options of {@link renderOutputPath}. */
export interface RenderPathOptions {
  /** The music folder; every result lies inside it. */
  baseDir: string;
  /** File extension without the dot ("mp3"); fills {output-ext}. */
  ext: string;
  /** Name of the playlist the track is filed under; fills {playlist}. */
  playlist?: string;
  /** Path rules to apply (default: the host's); tests pass `win32` or `posix`. */
  platformPath?: PlatformPath;
}

interface TemplateContext {
  fields: PathFields;
  ext: string;
  playlist: string;
}

const PLACEHOLDERS: Record<PathPlaceholder, (context: TemplateContext) => string> = {
  "artist": ({ fields }) => fields.artists[0] ?? "",
  "artists": ({ fields }) => fields.artists.join(", "),
  "title": ({ fields }) => fields.title,
  "album": ({ fields }) => fields.album ?? "",
  "album-artist": ({ fields }) => fields.albumArtists?.[0] ?? fields.artists[0] ?? "",
  "track-number": ({ fields }) => positive(fields.trackNumber, 2),
  "disc-number": ({ fields }) => positive(fields.discNumber, 1),
  "year": ({ fields }) => /^\d{4}/.exec(fields.releaseDate ?? "")?.[0] ?? "",
  "date": ({ fields }) => fields.releaseDate ?? "",
  "playlist": ({ playlist }) => playlist,
  "output-ext": ({ ext }) => ext,
  "original-date": ({ fields }) => fields.releaseDate ?? "",
  "list-name": ({ playlist }) => playlist,
  "genre": ({ fields }) => fields.genres?.[0] ?? "",
  "disc-count": ({ fields }) => positive(fields.discCount, 1),
  "tracks-count": ({ fields }) => positive(fields.trackCount, 1),
  "isrc": ({ fields }) => fields.isrc ?? "",
  "track-id": ({ fields }) => fields.spotifyId ?? "",
};

const PLACEHOLDER = /\{([^{}]*)\}/g;
const TEMPLATE_SEPARATOR = /[/\\]/;
// A file-name template already ends in an extension: ".{output-ext}" or a literal ".flac".
// Digits alone ("Vol.2") are not an extension.
const TEMPLATE_EXTENSION = /\.(\{output-ext\}|(?=[A-Za-z0-9]{1,8}$)[0-9]*[A-Za-z][A-Za-z0-9]*)$/;

function positive(value: number | undefined, width: number): string {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return "";
  return String(Math.trunc(value)).padStart(width, "0");
}

/** Throws a ConfigError when a template uses a placeholder tunedl does not know. */
export function checkPathTemplate(template: string): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!(match[1] in PLACEHOLDERS)) {
      throw new ConfigError(`unknown placeholder "${match[0]}" in output template "${template}"`, {
        hint: `Use one of: ${PATH_PLACEHOLDERS.map((name) => `{${name}}`).join(", ")}.`,
      });
    }
  }
}

/** A template cut into literal text and placeholders (pure). */
type CompiledTemplate = (string | ((context: TemplateContext) => string))[];

function compileTemplate(template: string): CompiledTemplate {
  const compiled: CompiledTemplate = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    compiled.push(template.slice(last, match.index), PLACEHOLDERS[match[1] as PathPlaceholder]);
    last = match.index + match[0].length;
  }
  compiled.push(template.slice(last));
  return compiled;
}

function fill(compiled: CompiledTemplate, context: TemplateContext): string {
  let text = "";
  for (const part of compiled) text += typeof part === "string" ? part : part(context);
  return text;
}

/**
 * A path template cut once into its folder names and file name: a plan renders the same one for
 * each of thousands of tracks, which then only fill in their values.
 */
interface CompiledPath {
  /** Per folder: a template, or a literal "." or ".." (which navigate; values never do). */
  folders: Array<CompiledTemplate | "." | "..">;
  /** The file name before its extension. */
  stem: CompiledTemplate;
  /** The template's own extension (".{output-ext}", ".flac"); undefined adds "." + ext. */
  extension: CompiledTemplate | undefined;
  /** Whether a folder is "." or "..": then the path is resolved and checked. */
  navigates: boolean;
}

/** Templates checked and cut: a plan renders the same one for each of thousands of tracks. */
const compiledPaths = new Map<string, CompiledPath>();

function compiledPath(template: string): CompiledPath {
  let compiled = compiledPaths.get(template);
  if (compiled !== undefined) return compiled;
  checkPathTemplate(template);
  const segments = template.split(TEMPLATE_SEPARATOR);
  const fileTemplate = segments.pop() ?? "";
  const extension = TEMPLATE_EXTENSION.exec(fileTemplate);
  const navigating = (segment: string): segment is "." | ".." =>
    segment === "." || segment === "..";
  compiled = {
    folders: segments.map((segment) => navigating(segment) ? segment : compileTemplate(segment)),
    stem: compileTemplate(
      extension === null ? fileTemplate : fileTemplate.slice(0, extension.index),
    ),
    extension: extension === null ? undefined : compileTemplate(extension[0]),
    navigates: segments.some(navigating),
  };
  // Templates are a config's few; never let a stream of them grow the map without end.
  if (compiledPaths.size < 256) compiledPaths.set(template, compiled);
  return compiled;
}

/** A name that is only dots and spaces, or nothing: made "_" rather than a hidden ".mp3". */
const NOTHING_BUT_DOTS_AND_SPACES = /^[\s.]*$/u;

/** Renders a track's path from a template: absolute, normalized, inside baseDir, every name sanitized. */
export function renderOutputPath(
  template: string,
  fields: PathFields,
  options: RenderPathOptions,
): string {
  const compiled = compiledPath(template);
  const context: TemplateContext = {
    fields,
    ext: options.ext.startsWith(".") ? options.ext.replace(/^\.+/, "") : options.ext,
    playlist: options.playlist ?? "",
  };
  const parts: string[] = [];
  for (const folder of compiled.folders) {
    if (folder === "." || folder === "..") {
      parts.push(folder);
      continue;
    }
    const text = fill(folder, context);
    // An empty value ("{album}" of a single) drops its folder, as musicdl does.
    if (text.trim() === "") continue;
    parts.push(sanitizePathComponent(text, { keepExtension: false }));
  }
  let stem = fill(compiled.stem, context);
  if (NOTHING_BUT_DOTS_AND_SPACES.test(stem)) stem = "_";
  const extension = compiled.extension === undefined
    ? `.${context.ext}`
    : fill(compiled.extension, context);
  parts.push(sanitizePathComponent(stem + extension, { keepExtension: true }));

  const path = options.platformPath ?? hostPath;
  const baseDir = resolvedFolder(path, options.baseDir);
  // Sanitized names hold no separator and are never "." or "..": without the template's own
  // "." or ".." the path is the names below the folder (thousands of tracks per plan).
  if (!compiled.navigates) {
    return `${baseDir.endsWith(path.sep) ? baseDir : baseDir + path.sep}${parts.join(path.sep)}`;
  }
  const result = path.resolve(baseDir, ...parts);
  const relative = path.relative(baseDir, result);
  if (
    relative === "" || relative === ".." || relative.startsWith(`..${path.sep}`) ||
    path.isAbsolute(relative)
  ) {
    throw new ConfigError(
      `output template "${template}" leads outside the music folder ${baseDir}`,
      {
        hint: 'Remove ".." from the output template.',
      },
    );
  }
  return result;
}

/** The last folder resolved, per path rules: a plan renders thousands of paths below one. */
let lastResolved: { path: PlatformPath; folder: string; resolved: string } | undefined;

function resolvedFolder(path: PlatformPath, folder: string): string {
  const last = lastResolved;
  if (last?.path === path && last.folder === folder) return last.resolved;
  const resolved = path.resolve(folder);
  // Only a folder that needs no working folder (which a program may change) is kept.
  if (resolvesAlone(path, folder)) lastResolved = { path, folder, resolved };
  return resolved;
}

/** Whether a folder resolves without the working folder: "/x", "C:\\x", "\\\\server\\share". */
function resolvesAlone(path: PlatformPath, folder: string): boolean {
  if (!path.isAbsolute(folder)) return false;
  return path.sep === "/" || /^([A-Za-z]:[\\/]|[\\/]{2})/.test(folder);
}
