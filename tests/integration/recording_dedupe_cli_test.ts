/**
 * One fetch per recording, end to end: the real CLI against the offline music
 * world. The catalog is the recorded one: "Fearless Pt. II" (Lost Sky, ISRC
 * GB2LD1700381) is on its single, on the compilation "NCS: The Best of 2017"
 * (another track id) and in the fixture playlist; the single lists it under a
 * relinked id. "Feel Good" (Syn Cole) is relinked the same way.
 */
import assert from "node:assert/strict";
import { join, relative, sep } from "node:path";
import { makeTempWorkspace, runTunedl, type TempWorkspace } from "../fakes/cli_runner.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { type MusicWorld, startMusicWorld } from "../fakes/music_world.ts";
import { loadFixtureCatalog, type RawObject, type SpotifyCatalog } from "../fakes/spotify_fake.ts";

const PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs";
const LOST_SKY = "157L8iTHgbdrKVxdQEXluh";
const SINGLE_FEARLESS = "1EfxWO4kPvf4d2Nj6HCL3D";
const COMPILATION_2017 = "4MQnUDGXmHOvnsWCpzeqWT";
const SINGLE_FEEL_GOOD = "5NOwsz8MGHGTJV1NR3nKmh";
/** "Fearless Pt. II" on the compilation: its own track id, the single's ISRC. */
const FEARLESS_ON_COMPILATION = "649AbXFbU0UDYe2bhs9jSe";
const FEARLESS_ISRC = "GB2LD1700381";
const OUTPUT = "music/{artist}/{album}/{track-number} - {title}.{output-ext}";
const AUDIO = /\.mp3$/;
const FEARLESS_SINGLE_FILE = "Lost Sky/Fearless Pt. II/01 - Fearless Pt. II.mp3";
const FEARLESS_COMPILATION_FILE = "Lost Sky/NCS_ The Best of 2017/08 - Fearless Pt. II.mp3";
const CRADLES_FILE = "Sub Urban/Cradles/01 - Cradles.mp3";
const FEEL_GOOD_FILE = "Syn Cole/Feel Good/01 - Feel Good.mp3";

/**
 * The recorded catalog with Lost Sky's discography (the single and the compilation, trimmed to
 * three tracks to keep the run short) and the playlist trimmed to Cradles, Fearless Pt. II and
 * Feel Good.
 */
async function discographyCatalog(): Promise<SpotifyCatalog> {
  const catalog = structuredClone(await loadFixtureCatalog());
  const compilationTracks = catalog.album_tracks[COMPILATION_2017];
  catalog.album_tracks[COMPILATION_2017] = compilationTracks.filter((t) =>
    ["1T5dsbrRBL6K5QtAXgC6E0", "55nZRG7TMAtFbsPzVTQ3iJ", FEARLESS_ON_COMPILATION].includes(
      t.id as string,
    )
  );
  const single = { ...catalog.albums[SINGLE_FEARLESS] };
  delete single.tracks;
  const compilation = catalog.tracks[FEARLESS_ON_COMPILATION].album as RawObject;
  catalog.artist_albums[LOST_SKY] = [
    { ...single, album_group: "single" },
    { ...compilation, album_group: "appears_on" },
  ];
  catalog.playlist_items[PLAYLIST] = catalog.playlist_items[PLAYLIST].filter((row) =>
    ["18A7ha5BitZjmdHTCwXFbU", "4VZH6OfxPy1nNE7KbtVKyK", "2yox08l4o0FnOL8Ih4yEfM"].includes(
      (row.track as RawObject | null)?.id as string,
    )
  );
  return catalog;
}

interface Setup extends AsyncDisposable {
  world: MusicWorld;
  work: TempWorkspace;
  tunedl(args: string[], config: string): ReturnType<typeof runTunedl>;
}

