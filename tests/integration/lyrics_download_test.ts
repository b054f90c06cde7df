/**
 * Lyrics end to end: `tunedl download` against the offline music world with a
 * fake LRCLIB holding one song of each kind (synced, plain only, instrumental,
 * not found, slow, malformed, found only by search). Tags are read back by
 * ffprobe and music-metadata for every format, and the `.lrc` line by line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseFile } from "music-metadata";
import { makeTempWorkspace, runTunedl } from "../fakes/cli_runner.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { defaultPlain, defaultSynced, type FakeLyricsSong } from "../fakes/lrclib_fake.ts";
import { type MusicWorld, startMusicWorld } from "../fakes/music_world.ts";
import type { RawObject } from "../fakes/spotify_fake.ts";
import { VERSION } from "../../src/cli/version.ts";

const OUTPUT = "music/{artist}/{title}.{output-ext}";
const SYNCED = "1T5dsbrRBL6K5QtAXgC6E0"; // Halcyon - Runaway - Culture Code Remix
const PLAIN = "55nZRG7TMAtFbsPzVTQ3iJ"; // Prismo - Hold On
const INSTRUMENTAL = "16uxYaIhavk2ZcvNqfWowP"; // Jordan Schor - Home
const NOT_FOUND = "5sOxqYCpkHwnFF6sOJg1o6"; // Axol - Bleed
const SLOW = "2bNysgov8THEQCxIHnq1x7"; // Unknown Brain - Holding You
const MALFORMED = "2k0llDQbEqSkiDpj7vyTnw"; // Oneeva - Platform 9
const SEARCH_ONLY = "649AbXFbU0UDYe2bhs9jSe"; // Lost Sky - Fearless Pt. II

interface Song {
  id: string;
  title: string;
  artist: string;
  artists: string[];
  album: string;
  seconds: number;
}

function song(world: MusicWorld, id: string): Song {
  const raw = world.catalog.tracks[id] as RawObject;
  const artists = (raw.artists as RawObject[]).map((a) => String(a.name));
  return {
    id,
    title: String(raw.name),
    artist: artists[0],
    artists,
    album: String((raw.album as RawObject).name),
    seconds: Math.round(Number(raw.duration_ms) / 1000),
  };
}

function lyricsRow(s: Song, kind: FakeLyricsSong["kind"], extra: Partial<FakeLyricsSong> = {}) {
  return { artist: s.artist, title: s.title, album: s.album, duration: s.seconds, kind, ...extra };
}

async function setUp() {
  const world = await startMusicWorld();
  const work = await makeTempWorkspace({ prefix: "tunedl-lyrics-e2e-" });
  return {
    world,
    work,
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir },
    async [Symbol.asyncDispose]() {
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

const link = (id: string) => `https://open.spotify.com/track/${id}`;

function trackPath(libraryDir: string, s: Song, ext: string): string {
  return join(libraryDir, s.artist, `${s.title}.${ext}`);
}

async function ffprobeTags(path: string): Promise<Record<string, string>> {
  const result = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_format", "-show_streams", "-of", "json", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(result.success, new TextDecoder().decode(result.stderr));
  const probe = JSON.parse(new TextDecoder().decode(result.stdout));
  const audio = probe.streams.find((s: { codec_type: string }) => s.codec_type === "audio");
  return Object.fromEntries(
    Object.entries({ ...audio?.tags, ...probe.format.tags }).map(([k, v]) => [
      k.toLowerCase(),
      String(v),
    ]),
  );
}

/** The lyrics text ffprobe shows: USLT is `lyrics-<desc>-<lang>` in MP3, `lyrics` elsewhere. */
function ffprobeLyrics(tags: Record<string, string>): string | undefined {
  const key = Object.keys(tags).find((k) => k === "lyrics" || k.startsWith("lyrics-"));
  return key === undefined ? undefined : tags[key];
}

