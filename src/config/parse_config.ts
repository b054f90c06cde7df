/** Parsing config text into a validated Config, with located errors and warnings. */
import hostPath, { type PlatformPath } from "node:path";
import YAML, { isMap, LineCounter, type Pair } from "yaml";
import { z } from "zod";
import { ConfigError } from "../errors/mod.ts";
import { closestMatch } from "./edit_distance.ts";
import { boolean, DOWNLOAD_KEYS, MUSICDL_TOP_LEVEL_KEYS, TOP_LEVEL_KEYS } from "./config_schema.ts";
import { ProblemCollector } from "./config_problem.ts";
import type { Config, LoadedConfig, SourceListName } from "./model.ts";
import { readDownloadSettings } from "./read_download.ts";
import { readMusicdlSections } from "./read_musicdl_sections.ts";
import { libraryLayout } from "./library_layout.ts";
import { readOverrides, readSourceList } from "./read_sources.ts";
import {
  describeValue,
  isNullScalar,
  keyText,
  type ReadContext,
  resolveNode,
  startOf,
  toValue,
  valueStart,
} from "./yaml_nodes.ts";

/** The config format version tunedl reads (musicdl's). */
export const CONFIG_VERSION = "1.2";

const SOURCE_LISTS: readonly SourceListName[] = ["songs", "albums", "artists", "playlists"];

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /** The file name used in messages (and to work out `dir`). */
  file: string;
  /** Environment to take SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET from. */
  env?: Record<string, string | undefined>;
  /** The config's folder, against which relative paths resolve; default: the file's folder. */
  dir?: string;
  /** Path rules for resolving (tests use another OS's); default: the host's. */
  platformPath?: PlatformPath;
  /** Which system's absolute paths are valid; default: the one `platformPath` is of. */
  platform?: "windows" | "posix";
}

const SYNTAX_HINT =
  "YAML is indentation-sensitive: indent with spaces (not tabs), put a space after `:` and `-`, and quote values that contain `: ` or ` #`";

const ESCAPE_HINT =
  "in double quotes a backslash starts an escape: write Windows paths in single quotes ('C:\\Music\\{artist}') or with forward slashes (C:/Music/{artist})";

function yamlErrorHint(code: string): string {
  if (code === "DUPLICATE_KEY") {
    return "each key may appear only once in its block; merge or remove the repeat";
  }
  return code === "BAD_DQ_ESCAPE" ? ESCAPE_HINT : SYNTAX_HINT;
}

const version = z.union([z.string(), z.number()]).transform(String).pipe(z.literal(CONFIG_VERSION));
const flag = boolean();

/** Largest config file read: a config listing ten thousand links is under 1 MB. */
export const MAX_CONFIG_CHARS = 4 * 1024 * 1024;

/** Most YAML syntax errors reported; after a few, the rest are usually echoes of the first. */
const MAX_YAML_ERRORS = 3;

/** Parses and validates config text; throws ConfigError listing every problem found. */
export function parseConfig(text: string, options: ParseConfigOptions): LoadedConfig {
  rejectUnreadableText(text, options.file);
  try {
    return parseConfigText(text, options);
  } catch (error) {
    throw resourceFailure(error, options.file) ?? error;
  }
}

/** A file that is too large or not text gets one line, before YAML reads it. */
function rejectUnreadableText(text: string, file: string): void {
  if (text.length > MAX_CONFIG_CHARS) {
    throw new ConfigError(
      `${file}: the file is ${(text.length / (1024 * 1024)).toFixed(1)} MB; a config is at most ` +
        `${MAX_CONFIG_CHARS / (1024 * 1024)} MB`,
      { hint: "check that --config points at your config.yaml, not at another file" },
    );
  }
  // NUL never occurs in text; U+FFFD is what invalid UTF-8 (binary data) was read as.
  const sample = text.slice(0, 64 * 1024);
  const replaced = sample.match(/\uFFFD/g)?.length ?? 0;
  if (sample.includes("\u0000") || replaced > 8 && replaced > sample.length / 100) {
    throw new ConfigError(`${file}: this is not a text file (it holds binary data)`, {
      hint: "check that --config points at your config.yaml; save it as UTF-8 text",
    });
  }
}

/**
 * Failures of the YAML library on hostile input, as one config error: an
 * alias bomb (a few lines that expand to billions of values) or nesting so
 * deep that reading it exhausts the stack.
 */
