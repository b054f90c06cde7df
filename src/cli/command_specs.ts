/**
 * Every tunedl command as data (see command_spec.ts): the one source of the
 * parser's flags, each command's `--help`, the command list of `tunedl --help`
 * and the shell completion scripts.
 */
import { AUDIO_FORMATS, LYRICS_MODES, OVERWRITE_MODES, PROVIDER_NAMES } from "../model/mod.ts";
import { SPOTIFY_DASHBOARD_URL } from "../spotify/mod.ts";
import type { CommandSpec, FlagDef, PositionalDef } from "./command_spec.ts";

/** How long `tunedl login` waits for the browser by default. */
export const DEFAULT_LOGIN_TIMEOUT_SECONDS = 300;

/** Shells `tunedl completions` writes scripts for. */
export const COMPLETION_SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

const CONFIG: FlagDef = {
  name: "config",
  short: "c",
  value: "FILE",
  description: "config file (default ./config.yaml or $TUNEDL_CONFIG)",
  complete: "file",
};
const JSON_FLAG: FlagDef = { name: "json", description: "print one JSON document" };
const HELP: FlagDef = { name: "help", short: "h", description: "show this help" };

/** The settings a run may change on the command line; each names its config key. */
export const OVERRIDE_FLAGS = {
  output: {
    name: "output",
    short: "o",
    value: "DIR|TEMPLATE",
    description: "a folder (the config's file names inside it)\n" +
      "or a path template (download.output)",
    complete: "folder",
  },
  format: {
    name: "format",
    short: "f",
    value: "FORMAT",
    description: `${AUDIO_FORMATS.join(", ")} (download.format)`,
    choices: AUDIO_FORMATS,
  },
  bitrate: {
    name: "bitrate",
    short: "b",
    value: "RATE",
    description: "lossy bitrate: 128k, 192k, 320k, auto, disable\n(download.bitrate)",
    choices: ["128k", "192k", "256k", "320k", "auto", "disable"],
  },
  threads: {
    name: "threads",
    short: "t",
    value: "N",
    description: "tracks at once, 1 to 64 (download.threads)",
  },
  overwrite: {
    name: "overwrite",
    value: "MODE",
    description: `existing files: ${OVERWRITE_MODES.join(", ")}\n` +
      "(metadata: re-tag, add lyrics) (download.overwrite)",
    choices: OVERWRITE_MODES,
  },
  m3u: { name: "m3u", description: "write playlists' M3U files (download.m3u)" },
  "no-m3u": { name: "no-m3u", description: "write no M3U files" },
  lyrics: {
    name: "lyrics",
    value: "MODE",
    description: `LRCLIB lyrics: ${LYRICS_MODES.join(", ")} (download.lyrics)`,
    choices: LYRICS_MODES,
  },
} satisfies Record<string, FlagDef>;

const ALL_OVERRIDES = Object.values(OVERRIDE_FLAGS);
/** The overrides that change what `plan` shows. */
const PLAN_OVERRIDES = [
  OVERRIDE_FLAGS.output,
  OVERRIDE_FLAGS.format,
  OVERRIDE_FLAGS.overwrite,
  OVERRIDE_FLAGS.m3u,
  OVERRIDE_FLAGS["no-m3u"],
];

const LINKS: PositionalDef = {
  name: "<link>...",
  description: "",
  choices: ["liked"],
  repeat: true,
  choiceHelp: {
    "<link>...":
      "Spotify track, album, artist or playlist links (or spotify: URIs);\nthey replace the config's lists for this run",
    "liked": "your Liked Songs (needs `tunedl login`)",
  },
};

/** The exit codes, as `tunedl --help` and `tunedl download --help` list them. */
export const EXIT_CODES = `Exit codes:
  0    all done
  1    some items failed or were not found, or a source (or part of one) could not
       be read; \`tunedl report\` lists them
  2    config or usage error
  3    Spotify refused the credentials or access
  4    a required program (yt-dlp, ffmpeg) is missing
  5    a service (Spotify, YouTube) could not be reached or kept timing out
  6    storage: the library or cache folder cannot be written, the disk is full,
       or another tunedl run holds the library
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP)`;

const ONE_SHOT = `With links, the config is optional: settings come from --config FILE or
./config.yaml when there is one, else from the defaults; credentials from
SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET or that config.`;

