/**
 * One-shot runs: Spotify links (and `liked`) on the command line replace the
 * config's lists for that run, and the config itself becomes optional. A
 * positional that is neither is a usage error naming it.
 */
import { join } from "node:path";
import { pathExistsSync } from "../util/mod.ts";
import {
  type LoadedConfig,
  NO_CONFIG_FILE,
  parseConfig,
  type SourceEntry,
  type SourceListName,
} from "../config/mod.ts";
import { UsageError } from "../errors/mod.ts";
import { analyzeSpotifyLink, type SpotifyKind, type SpotifyRef } from "../model/mod.ts";
import { loadConfigFor } from "./config_source.ts";
import type { CliIo } from "./io.ts";

/** What the positionals of `download`, `plan` and `validate` ask for. */
export interface RunSubjects {
  refs: SpotifyRef[];
  liked: boolean;
}

/** Stands for the config file in messages when a one-shot run has none. */
export { NO_CONFIG_FILE };

const LIST_OF_KIND: Record<SpotifyKind, SourceListName> = {
  track: "songs",
  album: "albums",
  artist: "artists",
  playlist: "playlists",
};

const LINK_HINT =
  "Give Spotify track, album, artist or playlist links (Share > Copy link) or `liked`; " +
  "a config file goes after --config.";

/** Reads the positionals as links and `liked`; anything else is a UsageError naming it. */
export function runSubjects(command: string, positionals: readonly string[]): RunSubjects {
  const subjects: RunSubjects = { refs: [], liked: false };
  const seen = new Set<string>();
  for (const arg of positionals) {
    const analysis = analyzeSpotifyLink(arg);
    const shown = JSON.stringify(arg);
    const refuse = (why: string, hint = LINK_HINT) => {
      throw new UsageError(`tunedl ${command}: ${shown} ${why}`, { hint });
    };
    switch (analysis.type) {
      case "ref":
        if (!seen.has(analysis.ref.url)) subjects.refs.push(analysis.ref);
        seen.add(analysis.ref.url);
        break;
      case "liked":
        subjects.liked = true;
        break;
      case "bad_id":
        refuse(
          `has a malformed Spotify ${analysis.kind} id (ids are 22 letters and digits)`,
          "Copy the link again from Spotify (Share > Copy link).",
        );
        break;
      case "bare_id":
        refuse(
          "is a bare id that does not say what it is",
          `Write it as a link, e.g. https://open.spotify.com/track/${analysis.id}.`,
        );
        break;
      case "unsupported":
        refuse(
          `is ${analysis.what} link; tunedl downloads tracks, albums, artists and playlists`,
        );
        break;
      case "short_link":
        refuse(
          "is a short link that only Spotify can expand",
          "Open it in a browser and copy the open.spotify.com address it leads to.",
        );
        break;
      case "not_spotify":
        if (arg.trim().toLowerCase() === "liked") subjects.liked = true;
        else if (/\.ya?ml$/i.test(arg)) {
          refuse(
            "is not a Spotify link or `liked`",
            `To use it as the config file: tunedl ${command} --config ${arg}`,
          );
        } else refuse("is not a Spotify link or `liked`");
    }
  }
  return subjects;
}

/** Whether the command line named anything to download. */
export function hasSubjects(subjects: RunSubjects): boolean {
  return subjects.refs.length > 0 || subjects.liked;
}

/** The config with its lists replaced by the subjects (its settings and overrides kept). */
export function withSubjects(loaded: LoadedConfig, subjects: RunSubjects): LoadedConfig {
  const lists: Record<SourceListName, SourceEntry[]> = {
    songs: [],
    albums: [],
    artists: [],
    playlists: [],
  };
  for (const ref of subjects.refs) lists[LIST_OF_KIND[ref.kind]].push({ ref });
  return { ...loaded, config: { ...loaded.config, ...lists, liked_songs: subjects.liked } };
}

/**
 * The config of a run. Without subjects: the config file (it must exist).
 * With subjects: --config or $TUNEDL_CONFIG when given, else ./config.yaml when
 * it exists, else the defaults (credentials from the environment); the lists
 * are then the subjects.
 */
export async function loadRunConfig(
  flags: Record<string, unknown>,
  io: CliIo,
  subjects: RunSubjects,
  options: { quiet?: boolean } = {},
): Promise<LoadedConfig> {
  if (!hasSubjects(subjects)) return await loadConfigFor(flags, io, options);
  const given = typeof flags.config === "string" || !!io.env.TUNEDL_CONFIG;
  const local = join(io.cwd, "config.yaml");
  if (given || pathExistsSync(local)) {
    return withSubjects(await loadConfigFor(flags, io, options), subjects);
  }
  return withSubjects(defaultConfig(io), subjects);
}

/** The defaults, as a config file holding only its version would give them. */
export function defaultConfig(io: Pick<CliIo, "cwd" | "env">): LoadedConfig {
  // Relative settings (output, cache_file) are relative to where tunedl runs.
  return parseConfig('version: "1.2"\n', { file: NO_CONFIG_FILE, env: io.env, dir: io.cwd });
}