/** The lyrics text music-metadata reads (its `text`; MP3's USLT is kept verbatim). */
async function musicMetadataLyrics(path: string): Promise<string | undefined> {
  const { common } = await parseFile(path);
  const entry = common.lyrics?.[0];
  if (!entry) return undefined;
  // For LRC text in Vorbis/MP4, music-metadata parses the timestamps into syncText.
  if (entry.syncText && entry.syncText.length > 0) {
    return entry.syncText.map((line) => {
      const ms = line.timestamp ?? 0;
      const mm = String(Math.floor(ms / 60000)).padStart(2, "0");
      const ss = ((ms % 60000) / 1000).toFixed(2).padStart(5, "0");
      return `[${mm}:${ss}]${line.text ? ` ${line.text}` : ""}`;
    }).join("\n");
  }
  return entry.text;
}

const expectedSynced = (title: string) => defaultSynced(title);

Deno.test("lyrics: each kind of LRCLIB answer, mp3, tags and .lrc; a second run asks nothing", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const songs = [SYNCED, PLAIN, INSTRUMENTAL, NOT_FOUND, SLOW, MALFORMED, SEARCH_ONLY].map((id) =>
    song(world, id)
  );
  const [synced, plain, instrumental, notFound, slow, malformed, searchOnly] = songs;
  world.lrclib.songs.push(
    lyricsRow(synced, "synced"),
    lyricsRow(plain, "plain"),
    lyricsRow(instrumental, "instrumental"),
    // A slow answer that still comes in time: the track waits for it, nothing fails.
    lyricsRow(slow, "synced", { delayMs: 1500 }),
    lyricsRow(malformed, "malformed"),
    lyricsRow(searchOnly, "search_only", { duration: searchOnly.seconds + 1 }),
  );
  const config = await work.writeConfig({
    version: "1.2",
    download: { output: OUTPUT, threads: 4 },
    songs: songs.map((s) => link(s.id)),
  });
  const run = await runTunedl(["download", "--config", config], {
    env: setup.env,
    cwd: work.dir,
  });
  assert.equal(run.code, 0, `a lyrics failure never fails a track:\n${run.stderr}${run.stdout}`);
  assert.match(run.stdout, /Lyrics\s+3 synced, 1 plain, 1 instrumental, 1 not found, 1 failed/);
  assert.match(run.stdout, /Lyrics not written \(1\):/);
  assert.match(run.stdout, new RegExp(`${malformed.title}.*\\n.*malformed answer`));

  const lib = work.libraryDir;
  for (const s of [synced, slow, searchOnly]) {
    const path = trackPath(lib, s, "mp3");
    const expected = expectedSynced(s.title).split("\n").filter((l) => l.trim() !== "").join(
      "\n",
    );
    assert.equal(ffprobeLyrics(await ffprobeTags(path)), expected, `${s.title}: tag`);
    assert.equal(await musicMetadataLyrics(path), expected, `${s.title}: music-metadata`);
    const lrc = (await Deno.readTextFile(path.replace(/\.mp3$/, ".lrc"))).split("\n");
    assert.deepEqual(lrc, [
      `[ti:${s.title}]`,
      `[ar:${s.artists.join(", ")}]`,
      `[al:${s.album}]`,
      `[length:${Math.floor(s.seconds / 60)}:${String(s.seconds % 60).padStart(2, "0")}]`,
      `[00:01.00] First line of ${s.title}`,
      "[00:02.50] Second line",
      "[00:04.00]",
      "[00:05.25] Last line",
      "",
    ]);
  }
  const plainPath = trackPath(lib, plain, "mp3");
  assert.equal(ffprobeLyrics(await ffprobeTags(plainPath)), defaultPlain(plain.title));
  assert.equal(await musicMetadataLyrics(plainPath), defaultPlain(plain.title));
  for (const s of [plain, instrumental, notFound, malformed]) {
    const path = trackPath(lib, s, "mp3");
    if (s !== plain) assert.equal(ffprobeLyrics(await ffprobeTags(path)), undefined, s.title);
    await assert.rejects(Deno.stat(path.replace(/\.mp3$/, ".lrc")), Deno.errors.NotFound);
  }
  assert.ok(
    world.lrclib.requests.every((r) => r.userAgent?.startsWith(`tunedl/${VERSION} `)),
    "every request names tunedl and its version",
  );

  // Re-tag everything: answers (not found too) come from the cache; only the failure is asked again.
  const before = world.lrclib.requests.length;
  const again = await runTunedl(["download", "--config", config, "--overwrite", "metadata"], {
    env: setup.env,
    cwd: work.dir,
  });
  assert.equal(again.code, 0, again.stderr);
  const asked = world.lrclib.requests.slice(before).map((r) => r.params.track_name);
  assert.deepEqual([...new Set(asked)], [malformed.title]);
});

