/** A table of broken configs and the exact located message each must produce. */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors/mod.ts";
import { InvalidConfigError, parseConfig } from "../../src/config/mod.ts";

const T = "1t2qKa8K72IBC8yQlhD9bU";
const A = "58NCND7oBmNGsoYExAYtvV";

interface BadCase {
  name: string;
  yaml: string;
  /** Each must appear in the error message. */
  expect: string[];
  /** Must appear in the error's hint. */
  hint?: string;
  /** Expected number of problems (lines); default 1. */
  count?: number;
}

/** Runs fn and returns what it threw (failing when it throws nothing). */
function thrownBy(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `is a ConfigError: ${error}`);
    assert.ok(error instanceof InvalidConfigError, "carries its problems");
    return error;
  }
  assert.fail("expected an error, got none");
}

const cases: BadCase[] = [
  {
    name: "word where a number belongs",
    yaml: `version: "1.2"\ndownload:\n  threads: four\n`,
    expect: [
      `config.yaml:3:12: download.threads: expected a positive integer (1 to 64), got "four"`,
    ],
  },
  {
    name: "zero threads",
    yaml: `version: "1.2"\ndownload:\n  threads: 0\n`,
    expect: [`config.yaml:3:12: download.threads: expected a positive integer (1 to 64), got 0`],
  },
  {
    name: "unknown format",
    yaml: `version: "1.2"\ndownload:\n  format: wav\n`,
    expect: [
      `config.yaml:3:11: download.format: expected one of mp3, m4a, flac, opus, ogg, got "wav"`,
    ],
  },
  {
    name: "unknown overwrite mode",
    yaml: `version: "1.2"\ndownload:\n  format: mp3\n  overwrite: always\n`,
    expect: [
      `config.yaml:4:14: download.overwrite: expected one of skip, overwrite, metadata, got "always"`,
    ],
  },
  {
    name: "unknown duplicates mode",
    yaml: `version: "1.2"\ndownload:\n  duplicates: symlink\n`,
    expect: [
      `config.yaml:3:15: download.duplicates: expected one of copy, link, skip, got "symlink"`,
    ],
  },
  {
    name: "match_threshold above 1",
    yaml: `version: "1.2"\ndownload:\n  match_threshold: 1.5\n`,
    expect: [`config.yaml:3:20: download.match_threshold: expected a number from 0 to 1, got 1.5`],
  },
  {
    name: "unknown album group points at the element",
    yaml: `version: "1.2"\ndownload:\n  artist_album_groups: [album, live]\n`,
    expect: [
      `config.yaml:3:32: download.artist_album_groups[1]: expected one of album, single, appears_on, compilation, got "live"`,
    ],
  },
  {
    name: "provider list given as a single string",
    yaml: `version: "1.2"\ndownload:\n  audio_providers: youtube\n`,
    expect: [
      `config.yaml:3:20: download.audio_providers: expected a non-empty list of providers, got "youtube"`,
    ],
  },
  {
    name: "number among yt-dlp arguments",
    yaml: `version: "1.2"\ndownload:\n  ytdlp_args:\n    - --no-part\n    - 3\n`,
    expect: [`config.yaml:5:7: download.ytdlp_args[1]: expected a string (quote numbers), got 3`],
  },
  {
    name: "port out of range",
    yaml: `version: "1.2"\ndownload:\n  login_redirect_port: 70000\n`,
    expect: [
      `config.yaml:3:24: download.login_redirect_port: expected a port number (1 to 65535), got 70000`,
    ],
  },
  {
    name: "client_id that YAML read as a number",
    yaml: `version: "1.2"\ndownload:\n  client_id: 12345\n`,
    expect: [
      `config.yaml:3:14: download.client_id: expected the Client ID of your Spotify app (a string), got 12345`,
    ],
  },
  {
    name: "download is not a mapping",
    yaml: `version: "1.2"\ndownload: 5\n`,
    expect: [`config.yaml:2:11: download: expected a mapping of settings, got 5`],
  },
  {
    name: "unsupported version",
    yaml: `version: "2.0"\n`,
    expect: [`config.yaml:1:10: version: unsupported version "2.0", expected "1.2"`],
  },
  {
    name: "missing version",
    yaml: `songs: []\n`,
    expect: [`config.yaml:1:1: version: missing`],
  },
  {
    name: "YAML syntax error",
    yaml: `version: "1.2"\nsongs:\n  - a: b: c\n`,
    expect: [`config.yaml:3:8: invalid YAML: Nested mappings are not allowed in compact mappings`],
  },
  {
    name: "duplicate key",
    yaml: `version: "1.2"\ndownload:\n  threads: 2\n  threads: 3\n`,
    expect: [`config.yaml:4:3: invalid YAML: Map keys must be unique`],
  },
  {
    name: "Windows path in double quotes (one problem per line, not per backslash)",
    yaml: `version: "1.2"\ndownload:\n  output: "C:\\Music\\{artist}\\{title}.{output-ext}"\n`,
    expect: [`config.yaml:3:14: invalid YAML: Invalid escape sequence \\M`],
    hint: "write Windows paths in single quotes ('C:\\Music\\{artist}')",
  },
  {
    name: "tab indentation",
    yaml: `version: "1.2"\ndownload:\n\tthreads: 2\n`,
    expect: [`config.yaml:3:1: invalid YAML: Tabs are not allowed as indentation`],
  },
  {
    name: "album link under songs",
    yaml: `version: "1.2"\nsongs:\n  - My Song: https://open.spotify.com/album/${A}?si=1\n`,
    expect: [
      `config.yaml:3:14: songs[0] ("My Song"): expected a track link, found an album link "https://open.spotify.com/album/${A}?si=1"`,
    ],
  },
  {
    name: "track link under artists, as a bare string",
    yaml: `version: "1.2"\nartists:\n  - spotify:track:${T}\n`,
    expect: [
      `config.yaml:3:5: artists[0]: expected an artist link, found a track link "spotify:track:${T}"`,
    ],
  },
  {
    name: "non-Spotify link under playlists",
    yaml: `version: "1.2"\nplaylists:\n  - Mix: https://www.youtube.com/playlist?list=PL123\n`,
    expect: [
      `config.yaml:3:10: playlists[0] ("Mix"): expected a playlist link, found "https://www.youtube.com/playlist?list=PL123", which is not a Spotify link`,
    ],
  },
  {
    name: "malformed id",
    yaml: `version: "1.2"\nsongs:\n  - https://open.spotify.com/track/abc123\n`,
    expect: [
      `config.yaml:3:5: songs[0]: malformed Spotify track id "abc123" in "https://open.spotify.com/track/abc123"`,
    ],
  },
  {
    name: "bare id",
    yaml: `version: "1.2"\nalbums:\n  - ${A}\n`,
    expect: [
      `config.yaml:3:5: albums[0]: a bare id "${A}" does not say what it is; expected an album link`,
    ],
  },
  {
    name: "podcast episode",
    yaml: `version: "1.2"\nsongs:\n  - Pod: https://open.spotify.com/episode/${T}\n`,
    expect: [
      `config.yaml:3:10: songs[0] ("Pod"): "https://open.spotify.com/episode/${T}" is a podcast episode link`,
    ],
  },
  {
    name: "Liked Songs under songs",
    yaml: `version: "1.2"\nsongs:\n  - liked\n`,
    expect: [`config.yaml:3:5: songs[0]: Liked Songs can only be listed under \`playlists:\``],
  },
  {
    name: "entry without a link",
    yaml: `version: "1.2"\nsongs:\n  - My Song:\n`,
    expect: [`config.yaml:3:5: songs[0] ("My Song"): missing Spotify link after \`My Song:\``],
  },
  {
    name: "extended entry without url",
    yaml: `version: "1.2"\nplaylists:\n  - name: Road trip\n    create_m3u: true\n`,
    expect: [`config.yaml:3:5: playlists[0] ("Road trip"): missing \`url:\` with the Spotify link`],
  },
  {
    name: "extended entry with an empty url",
    yaml: `version: "1.2"\nalbums:\n  - name: Lost\n    url:\n`,
    expect: [`config.yaml:4:5: albums[0] ("Lost"): missing Spotify link after \`url:\``],
  },
  {
    name: "number as an entry",
    yaml: `version: "1.2"\nsongs:\n  - 42\n`,
    expect: [`config.yaml:3:5: songs[0]: expected a Spotify link, got 42`],
  },
  {
    name: "extended entry create_m3u not a boolean",
    yaml:
      `version: "1.2"\nalbums:\n  - name: X\n    url: https://open.spotify.com/album/${A}\n    create_m3u: sometimes\n`,
    expect: [`config.yaml:5:17: albums[0].create_m3u: expected true or false, got "sometimes"`],
  },
  {
    name: "override keyed by an album link",
    yaml:
      `version: "1.2"\noverrides:\n  https://open.spotify.com/album/${A}: https://www.youtube.com/watch?v=x\n`,
    expect: [
      `config.yaml:3:3: overrides["https://open.spotify.com/album/${A}"]: the key must be a Spotify track link, found an album link`,
    ],
  },
  {
    name: "override value that is not an http(s) URL",
    yaml: `version: "1.2"\noverrides:\n  spotify:track:${T}: ftp://example.com/a.mp3\n`,
    expect: [
      `config.yaml:3:41: overrides["spotify:track:${T}"]: expected an http(s) URL of the audio to use, got "ftp://example.com/a.mp3"`,
    ],
  },
  {
    name: "liked_songs not a boolean",
    yaml: `version: "1.2"\nliked_songs: maybe\n`,
    expect: [`config.yaml:2:14: liked_songs: expected true or false, got "maybe"`],
  },
  {
    name: "empty file",
    yaml: `# nothing here\n`,
    expect: [`config.yaml:1:1: the config is empty`],
  },
  {
    name: "a list instead of a mapping",
    yaml: `- https://open.spotify.com/track/${T}\n`,
    expect: [
      `config.yaml:1:1: expected a mapping of settings (version:, download:, songs:, ...), got a list`,
    ],
  },
  {
    name: "every problem is reported, one per line, in file order",
    yaml:
      `version: "1.2"\ndownload:\n  threads: -1\n  format: wav\nsongs:\n  - https://open.spotify.com/album/${A}\n`,
    expect: [
      `config.yaml:3:12: download.threads:`,
      `\nconfig.yaml:4:11: download.format:`,
      `\nconfig.yaml:6:5: songs[0]: expected a track link, found an album link`,
    ],
    count: 3,
  },
];

