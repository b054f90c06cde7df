/**
 * The real audio pipeline: Debian's yt-dlp downloads generated tones from a
 * local media server, ffmpeg converts them, taglib-wasm tags them, and an
 * independent reader (music-metadata, ffprobe) checks every field and the cover.
 */
import { AUDIO_FORMATS, type AudioFormat, type TrackMetadata } from "../../src/model/mod.ts";
import assert from "node:assert/strict";
import { isAbsolute, join, resolve } from "node:path";
import { parseFile } from "music-metadata";
import type { IAudioMetadata } from "music-metadata";
import { CancelledError } from "../../src/errors/mod.ts";
import {
  type AudioTags,
  convertAudio,
  downloadAudio,
  type DownloadProgress,
  produceTrackFile,
  resolveAudioTools,
  retagFile,
  SourceUnavailableError,
  tagsFromTrack,
  TagWriteError,
  writeTags,
} from "../../src/audio/mod.ts";
import { hasVorbisEncoder } from "../fakes/ffmpeg_encoders.ts";
import { removeWithRetry } from "../fakes/file_tree.ts";
import { type MediaServer, startMediaServer } from "../fakes/media_server.ts";

const tools = resolveAudioTools({ env: Deno.env.toObject() });

async function run(program: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(program, { args, stdin: "null" }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, `${program} ${args.join(" ")}: ${stderr}`);
  return new TextDecoder().decode(output.stdout);
}

/** Generated media, made once for the whole file. */
interface Fixtures {
  dir: string;
  aac: Uint8Array;
  opus: Uint8Array;
  cover: Uint8Array;
}

let fixtures: Promise<Fixtures> | undefined;
function makeFixtures(): Promise<Fixtures> {
  fixtures ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "tunedl-audio-fixtures-" });
    fixtureDir = dir;
    const tone = [
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:duration=2",
    ];
    await run(tools.ffmpeg, [...tone, "-c:a", "aac", "-b:a", "96k", `${dir}/tone.m4a`]);
    await run(tools.ffmpeg, [...tone, "-c:a", "libopus", "-b:a", "64k", `${dir}/tone.webm`]);
    await run(tools.ffmpeg, [
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      "color=c=red:s=64x64:d=1",
      "-frames:v",
      "1",
      `${dir}/cover.jpg`,
    ]);
    return {
      dir,
      aac: await Deno.readFile(`${dir}/tone.m4a`),
      opus: await Deno.readFile(`${dir}/tone.webm`),
      cover: await Deno.readFile(`${dir}/cover.jpg`),
    };
  })();
  return fixtures;
}

let fixtureDir: string | undefined;
// The fixture folder lives for the whole file (also when --filter runs only some tests).
globalThis.addEventListener("unload", () => {
  if (fixtureDir) Deno.removeSync(fixtureDir, { recursive: true });
});

async function withServer<T>(fn: (server: MediaServer, f: Fixtures) => Promise<T>): Promise<T> {
  const f = await makeFixtures();
  const server = startMediaServer({
    "/tone.m4a": { bytes: f.aac, contentType: "audio/mp4" },
    "/tone.webm": { bytes: f.opus, contentType: "audio/webm" },
    "/slow.webm": {
      bytes: f.opus,
      contentType: "audio/webm",
      trickle: { chunkBytes: 512, intervalMs: 250 },
    },
  });
  try {
    return await fn(server, f);
  } finally {
    await server.close();
  }
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-audio-test-" });
  try {
    return await fn(dir);
  } finally {
    // yt-dlp and ffmpeg may hold their files a moment after they were stopped, on Windows.
    await removeWithRetry(dir, { recursive: true });
  }
}

const track: TrackMetadata = {
  spotifyId: "1t2qKa8K72IBC8yQlhD9bU",
  spotifyUrl: "https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU",
  title: "Nobody Else – Ä",
  artists: ["Abstrakt", "Guest Artist"],
  artistIds: ["a1", "a2"],
  album: "Nobody Else (Deluxe)",
  albumId: "alb1",
  albumArtists: ["Abstrakt", "Various"],
  trackNumber: 3,
  trackCount: 12,
  discNumber: 1,
  discCount: 2,
  releaseDate: "2021-10-28",
  isrc: "GB2LD2210007",
  durationMs: 2000,
  explicit: false,
  genres: ["drum and bass", "liquid funk"],
};

