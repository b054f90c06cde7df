import assert from "node:assert/strict";
import { posix, win32 } from "node:path";
import { libraryLayout } from "../../src/config/mod.ts";
import { parseConfig } from "../../src/config/mod.ts";

/** A config with these download settings, read from a file in `dir`. */
function loaded(dir: string, download: string, platformPath: typeof win32) {
  const text = `version: "1.2"\ndownload:\n${download}`;
  // The platform's paths are valid for it (a drive letter on Windows, / on POSIX).
  return parseConfig(text, { file: "config.yaml", env: {}, dir, platformPath });
}

const CASES: [
  label: string,
  platform: typeof win32,
  dir: string,
  download: string,
  expected: { baseDir: string; outputTemplate: string; m3uBaseDir: string; m3uTemplate: string },
][] = [
  [
    "posix: an absolute output puts the library there",
    posix,
    "/home/me/tunedl",
    "  output: /mnt/music/{artist}/{title}.{output-ext}\n",
    {
      baseDir: "/mnt/music",
      outputTemplate: "{artist}/{title}.{output-ext}",
      m3uBaseDir: "/mnt/music",
      m3uTemplate: "{playlist}.m3u8",
    },
  ],
  [
    "posix: a relative output is relative to the config's folder",
    posix,
    "/home/me/tunedl",
    "  output: Music/{artist}/{title}.{output-ext}\n  m3u_output: /home/me/tunedl/Music/Lists/{playlist}.m3u8\n",
    {
      baseDir: "/home/me/tunedl/Music",
      outputTemplate: "{artist}/{title}.{output-ext}",
      m3uBaseDir: "/home/me/tunedl/Music/Lists",
      m3uTemplate: "{playlist}.m3u8",
    },
  ],
  [
    "Windows: a drive-letter output with backslashes (single-quoted)",
    win32,
    "C:\\Users\\me\\tunedl",
    "  output: 'D:\\Music\\{artist}\\{album}\\{title}.{output-ext}'\n",
    {
      baseDir: "D:\\Music",
      outputTemplate: "{artist}\\{album}\\{title}.{output-ext}",
      m3uBaseDir: "D:\\Music",
      m3uTemplate: "{playlist}.m3u8",
    },
  ],
  [
    "Windows: a plain (unquoted) drive-letter output with forward slashes",
    win32,
    "C:\\Users\\me\\tunedl",
    "  output: D:/Music/{artist}/{title}.{output-ext}\n",
    {
      baseDir: "D:\\Music",
      outputTemplate: "{artist}/{title}.{output-ext}",
      m3uBaseDir: "D:\\Music",
      m3uTemplate: "{playlist}.m3u8",
    },
  ],
  [
    "Windows: a relative output and an absolute M3U path inside the library",
    win32,
    "C:\\Users\\me\\tunedl",
    "  output: Music\\{artist}\\{title}.{output-ext}\n  m3u_output: C:\\Users\\me\\tunedl\\Music\\Lists\\{playlist}.m3u8\n",
    {
      baseDir: "C:\\Users\\me\\tunedl\\Music",
      outputTemplate: "{artist}\\{title}.{output-ext}",
      m3uBaseDir: "C:\\Users\\me\\tunedl\\Music\\Lists",
      m3uTemplate: "{playlist}.m3u8",
    },
  ],
];

for (const [label, platform, dir, download, expected] of CASES) {
  Deno.test(`libraryLayout, ${label}`, () => {
    const layout = libraryLayout(loaded(dir, download, platform), { platformPath: platform });
    assert.deepEqual(layout, expected);
  });
}

Deno.test("libraryLayout on Windows: an M3U path on another drive is allowed", () => {
  const config = loaded(
    "C:\\Users\\me",
    "  output: 'D:\\Music\\{artist}\\{title}.{output-ext}'\n  m3u_output: 'E:\\Lists\\{playlist}.m3u8'\n",
    win32,
  );
  const layout = libraryLayout(config, { platformPath: win32 });
  assert.equal(layout.baseDir, "D:\\Music");
  assert.equal(layout.m3uBaseDir, "E:\\Lists");
  assert.equal(layout.m3uTemplate, "{playlist}.m3u8");
});

Deno.test("libraryLayout: a relative m3u_output is relative to the config's folder, not the library", () => {
  const layout = libraryLayout(
    loaded(
      "/home/me/tunedl",
      "  output: library/{artist}/{title}.{output-ext}\n  m3u_output: library/{playlist}.m3u8\n",
      posix,
    ),
    { platformPath: posix },
  );
  assert.equal(layout.baseDir, "/home/me/tunedl/library");
  assert.equal(layout.m3uBaseDir, "/home/me/tunedl/library");
  assert.equal(layout.m3uTemplate, "{playlist}.m3u8");
  const outside = libraryLayout(
    loaded(
      "/home/me/tunedl",
      "  output: library/{artist}/{title}.{output-ext}\n  m3u_output: ../lists/{playlist}.m3u\n",
      posix,
    ),
    { platformPath: posix },
  );
  assert.equal(outside.m3uBaseDir, "/home/me/lists");
});