/** Every command, in the order `tunedl --help` lists them. */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  {
    name: "download",
    summary: "download a config's lists, or the links given (or `download liked`)",
    synopsis: "[<link>... | liked] [--config FILE] [options]",
    description: `Plans the download (Spotify), then searches, downloads, converts and tags each
track, adds its lyrics and writes the playlists' M3U files. Files already in
the library are skipped. Ctrl-C stops cleanly (a second Ctrl-C stops at once);
run again with --resume to continue the same plan (it retries every track not
done). Only one download runs on a library at a time. Each run leaves a record
that \`tunedl report\` shows.

${ONE_SHOT}`,
    positionals: [LINKS],
    flags: [
      CONFIG,
      ...ALL_OVERRIDES,
      { name: "resume", description: "continue the last run of the same config where it stopped" },
      {
        name: "prune",
        description: "after the downloads, remove the files tunedl wrote that no\n" +
          "source of the config lists any more (see `tunedl plan --prune`)",
      },
      {
        name: "force",
        description: "let --prune remove more than a quarter of tunedl's files\n" +
          "(without it such a prune stops with exit 2)",
      },
      { name: "quiet", short: "q", description: "only errors and the summary" },
      { name: "verbose", short: "v", description: "also stages and retries" },
      {
        name: "log-format",
        value: "F",
        description: "text (default: a live display on a terminal, plain lines\n" +
          "otherwise) or json (one JSON event per line, for scripts)",
        choices: ["text", "json"],
      },
      HELP,
    ],
    footer: EXIT_CODES,
  },
  {
    name: "plan",
    summary: "show what would be downloaded and where, without downloading",
    synopsis: "[<link>... | liked] [--config FILE] [--json] [--all] [--prune]",
    description: `Reads the Spotify catalog for everything the config lists (or the links given),
merges duplicates, resolves output paths (also each M3U's) and checks which
files already exist. Downloads nothing. Exit code 1 when a source (or part of
one) could not be read.

${ONE_SHOT}`,
    positionals: [LINKS],
    flags: [
      CONFIG,
      ...PLAN_OVERRIDES,
      {
        name: "json",
        description: 'print the whole plan as one JSON document {"items": [...]}',
      },
      { name: "all", description: "list every track, not only the first 50 to download" },
      {
        name: "prune",
        description: "also list the files tunedl wrote that no source lists any\n" +
          "more (what `tunedl download --prune` would remove)",
      },
      HELP,
    ],
  },
  {
    name: "validate",
    summary: "check a config file (or links) without using the network",
    synopsis: "[<link>... | liked] [--config FILE] [--json]",
    description: `Checks the config (syntax, keys, values, Spotify links) and the options given
without any network access and prints what the run would use, with the library
folder and where the M3U files go. Exit code 0 when valid, 2 when not.`,
    positionals: [LINKS],
    flags: [
      CONFIG,
      ...ALL_OVERRIDES,
      {
        name: "json",
        description:
          'print one JSON document (with "paths": the library folder\nand where the M3U files go)',
      },
      HELP,
    ],
  },
  {
    name: "explain",
    summary: "show how a Spotify track is matched to its audio",
    synopsis: "<spotify track link> [--config FILE] [--json]",
    description: `Searches the configured providers (${PROVIDER_NAMES.join(", ")}) for the track as
a download would (fresh, without the search cache) and prints every candidate
with its score parts: title, artist, duration, album, bonus and penalties (a
version word such as "Live" or "Remix" on one side only), the rule that
rejected it (title, artist, main artist, length), and why the winner won or why
nothing reached the threshold. In --json, a rejected candidate's score has
"rejected" and "rule". The config is optional: its settings when --config FILE
or ./config.yaml is there, else the defaults.`,
    positionals: [{ name: "<track link>", description: "a Spotify track link" }],
    flags: [
      CONFIG,
      { name: "json", description: "print the track and the match result as one JSON document" },
      HELP,
    ],
  },
  {
    name: "doctor",
    summary: "check yt-dlp, ffmpeg, credentials and folders",
    synopsis: "[--config FILE] [--json]",
    description: `Checks yt-dlp (found, how old), a JavaScript runtime yt-dlp can use for
YouTube, ffmpeg and ffprobe, the Spotify credentials (fetches a token and
makes one API call), the Spotify login, and that the cache and output folders
are writable. Prints a fix for each problem. Exit code 0 only when a download
can work.`,
    positionals: [],
    flags: [
      CONFIG,
      { name: "json", description: "print the checks as one JSON document" },
      HELP,
    ],
  },
  {
    name: "cache",
    summary: "cache stats | cache clear [spotify|search|lyrics|library] | cache path",
    synopsis: "<stats|clear|path> [spotify|search|lyrics|library] [--config FILE] [--json]",
    description: "",
    positionals: [
      {
        name: "<action>",
        description: "stats, clear or path",
        choices: ["stats", "clear", "path"],
        only: true,
        choiceHelp: {
          stats: "entries, size and lifetime hit rate of each cache",
          clear: "delete the whole cache file (also a damaged one)",
          path: "print where the cache lives",
        },
      },
      {
        name: "<part>",
        description: "the part of the cache to clear",
        choices: ["spotify", "search", "lyrics", "library"],
        only: true,
        after: "clear",
        choiceHelp: {
          spotify: "forget Spotify answers (albums, playlists, tracks)",
          search: "forget search results and chosen matches",
          lyrics: "forget LRCLIB's lyrics answers (found and not found)",
          library: "forget the library index (files are re-checked on disk)",
        },
      },
    ],
    flags: [
      { ...CONFIG, description: "config file, for download.cache_file (optional)" },
      JSON_FLAG,
      HELP,
    ],
  },
  {
    name: "login",
    summary: "log in to Spotify for your own playlists and Liked Songs",
    synopsis: "[--config FILE] [--port N] [--no-browser] [--timeout SECONDS]",
    description: `Logs in to Spotify once so tunedl can read your own playlists (also private
and collaborative ones) and your Liked Songs: since 2026 Spotify lists a
playlist's tracks only for its owner or collaborators. Opens Spotify's login
page in your browser (or prints the URL to open), then waits for the answer on
http://127.0.0.1:PORT/callback. Your app must list exactly that address under
Redirect URIs (${SPOTIFY_DASHBOARD_URL}, your app, Settings).
Asks only to read playlists and saved tracks. The login is kept in the cache
folder (tokens.json, readable by you only) and renewed automatically;
\`tunedl logout\` forgets it.

Needs no config file when SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are set.

No browser on this machine (a NAS)? Forward the port from your computer
(ssh -L PORT:127.0.0.1:PORT user@nas), run \`tunedl login --no-browser\` there,
and open the printed URL on your computer.`,
    positionals: [],
    flags: [
      CONFIG,
      {
        name: "port",
        value: "N",
        description: "callback port (default download.login_redirect_port, 8888)",
      },
      { name: "no-browser", description: "only print the URL, don't try to open a browser" },
      {
        name: "timeout",
        value: "SECS",
        description: `how long to wait for the login (default ${DEFAULT_LOGIN_TIMEOUT_SECONDS})`,
      },
      HELP,
    ],
  },
  {
    name: "logout",
    summary: "forget the Spotify login",
    synopsis: "",
    description: `Deletes the saved Spotify login (tokens.json in the cache folder). Playlists
are then read with the app's client credentials again. To also withdraw the
app's access on Spotify's side, remove it at https://www.spotify.com/account/apps/.`,
    positionals: [],
    flags: [
      { ...CONFIG, description: "accepted for symmetry; the login does not depend on it" },
      HELP,
    ],
  },
  {
    name: "report",
    summary: "show what the last download of a config did: failures, not found, sources",
    synopsis: "[--config FILE] [--json]",
    description: `Shows the last \`tunedl download\` of the config: its exit code, counts, every
track that failed or was not found (with the reason, a hint, and for not found
the best candidate and its score), and every source with its status (ok,
partial: some of it could not be read, failed: none of it could be read).
With --json one document: {"exit_code", "counts", "items": [{"spotify_id",
"name", "status", "code", "message", "hint"}], "sources": [{"name", "url",
"status", "message"}]}.`,
    positionals: [],
    flags: [CONFIG, JSON_FLAG, HELP],
  },
  {
    name: "completions",
    summary: "print a shell completion script (bash, zsh, fish, powershell)",
    synopsis: "<bash|zsh|fish|powershell>",
    description: `Prints a script that completes tunedl's commands, options and setting values.
The README says where to put it for each shell, e.g. for bash:
  tunedl completions bash > ~/.local/share/bash-completion/completions/tunedl`,
    positionals: [{
      name: "<shell>",
      description: COMPLETION_SHELLS.join(", "),
      choices: COMPLETION_SHELLS,
      only: true,
    }],
    flags: [HELP],
  },
];

/** A command's definition by name. */
export function commandSpec(name: string): CommandSpec {
  const spec = COMMAND_SPECS.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`no command definition named ${name}`);
  return spec;
}