async function setUp(): Promise<Setup> {
  const world = await startMusicWorld({ catalog: await discographyCatalog() });
  const work = await makeTempWorkspace({ prefix: "tunedl-dedupe-" });
  const env = { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir };
  return {
    world,
    work,
    tunedl: (args, config) => runTunedl([...args, "--config", config], { env, cwd: work.dir }),
    async [Symbol.asyncDispose]() {
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

interface Summary {
  downloaded: number;
  copied: number;
  skipped: number;
  already_present: number;
  failures: unknown[];
  not_found: unknown[];
}

function summaryOf(stdout: string): Summary {
  const events = stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
  const finished = events.find((event) => event.type === "run_finished");
  assert.ok(finished, "the run printed its summary");
  return finished.summary as Summary;
}

/** Video ids whose media file was read (GET), with the number of requests. */
function mediaFetches(world: MusicWorld): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of world.youtube.mediaRequests) {
    if (request.method !== "GET" || !request.path.startsWith("/media/")) continue;
    counts.set(request.videoId, (counts.get(request.videoId) ?? 0) + 1);
  }
  return counts;
}

async function tagsOf(path: string): Promise<Record<string, string>> {
  const result = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_format", "-show_streams", "-of", "json", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(result.success, `ffprobe cannot read ${path}`);
  const probe = JSON.parse(new TextDecoder().decode(result.stdout)) as {
    format: { tags?: Record<string, string> };
    streams: { codec_type: string; disposition?: Record<string, number> }[];
  };
  const tags = Object.fromEntries(
    Object.entries(probe.format.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  tags.has_cover = String(probe.streams.some((s) => s.disposition?.attached_pic === 1));
  return tags;
}

const slash = (from: string, path: string) => relative(from, path).split(sep).join("/");

async function audioFiles(work: TempWorkspace): Promise<string[]> {
  return (await listFiles(work.libraryDir)).filter((p) => AUDIO.test(p)).map((p) =>
    slash(work.libraryDir, p)
  );
}

Deno.test("a discography with shared ISRCs: each recording fetched once, every release has its own tagged file", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const config = await work.writeConfig({
    version: "1.2",
    download: { threads: 4, output: OUTPUT, artist_album_groups: ["single", "appears_on"] },
    artists: [`https://open.spotify.com/artist/${LOST_SKY}`],
    albums: [`https://open.spotify.com/album/${SINGLE_FEEL_GOOD}`],
    playlists: [`https://open.spotify.com/playlist/${PLAYLIST}`],
  });

  const run = await setup.tunedl(["download", "--log-format", "json"], config);
  assert.equal(run.code, 0, run.stderr);
  const summary = summaryOf(run.stdout);

  // Six places, five recordings: the compilation's Fearless Pt. II is the single's, copied.
  assert.deepEqual(await audioFiles(work), [
    "Halcyon/NCS_ The Best of 2017/02 - Runaway - Culture Code Remix.mp3",
    FEARLESS_SINGLE_FILE,
    FEARLESS_COMPILATION_FILE,
    "Prismo/NCS_ The Best of 2017/03 - Hold On.mp3",
    CRADLES_FILE,
    FEEL_GOOD_FILE,
  ]);
  assert.equal(summary.downloaded, 5, JSON.stringify(summary));
  assert.equal(summary.copied, 1);

  // Each recording's audio was fetched once: Fearless Pt. II for one of its two places only.
  const fetches = mediaFetches(world);
  // (yt-dlp reads one file in a few range requests: what counts is which videos were read.)
  const fearlessVideos = [
    world.videoIdFor("4VZH6OfxPy1nNE7KbtVKyK"),
    world.videoIdFor(FEARLESS_ON_COMPILATION),
  ]
    .filter((id) => fetches.has(id));
  assert.equal(fearlessVideos.length, 1, "Fearless Pt. II was fetched once");
  assert.equal(fetches.size, 5);

  // Every place carries its own release's tags, and every file its ISRC.
  const single = await tagsOf(
    join(work.libraryDir, FEARLESS_SINGLE_FILE),
  );
  const onCompilation = await tagsOf(
    join(work.libraryDir, FEARLESS_COMPILATION_FILE),
  );
  assert.equal(single.album, "Fearless Pt. II");
  assert.equal(onCompilation.album, "NCS: The Best of 2017");
  assert.equal(single.track, "1/1");
  assert.match(onCompilation.track, /^8\/16$/);
  assert.equal(single.tsrc, FEARLESS_ISRC);
  assert.equal(onCompilation.tsrc, FEARLESS_ISRC);
  assert.equal(onCompilation.has_cover, "true");
  for (const file of await audioFiles(work)) {
    const tags = await tagsOf(join(work.libraryDir, file));
    assert.match(tags.tsrc ?? "", /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/, `${file} has its ISRC`);
  }

  // The ownership record lists every file with its track and sources.
  const owned = JSON.parse(
    await Deno.readTextFile(join(work.libraryDir, ".tunedl", "owned.json")),
  ) as { files: Record<string, { kind: string; spotify_id?: string; sources: string[] }> };
  const ownedTracks = Object.entries(owned.files).filter(([, f]) => f.kind === "track");
  assert.equal(ownedTracks.length, 6);
  assert.deepEqual(
    owned.files[FEARLESS_COMPILATION_FILE].sources,
    [`artist:${LOST_SKY}`],
  );
  assert.equal(owned.files[`${"Top 10 NCS Songs Episode 2"}.m3u8`]?.kind, "m3u");

  // A second run fetches nothing.
  const again = await setup.tunedl(["download", "--log-format", "json"], config);
  assert.equal(again.code, 0, again.stderr);
  const second = summaryOf(again.stdout);
  assert.equal(second.downloaded + second.copied, 0, JSON.stringify(second));
  assert.equal(mediaFetches(world).size, 5);
});

/** A config that lists Fearless Pt. II twice with its ISRC known at plan time: as a song (the compilation's) and in the playlist (the single's). */
async function knownDuplicateConfig(work: TempWorkspace, duplicates: string): Promise<string> {
  return await work.writeConfig({
    version: "1.2",
    download: { threads: 2, output: OUTPUT, duplicates },
    songs: [`https://open.spotify.com/track/${FEARLESS_ON_COMPILATION}`],
    playlists: [`https://open.spotify.com/playlist/${PLAYLIST}`],
  });
}

Deno.test("duplicates: link makes a hard link to the recording fetched once, and plan counts it", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const config = await knownDuplicateConfig(work, "link");

  const plan = await setup.tunedl(["plan"], config);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /to link:\s+1\n/);
  assert.match(plan.stdout, /to download:\s+3\n/);
  const planJson = await setup.tunedl(["plan", "--json"], config);
  assert.equal(JSON.parse(planJson.stdout).counts.to_copy, 1);

  const run = await setup.tunedl(["download", "--log-format", "json"], config);
  assert.equal(run.code, 0, run.stderr);
  const summary = summaryOf(run.stdout);
  assert.equal(summary.downloaded, 3);
  assert.equal(summary.copied, 1);
  const first = await Deno.stat(
    join(work.libraryDir, FEARLESS_COMPILATION_FILE),
  );
  const second = await Deno.stat(
    join(work.libraryDir, FEARLESS_SINGLE_FILE),
  );
  if (Deno.build.os !== "windows") {
    assert.equal(first.ino, second.ino, "one file, two names");
    assert.equal(first.nlink, 2);
  }
  assert.equal(mediaFetches(world).size, 3);
  // Linked: the tags are the first release's (the song, listed first: the compilation).
  const tags = await tagsOf(
    join(work.libraryDir, FEARLESS_SINGLE_FILE),
  );
  assert.equal(tags.album, "NCS: The Best of 2017");
});