Deno.test("bad configs fail with one located line per problem", async (t) => {
  assert.ok(cases.length >= 15);
  for (const badCase of cases) {
    await t.step(badCase.name, () => {
      const error = thrownBy(() => parseConfig(badCase.yaml, { file: "config.yaml", env: {} }));
      for (const fragment of badCase.expect) {
        assert.ok(
          error.message.includes(fragment),
          `message:\n${error.message}\nlacks:\n${fragment}`,
        );
      }
      assert.equal(error.problems.length, badCase.count ?? 1, error.message);
      if (badCase.hint) assert.ok(error.hint?.includes(badCase.hint), `hint: ${error.hint}`);
      assert.equal(error.message.split("\n").length, error.problems.length);
      assert.ok(error.hint && error.hint.length > 0, "has a hint");
      assert.equal(error.exitCode, 2);
    });
  }
});

Deno.test("problems carry file, line, column and key path as data", () => {
  const error = thrownBy(() =>
    parseConfig(`version: "1.2"\ndownload:\n  threads: four\n`, { file: "/srv/music/config.yaml" })
  );
  assert.deepEqual(error.problems[0], {
    file: "/srv/music/config.yaml",
    line: 3,
    column: 12,
    path: "download.threads",
    message: `expected a positive integer (1 to 64), got "four"`,
    hint: "fix the value, or delete the line to use the default (4)",
  });
});

Deno.test("a misspelt key is an error listed with the other errors, in file order", () => {
  const error = thrownBy(() =>
    parseConfig(`version: "1.2"\ndownload:\n  thread: 4\n  format: wav9\n`, {
      file: "config.yaml",
      env: {},
    })
  );
  assert.deepEqual(error.warnings, []);
  assert.deepEqual(
    error.problems.map((p) => [p.line, p.path, p.message, p.hint]),
    [
      [3, "download.thread", "unknown key; did you mean `threads`?", "rename it to `threads`"],
      [4, "download.format", 'expected one of mp3, m4a, flac, opus, ogg, got "wav9"', undefined],
    ].map(([line, path, message, hint]) => [line, path, message, hint ?? error.problems[1].hint]),
  );
});