function resourceFailure(error: unknown, file: string): ConfigError | undefined {
  if (error instanceof ConfigError || !(error instanceof Error)) return undefined;
  if (/alias/i.test(error.message)) {
    return new ConfigError(
      `${file}: the YAML aliases (*name) expand to too many values; refusing to read it`,
      { hint: "write the values out instead of repeating aliases (*name) of aliases" },
    );
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) return tooDeep(file);
  return undefined;
}

function tooDeep(file: string, where = ""): ConfigError {
  return new ConfigError(`${file}${where}: the YAML is nested too deeply to be a config`, {
    hint: "a config nests three levels at most (download: settings, lists of links); " +
      "start from a copy of config.example.yaml",
  });
}

/** A YAML parser message made short and free of the file's text (which may hold a secret). */
function yamlReason(error: YAML.YAMLError): string {
  if (error.code === "MULTIPLE_DOCS") return "the file holds more than one YAML document (`---`)";
  return error.message
    .replace(/\s*\n\s*/g, " ")
    // "Unexpected scalar token in YAML stream: \"<text>\"": the location says where.
    .replace(/: ".*"$/s, "")
    .replace(/; please use .*$/, "")
    .replace(/\.$/, "")
    .slice(0, 200);
}

function yamlHint(error: YAML.YAMLError): string {
  if (error.code === "MULTIPLE_DOCS") {
    return "a config is one document: remove the `---` line and what follows, or merge them";
  }
  return yamlErrorHint(error.code);
}

function parseConfigText(text: string, options: ParseConfigOptions): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems = new ProblemCollector(options.file, lineCounter);
  const escapeLines = new Set<number>();
  let yamlErrors = 0;
  for (const error of doc.errors) {
    if (/call stack/i.test(error.message)) {
      throw tooDeep(options.file, `:${lineCounter.linePos(error.pos[0]).line}`);
    }
    if (yamlErrors >= MAX_YAML_ERRORS) break;
    const reason = yamlReason(error);
    if (error.code === "BAD_DQ_ESCAPE") {
      // One Windows path in double quotes gives an error per backslash; one per line is enough.
      const line = lineCounter.linePos(error.pos[0]).line;
      if (escapeLines.has(line)) continue;
      escapeLines.add(line);
    }
    yamlErrors++;
    problems.error(error.pos[0], "", `invalid YAML: ${reason}`, yamlHint(error));
  }
  problems.throwIfErrors();
  for (const warning of doc.warnings) {
    problems.warn(warning.pos[0], "", `YAML: ${warning.message.replace(/\s*\n\s*/g, " ")}`);
  }

  const root = resolveNode(doc, doc.contents);
  if (isNullScalar(root)) {
    problems.error(
      0,
      "",
      "the config is empty",
      "copy config.example.yaml and list your Spotify links in it",
    );
    return problems.fail();
  }
  if (!isMap(root)) {
    problems.error(
      startOf(root, 0),
      "",
      `expected a mapping of settings (version:, download:, songs:, ...), got ${
        describeValue(toValue(doc, root))
      }`,
      "start from a copy of config.example.yaml",
    );
    return problems.fail();
  }

  const ctx: ReadContext = { doc, problems };
  const sections = topLevelSections(ctx, root.items);
  const config: Config = {
    version: readVersion(ctx, sections.get("version")),
    download: {} as Config["download"],
    songs: [],
    albums: [],
    artists: [],
    playlists: [],
    liked_songs: false,
    overrides: {},
  };
  const musicdl = readMusicdlSections(ctx, sections);
  const downloadPair = sections.get("download");
  const { settings, credentials } = readDownloadSettings(
    ctx,
    resolveNode(doc, downloadPair?.value),
    {
      offset: downloadPair ? valueStart(downloadPair, 0) : 0,
      env: options.env ?? {},
      fallbackCredentials: musicdl.credentials,
      platform: options.platform ??
        ((options.platformPath ?? hostPath).sep === "\\" ? "windows" : "posix"),
    },
  );
  config.download = settings;
  let likedInPlaylists = false;
  for (const list of SOURCE_LISTS) {
    const pair = sections.get(list);
    if (pair === undefined) continue;
    const result = readSourceList(ctx, list, resolveNode(doc, pair.value), valueStart(pair, 0));
    config[list] = result.entries;
    likedInPlaylists ||= result.liked;
  }
  config.liked_songs = readLikedSongs(ctx, sections.get("liked_songs")) || likedInPlaylists;
  const overridesPair = sections.get("overrides");
  if (overridesPair) {
    config.overrides = readOverrides(ctx, overridesPair.value, valueStart(overridesPair, 0));
  }

  problems.throwIfErrors();
  const file = options.file;
  const paths = options.platformPath ?? hostPath;
  const dir = options.dir ?? paths.dirname(paths.resolve(file));
  const cacheFile = config.download.cache_file;
  return {
    config,
    warnings: problems.warningLines(),
    file,
    dir,
    library: libraryLayout({ config, dir, file }, { platformPath: paths }),
    cacheFile: cacheFile ? paths.resolve(dir, cacheFile) : undefined,
    credentials,
    ignored: musicdl.ignored,
  };
}