Deno.test("duplicates: skip keeps one file per recording and the M3U points at it", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const config = await knownDuplicateConfig(work, "skip");

  const plan = await setup.tunedl(["plan"], config);
  assert.match(plan.stdout, /to share:\s+1\n/);

  const run = await setup.tunedl(["download", "--log-format", "json"], config);
  assert.equal(run.code, 0, run.stderr);
  const summary = summaryOf(run.stdout);
  assert.equal(summary.downloaded, 3);
  assert.equal(summary.copied, 0);
  assert.deepEqual(await audioFiles(work), [
    FEARLESS_COMPILATION_FILE,
    CRADLES_FILE,
    FEEL_GOOD_FILE,
  ]);
  assert.equal(mediaFetches(world).size, 3);
  const m3u = await Deno.readTextFile(join(work.libraryDir, "Top 10 NCS Songs Episode 2.m3u8"));
  const paths = m3u.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
  assert.deepEqual(paths, [
    CRADLES_FILE,
    FEARLESS_COMPILATION_FILE,
    FEEL_GOOD_FILE,
  ]);

  // Run again: still one file, nothing fetched, the M3U the same.
  const again = await setup.tunedl(["download", "--log-format", "json"], config);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(summaryOf(again.stdout).downloaded, 0);
  assert.equal((await audioFiles(work)).length, 3);
  assert.equal(
    await Deno.readTextFile(join(work.libraryDir, "Top 10 NCS Songs Episode 2.m3u8")),
    m3u,
  );
});

