/**
 * Stand-ins for yt-dlp, ffprobe and ffmpeg whose work takes a set time, so the
 * benchmark measures tunedl and not the network or the encoder. They are bash
 * scripts in a temp folder that speak the parts of each tool's interface that
 * src/audio uses:
 *
 * - yt-dlp: reads `--paths DIR` and the URL after `--`, waits its share of
 *   the work, writes a real tiny AAC file to DIR/download.m4a, and prints
 *   `tunedl-file <path>` and `tunedl-info m4a|mp4a.40.2|...` like the
 *   `--print after_move:` templates ask. Appends the URL to a call log.
 * - ffprobe: prints the JSON of an AAC stream in an MP4 container.
 * - ffmpeg: waits its share, then writes a real tiny file of the output's
 *   format (the last argument's extension) to the output path, so taglib-wasm
 *   tags a valid file. The files are made once by the real ffmpeg (0.1 s of
 *   a sine tone) at bench start.
 *
 * The work is split 3/4 download, 1/4 conversion (a download usually waits
 * longer than the encode of a song).
 */
import { join } from "node:path";

/** Which stand-ins: compiled C (bench/fake_tool.c) or bash scripts; "auto" is C where cc works. */
export type StandInKind = "auto" | "c" | "bash";

/** Where the fake tools are and what they logged. */
export interface FakeTools {
  dir: string;
  /** What the stand-ins are made of. */
  kind: "c" | "bash";
  ytdlp: string;
  ffmpeg: string;
  ffprobe: string;
  /** yt-dlp appends one URL per download here. */
  downloadLog: string;
  /** Lines in the download log (downloads so far); */
  downloads(): Promise<string[]>;
  /** Empties the download log. */
  resetLog(): Promise<void>;
  /**
   * One stand-in's start and exit with no work (`yt-dlp --version`, its output read), from this
   * process, median of `runs` (ms): the part of a program run that no caller can save.
   */
  startMs(runs?: number): Promise<number>;
  remove(): Promise<void>;
}

/** Output formats the fake ffmpeg can produce. */
export const FAKE_FORMATS = ["mp3", "m4a", "flac", "opus", "ogg"] as const;

const ENCODE_ARGS: Record<string, string[]> = {
  mp3: ["-c:a", "libmp3lame", "-b:a", "64k"],
  m4a: ["-c:a", "aac", "-b:a", "64k", "-f", "ipod"],
  flac: ["-c:a", "flac"],
  opus: ["-c:a", "libopus", "-b:a", "64k"],
  ogg: ["-c:a", "libvorbis"],
};