const expectedCodec: Record<AudioFormat, string> = {
  mp3: "mp3",
  m4a: "aac",
  flac: "flac",
  opus: "opus",
  ogg: "vorbis",
};

/** Values of a native tag whose id ends with `name` (TXXX:NAME, ----:com.apple.iTunes:NAME, NAME). */
function nativeValues(meta: IAudioMetadata, name: string): string[] {
  const values: string[] = [];
  for (const tags of Object.values(meta.native)) {
    for (const tag of tags) {
      const id = tag.id.toUpperCase();
      if (id === name || id.endsWith(`:${name}`)) values.push(String(tag.value));
    }
  }
  return values;
}

interface FfprobeStream {
  codec_type: string;
  codec_name: string;
  disposition?: { attached_pic?: number };
}

async function ffprobeStreams(file: string): Promise<FfprobeStream[]> {
  const json = await run(tools.ffprobe, ["-v", "error", "-show_streams", "-of", "json", file]);
  return (JSON.parse(json) as { streams: FfprobeStream[] }).streams;
}

/** MD5 of the audio packets: equal only when the stream was copied unchanged. */
async function audioPacketsMd5(file: string): Promise<string> {
  const out = await run(tools.ffmpeg, [
    "-hide_banner",
    "-loglevel",
    "error",
    "-i",
    file,
    "-map",
    "0:a:0",
    "-c",
    "copy",
    "-f",
    "md5",
    "-",
  ]);
  return out.trim();
}

