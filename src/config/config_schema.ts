/**
 * The config's keys. The `download:` block is a table: for each key its zod schema, what a valid
 * value looks like (for error messages) and its default. musicdl 1.2 keys keep
 * musicdl's names and defaults (except where noted) so old configs load as-is.
 */
import { z } from "zod";
import {
  AUDIO_FORMATS,
  DUPLICATES_MODES,
  LYRICS_MODES,
  type LyricsMode,
  OVERWRITE_MODES,
  type ProviderName,
} from "../model/mod.ts";
import type { AlbumGroup, DownloadSettings } from "./model.ts";

/** One key of the `download:` block. */
export interface FieldSpec<T> {
  schema: z.ZodType<T, unknown>;
  /** Completes "expected ...": "a positive integer". */
  expected: string;
  /** Never shown in messages, even when it has the wrong type (`client_secret`). */
  secret?: boolean;
  /** For lists: completes "expected ..." for one element. */
  itemExpected?: string;
  /** Absent for settings that stay unset unless given. */
  default?: T;
}

type DownloadFieldTable = {
  [K in keyof DownloadSettings]-?: FieldSpec<NonNullable<DownloadSettings[K]>>;
};

/** Every Spotify album_group an `artists:` entry may ask for, in Spotify's order. */
export const ALBUM_GROUPS: readonly AlbumGroup[] = ["album", "single", "appears_on", "compilation"];

/**
 * Keys musicdl 1.2 (Python and Go editions) accepted that tunedl has no use
 * for: accepted silently so a musicdl config needs no edits.
 */
export const IGNORED_MUSICDL_DOWNLOAD_KEYS: readonly string[] = [
  "use_plan_architecture",
  "plan_status_reporting_enabled",
  "download_rate_limit_enabled",
  "download_rate_limit_requests",
  "download_rate_limit_window",
  "download_bandwidth_limit",
];

/** musicdl's names for settings tunedl calls differently: musicdl name -> tunedl name. */
export const DOWNLOAD_KEY_ALIASES: Readonly<Record<string, keyof DownloadSettings>> = {
  file_existence_cache_max_size: "file_cache_max_size",
  file_existence_cache_ttl: "file_cache_ttl",
};

// PyYAML (musicdl's parser) reads yes/no/on/off as booleans and pydantic
// accepts numeric strings, so both stay valid here.
const TRUE_WORDS = new Set(["true", "yes", "on", "y", "1"]);
const FALSE_WORDS = new Set(["false", "no", "off", "n", "0"]);

function coerceNumber(value: unknown): unknown {
  if (typeof value === "string" && /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(value)) {
    return Number(value);
  }
  return value;
}

function coerceBoolean(value: unknown): unknown {
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  if (value === 0 || value === 1) return value === 1;
  return value;
}

function lowerCase(value: unknown): unknown {
  return typeof value === "string" ? value.trim().toLowerCase() : value;
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER): z.ZodType<number, unknown> {
  return z.preprocess(coerceNumber, z.number().int().min(min).max(max));
}

function decimal(min: number, max = Number.MAX_VALUE): z.ZodType<number, unknown> {
  return z.preprocess(coerceNumber, z.number().min(min).max(max));
}

function positiveDecimal(): z.ZodType<number, unknown> {
  return z.preprocess(coerceNumber, z.number().positive().max(Number.MAX_VALUE));
}

/** A boolean that also takes PyYAML's yes/no/on/off, as musicdl did. */
export function boolean(): z.ZodType<boolean, unknown> {
  return z.preprocess(coerceBoolean, z.boolean());
}

function text(): z.ZodType<string, unknown> {
  return z.string().trim().min(1);
}

function oneOf<T extends string>(values: readonly T[]): z.ZodType<T, unknown> {
  return z.preprocess(lowerCase, z.enum(values as [T, ...T[]]));
}

