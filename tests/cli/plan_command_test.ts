import assert from "node:assert/strict";
import hostPath, { join, posix, sep } from "node:path";
import { libraryLayout } from "../../src/config/mod.ts";
import type { LibraryLayout } from "../../src/model/mod.ts";
import { formatPlan, planCounts } from "../../src/cli/plan_format.ts";
import { type LoadedConfig, parseConfig } from "../../src/config/mod.ts";
import { createPlanItem, type Plan, type PlanItem } from "../../src/plan/mod.ts";

const NOW = new Date("2026-03-01T12:00:00Z");
const LIBRARY = "/music";

function track(id: string, fields: Partial<PlanItem> = {}): PlanItem {
  return createPlanItem({
    id: `track:${id}`,
    type: "track",
    name: `Artist - ${id}`,
    path: join(LIBRARY, "Artist", `${id}.mp3`),
    action: "download",
    ...fields,
  }, NOW);
}

function container(type: PlanItem["type"], id: string, fields: Partial<PlanItem> = {}): PlanItem {
  return createPlanItem({ id: `${type}:${id}`, type, name: `${type} ${id}`, ...fields }, NOW);
}

function planOf(items: PlanItem[]): Plan {
  return { version: 1, config_hash: "abc123", created_at: NOW.toISOString(), items };
}

// ---------------------------------------------------------------------------
// planCounts

const countCases: Array<
  { name: string; item: PlanItem; expect: Partial<ReturnType<typeof planCounts>> }
> = [
  { name: "pending download", item: track("a"), expect: { toDownload: 1 } },
  { name: "pending retag", item: track("a", { action: "retag" }), expect: { toRetag: 1 } },
  {
    name: "pending copy of a recording fetched for another place",
    item: track("a", { duplicate_of: "track:b" }),
    expect: { toCopy: 1 },
  },
  {
    name: "pending without action downloads",
    item: track("a", { action: undefined }),
    expect: { toDownload: 1 },
  },
  {
    name: "skipped as existing",
    item: track("a", { status: "skipped", skip_reason: "exists", action: undefined }),
    expect: { present: 1 },
  },
  { name: "completed", item: track("a", { status: "completed" }), expect: { present: 1 } },
  {
    name: "a damaged file is downloaded again",
    item: track("a", { damage: "it is 16 s long, the track 30 s" }),
    expect: { toDownload: 1, damaged: 1 },
  },
  { name: "failed track", item: track("a", { status: "failed" }), expect: { failed: 1 } },
  {
    name: "skipped for another reason",
    item: track("a", { status: "skipped", skip_reason: "duplicate" }),
    expect: { skipped: 1 },
  },

  {
    name: "failed album",
    item: container("album", "x", { status: "failed" }),
    expect: { sourcesFailed: 1 },
  },
  {
    name: "withheld playlist is no skipped track",
    item: container("playlist", "p", { status: "skipped", skip_reason: "withheld" }),
    expect: {},
  },
  { name: "pending album", item: container("album", "x"), expect: {} },
  { name: "pending M3U", item: container("m3u", "p"), expect: {} },
];

for (const { name, item, expect } of countCases) {
  Deno.test(`planCounts: ${name}`, () => {
    const counts = planCounts(planOf([item]));
    const zero = {
      toDownload: 0,
      toCopy: 0,
      toRetag: 0,
      present: 0,
      failed: 0,
      skipped: 0,
      sourcesFailed: 0,
      damaged: 0,
    };
    const tracks = item.type === "track" ? 1 : 0;
    assert.deepEqual(counts, { tracks, byType: { [item.type]: 1 }, ...zero, ...expect });
  });
}