/** Checks every tag and the cover of a file with music-metadata and ffprobe. */
async function assertTagged(file: string, format: AudioFormat, tags: AudioTags, cover: Uint8Array) {
  const meta = await parseFile(file);
  const c = meta.common;
  const label = (what: string) => `${format}: ${what}`;
  const joinedInMp4 = (values: string[]) => (format === "m4a" ? [values.join(", ")] : values);

  assert.equal(c.title, tags.title, label("title"));
  assert.deepEqual(c.artists, joinedInMp4(tags.artists), label("artists"));
  assert.equal(c.album, tags.album, label("album"));
  assert.deepEqual(
    nativeValues(meta, format === "m4a" ? "AART" : format === "mp3" ? "TPE2" : "ALBUMARTIST"),
    joinedInMp4(tags.albumArtists),
    label("album artists"),
  );
  assert.deepEqual(c.track, { no: tags.trackNumber, of: tags.trackTotal }, label("track n/N"));
  assert.deepEqual(c.disk, { no: tags.discNumber, of: tags.discTotal }, label("disc n/N"));
  assert.equal(c.date, tags.date, label("date"));
  assert.equal(c.year, tags.year, label("year"));
  assert.deepEqual(c.genre, joinedInMp4(tags.genres), label("genres"));
  assert.deepEqual(c.isrc, [tags.isrc], label("isrc"));
  assert.deepEqual(c.comment?.map((comment) => comment.text), [tags.spotifyUrl], label("comment"));
  assert.deepEqual(nativeValues(meta, "SPOTIFY_URL"), [tags.spotifyUrl], label("SPOTIFY_URL"));
  assert.deepEqual(nativeValues(meta, "SOURCE_URL"), [tags.sourceUrl], label("SOURCE_URL"));
  assert.equal(c.picture?.length, 1, label("one picture"));
  assert.equal(c.picture![0].format, "image/jpeg", label("picture type"));
  assert.deepEqual(new Uint8Array(c.picture![0].data), cover, label("picture bytes"));
  if (format === "mp3") assert.ok("ID3v2.4" in meta.native, label("ID3v2.4"));

  const streams = await ffprobeStreams(file);
  const audio = streams.filter((s) => s.codec_type === "audio");
  assert.equal(audio.length, 1, label("one audio stream"));
  assert.equal(audio[0].codec_name, expectedCodec[format], label("codec"));
  const pictures = streams.filter((s) => s.codec_type === "video");
  assert.equal(pictures.length, 1, label("ffprobe sees the cover"));
  assert.equal(pictures[0].disposition?.attached_pic, 1, label("cover is an attached picture"));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Command lines of running processes that mention a string (e.g. the server's port); undefined on
 * Windows, which has neither /proc nor a POSIX ps.
 */
function processesMentioning(text: string): string[] | undefined {
  if (Deno.build.os === "windows") return undefined;
  const found: string[] = [];
  if (Deno.build.os === "darwin") {
    // macOS has no /proc; BSD ps lists every process with its state and whole command line (-ww).
    const output = new Deno.Command("ps", {
      args: ["-ax", "-ww", "-o", "pid=,stat=,command="],
      stdout: "piped",
    }).outputSync();
    assert.ok(output.success, "ps -ax -ww -o pid=,stat=,command= failed");
    for (const line of new TextDecoder().decode(output.stdout).split("\n")) {
      const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
      if (!match || Number(match[1]) === Deno.pid || match[2].startsWith("Z")) continue;
      if (match[3].includes(text)) found.push(`${match[1]}: ${match[3]}`);
    }
    return found;
  }
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
      if (cmdline.includes(text)) found.push(`${entry.name}: ${cmdline}`);
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

Deno.test("downloadAudio fetches the best audio with progress, via yt-dlp", async () => {
  await withServer(async (server, f) => {
    await withTempDir(async (workDir) => {
      const progress: DownloadProgress[] = [];
      const result = await downloadAudio(server.url("/tone.webm"), {
        ytdlpPath: tools.ytdlp,
        ffmpegPath: tools.ffmpeg,
        workDir,
        timeoutMs: 60_000,
        onProgress: (p) => progress.push(p),
      });
      assert.equal(result.ext, "webm");
      // yt-dlp prints the path in the host's spelling (backslashes on Windows).
      assert.ok(isAbsolute(result.file), result.file);
      assert.equal(resolve(result.file), join(workDir, "download.webm"));
      assert.deepEqual(await Deno.readFile(result.file), f.opus);
      assert.equal(result.bytes, f.opus.length);
      assert.ok(progress.length > 0, "progress reported");
      assert.equal(progress[progress.length - 1].downloadedBytes, f.opus.length);
      assert.equal(progress[progress.length - 1].fraction, 1);
    });
  });
});

Deno.test("downloadAudio passes a copy of the cookies file and leaves the original alone", async () => {
  await withServer(async (server) => {
    await withTempDir(async (dir) => {
      const workDir = `${dir}/work`;
      await Deno.mkdir(workDir);
      const cookiesFile = `${dir}/cookies.txt`;
      const cookies = "# Netscape HTTP Cookie File\n" +
        "127.0.0.1\tFALSE\t/\tFALSE\t4102444800\tSID\tsecret-session\n";
      await Deno.writeTextFile(cookiesFile, cookies);
      await downloadAudio(server.url("/tone.m4a"), {
        ytdlpPath: tools.ytdlp,
        workDir,
        cookiesFile,
        timeoutMs: 60_000,
      });
      assert.ok(
        server.cookies.some((c) => c.includes("SID=secret-session")),
        server.cookies.join(),
      );
      assert.equal(await Deno.readTextFile(cookiesFile), cookies);
    });
  });
});

Deno.test("downloadAudio turns a 404 into SourceUnavailableError", async () => {
  await withServer(async (server) => {
    await withTempDir(async (workDir) => {
      await assert.rejects(
        downloadAudio(server.url("/gone.webm"), {
          ytdlpPath: tools.ytdlp,
          workDir,
          timeoutMs: 60_000,
        }),
        (error) => {
          assert.ok(error instanceof SourceUnavailableError, String(error));
          assert.equal(error.code, "unavailable");
          assert.match(error.message, /404/);
          return true;
        },
      );
    });
  });
});

Deno.test("produceTrackFile makes complete tagged files in all five formats at once", async () => {
  // Homebrew's plain ffmpeg (macOS) has no libvorbis and so cannot write ogg. CI installs
  // ffmpeg-full there; this only keeps the other four formats checked on a Mac without it.
  const formats = (await hasVorbisEncoder(tools.ffmpeg))
    ? AUDIO_FORMATS
    : AUDIO_FORMATS.filter((format) => format !== "ogg");
  if (formats.length < AUDIO_FORMATS.length) {
    console.warn(`${tools.ffmpeg} has no libvorbis encoder: ogg is not checked`);
  }
  await withServer(async (server, f) => {
    await withTempDir(async (library) => {
      const tempRoot = `${library}/.tunedl-tmp`;
      const stages = new Map<AudioFormat, string[]>();
      const results = await Promise.all(formats.map((format) => {
        // Opus comes from the webm (opus) source: a stream copy; the rest from the AAC source.
        const source = format === "opus" ? "/tone.webm" : "/tone.m4a";
        const tags = tagsFromTrack(track, { sourceUrl: server.url(source) });
        stages.set(format, []);
        return produceTrackFile(
          server.url(source),
          `${library}/Abstrakt/Nobody Else (Deluxe)/03 - Nobody Else.${format}`,
          {
            format,
            bitrate: "128k",
            tags,
            cover: f.cover,
            tools,
            tempRoot,
            timeoutMs: 60_000,
            onStage: (stage) => {
              const seen = stages.get(format)!;
              if (seen[seen.length - 1] !== stage) seen.push(stage);
            },
          },
        );
      }));

      for (const [index, format] of formats.entries()) {
        const result = results[index];
        const source = format === "opus" ? "/tone.webm" : "/tone.m4a";
        assert.equal(
          result.path,
          `${library}/Abstrakt/Nobody Else (Deluxe)/03 - Nobody Else.${format}`,
        );
        assert.equal(result.bytes, (await Deno.stat(result.path)).size);
        assert.equal(result.copied, format === "opus" || format === "m4a", `${format} copied`);
        assert.deepEqual(stages.get(format), ["download", "convert", "tag", "place"]);
        await assertTagged(
          result.path,
          format,
          tagsFromTrack(track, { sourceUrl: server.url(source) }),
          f.cover,
        );
      }
      // Nothing but the finished files is left in the library.
      assert.equal(await exists(tempRoot), false, "temp root removed");
      const names = [...Deno.readDirSync(`${library}/Abstrakt/Nobody Else (Deluxe)`)]
        .map((entry) => entry.name).sort();
      assert.deepEqual(names, formats.map((format) => `03 - Nobody Else.${format}`).sort());
    });
  });
});

Deno.test("same codec is stream-copied: opus in webm -> .opus and aac -> .m4a keep their packets", async () => {
  const f = await makeFixtures();
  await withTempDir(async (dir) => {
    const opus = await convertAudio(`${f.dir}/tone.webm`, `${dir}/copy.opus`, {
      ffmpegPath: tools.ffmpeg,
      ffprobePath: tools.ffprobe,
      format: "opus",
      bitrate: "320k",
    });
    assert.equal(opus.copied, true);
    assert.equal(
      await audioPacketsMd5(`${dir}/copy.opus`),
      await audioPacketsMd5(`${f.dir}/tone.webm`),
    );

    const aac = await convertAudio(`${f.dir}/tone.m4a`, `${dir}/copy.m4a`, {
      ffmpegPath: tools.ffmpeg,
      ffprobePath: tools.ffprobe,
      format: "m4a",
    });
    assert.equal(aac.copied, true);
    assert.equal(
      await audioPacketsMd5(`${dir}/copy.m4a`),
      await audioPacketsMd5(`${f.dir}/tone.m4a`),
    );

    // A different codec is re-encoded: the packets change.
    const encoded = await convertAudio(`${f.dir}/tone.m4a`, `${dir}/encoded.opus`, {
      ffmpegPath: tools.ffmpeg,
      format: "opus",
      bitrate: "96k",
    });
    assert.equal(encoded.copied, false);
    assert.equal(encoded.source.codec, "aac");
    const streams = await ffprobeStreams(`${dir}/encoded.opus`);
    assert.deepEqual(streams.map((s) => s.codec_name), ["opus"]);
  });
});

Deno.test("retagFile rewrites tags in place, keeps the cover, drops stale values", async () => {
  const f = await makeFixtures();
  await withTempDir(async (dir) => {
    for (const format of ["mp3", "opus"] as const) {
      const file = `${dir}/song.${format}`;
      await convertAudio(`${f.dir}/tone.webm`, file, { ffmpegPath: tools.ffmpeg, format });
      const first = tagsFromTrack(track, { sourceUrl: "https://www.youtube.com/watch?v=first" });
      await writeTags(file, first, { cover: f.cover });
      const second: AudioTags = {
        ...first,
        title: "Renamed",
        artists: ["Solo"],
        isrc: undefined,
        sourceUrl: undefined,
      };
      await retagFile(file, second);
      const meta = await parseFile(file);
      assert.equal(meta.common.title, "Renamed");
      assert.deepEqual(meta.common.artists, ["Solo"]);
      assert.equal(meta.common.isrc, undefined, `${format}: stale ISRC removed`);
      assert.deepEqual(nativeValues(meta, "SOURCE_URL"), [], `${format}: stale source removed`);
      assert.deepEqual(meta.common.track, { no: 3, of: 12 });
      assert.deepEqual(
        new Uint8Array(meta.common.picture![0].data),
        f.cover,
        `${format}: cover kept`,
      );
      const leftovers = [...Deno.readDirSync(dir)].filter((e) => e.name.includes(".tunedl-"));
      assert.deepEqual(leftovers, [], "no temp files left");
    }
  });
});

Deno.test("writeTags refuses unknown formats and non-image covers", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/notes.txt`, "hello");
    await assert.rejects(
      writeTags(`${dir}/notes.txt`, { title: "x", artists: [], albumArtists: [], genres: [] }),
      TagWriteError,
    );
    const f = await makeFixtures();
    await Deno.copyFile(`${f.dir}/tone.m4a`, `${dir}/a.m4a`);
    await assert.rejects(
      writeTags(`${dir}/a.m4a`, { title: "x", artists: [], albumArtists: [], genres: [] }, {
        cover: new TextEncoder().encode("<html>"),
      }),
      TagWriteError,
    );
    // The failed attempt left the file untouched.
    assert.deepEqual(await Deno.readFile(`${dir}/a.m4a`), f.aac);
  });
});

Deno.test("aborting mid-download leaves nothing behind: no file, no temp folder, no process", async () => {
  await withServer(async (server, f) => {
    await withTempDir(async (library) => {
      const controller = new AbortController();
      const finalPath = `${library}/Artist/Song.mp3`;
      const tempRoot = `${library}/.tunedl-tmp`;
      let downloadedBeforeAbort = 0;
      const producing = produceTrackFile(server.url("/slow.webm"), finalPath, {
        format: "mp3",
        tags: tagsFromTrack(track),
        cover: f.cover,
        tools,
        tempRoot,
        signal: controller.signal,
        timeoutMs: 60_000,
        onStage: (stage, progress) => {
          if (stage === "download" && progress && progress.downloadedBytes > 0) {
            downloadedBeforeAbort = progress.downloadedBytes;
            controller.abort();
          }
        },
      });
      await assert.rejects(producing, CancelledError);
      assert.ok(
        downloadedBeforeAbort > 0 && downloadedBeforeAbort < f.opus.length,
        "aborted mid-way",
      );
      assert.equal(await exists(finalPath), false, "no file at finalPath");
      assert.equal(await exists(`${library}/Artist`), false, "no folder created");
      assert.equal(await exists(tempRoot), false, "temp folder removed");
      // Not checked on Windows (no /proc, no POSIX ps); the rest of the test holds there.
      const left = processesMentioning(`127.0.0.1:${server.port}`);
      if (left !== undefined) assert.deepEqual(left, [], "no yt-dlp left");
    });
  });
});