function topLevelSections(ctx: ReadContext, pairs: Pair[]): Map<string, Pair> {
  const sections = new Map<string, Pair>();
  for (const pair of pairs) {
    const key = keyText(pair.key);
    const at = startOf(pair.key, 0);
    if (key === undefined) {
      ctx.problems.error(
        at,
        "",
        "a top-level key must be a plain word",
        "write settings as `key: value`",
      );
    } else if (TOP_LEVEL_KEYS.includes(key)) {
      sections.set(key, pair);
    } else if (key === "liked") {
      ctx.problems.error(
        at,
        key,
        "unknown key; did you mean `liked_songs`?",
        "rename it to `liked_songs`",
      );
    } else if (DOWNLOAD_KEYS.includes(key)) {
      ctx.problems.error(
        at,
        key,
        `\`${key}\` belongs under \`download:\`, not at the top level`,
        `indent \`${key}:\` below \`download:\``,
      );
    } else if (MUSICDL_TOP_LEVEL_KEYS.includes(key)) {
      sections.set(key, pair);
    } else {
      reportUnknownTopLevelKey(ctx, at, key);
    }
  }
  return sections;
}

/** A near miss of a known key is an error (the user meant that setting); anything else a warning. */
function reportUnknownTopLevelKey(ctx: ReadContext, at: number, key: string): void {
  const suggestion = closestMatch(key, [...TOP_LEVEL_KEYS, ...MUSICDL_TOP_LEVEL_KEYS]);
  const downloadSuggestion = suggestion === undefined
    ? closestMatch(key, DOWNLOAD_KEYS)
    : undefined;
  if (suggestion !== undefined) {
    ctx.problems.error(
      at,
      key,
      `unknown key; did you mean \`${suggestion}\`?`,
      `rename it to \`${suggestion}\``,
    );
  } else if (downloadSuggestion !== undefined) {
    ctx.problems.error(
      at,
      key,
      `unknown key; did you mean \`${downloadSuggestion}\` under \`download:\`?`,
      `rename it to \`${downloadSuggestion}\` and indent it below \`download:\``,
    );
  } else {
    ctx.problems.warn(
      at,
      key,
      "unknown key, ignored",
      "see config.example.yaml for the keys tunedl knows",
    );
  }
}

function readVersion(ctx: ReadContext, pair: Pair | undefined): string {
  if (pair === undefined) {
    ctx.problems.error(
      0,
      "version",
      "missing",
      `add \`version: "${CONFIG_VERSION}"\` as the first line`,
    );
    return CONFIG_VERSION;
  }
  const value = toValue(ctx.doc, resolveNode(ctx.doc, pair.value));
  if (!version.safeParse(value).success) {
    ctx.problems.error(
      valueStart(pair, 0),
      "version",
      `unsupported version ${describeValue(value)}, expected "${CONFIG_VERSION}"`,
      `set \`version: "${CONFIG_VERSION}"\` (the musicdl 1.2 format tunedl reads)`,
    );
  }
  return CONFIG_VERSION;
}

function readLikedSongs(ctx: ReadContext, pair: Pair | undefined): boolean {
  if (pair === undefined || isNullScalar(pair.value)) return false;
  const value = toValue(ctx.doc, resolveNode(ctx.doc, pair.value));
  const parsed = flag.safeParse(value);
  if (parsed.success) return parsed.data;
  ctx.problems.error(
    valueStart(pair, 0),
    "liked_songs",
    `expected true or false, got ${describeValue(value)}`,
    "set `liked_songs: true` to download your Liked Songs, or delete the line",
  );
  return false;
}