Deno.test("a track with an overrides: entry is read in full too: its file carries the ISRC", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const ponder = "3wUEWGwCVJUMecLVItve9f";
  const config = await work.writeConfig({
    version: "1.2",
    download: { threads: 1, output: OUTPUT },
    albums: ["https://open.spotify.com/album/58NYQm3dRbTW1kKirl631E"],
    overrides: {
      [`https://open.spotify.com/track/${ponder}`]: `${world.youtube.url}/watch?v=${
        world.videoIdFor(ponder)
      }`,
    },
  });
  const run = await setup.tunedl(["download", "-q"], config);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(world.youtube.searches.length, 0, "the override replaced the search");
  const [file] = await audioFiles(work);
  assert.equal((await tagsOf(join(work.libraryDir, file))).tsrc, "GX89G2317822");
});

Deno.test("the match of one release is the match of all: another release of a recording is not searched again", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const first = await work.writeConfig({
    version: "1.2",
    download: { threads: 1, output: OUTPUT },
    songs: ["https://open.spotify.com/track/4VZH6OfxPy1nNE7KbtVKyK"],
  });
  const run = await setup.tunedl(["download", "-q"], first);
  assert.equal(run.code, 0, run.stderr);
  const searches = world.youtube.searches.length;
  assert.ok(searches > 0);
  const fetched = [...mediaFetches(world).keys()];
  assert.equal(fetched.length, 1);

  // The compilation's copy, into another library: nothing to copy from, but the match is known.
  const second = await work.writeConfig({
    version: "1.2",
    download: {
      threads: 1,
      output: "other/{artist}/{album}/{title}.{output-ext}",
      // Another provider: no search result of the first run could answer for this one.
      audio_providers: ["youtube"],
    },
    songs: [`https://open.spotify.com/track/${FEARLESS_ON_COMPILATION}`],
  }, { name: "second.yaml" });
  const again = await setup.tunedl(["download", "-q"], second);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(world.youtube.searches.length, searches, "no new search");
  assert.deepEqual([...mediaFetches(world).keys()], fetched, "the same audio");
  const [file] = (await listFiles(join(work.dir, "other"))).filter((p) => AUDIO.test(p));
  assert.equal((await tagsOf(file)).album, "NCS: The Best of 2017");
});

Deno.test("a recording already in the library is copied, not fetched: found by the ownership record, else the library index", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const single = await work.writeConfig({
    version: "1.2",
    download: { threads: 1, output: OUTPUT },
    songs: ["https://open.spotify.com/track/4VZH6OfxPy1nNE7KbtVKyK"],
  });
  const first = await setup.tunedl(["download", "-q"], single);
  assert.equal(first.code, 0, first.stderr);
  const fetched = mediaFetches(world).size;

  // Later the config lists the compilation's release only: its ISRC is the single's.
  const compilation = await work.writeConfig({
    version: "1.2",
    download: { threads: 1, output: OUTPUT },
    songs: [`https://open.spotify.com/track/${FEARLESS_ON_COMPILATION}`],
  }, { name: "compilation.yaml" });
  const viaRecord = await setup.tunedl(["download", "--log-format", "json"], compilation);
  assert.equal(viaRecord.code, 0, viaRecord.stderr);
  assert.deepEqual(
    [summaryOf(viaRecord.stdout).downloaded, summaryOf(viaRecord.stdout).copied],
    [0, 1],
  );
  assert.equal(mediaFetches(world).size, fetched, "nothing fetched");

  // A library from before the ownership record: the library index (in the cache) knows it.
  await Deno.remove(join(work.libraryDir, FEARLESS_COMPILATION_FILE));
  await Deno.remove(join(work.libraryDir, ".tunedl"), { recursive: true });
  const viaIndex = await setup.tunedl(["download", "--log-format", "json"], compilation);
  assert.equal(viaIndex.code, 0, viaIndex.stderr);
  assert.deepEqual(
    [summaryOf(viaIndex.stdout).downloaded, summaryOf(viaIndex.stdout).copied],
    [0, 1],
  );
  assert.equal(mediaFetches(world).size, fetched, "nothing fetched");
  assert.equal(
    (await tagsOf(join(work.libraryDir, FEARLESS_COMPILATION_FILE))).album,
    "NCS: The Best of 2017",
  );
});