const bitrate: z.ZodType<string, unknown> = z.preprocess(
  // `bitrate: 320` means 320k; "auto" and "disable" are spotdl's, which musicdl mirrored.
  (value) => typeof value === "number" && Number.isInteger(value) ? `${value}k` : lowerCase(value),
  z.string().regex(/^(\d{1,4}k|auto|disable)$/),
);

const template: z.ZodType<string, unknown> = z.string().refine(
  (value) => value.trim() !== "" && !value.endsWith("/"),
);

const albumGroups: z.ZodType<AlbumGroup[], unknown> = z.array(oneOf(ALBUM_GROUPS)).min(1).refine(
  (groups) => new Set(groups).size === groups.length,
);

const OUTPUT_DEFAULT = "{artist}/{album}/{track-number} - {title}.{output-ext}";

const SECONDS = "a number of seconds (0 or more)";
const COUNT = "a whole number (0 or more)";
const POSITIVE = "a positive integer";
const BOOLEAN = "true or false";
const PATH = "a path";

/** Every `download:` key tunedl uses, in the order config.example.yaml documents them. */
export const DOWNLOAD_FIELDS: DownloadFieldTable = {
  client_id: { schema: text(), expected: "the Client ID of your Spotify app (a string)" },
  client_secret: {
    schema: text(),
    expected: "the Client secret of your Spotify app (a string)",
    secret: true,
  },
  threads: { schema: integer(1, 64), expected: "a positive integer (1 to 64)", default: 4 },
  max_retries: { schema: integer(0, 100), expected: "a whole number from 0 to 100", default: 3 },
  format: {
    schema: oneOf(AUDIO_FORMATS),
    expected: `one of ${AUDIO_FORMATS.join(", ")}`,
    default: "mp3",
  },
  bitrate: {
    schema: bitrate,
    expected: `a bitrate like "192k" (or "auto", "disable")`,
    default: "128k",
  },
  output: {
    schema: template,
    expected: "a file path template like " + JSON.stringify(OUTPUT_DEFAULT),
    default: OUTPUT_DEFAULT,
  },
  audio_providers: {
    // Validated leniently in parse_config.ts: musicdl allowed providers tunedl lacks.
    schema: z.array(z.string()).min(1) as z.ZodType<ProviderName[], unknown>,
    expected: "a non-empty list of providers",
    itemExpected: "a provider name",
    default: ["youtube-music", "youtube"],
  },
  overwrite: {
    schema: oneOf(OVERWRITE_MODES),
    expected: `one of ${OVERWRITE_MODES.join(", ")}`,
    default: "skip",
  },
  duplicates: {
    schema: oneOf(DUPLICATES_MODES),
    expected: `one of ${DUPLICATES_MODES.join(", ")}`,
    default: "copy",
  },
  cache_max_size: { schema: integer(0), expected: COUNT, default: 1000 },
  cache_ttl: { schema: integer(0), expected: SECONDS, default: 3600 },
  audio_search_cache_max_size: { schema: integer(0), expected: COUNT, default: 500 },
  audio_search_cache_ttl: { schema: integer(0), expected: SECONDS, default: 86400 },
  audio_search_failure_ttl: { schema: integer(0), expected: SECONDS, default: 3600 },
  file_cache_max_size: { schema: integer(0), expected: COUNT, default: 10000 },
  file_cache_ttl: { schema: integer(0), expected: SECONDS, default: 3600 },
  cache_persistent: { schema: boolean(), expected: BOOLEAN, default: true },
  cache_file: { schema: text(), expected: PATH },
  spotify_max_retries: {
    schema: integer(0, 100),
    expected: "a whole number from 0 to 100",
    default: 3,
  },
  spotify_retry_base_delay: { schema: decimal(0), expected: SECONDS, default: 1.0 },
  spotify_retry_max_delay: { schema: decimal(0), expected: SECONDS, default: 120.0 },
  spotify_max_retry_after: {
    schema: positiveDecimal(),
    expected: "a positive number of seconds",
    default: 600,
  },
  spotify_rate_limit_enabled: { schema: boolean(), expected: BOOLEAN, default: true },
  spotify_rate_limit_requests: { schema: integer(1), expected: POSITIVE, default: 10 },
  spotify_rate_limit_window: {
    schema: positiveDecimal(),
    expected: "a positive number of seconds",
    default: 1.0,
  },
  plan_generation_enabled: { schema: boolean(), expected: BOOLEAN, default: true },
  plan_optimization_enabled: { schema: boolean(), expected: BOOLEAN, default: true },
  plan_execution_enabled: { schema: boolean(), expected: BOOLEAN, default: true },
  // musicdl defaulted to false; tunedl keeps plans so interrupted runs resume.
  plan_persistence_enabled: { schema: boolean(), expected: BOOLEAN, default: true },
  ytdlp_path: { schema: text(), expected: PATH },
  ffmpeg_path: { schema: text(), expected: PATH },
  cookies_file: { schema: text(), expected: PATH },
  ytdlp_args: {
    schema: z.array(z.string()),
    expected: "a list of strings",
    itemExpected: "a string (quote numbers)",
    default: [],
  },
  match_threshold: { schema: decimal(0, 1), expected: "a number from 0 to 1", default: 0.7 },
  duration_tolerance: { schema: decimal(0), expected: SECONDS, default: 15 },
  artist_album_groups: {
    schema: albumGroups,
    expected: `a non-empty list of distinct values from ${ALBUM_GROUPS.join(", ")}`,
    itemExpected: `one of ${ALBUM_GROUPS.join(", ")}`,
    default: ["album", "single"],
  },
  m3u_output: {
    schema: template,
    expected: `a file path template like "{playlist}.m3u8"`,
    default: "{playlist}.m3u8",
  },
  search_concurrency: {
    schema: integer(1, 64),
    expected: "a positive integer (1 to 64)",
    default: 4,
  },
  spotify_concurrency: {
    schema: integer(1, 64),
    expected: "a positive integer (1 to 64)",
    // The rate limiter holds the average; in flight at once is what lets a warm run's burst of
    // playlist checks take 3 round trips instead of 5 (20 playlists: 0.85 s instead of 0.9).
    default: 8,
  },
  download_timeout: {
    schema: positiveDecimal(),
    expected: "a positive number of seconds",
    default: 600,
  },
  request_timeout: {
    schema: z.preprocess(coerceNumber, z.number().min(0.1).max(3600)),
    expected: "a number of seconds from 0.1 to 3600",
    default: 10,
  },
  login_redirect_port: {
    schema: integer(1, 65535),
    expected: "a port number (1 to 65535)",
    default: 8888,
  },
  lyrics: {
    // `lyrics: false` (YAML's off/no) means off, as a musicdl user would write it.
    schema: z.preprocess(
      (value) => value === false ? "off" : value === true ? "synced" : lowerCase(value),
      z.enum(LYRICS_MODES as [LyricsMode, ...LyricsMode[]]),
    ),
    expected: `one of ${LYRICS_MODES.join(", ")}`,
    default: "synced",
  },
  m3u: { schema: boolean(), expected: BOOLEAN, default: true },
};

/** Top-level keys tunedl reads. */
export const TOP_LEVEL_KEYS: readonly string[] = [
  "version",
  "download",
  "songs",
  "albums",
  "artists",
  "playlists",
  "liked_songs",
  "overrides",
];

/** Top-level blocks of newer musicdl configs (read in read_musicdl_sections.ts). */
export const MUSICDL_TOP_LEVEL_KEYS: readonly string[] = [
  "spotify",
  "rate_limits",
  "graph",
  "plex",
  "ui",
];

/** All `download:` keys tunedl knows, for typo suggestions. */
export const DOWNLOAD_KEYS: readonly string[] = Object.keys(DOWNLOAD_FIELDS);