Deno.test("planCounts: a mixed plan adds up by type and by outcome", () => {
  const counts = planCounts(planOf([
    container("album", "x", { children: ["track:a", "track:b"] }),
    container("album", "gone", { status: "failed" }),
    container("playlist", "p"),
    track("a"),
    track("b", { action: "retag" }),
    track("c", { status: "skipped", skip_reason: "exists" }),
    track("d"),
    container("m3u", "p"),
  ]));
  assert.deepEqual(counts, {
    tracks: 4,
    byType: { album: 2, playlist: 1, track: 4, m3u: 1 },
    toDownload: 2,
    toCopy: 0,
    toRetag: 1,
    present: 1,
    failed: 0,
    skipped: 0,
    sourcesFailed: 1,
    damaged: 0,
  });
  // The track rows add up to the plan's tracks.
  assert.equal(
    counts.toDownload + counts.toRetag + counts.present + counts.failed + counts.skipped,
    counts.tracks,
  );
});

Deno.test("planCounts: an empty plan", () => {
  assert.deepEqual(planCounts(planOf([])), {
    tracks: 0,
    byType: {},
    toDownload: 0,
    toCopy: 0,
    toRetag: 0,
    present: 0,
    failed: 0,
    skipped: 0,
    sourcesFailed: 0,
    damaged: 0,
  });
});

// ---------------------------------------------------------------------------
// formatPlan

Deno.test("formatPlan: header, counts, problems with hints and the files to write", () => {
  const text = formatPlan(
    planOf([
      container("album", "x"),
      container("playlist", "p", {
        name: "Road Trip",
        status: "skipped",
        skip_reason: "withheld",
        error: { code: "playlist_withheld", message: "withheld", hint: "run `tunedl login`" },
      }),
      container("album", "gone", {
        name: "Lost Album",
        status: "failed",
        error: { code: "not_found", message: "Spotify has no album https://x" },
      }),
      track("a"),
      track("b", { action: "retag" }),
      track("c", { status: "skipped", skip_reason: "exists" }),
      track("d", { status: "failed" }),
      track("e", { status: "skipped", skip_reason: "duplicate" }),
    ]),
    LIBRARY,
    { listed: { songs: 2, albums: 2, artists: 0, playlists: 1, liked: false } },
  );
  assert.equal(
    text,
    [
      "Plan: 5 tracks from 2 songs, 2 albums, 1 playlist",
      "Library: /music",
      "  to download:      1",
      "  to re-tag:        1",
      "  already present:  1",
      "  skipped:          1",
      "  failed:           1",
      "Sources that could not be read: 1",
      "",
      "Sources with problems:",
      "  playlist Road Trip: withheld (run `tunedl login`)",
      "  album Lost Album: Spotify has no album https://x",
      "",
      "Will write:",
      `  ${join("Artist", "a.mp3")}`,
      `  re-tag ${join("Artist", "b.mp3")}`,
      "",
    ].join("\n"),
  );
});

Deno.test("formatPlan: singular words, no optional lines when nothing is pending", () => {
  const text = formatPlan(
    planOf([
      container("artist", "k", { children: ["album:x"] }),
      container("album", "x", { parent_id: "artist:k", parent_ids: ["artist:k"] }),
      container("playlist", "p"),
      container("m3u", "p"),
      track("a", { status: "skipped", skip_reason: "exists" }),
    ]),
    LIBRARY,
    { listed: { songs: 1, albums: 0, artists: 1, playlists: 1, liked: true } },
  );
  assert.equal(
    text,
    [
      "Plan: 1 track from 1 song, 1 artist (1 release), 1 playlist, Liked Songs; 1 M3U file",
      "Library: /music",
      "  to download:      0",
      "  to re-tag:        0",
      "  already present:  1",
      "",
    ].join("\n"),
  );
});

Deno.test("formatPlan: places of a recording fetched once, with the duplicates setting's verb", () => {
  const plan = planOf([track("a"), track("b", { duplicate_of: "track:a" })]);
  const lines = (mode?: "copy" | "link" | "skip") =>
    formatPlan(plan, LIBRARY, { duplicates: mode }).split("\n");
  assert.ok(lines().includes("  to download:      1"));
  assert.ok(lines().includes("  to copy:          1"));
  assert.ok(lines().includes(`  copy ${join("Artist", "b.mp3")}`));
  assert.ok(lines("link").includes("  to link:          1"));
  assert.ok(lines("skip").includes("  to share:         1"));
  assert.ok(lines("skip").includes(`  share ${join("Artist", "b.mp3")}`));
});

