/**
 * Runs tunedl the way a user does (`deno run <cli task flags> main.ts ...`)
 * and measures it from outside: wall time, exit code, and peak RSS.
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -f %M`, Debian package `time`):
 * it is the kernel's ru_maxrss of the waited-for child, i.e. the high-water
 * mark of the deno process (its tool children are small bash scripts and do
 * not add up: ru_maxrss is a maximum, not a sum). Polling /proc would miss
 * short peaks. Without /usr/bin/time the figure is left out.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readDenoJson, runtimeFlags } from "../scripts/runtime_flags.ts";
import type { MemorySamples } from "./sampled_main.ts";

const ROOT_URL = new URL("../", import.meta.url);
const ROOT = fileURLToPath(ROOT_URL);
const GNU_TIME = "/usr/bin/time";

/** What one tunedl process did, seen from outside. */
export interface ProcessMeasurement {
  args: string[];
  code: number;
  wallMs: number;
  /** Epoch ms just before the spawn. */
  startedAt: number;
  /** Peak resident set size in MiB (undefined without GNU time). */
  peakRssMiB?: number;
  /** User + system CPU seconds of the process and the children it waited for. */
  cpuSeconds?: number;
  /** Deno.memoryUsage() samples (bench/sampled_main.ts), when asked for. */
  memory?: MemorySamples;
  stdout: string;
  stderr: string;
}

let flagsPromise: Promise<string[]> | undefined;

/** The `deno run` flags of deno.json's cli task. */
export function cliFlags(): Promise<string[]> {
  flagsPromise ??= readDenoJson(new URL("deno.json", ROOT_URL)).then((json) => runtimeFlags(json));
  return flagsPromise;
}

/** Whether GNU time is there to measure peak RSS. */
export function hasGnuTime(): boolean {
  try {
    return Deno.statSync(GNU_TIME).isFile;
  } catch {
    return false;
  }
}

/** Parses GNU time's `-f "%M %U %S"` line: peak RSS (KiB -> MiB) and CPU seconds. */
export function parseGnuTime(text: string): { peakRssMiB?: number; cpuSeconds?: number } {
  const lines = text.trim().split("\n");
  const [kib, user, sys] = (lines[lines.length - 1] ?? "").trim().split(/\s+/).map(Number);
  const result: { peakRssMiB?: number; cpuSeconds?: number } = {};
  if (Number.isFinite(kib) && kib > 0) result.peakRssMiB = kib / 1024;
  if (Number.isFinite(user) && Number.isFinite(sys)) {
    result.cpuSeconds = Math.round((user + sys) * 100) / 100;
  }
  return result;
}

/**
 * Runs `tunedl <args>` in a clean environment plus `env`; measures wall time and peak RSS.
 * With `sampleMemory` the entry is bench/sampled_main.ts (main.ts plus a memory sampler); with
 * `profileDir` V8 writes a CPU profile of the run there (`--cpu-prof`, a `.cpuprofile` file).
 */
export async function runTunedlMeasured(
  args: string[],
  options: {
    env: Record<string, string>;
    cwd: string;
    sampleMemory?: boolean;
    /** Deno flags added after the cli task's (e.g. `--v8-flags=--trace-gc`), for probes. */
    denoFlags?: readonly string[];
    profileDir?: string;
  },
): Promise<ProcessMeasurement> {
  const memoryFile = join(options.cwd, `.memory-${crypto.randomUUID().slice(0, 8)}`);
  const profile = options.profileDir === undefined
    ? []
    : ["--cpu-prof", "--cpu-prof-dir", options.profileDir];
  const denoArgs = [
    "run",
    ...await cliFlags(),
    ...options.denoFlags ?? [],
    ...profile,
    "--config",
    join(ROOT, "deno.json"),
    options.sampleMemory ? join(ROOT, "bench", "sampled_main.ts") : join(ROOT, "main.ts"),
    ...args,
  ];
  const env: Record<string, string> = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, options.env);
  if (options.sampleMemory) env.BENCH_MEMORY_OUT = memoryFile;
  const timed = hasGnuTime();
  const rssFile = join(options.cwd, `.rss-${crypto.randomUUID().slice(0, 8)}`);
  const command = timed
    ? new Deno.Command(GNU_TIME, {
      args: ["-f", "%M %U %S", "-o", rssFile, Deno.execPath(), ...denoArgs],
      cwd: options.cwd,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(Deno.execPath(), {
      args: denoArgs,
      cwd: options.cwd,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  const startedAt = Date.now();
  const start = performance.now();
  const output = await command.output();
  const wallMs = performance.now() - start;
  let usage: { peakRssMiB?: number; cpuSeconds?: number } = {};
  if (timed) {
    usage = parseGnuTime(await Deno.readTextFile(rssFile).catch(() => ""));
    await Deno.remove(rssFile).catch(() => {});
  }
  let memory: MemorySamples | undefined;
  if (options.sampleMemory) {
    const text = await Deno.readTextFile(memoryFile).catch(() => undefined);
    memory = text ? JSON.parse(text) : undefined;
    await Deno.remove(memoryFile).catch(() => {});
  }
  const decoder = new TextDecoder();
  return {
    args,
    code: output.code,
    wallMs,
    startedAt,
    ...usage,
    memory,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Times of the executor's JSON events, and its summary. */
export interface ExecutionTimes {
  /** run_started - spawn: planning (and startup). */
  planMs?: number;
  /** run_finished - run_started. */
  executeMs?: number;
  summary?: Record<string, unknown>;
  events: number;
  /** Per downloaded track: ms from taking a download slot to handing it on at tagging (sorted). */
  downloadSlotMs: number[];
}

/** Reads `--log-format json` output (one event per line) into phase times (pure). */
export function executionTimes(stdout: string, spawnedAt: number): ExecutionTimes {
  let started: number | undefined;
  let finished: number | undefined;
  let summary: Record<string, unknown> | undefined;
  let events = 0;
  const slotStart = new Map<string, number>();
  const slotEnd = new Map<string, number>();
  const downloadSlotMs: number[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    let event: {
      type?: string;
      time?: string;
      id?: string;
      stage?: string;
      status?: string;
      action?: string;
      summary?: Record<string, unknown>;
    };
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    events++;
    const time = event.time ? Date.parse(event.time) : NaN;
    if (event.type === "run_started" && Number.isFinite(time)) started = time;
    // The executor emits a stage event when the item gets its slot in that stage's pool;
    // the worker hands the slot on when tagging starts (the programs are done).
    if (event.type === "stage" && event.stage === "download" && event.id) {
      if (!slotStart.has(event.id)) slotStart.set(event.id, time);
    }
    if (event.type === "stage" && event.stage === "tag" && event.id && slotStart.has(event.id)) {
      if (!slotEnd.has(event.id)) slotEnd.set(event.id, time);
    }
    if (event.type === "item_finished" && event.id && event.action === "download") {
      const from = slotStart.get(event.id);
      const to = slotEnd.get(event.id) ?? time;
      if (from !== undefined && event.status === "completed") downloadSlotMs.push(to - from);
      slotStart.delete(event.id);
      slotEnd.delete(event.id);
    }
    if (event.type === "run_finished") {
      if (Number.isFinite(time)) finished = time;
      summary = event.summary;
    }
  }
  return {
    planMs: started !== undefined ? started - spawnedAt : undefined,
    executeMs: started !== undefined && finished !== undefined ? finished - started : undefined,
    summary,
    events,
    downloadSlotMs: downloadSlotMs.sort((a, b) => a - b),
  };
}