/** Runs the real ffmpeg to make 0.1 s of tone in a format. */
async function makeTone(file: string, format: string, realFfmpeg: string): Promise<void> {
  const result = await new Deno.Command(realFfmpeg, {
    args: [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:duration=0.1",
      ...ENCODE_ARGS[format],
      file,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!result.success) {
    throw new Error(`ffmpeg could not make ${file}: ${new TextDecoder().decode(result.stderr)}`);
  }
}

/** `read -t` timeout for a number of milliseconds. */
export function sleepSeconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** Bytes as a printf format that writes them back (every byte as \xHH: no % to escape). */
export function printfBytes(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += `\\x${byte.toString(16).padStart(2, "0")}`;
  return out;
}

// The scripts fork nothing: bash builtins only (printf writes the audio bytes,
// `read -t` on a FIFO nobody writes to waits), so the tools cost what a spawn
// costs and their set work time, not extra processes of the benchmark's own.
const WAIT = (fifo: string, ms: number) => `read -t ${sleepSeconds(ms)} <> '${fifo}'`;

/** The yt-dlp script (pure text). */
export function ytdlpScript(
  options: { sleepMs: number; source: Uint8Array; log: string; fifo: string },
): string {
  return `#!/bin/bash
# Fake yt-dlp for the tunedl benchmark.
dir=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version) echo "2023.03.04"; exit 0 ;;
    --paths) dir="$2"; shift 2 ;;
    --) url="$2"; break ;;
    *) shift ;;
  esac
done
if [ -z "$dir" ] || [ -z "$url" ]; then echo "ERROR: fake yt-dlp needs --paths and a URL" >&2; exit 2; fi
echo "$url" >> '${options.log}'
${WAIT(options.fifo, options.sleepMs)}
printf '${printfBytes(options.source)}' > "$dir/download.m4a" || exit 1
echo "tunedl-progress 1000 1000 NA 1000000 0"
echo "tunedl-file $dir/download.m4a"
echo "tunedl-info m4a|mp4a.40.2|0.1|64"
`;
}

/** What the fake ffprobe prints: an AAC stream in an MP4 container. */
const FFPROBE_ANSWER = JSON.stringify({
  streams: [{
    codec_type: "audio",
    codec_name: "aac",
    bit_rate: "64000",
    sample_rate: "44100",
    channels: 1,
  }],
  format: { format_name: "mov,mp4,m4a,3gp,3g2,mj2", duration: "0.100000", bit_rate: "64000" },
});

/** The ffprobe script (pure text). */
export function ffprobeScript(): string {
  const answer = FFPROBE_ANSWER;
  return `#!/bin/bash
# Fake ffprobe for the tunedl benchmark.
if [ "$1" = "-version" ]; then echo "ffprobe version 5.1-fake"; exit 0; fi
echo '${answer}'
`;
}

/** The ffmpeg script (pure text): writes the tone of the output's extension. */
export function ffmpegScript(
  options: { sleepMs: number; tones: Record<string, Uint8Array>; fifo: string },
): string {
  const cases = Object.entries(options.tones)
    .map(([ext, bytes]) => `  ${ext}) printf '${printfBytes(bytes)}' > "$out" || exit 1 ;;`)
    .join("\n");
  return `#!/bin/bash
# Fake ffmpeg for the tunedl benchmark.
if [ "$1" = "-version" ]; then echo "ffmpeg version 5.1-fake"; exit 0; fi
out="\${@: -1}"
${WAIT(options.fifo, options.sleepMs)}
case "\${out##*.}" in
${cases}
  *) echo "fake ffmpeg: cannot write $out" >&2; exit 1 ;;
esac
`;
}

/** The C compiler's arguments that build bench/fake_tool.c with the run's settings (pure). */
export function standInCompileArgs(
  options: { source: string; output: string; assets: string; log: string; workMs: number },
): string[] {
  const downloadMs = Math.round(options.workMs * 0.75);
  return [
    "-O2",
    "-o",
    options.output,
    `-DASSETS=${JSON.stringify(options.assets)}`,
    `-DLOG=${JSON.stringify(options.log)}`,
    `-DYTDLP_MS=${downloadMs}`,
    `-DFFMPEG_MS=${Math.round(options.workMs) - downloadMs}`,
    `-DFFPROBE_ANSWER=${JSON.stringify(FFPROBE_ANSWER)}`,
    options.source,
  ];
}

/** Builds the C stand-in as dir/yt-dlp, ffmpeg and ffprobe (links to one binary); false without cc. */
async function buildCStandIns(
  dir: string,
  options: { assets: string; log: string; workMs: number },
): Promise<boolean> {
  const binary = join(dir, "fake-tool");
  const source = new URL("./fake_tool.c", import.meta.url).pathname;
  for (const compiler of ["cc", "gcc", "clang"]) {
    try {
      const result = await new Deno.Command(compiler, {
        args: standInCompileArgs({ source, output: binary, ...options }),
        stdout: "null",
        stderr: "piped",
      }).output();
      if (!result.success) continue;
    } catch {
      continue;
    }
    for (const name of ["yt-dlp", "ffmpeg", "ffprobe"]) await Deno.link(binary, join(dir, name));
    return true;
  }
  return false;
}

/** Writes the fake tools and their audio files into a new temp folder. */
export async function createFakeTools(
  options: {
    workMs: number;
    realFfmpeg?: string;
    formats?: readonly string[];
    kind?: StandInKind;
  },
): Promise<FakeTools> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-bench-tools-" });
  const assets = join(dir, "assets");
  await Deno.mkdir(assets);
  const realFfmpeg = options.realFfmpeg ?? "ffmpeg";
  const formats = new Set(["m4a", ...(options.formats ?? FAKE_FORMATS)]);
  await Promise.all([...formats].map((f) => makeTone(join(assets, `tone.${f}`), f, realFfmpeg)));
  const downloadLog = join(dir, "downloads.log");
  await Deno.writeTextFile(downloadLog, "");
  const wanted = options.kind ?? "auto";
  let kind: "c" | "bash" = "bash";
  if (wanted !== "bash") {
    const built = await buildCStandIns(dir, { assets, log: downloadLog, workMs: options.workMs });
    if (built) kind = "c";
    else if (wanted === "c") {
      throw new Error("no C compiler (cc, gcc, clang) built bench/fake_tool.c");
    }
  }
  if (kind === "bash") {
    await writeBashStandIns(dir, {
      assets,
      formats,
      log: downloadLog,
      workMs: options.workMs,
    });
  }
  return {
    dir,
    kind,
    ytdlp: join(dir, "yt-dlp"),
    ffmpeg: join(dir, "ffmpeg"),
    ffprobe: join(dir, "ffprobe"),
    downloadLog,
    async downloads() {
      const text = await Deno.readTextFile(downloadLog);
      return text.split("\n").filter((line) => line !== "");
    },
    resetLog: () => Deno.writeTextFile(downloadLog, ""),
    startMs: (runs = 21) => standInStartMs(join(dir, "yt-dlp"), runs),
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

async function standInStartMs(program: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const output = await new Deno.Command(program, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    times.push(performance.now() - started);
    if (!output.success) throw new Error(`${program} --version failed`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** The bash stand-ins, where no C compiler is at hand (or asked for). */
async function writeBashStandIns(
  dir: string,
  options: { assets: string; formats: Set<string>; log: string; workMs: number },
): Promise<void> {
  const tones: Record<string, Uint8Array> = {};
  for (const f of options.formats) {
    tones[f] = await Deno.readFile(join(options.assets, `tone.${f}`));
  }
  const fifo = join(dir, "wait.fifo");
  const mkfifo = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  if (!mkfifo.success) throw new Error(`mkfifo ${fifo} failed`);
  const write = async (name: string, text: string) => {
    const path = join(dir, name);
    await Deno.writeTextFile(path, text);
    await Deno.chmod(path, 0o755);
  };
  const downloadMs = options.workMs * 0.75;
  await write(
    "yt-dlp",
    ytdlpScript({ sleepMs: downloadMs, source: tones.m4a, log: options.log, fifo }),
  );
  await write("ffprobe", ffprobeScript());
  await write("ffmpeg", ffmpegScript({ sleepMs: options.workMs - downloadMs, tones, fifo }));
}