Deno.test("formatPlan: lists 50 files unless --all, and says how many more", () => {
  const items = Array.from({ length: 53 }, (_, i) => track(`t${String(i).padStart(2, "0")}`));
  const short = formatPlan(planOf(items), LIBRARY).split("\n");
  const fileLine = new RegExp(`^ {2}Artist${sep === "\\" ? "\\\\" : "/"}t\\d+\\.mp3$`);
  const listed = short.filter((line) => fileLine.test(line));
  assert.equal(listed.length, 50);
  assert.equal(listed[0], `  ${join("Artist", "t00.mp3")}`);
  assert.equal(listed[49], `  ${join("Artist", "t49.mp3")}`);
  assert.ok(short.includes("  ... and 3 more (--all lists every one)"));

  const all = formatPlan(planOf(items), LIBRARY, { all: true }).split("\n");
  assert.equal(all.filter((line) => fileLine.test(line)).length, 53);
  assert.ok(!all.some((line) => line.includes("more (--all")));
});

Deno.test("formatPlan: a pending track without a path says so", () => {
  const text = formatPlan(planOf([track("a", { path: undefined })]), LIBRARY);
  assert.ok(text.endsWith("Will write:\n  (no path)\n"), text);
});

// ---------------------------------------------------------------------------
// libraryLayout

// These cases are about POSIX paths, so the config's folder follows POSIX rules too (the
// parser's own follows the host's); only the case about the working folder keeps the host's.
function loaded(
  download: Record<string, string>,
  file = "/home/ana/tunedl/config.yaml",
  options: { host?: boolean } = {},
): LoadedConfig {
  const lines = Object.entries(download).map(([key, value]) => `  ${key}: "${value}"`);
  return parseConfig(['version: "1.2"', "download:", ...lines, ""].join("\n"), {
    file,
    env: {},
    ...(options.host ? {} : { platformPath: posix }),
  });
}

const layoutCases: Array<{
  name: string;
  download: Record<string, string>;
  file?: string;
  /** The host's path rules instead of POSIX ones. */
  host?: true;
  expect: LibraryLayout;
}> = [
  {
    name: "the default template: the library is the config's folder",
    download: {},
    expect: {
      baseDir: "/home/ana/tunedl",
      m3uBaseDir: "/home/ana/tunedl",
      outputTemplate: "{artist}/{album}/{track-number} - {title}.{output-ext}",
      m3uTemplate: "{playlist}.m3u8",
    },
  },
  {
    name: "an absolute template: its folder before the first placeholder",
    download: { output: "/mnt/music/{artist}/{title}" },
    expect: {
      baseDir: "/mnt/music",
      m3uBaseDir: "/mnt/music",
      outputTemplate: "{artist}/{title}",
      m3uTemplate: "{playlist}.m3u8",
    },
  },
  {
    name: "a placeholder inside a folder name ends the static part before that folder",
    download: { output: "/mnt/music/by {artist}/{title}.{output-ext}" },
    expect: {
      baseDir: "/mnt/music",
      m3uBaseDir: "/mnt/music",
      outputTemplate: "by {artist}/{title}.{output-ext}",
      m3uTemplate: "{playlist}.m3u8",
    },
  },
  {
    name: "a relative template is relative to the config's folder",
    download: { output: "Music/Spotify/{artist}/{title}.{output-ext}" },
    expect: {
      baseDir: "/home/ana/tunedl/Music/Spotify",
      m3uBaseDir: "/home/ana/tunedl/Music/Spotify",
      outputTemplate: "{artist}/{title}.{output-ext}",
      m3uTemplate: "{playlist}.m3u8",
    },
  },
  {
    name: "a relative template may leave the config's folder",
    download: { output: "../Music/{artist}/{title}" },
    expect: {
      baseDir: "/home/ana/Music",
      m3uBaseDir: "/home/ana/Music",
      outputTemplate: "{artist}/{title}",
      m3uTemplate: "{playlist}.m3u8",
    },
  },
  {
    name: "a relative config path resolves against the working folder",
    download: { output: "lib/{title}" },
    file: "config.yaml",
    host: true,
    expect: {
      baseDir: join(Deno.cwd(), "lib"),
      m3uBaseDir: join(Deno.cwd(), "lib"),
      outputTemplate: "{title}",
      m3uTemplate: "{playlist}.m3u8",
    },
  },
  {
    name: "an absolute m3u_output inside the library: its folder",
    download: {
      output: "/mnt/music/{artist}/{title}",
      m3u_output: "/mnt/music/Playlists/{playlist}.m3u8",
    },
    expect: {
      baseDir: "/mnt/music",
      outputTemplate: "{artist}/{title}",
      m3uBaseDir: "/mnt/music/Playlists",
      m3uTemplate: "{playlist}.m3u8",
    },
  },
  {
    name: "an absolute m3u_output at the library's top",
    download: { output: "/mnt/music/{artist}/{title}", m3u_output: "/mnt/music/{playlist}.m3u8" },
    expect: {
      baseDir: "/mnt/music",
      outputTemplate: "{artist}/{title}",
      m3uBaseDir: "/mnt/music",
      m3uTemplate: "{playlist}.m3u8",
    },
  },
  {
    name: "a relative m3u_output is relative to the config's folder, as the README says",
    download: { output: "/mnt/music/{artist}/{title}", m3u_output: "lists/{playlist}.m3u8" },
    expect: {
      baseDir: "/mnt/music",
      outputTemplate: "{artist}/{title}",
      m3uBaseDir: "/home/ana/tunedl/lists",
      m3uTemplate: "{playlist}.m3u8",
    },
  },
];