for (const format of ["m4a", "flac", "opus", "ogg"] as const) {
  Deno.test(`lyrics in ${format}: synced LRC and plain text read back by ffprobe and music-metadata`, async () => {
    await using setup = await setUp();
    const { world, work } = setup;
    const synced = song(world, SYNCED);
    const plain = song(world, PLAIN);
    world.lrclib.songs.push(lyricsRow(synced, "synced"), lyricsRow(plain, "plain"));
    const config = await work.writeConfig({
      version: "1.2",
      download: { output: OUTPUT, format },
      songs: [link(SYNCED), link(PLAIN)],
    });
    const run = await runTunedl(["download", "--config", config], {
      env: setup.env,
      cwd: work.dir,
    });
    assert.equal(run.code, 0, run.stderr);
    const syncedPath = trackPath(work.libraryDir, synced, format);
    const lines = expectedSynced(synced.title).split("\n").filter((l) => l.trim() !== "");
    assert.equal(ffprobeLyrics(await ffprobeTags(syncedPath)), lines.join("\n"));
    assert.equal(await musicMetadataLyrics(syncedPath), lines.join("\n"));
    const lrc = await Deno.readTextFile(syncedPath.replace(/\.[a-z0-9]+$/, ".lrc"));
    assert.deepEqual(lrc.split("\n").slice(4), [...lines, ""]);
    const plainPath = trackPath(work.libraryDir, plain, format);
    assert.equal(ffprobeLyrics(await ffprobeTags(plainPath)), defaultPlain(plain.title));
    assert.equal(await musicMetadataLyrics(plainPath), defaultPlain(plain.title));
    const files = (await listFiles(work.libraryDir)).map((p) => p.slice(work.libraryDir.length));
    assert.equal(files.filter((p) => p.endsWith(".lrc")).length, 1, files.join("\n"));
  });
}

Deno.test("lyrics: plain mode writes the tag only; off asks nothing; metadata adds lyrics later", async () => {
  await using setup = await setUp();
  const { world, work } = setup;
  const synced = song(world, SYNCED);
  world.lrclib.songs.push(lyricsRow(synced, "synced"));
  const config = await work.writeConfig({
    version: "1.2",
    download: { output: OUTPUT, lyrics: "off" },
    songs: [link(SYNCED)],
  });
  const path = trackPath(work.libraryDir, synced, "mp3");
  const off = await runTunedl(["download", "--config", config], { env: setup.env, cwd: work.dir });
  assert.equal(off.code, 0, off.stderr);
  assert.equal(world.lrclib.requests.length, 0);
  assert.equal(ffprobeLyrics(await ffprobeTags(path)), undefined);

  // The existing file gets lyrics from a metadata run, plain ones with --lyrics plain.
  const plainRun = await runTunedl(
    ["download", "--config", config, "--overwrite", "metadata", "--lyrics", "plain"],
    { env: setup.env, cwd: work.dir },
  );
  assert.equal(plainRun.code, 0, plainRun.stderr);
  assert.equal(ffprobeLyrics(await ffprobeTags(path)), defaultPlain(synced.title));
  await assert.rejects(Deno.stat(path.replace(/\.mp3$/, ".lrc")), Deno.errors.NotFound);

  const syncedRun = await runTunedl(
    ["download", "--config", config, "--overwrite", "metadata", "--lyrics", "synced"],
    { env: setup.env, cwd: work.dir },
  );
  assert.equal(syncedRun.code, 0, syncedRun.stderr);
  const lines = defaultSynced(synced.title).split("\n").filter((l) => l.trim() !== "");
  assert.equal(ffprobeLyrics(await ffprobeTags(path)), lines.join("\n"));
  assert.ok((await Deno.stat(path.replace(/\.mp3$/, ".lrc"))).isFile);
});
