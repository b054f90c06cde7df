/**
 * `deno task bench`: tunedl's speed and memory as a user meets them, on this
 * machine with no network, each figure next to the best possible one.
 *
 * For each API generation it starts the fake Spotify API (synthetic library,
 * realistic latency), the fake YouTube search, a cover server and fake
 * yt-dlp/ffmpeg whose work takes a set time, then runs the real CLI in a
 * subprocess: a cold plan, a cold full download, a warm re-run, and a re-run
 * after 5% of the library files were deleted. Figures go to stdout as a table
 * and to bench/results/latest.json (one entry per scale, merged).
 *
 * Flags: --scale N[,N] --modes pre2026,2026 --latency-ms 30 --work-ms 200
 * --threads 8 --runs cold-plan,cold-download,warm,rerun-5pct --format mp3
 * --spotify-rate N (requests per second; default: the config default)
 * --quick (small smoke run) --out FILE --keep (keep temp folders)
 * --reuse DIR (warm re-runs on a workspace kept by --keep) --profile DIR (CPU profiles).
 */
import { parseArgs } from "node:util";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../src/config/mod.ts";
import { burstSize } from "../src/spotify/mod.ts";
import type { FakeApiMode } from "../tests/fakes/spotify_fake.ts";
import {
  type BenchWorld,
  spotifySizedCoverJpeg,
  startBenchWorld,
  startCoverServer,
} from "./bench_world.ts";
import { createFakeTools, type FakeTools, type StandInKind } from "./fake_tools.ts";
import {
  describeMiss,
  extraRequests,
  type Figure,
  figuresFor,
  formatTable,
  missedTargets,
  RUN_NAMES,
  type RunName,
  type RunRecord,
  spotifyPhasesOf,
} from "./figures.ts";
import {
  API_RULES,
  type ClientLimits,
  executeLowerBound,
  type MinimumRequests,
  minimumRequests,
  planLowerBound,
  type RequestInputs,
  requestInputs,
  warmLowerBoundMs,
} from "./minimum_requests.ts";
import {
  BASE_LIBRARY,
  buildSyntheticLibrary,
  configYaml,
  QUICK_LIBRARY,
  scaledLibrary,
  type SyntheticLibrary,
} from "./synthetic_catalog.ts";
import {
  executionTimes,
  hasGnuTime,
  type ProcessMeasurement,
  runTunedlMeasured,
} from "./tunedl_process.ts";

const USAGE = `Usage: deno task bench [options]

  --scale N[,N]      library size multiplier(s) (default 1): 20 playlists x 150,
                     10 artists x 20 albums x 10 tracks, 100 songs at 1x
  --modes LIST       pre2026,2026 (default both)
  --latency-ms MS    delay of every fake HTTP answer (default 30)
  --work-ms MS       fake yt-dlp + ffmpeg time per track (default 200)
  --threads N        download threads in the config (default 8)
  --runs LIST        cold-plan,cold-download,warm,rerun-5pct (default all)
  --format F         output format (default mp3)
  --spotify-rate N   spotify_rate_limit_requests per second (default: config default)
  --quick            small smoke run (tiny library, 5 ms latency, 20 ms work)
  --out FILE         results JSON (default bench/results/latest.json, quick.json for --quick)
  --keep             keep the temp folders (config, cache, library)
  --reuse DIR        warm re-runs only, on a workspace --keep kept (the folder with
                     config.yaml, cache/ and music/): no cold download first
  --repeat N         measure the warm re-run N times in a row (default 1)
  --profile DIR      write a V8 CPU profile of each measured tunedl process to
                     DIR/<run>-<n>/ (--cpu-prof; open in Chrome DevTools)
  --stand-ins KIND   c or bash: what the fake yt-dlp/ffmpeg/ffprobe are made of
                     (default c where a C compiler builds bench/fake_tool.c, else bash)`;

