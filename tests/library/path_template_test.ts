import { type TrackMetadata } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import { join, posix, resolve, win32 } from "node:path";
import { ConfigError } from "../../src/errors/mod.ts";
import { type PathFields, renderOutputPath, utf8ByteLength } from "../../src/library/mod.ts";

// These cases are about POSIX paths, so they pass POSIX rules and hold on every OS.
const BASE = "/music";

const TRACK: TrackMetadata = {
  spotifyId: "1t2qKa8K72IBC8yQlhD9bU",
  spotifyUrl: "https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU",
  title: "Nobody Else",
  artists: ["Abstrakt", "Guest Singer"],
  artistIds: ["a1", "a2"],
  album: "Night Drive",
  albumId: "al1",
  albumArtists: ["Various Artists"],
  trackNumber: 7,
  trackCount: 12,
  discNumber: 2,
  discCount: 2,
  releaseDate: "2022-03-04",
  isrc: "GB2LD2210007",
  durationMs: 162000,
  explicit: false,
  genres: ["deep house", "electronica"],
};

const CASES: [label: string, template: string, fields: PathFields, extra: {
  ext?: string;
  playlist?: string;
}, expected: string][] = [
  [
    "musicdl default",
    "{artist}/{album}/{disc-number}{track-number} - {title}.{output-ext}",
    TRACK,
    {},
    "/music/Abstrakt/Night Drive/207 - Nobody Else.mp3",
  ],
  [
    "all artists",
    "{artists} - {title}.{output-ext}",
    TRACK,
    {},
    "/music/Abstrakt, Guest Singer - Nobody Else.mp3",
  ],
  [
    "album artist",
    "{album-artist}/{album}/{title}",
    TRACK,
    {},
    "/music/Various Artists/Night Drive/Nobody Else.mp3",
  ],
  [
    "album artist falls back to first artist",
    "{album-artist}/{title}",
    { ...TRACK, albumArtists: [] },
    {},
    "/music/Abstrakt/Nobody Else.mp3",
  ],
  ["year and date", "{year}/{date} {title}", TRACK, {}, "/music/2022/2022-03-04 Nobody Else.mp3"],
  [
    "year from a year-only date",
    "{year} - {title}",
    { ...TRACK, releaseDate: "1999" },
    {},
    "/music/1999 - Nobody Else.mp3",
  ],
  ["zero padding", "{track-number}", { ...TRACK, trackNumber: 3 }, {}, "/music/03.mp3"],
  [
    "no padding past two digits",
    "{track-number}",
    { ...TRACK, trackNumber: 123 },
    {},
    "/music/123.mp3",
  ],
  [
    "disc number is not padded",
    "{disc-number}-{track-number}",
    { ...TRACK, discNumber: 1 },
    {},
    "/music/1-07.mp3",
  ],
  [
    "playlist",
    "{playlist}/{artist} - {title}",
    TRACK,
    { playlist: "Road Trip" },
    "/music/Road Trip/Abstrakt - Nobody Else.mp3",
  ],
  ["no playlist drops the folder", "{playlist}/{title}", TRACK, {}, "/music/Nobody Else.mp3"],
  [
    "missing album drops the folder",
    "{artist}/{album}/{title}.{output-ext}",
    { ...TRACK, album: "" },
    {},
    "/music/Abstrakt/Nobody Else.mp3",
  ],
  [
    "album absent from the fields",
    "{artist}/{album}/{title}",
    { title: "Loose", artists: ["Solo"] },
    {},
    "/music/Solo/Loose.mp3",
  ],
  [
    "output-ext with another format",
    "{title}.{output-ext}",
    TRACK,
    { ext: "flac" },
    "/music/Nobody Else.flac",
  ],
  ["ext given with a dot", "{title}", TRACK, { ext: ".opus" }, "/music/Nobody Else.opus"],
  ["literal extension kept", "{title}.m4a", TRACK, {}, "/music/Nobody Else.m4a"],
  ["digits are not an extension", "{title} Vol.2", TRACK, {}, "/music/Nobody Else Vol.2.mp3"],
  ["output-ext in a folder", "{output-ext}/{title}", TRACK, {}, "/music/mp3/Nobody Else.mp3"],
  [
    "spotDL placeholders",
    "{genre}/{isrc} {track-id} {disc-count} {tracks-count} {original-date} {list-name}",
    TRACK,
    { playlist: "P" },
    "/music/deep house/GB2LD2210007 1t2qKa8K72IBC8yQlhD9bU 2 12 2022-03-04 P.mp3",
  ],
  [
    "slash in a value stays in one name",
    "{artist}/{title}",
    { ...TRACK, artists: ["AC/DC"], title: "T.N.T." },
    {},
    "/music/AC_DC/T.N.T..mp3",
  ],
  [
    "backslash as template separator",
    "{artist}\\{title}",
    TRACK,
    {},
    "/music/Abstrakt/Nobody Else.mp3",
  ],
  [
    "value '..' never navigates",
    "{album}/{title}",
    { ...TRACK, album: ".." },
    {},
    "/music/_/Nobody Else.mp3",
  ],
  [
    "value '../..' never navigates",
    "{artist}/{title}",
    { ...TRACK, artists: ["../.."] },
    {},
    "/music/_/Nobody Else.mp3",
  ],
  ["empty title", "{title}", { ...TRACK, title: "" }, {}, "/music/_.mp3"],
  ["device-name title", "{title}", { ...TRACK, title: "Con" }, {}, "/music/Con_.mp3"],
  ["leading slash stays inside", "/{artist}/{title}", TRACK, {}, "/music/Abstrakt/Nobody Else.mp3"],
  ["'..' inside the folder is fine", "{artist}/../{title}", TRACK, {}, "/music/Nobody Else.mp3"],
  [
    "reserved characters in a template",
    "Best: {title}?",
    TRACK,
    {},
    "/music/Best_ Nobody Else_.mp3",
  ],
];