for (const { name, download, file, host, expect } of layoutCases) {
  Deno.test(`libraryLayout: ${name}`, () => {
    const layout = libraryLayout(loaded(download, file, { host }), {
      platformPath: host ? hostPath : posix,
    });
    assert.deepEqual(layout, expect);
  });
}

const outsideCases: Array<{ name: string; download: Record<string, string>; folder: string }> = [
  {
    name: "another folder",
    download: { output: "/mnt/music/{artist}/{title}", m3u_output: "/srv/lists/{playlist}.m3u8" },
    folder: "/srv/lists",
  },
  {
    name: "a sibling folder sharing the name's start",
    download: {
      output: "/mnt/music/{artist}/{title}",
      m3u_output: "/mnt/musicals/{playlist}.m3u8",
    },
    folder: "/mnt/musicals",
  },
  {
    name: "the library's parent",
    download: { output: "/mnt/music/{artist}/{title}", m3u_output: "/mnt/{playlist}.m3u8" },
    folder: "/mnt",
  },
  {
    name: "outside a library relative to the config",
    download: { m3u_output: "/tmp/{playlist}.m3u8" },
    folder: "/tmp",
  },
];

for (const { name, download, folder } of outsideCases) {
  Deno.test(`libraryLayout: m3u_output in ${name} is allowed: the M3Us go there`, () => {
    const layout = libraryLayout(loaded(download, "/home/ana/tunedl/config.yaml"), {
      platformPath: posix,
    });
    assert.equal(layout.m3uBaseDir, folder);
    assert.equal(layout.m3uTemplate, "{playlist}.m3u8");
  });
}

Deno.test("formatPlan: damaged library files are counted and listed with what is wrong", () => {
  const text = formatPlan(
    planOf([
      track("a", { damage: "it is 16 s long, the track 30 s" }),
      track("b"),
      track("c", { status: "skipped", skip_reason: "exists", action: undefined }),
    ]),
    LIBRARY,
  );
  assert.match(text, /to download: {6}2 \(1 damaged in the library, listed below\)\n/);
  assert.match(
    text,
    new RegExp(
      `Damaged files in the library \\(downloaded again\\):\\n  Artist\\${sep}a\\.mp3: it is 16 s long, the track 30 s\\n`,
    ),
  );
});