interface Settings {
  scales: number[];
  modes: FakeApiMode[];
  latencyMs: number;
  workMs: number;
  threads: number;
  runs: RunName[];
  format: string;
  spotifyRate?: number;
  quick: boolean;
  out: string;
  keep: boolean;
  /** A kept workspace to run the warm re-run on (no cold download). */
  reuse?: string;
  /** Warm re-runs measured one after another. */
  repeat: number;
  /** Folder for CPU profiles of the measured processes. */
  profile?: string;
  standIns: StandInKind;
}

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
const ROOT_DIR = fileURLToPath(new URL("../", import.meta.url));

function readSettings(args: string[]): Settings | undefined {
  const { values } = parseArgs({
    args,
    options: {
      scale: { type: "string" },
      modes: { type: "string" },
      "latency-ms": { type: "string" },
      "work-ms": { type: "string" },
      threads: { type: "string" },
      runs: { type: "string" },
      format: { type: "string" },
      "spotify-rate": { type: "string" },
      quick: { type: "boolean" },
      out: { type: "string" },
      keep: { type: "boolean" },
      reuse: { type: "string" },
      repeat: { type: "string" },
      profile: { type: "string" },
      "stand-ins": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return undefined;
  }
  const quick = values.quick === true;
  const number = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: not a number: ${text}`);
    return value;
  };
  const list = <T extends string>(name: string, text: string | undefined, all: readonly T[]) => {
    if (text === undefined) return [...all];
    const items = text.split(",").map((s) => s.trim()).filter(Boolean) as T[];
    const bad = items.filter((item) => !all.includes(item));
    if (bad.length > 0) throw new Error(`--${name}: unknown ${bad.join(", ")} (use ${all})`);
    return items;
  };
  const scales = (values.scale ?? "1").split(",").map((s) => number("scale", s, 1));
  if (scales.some((s) => s <= 0)) throw new Error("--scale must be positive");
  const modes = list("modes", values.modes, ["pre2026", "2026"] as const);
  const reuse = values.reuse === undefined ? undefined : resolve(values.reuse);
  if (reuse !== undefined && (modes.length !== 1 || scales.length !== 1)) {
    throw new Error("--reuse: give the one --modes and --scale the kept workspace was made with");
  }
  const repeat = Math.max(1, Math.floor(number("repeat", values.repeat, 1)));
  // Profiled or reused runs are not comparable with full ones: kept apart by default.
  const scratch = reuse !== undefined || values.profile !== undefined;
  return {
    scales,
    modes,
    latencyMs: number("latency-ms", values["latency-ms"], quick ? 5 : 30),
    workMs: number("work-ms", values["work-ms"], quick ? 20 : 200),
    threads: number("threads", values.threads, 8),
    runs: list("runs", values.runs, RUN_NAMES),
    format: values.format ?? "mp3",
    spotifyRate: values["spotify-rate"] === undefined
      ? undefined
      : number("spotify-rate", values["spotify-rate"], 10),
    quick,
    out: values.out ??
      join(RESULTS_DIR, quick ? "quick.json" : scratch ? "scratch.json" : "latest.json"),
    keep: values.keep === true,
    reuse,
    repeat,
    profile: values.profile === undefined ? undefined : resolve(values.profile),
    standIns: values["stand-ins"] === undefined
      ? "auto"
      : list("stand-ins", values["stand-ins"], ["c", "bash"] as const)[0] ?? "auto",
  };
}

/** A folder with config.yaml, cache/ and music/ for one sequence of runs. */
interface Workspace {
  dir: string;
  config: string;
  cacheDir: string;
  libraryDir: string;
}

async function makeWorkspace(configText: string): Promise<Workspace> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-bench-" });
  const config = join(dir, "config.yaml");
  await Deno.writeTextFile(config, configText);
  await Deno.mkdir(join(dir, "cache"));
  return { dir, config, cacheDir: join(dir, "cache"), libraryDir: join(dir, "music") };
}

/** The limiter's rate and burst for these settings. */
function rateWithBurst(requests: number, windowMs: number) {
  return { requests, windowMs, burst: burstSize({ enabled: true, requests, windowMs }) };
}

/** Spotify limits the generated config ends up with (defaults included). */
function clientLimits(configText: string): ClientLimits {
  const d = parseConfig(configText, { file: "config.yaml", env: {} }).config.download;
  return {
    concurrency: d.spotify_concurrency,
    rate: d.spotify_rate_limit_enabled
      ? rateWithBurst(d.spotify_rate_limit_requests, d.spotify_rate_limit_window * 1000)
      : undefined,
  };
}

async function audioFiles(dir: string, ext: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string) => {
    for await (const entry of Deno.readDir(current)) {
      const path = join(current, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && entry.name.endsWith(`.${ext}`)) found.push(path);
    }
  };
  await walk(dir).catch(() => {});
  return found.sort();
}

/** Deletes every 20th file (sorted path order): 5% of the library, deterministic. */
async function deleteFivePercent(dir: string, ext: string): Promise<number> {
  const files = await audioFiles(dir, ext);
  const victims = files.filter((_, i) => i % 20 === 7);
  await Promise.all(victims.map((file) => Deno.remove(file)));
  return victims.length;
}

interface ModeResult {
  mode: FakeApiMode;
  inputs: RequestInputs;
  limits: ClientLimits;
  notes: string[];
  runs: RunRecord[];
}

interface Context {
  settings: Settings;
  tools: FakeTools;
  startupMs: number;
  coverServer: ReturnType<typeof startCoverServer>;
  /** Runs profiled so far (numbers the profile folders). */
  profiled: number;
}

function summaryOf(summary: Record<string, unknown> | undefined): RunRecord["summary"] {
  if (!summary) return undefined;
  const count = (value: unknown) => Array.isArray(value) ? value.length : 0;
  // The JSON events have snake_case keys (camelCase before).
  const notFound = summary.not_found ?? summary.notFound;
  const failures = [
    ...(Array.isArray(summary.failures) ? summary.failures : []),
    ...(Array.isArray(notFound) ? notFound : []),
  ] as { code?: string; message?: string }[];
  return {
    downloaded: Number(summary.downloaded ?? 0),
    alreadyPresent: Number(summary.already_present ?? summary.alreadyPresent ?? 0),
    failed: count(summary.failures),
    notFound: count(notFound),
    firstFailures: failures.slice(0, 5).map((f) => `${f.code ?? "not_found"}: ${f.message}`),
  };
}

async function measureRun(
  ctx: Context,
  world: BenchWorld,
  run: RunName,
  ws: Workspace,
  minimum: MinimumRequests,
): Promise<{ record: RunRecord; measurement: ProcessMeasurement }> {
  world.reset();
  await ctx.tools.resetLog();
  const loadBefore = Deno.loadavg()[0];
  const loadSamples: number[] = [];
  const loadTimer = setInterval(() => loadSamples.push(Deno.loadavg()[0]), 1000);
  const args = run === "cold-plan"
    ? ["plan", "--config", ws.config]
    : ["download", "--config", ws.config, "--log-format", "json"];
  const measurement = await runTunedlMeasured(args, {
    cwd: ws.dir,
    env: {
      ...world.env,
      TUNEDL_CACHE_DIR: ws.cacheDir,
      TUNEDL_YTDLP: ctx.tools.ytdlp,
      TUNEDL_FFMPEG: ctx.tools.ffmpeg,
    },
    sampleMemory: true,
    profileDir: ctx.settings.profile === undefined
      ? undefined
      : join(ctx.settings.profile, `${run}-${++ctx.profiled}`),
  }).finally(() => clearInterval(loadTimer));
  if (ctx.settings.keep) {
    await Deno.writeTextFile(join(ws.dir, `${run}.stdout`), measurement.stdout);
    await Deno.writeTextFile(join(ws.dir, `${run}.stderr`), measurement.stderr);
  }
  const counts = world.spotify.counts();
  const batches = world.spotify.requests.filter((r) => r.path === "/v1/tracks");
  const batchIds = batches.reduce(
    (n, r) => n + (new URLSearchParams(r.query).get("ids") ?? "").split(",").filter(Boolean).length,
    0,
  );
  const times = run === "cold-plan"
    ? { planMs: undefined, executeMs: undefined, summary: undefined, downloadSlotMs: [] }
    : executionTimes(measurement.stdout, measurement.startedAt);
  const slots = times.downloadSlotMs;
  const record: RunRecord = {
    run,
    command: `tunedl ${args.join(" ").replace(ws.config, "config.yaml")}`,
    code: measurement.code,
    wallMs: Math.round(measurement.wallMs),
    cpuSeconds: measurement.cpuSeconds,
    peakRssMB: measurement.peakRssMiB === undefined
      ? undefined
      : Math.round(measurement.peakRssMiB * 1.048576 * 10) / 10,
    spotifyRequests: world.spotify.requests.length,
    spotifyByEndpoint: counts,
    minimum,
    extraRequests: extraRequests(counts, minimum),
    trackBatches: batches.length > 0 ? { requests: batches.length, ids: batchIds } : undefined,
    searches: world.youtube.searches.length,
    downloads: (await ctx.tools.downloads()).length,
    covers: world.coverRequests(),
    planMs: times.planMs,
    executeMs: times.executeMs,
    summary: summaryOf(times.summary),
    workMs: ctx.settings.workMs,
    downloadSlot: slots.length === 0 ? undefined : {
      medianMs: slots[Math.floor(slots.length / 2)],
      p90Ms: slots[Math.floor(slots.length * 0.9)],
      totalMs: slots.reduce((a, b) => a + b, 0),
    },
    load: [loadBefore, Deno.loadavg()[0]],
    loadDuring: loadSamples.length === 0
      ? undefined
      : Math.round(loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length * 100) / 100,
    memory: measurement.memory,
    spotifyPhases: spotifyPhasesOf(world.spotify.requests, measurement.startedAt),
  };
  if (measurement.code !== 0) {
    record.stderrTail = measurement.stderr.split("\n").slice(-15).join("\n");
  }
  return { record, measurement };
}

/** One warm re-run on a workspace a download filled, with its lower bound. */
async function measureWarm(
  ctx: Context,
  world: BenchWorld,
  ws: Workspace,
  parts: {
    inputs: RequestInputs;
    mode: FakeApiMode;
    limits: ClientLimits;
    log: (text: string) => void;
  },
): Promise<RunRecord> {
  const { inputs, mode, limits, log } = parts;
  log("warm re-run...");
  const revalidate = minimumRequests(inputs, mode, "revalidate");
  const { record } = await measureRun(ctx, world, "warm", ws, revalidate);
  record.wallBoundMs = warmLowerBoundMs(inputs, mode, {
    latencyMs: ctx.settings.latencyMs,
    limits,
    startupMs: ctx.startupMs,
  });
  log(
    `  ${(record.wallMs / 1000).toFixed(2)} s, ${record.cpuSeconds ?? "?"} s CPU, ` +
      `${record.peakRssMB ?? "?"} MB, ${record.spotifyRequests} requests, ` +
      `load ${(record.load ?? []).map((l) => l.toFixed(1)).join(">")}`,
  );
  return record;
}

/** A workspace `--keep` kept; its config must be the one these settings make. */
async function keptWorkspace(dir: string, configText: string): Promise<Workspace> {
  const config = join(dir, "config.yaml");
  const kept = await Deno.readTextFile(config).catch(() => undefined);
  if (kept === undefined) throw new Error(`--reuse: no config.yaml in ${dir}`);
  if (kept !== configText) {
    throw new Error(`--reuse: ${config} is not the config of these settings (--modes, --scale)`);
  }
  return { dir, config, cacheDir: join(dir, "cache"), libraryDir: join(dir, "music") };
}

async function benchMode(
  ctx: Context,
  library: SyntheticLibrary,
  mode: FakeApiMode,
  label: string,
): Promise<ModeResult> {
  const { settings } = ctx;
  const includePlaylists = mode === "pre2026";
  const notes: string[] = [];
  if (!includePlaylists) {
    notes.push(
      "playlists excluded: under 2026 rules a client-credentials token gets playlist " +
        "metadata only (contents need `tunedl login`, which the bench does not do)",
    );
  }
  const inputs = requestInputs(library, { includePlaylists });
  const configText = configYaml(library, { ...settings, includePlaylists });
  const limits = clientLimits(configText);
  const world = await startBenchWorld(library.catalog, {
    mode,
    latencyMs: settings.latencyMs,
    coverServer: ctx.coverServer,
    currentUserId: library.ownerId,
  });
  const workspaces: Workspace[] = [];
  const runs: RunRecord[] = [];
  const log = (text: string) => console.error(`[${label} ${mode}] ${text}`);
  try {
    const wanted = new Set(settings.runs);
    if (wanted.has("cold-plan")) {
      const ws = await makeWorkspace(configText);
      workspaces.push(ws);
      log("cold plan...");
      const { record } = await measureRun(
        ctx,
        world,
        "cold-plan",
        ws,
        minimumRequests(inputs, mode, "plan"),
      );
      record.lowerBound = planLowerBound(inputs, mode, {
        latencyMs: settings.latencyMs,
        limits,
        startupMs: ctx.startupMs,
      });
      runs.push(record);
      log(`  ${(record.wallMs / 1000).toFixed(1)} s, ${record.spotifyRequests} requests`);
    }
    if (settings.reuse !== undefined) {
      const ws = await keptWorkspace(settings.reuse, configText);
      log(`warm re-runs on ${ws.dir}`);
      for (let i = 0; i < settings.repeat; i++) {
        runs.push(await measureWarm(ctx, world, ws, { inputs, mode, limits, log }));
      }
    } else if (wanted.has("cold-download") || wanted.has("warm") || wanted.has("rerun-5pct")) {
      const ws = await makeWorkspace(configText);
      workspaces.push(ws);
      log("cold download...");
      const cold = (await measureRun(
        ctx,
        world,
        "cold-download",
        ws,
        minimumRequests(inputs, mode, "download"),
      )).record;
      cold.expectedDownloads = inputs.plannedTracks;
      cold.executeBound = executeLowerBound(inputs, mode, {
        downloads: cold.downloads,
        workMsPerTrack: settings.workMs,
        threads: settings.threads,
        latencyMs: settings.latencyMs,
        limits,
      });
      if (wanted.has("cold-download")) runs.push(cold);
      log(`  ${(cold.wallMs / 1000).toFixed(1)} s, ${cold.downloads} downloads`);
      const revalidate = minimumRequests(inputs, mode, "revalidate");
      if (wanted.has("warm")) {
        for (let i = 0; i < settings.repeat; i++) {
          runs.push(await measureWarm(ctx, world, ws, { inputs, mode, limits, log }));
        }
      }
      if (wanted.has("rerun-5pct")) {
        const deleted = await deleteFivePercent(ws.libraryDir, settings.format);
        log(`re-run after deleting ${deleted} files...`);
        const { record } = await measureRun(ctx, world, "rerun-5pct", ws, revalidate);
        record.expectedDownloads = deleted;
        // Nothing left to read from Spotify: the tools' work is the whole bound.
        record.executeBound = executeLowerBound({ ...inputs, isrcReads: 0, genreReads: 0 }, mode, {
          downloads: record.downloads,
          workMsPerTrack: settings.workMs,
          threads: settings.threads,
          latencyMs: settings.latencyMs,
          limits,
        });
        runs.push(record);
        log(`  ${(record.wallMs / 1000).toFixed(1)} s, ${record.downloads} downloads`);
      }
    }
  } finally {
    await world.close();
    if (!settings.keep) {
      await Promise.all(workspaces.map((ws) => Deno.remove(ws.dir, { recursive: true })));
    } else {
      for (const ws of workspaces) log(`kept ${ws.dir}`);
    }
  }
  return { mode, inputs, limits, notes, runs };
}

/** The flags that make a result a variant: all but --scale, --out, --keep and --quick (pure). */
export function resultVariant(args: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split("=", 2);
    const dropped = ["--scale", "--out", "--keep", "--quick"].includes(name);
    const takesValue = inline === undefined &&
      !["--keep", "--quick", "--help", "-h"].includes(name);
    const value = takesValue && i + 1 < args.length ? args[++i] : undefined;
    if (!dropped) kept.push(value === undefined ? args[i] : `${name} ${value}`);
  }
  return kept.length > 0 ? ` ${kept.join(" ")}` : "";
}

/** The commit measured, with "+dirty" when src/ or main.ts has uncommitted changes. */
async function measuredCommit(): Promise<string | undefined> {
  const git = async (args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd: ROOT_DIR, stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  };
  const head = await git(["rev-parse", "--short", "HEAD"]).catch(() => undefined);
  if (!head) return undefined;
  const dirty = await git(["status", "--porcelain", "--", "src", "main.ts", "deno.json"]);
  return dirty ? `${head}+dirty` : head;
}

/** Wall time of `main.ts --version`: Deno start + tunedl's entry modules (best of 3). */
async function measureStartup(): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-bench-startup-" });
  try {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const m = await runTunedlMeasured(["--version"], { cwd: dir, env: {} });
      if (m.code !== 0) throw new Error(`tunedl --version failed: ${m.stderr}`);
      best = Math.min(best, m.wallMs);
    }
    return Math.round(best);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function main(): Promise<number> {
  const settings = readSettings(Deno.args);
  if (!settings) return 0;
  const command = `deno task bench${Deno.args.length ? " " + Deno.args.join(" ") : ""}`;
  // Results are kept per scale and per set of other flags, so variants do not overwrite each other.
  const variant = resultVariant(Deno.args);
  if (!hasGnuTime()) console.error("note: /usr/bin/time missing (apt install time): no RSS");
  console.error(`bench: ${command}`);
  const tools = await createFakeTools({
    workMs: settings.workMs,
    formats: [settings.format],
    kind: settings.standIns,
  });
  console.error(`stand-ins for yt-dlp, ffmpeg, ffprobe: ${tools.kind}`);
  const coverServer = startCoverServer(await spotifySizedCoverJpeg(), settings.latencyMs);
  const startupMs = await measureStartup();
  const standInStartMs = Math.round((await tools.startMs()) * 10) / 10;
  const commit = await measuredCommit();
  console.error(`startup (main.ts --version): ${startupMs} ms`);
  console.error(`a stand-in's own start and exit (yt-dlp --version): ${standInStartMs} ms`);
  const ctx: Context = { settings, tools, startupMs, coverServer, profiled: 0 };
  const allFigures: Figure[] = [];
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(await Deno.readTextFile(settings.out));
  } catch { /* first run */ }
  const results = (previous.results ?? {}) as Record<string, unknown>;
  try {
    for (const scale of settings.scales) {
      const spec = scaledLibrary(scale, settings.quick ? QUICK_LIBRARY : BASE_LIBRARY);
      const library = buildSyntheticLibrary(spec, { imageOrigin: coverServer.origin });
      const label = `${scale}x`;
      const modes: Record<string, ModeResult> = {};
      const figures: Figure[] = [];
      for (const mode of settings.modes) {
        const result = await benchMode(ctx, library, mode, label);
        modes[mode] = result;
        figures.push(
          ...figuresFor(scale, mode, result.runs, { threads: settings.threads, standInStartMs }),
        );
      }
      allFigures.push(...figures);
      results[`${settings.quick ? "quick-" : ""}${label}${variant}`] = {
        command,
        commit,
        date: new Date().toISOString(),
        machine: {
          cpus: navigator.hardwareConcurrency,
          os: Deno.build.os,
          deno: Deno.version.deno,
        },
        settings: { ...settings, scales: undefined, scale },
        standIns: tools.kind,
        library: spec,
        startupMs,
        standInStartMs,
        modes,
        figures,
      };
    }
  } finally {
    await coverServer.server.shutdown();
    await tools.remove();
  }
  const document = {
    about: "tunedl benchmark results (deno task bench); one entry per scale, latest run of each",
    method: {
      spotify: "project fake Spotify API (tests/fakes/spotify_fake.ts) on 127.0.0.1 with " +
        "--latency-ms per request, synthetic catalog (bench/synthetic_catalog.ts)",
      youtube: "project fake YouTube (tests/fakes/youtube_fake.ts), same latency; every track " +
        "found by ISRC or 'artists - title'",
      tools: "stand-ins for yt-dlp/ffprobe/ffmpeg (bench/fake_tools.ts): compiled C " +
        "(bench/fake_tool.c, about 1 ms of CPU a start) where cc works, else bash scripts (8 to " +
        "16 ms); --work-ms per track (3/4 yt-dlp, 1/4 ffmpeg), output is a real 0.1 s file " +
        "made once by ffmpeg; each entry's standIns says which",
      rss: "GNU time %M (ru_maxrss of the deno process; its tool children are tiny)",
      phases: "plan phase = run_started event - spawn; execute phase = run_finished - " +
        "run_started (from --log-format json)",
      efficiency: "ideal / execute phase, ideal = downloads x work-ms / threads (the issue's " +
        "definition); the execute bound also counts the download stage's minimum Spotify reads",
      cpu: "GNU time %U + %S of tunedl and the fake tools it ran; 'of it tunedl itself' is " +
        "process.cpuUsage() of the tunedl process at exit",
      download_slot: "per track: from the stage event of getting a download slot to the " +
        "'tag' stage event, where the worker hands the slot on (or item_finished): download + " +
        "convert and the tool spawns; occupancy = sum of slot times / (execute phase x threads)",
      stand_in_start: "standInStartMs: median of 21 runs of `yt-dlp --version` (a stand-in's " +
        "start and exit with no work, output read) from the bench process before the runs; a " +
        "track starts two programs, so the slot beyond the work minus twice this is tunedl's own",
      load: "1-minute load average before and after each run, and its mean sampled every " +
        "second during it (the machine may be shared); every figure carries its run's load",
      memory: "Deno.memoryUsage() of the tunedl process every 100 ms (bench/sampled_main.ts): " +
        "the sample at the highest RSS, and the highest heapUsed / external",
      targets: "a missed target makes the bench exit 1, after writing the results",
      api_rules: API_RULES,
    },
    results,
  };
  await Deno.mkdir(dirname(settings.out), { recursive: true });
  await Deno.writeTextFile(settings.out, JSON.stringify(document, null, 2) + "\n");
  console.log(formatTable(allFigures));
  console.log(`\nProduced by: ${command} (commit ${commit ?? "unknown"})`);
  console.log(`Written to: ${settings.out}`);
  for (const scale of settings.scales) {
    for (const mode of settings.modes) {
      const entry = results[`${settings.quick ? "quick-" : ""}${scale}x${variant}`] as {
        modes: Record<string, ModeResult>;
      };
      const result = entry.modes[mode];
      for (const note of result.notes) console.log(`note (${scale}x ${mode}): ${note}`);
      for (const run of result.runs) {
        const extra = Object.entries(run.extraRequests)
          .map(([endpoint, n]) => `${endpoint} ${n.actual} (min ${n.minimum})`);
        if (extra.length > 0) {
          console.log(`extra requests (${scale}x ${mode} ${run.run}): ${extra.join(", ")}`);
        }
        if (run.trackBatches) {
          const { requests, ids } = run.trackBatches;
          console.log(
            `track batch reads (${scale}x ${mode} ${run.run}): ${requests} requests for ${ids} ids ` +
              `(${(ids / requests).toFixed(1)} per request, max 50)`,
          );
        }
        if (run.stderrTail) {
          console.log(`stderr (${scale}x ${mode} ${run.run}):\n${run.stderrTail}`);
        }
        for (const failure of run.summary?.firstFailures ?? []) {
          console.log(`failed (${scale}x ${mode} ${run.run}): ${failure}`);
        }
      }
    }
  }
  const missed = missedTargets(allFigures, { quick: settings.quick });
  if (missed.length > 0) {
    for (const figure of missed) console.error(`bench: ${describeMiss(figure)}`);
    console.error(`bench: FAILED: ${missed.length} target(s) missed (results written)`);
    return 1;
  }
  console.error(settings.quick ? "bench: quick run correct" : "bench: every target met");
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