for (const [label, template, fields, extra, expected] of CASES) {
  Deno.test(`renderOutputPath: ${label}`, () => {
    const result = renderOutputPath(template, fields, {
      baseDir: BASE,
      ext: extra.ext ?? "mp3",
      playlist: extra.playlist,
      platformPath: posix,
    });
    assert.equal(result, expected);
  });
}

Deno.test("renderOutputPath: a long title is cut to 255 bytes, keeping the extension", () => {
  const result = renderOutputPath("{artist}/{title}", { ...TRACK, title: "愛".repeat(200) }, {
    baseDir: BASE,
    ext: "mp3",
    platformPath: posix,
  });
  const name = result.split("/").pop() as string;
  assert.equal(name, "愛".repeat(83) + ".mp3");
  assert.ok(utf8ByteLength(name) <= 255);
});

Deno.test("renderOutputPath: without platformPath, the host's path rules apply", () => {
  const result = renderOutputPath("{artist}/{title}", TRACK, { baseDir: BASE, ext: "mp3" });
  assert.equal(result, join(resolve(BASE), "Abstrakt", "Nobody Else.mp3"));
});

const WINDOWS_CASES: [label: string, template: string, baseDir: string, expected: string][] = [
  [
    "backslashes in the template",
    "{artist}\\{album}\\{title}",
    "C:\\Users\\me\\Music",
    "C:\\Users\\me\\Music\\Abstrakt\\Night Drive\\Nobody Else.mp3",
  ],
  [
    "forward slashes in the template",
    "{artist}/{title}",
    "D:\\Music\\",
    "D:\\Music\\Abstrakt\\Nobody Else.mp3",
  ],
  ["forward slashes in the folder", "{title}", "D:/Music/lib", "D:\\Music\\lib\\Nobody Else.mp3"],
  [
    "a UNC share",
    "{artist}\\{title}",
    "\\\\nas\\music",
    "\\\\nas\\music\\Abstrakt\\Nobody Else.mp3",
  ],
];

for (const [label, template, baseDir, expected] of WINDOWS_CASES) {
  Deno.test(`renderOutputPath on Windows: ${label}`, () => {
    const result = renderOutputPath(template, TRACK, { baseDir, ext: "mp3", platformPath: win32 });
    assert.equal(result, expected);
  });
}

Deno.test("renderOutputPath on Windows: a device-name artist gets a safe folder name", () => {
  const result = renderOutputPath("{artist}\\{title}", { ...TRACK, artists: ["AUX"] }, {
    baseDir: "C:\\Music",
    ext: "mp3",
    platformPath: win32,
  });
  assert.equal(result, "C:\\Music\\AUX_\\Nobody Else.mp3");
});

Deno.test("renderOutputPath on Windows: '..' out of the drive's music folder is refused", () => {
  assert.throws(
    () =>
      renderOutputPath("..\\..\\{title}", TRACK, {
        baseDir: "C:\\Music",
        ext: "mp3",
        platformPath: win32,
      }),
    (error: unknown) => error instanceof ConfigError && error.message.includes("C:\\Music"),
  );
});

Deno.test("renderOutputPath: a relative base folder is made absolute and normalized", () => {
  const result = renderOutputPath("{title}", TRACK, {
    baseDir: "/music/./sub/../lib/",
    ext: "mp3",
    platformPath: posix,
  });
  assert.equal(result, "/music/lib/Nobody Else.mp3");
});

Deno.test("renderOutputPath: unknown placeholder is a ConfigError naming it", () => {
  assert.throws(
    () =>
      renderOutputPath("{artist}/{tittle}.{output-ext}", TRACK, {
        baseDir: BASE,
        ext: "mp3",
        platformPath: posix,
      }),
    (error: unknown) =>
      error instanceof ConfigError && error.message.includes("{tittle}") &&
      error.hint !== undefined,
  );
});

Deno.test("renderOutputPath: a template leading outside the music folder is a ConfigError", () => {
  for (
    const template of ["../{title}", "{artist}/../../{title}", "../../etc/{title}", "..\\{title}"]
  ) {
    assert.throws(
      () => renderOutputPath(template, TRACK, { baseDir: BASE, ext: "mp3", platformPath: posix }),
      (error: unknown) => error instanceof ConfigError && error.message.includes("outside"),
      template,
    );
  }
});

Deno.test("renderOutputPath: the path is what resolving its names below the folder gives", () => {
  const names = ["..", ".hidden", "a/b", "c\\d", "e:f", " g ", "h.", "CON", "…", "x".repeat(300)];
  for (
    const [platformPath, baseDirs] of [
      [posix, ["/music", "/music/", "/", "/a/../music", "music"]],
      [win32, ["C:\\Music", "C:\\", "D:\\a\\..\\Music\\"]],
    ] as const
  ) {
    for (const baseDir of baseDirs) {
      for (const name of names) {
        const fields = { ...TRACK, artists: [name], album: name, title: name };
        const path = renderOutputPath("{artist}/{album}/{title}.{output-ext}", fields, {
          baseDir,
          ext: "mp3",
          platformPath,
        });
        const parts = path.slice(platformPath.resolve(baseDir).length).split(platformPath.sep)
          .filter(Boolean);
        assert.equal(parts.length, 3, path);
        assert.equal(path, platformPath.resolve(baseDir, ...parts), path);
        assert.ok(!platformPath.relative(platformPath.resolve(baseDir), path).startsWith(".."));
      }
    }
  }
});
