/**
 * main.ts with its memory sampled, for the bench: every 100 ms (or $BENCH_MEMORY_SAMPLE_MS) it
 * reads Deno.memoryUsage() and keeps the sample with the highest RSS and the
 * highest heap, written as JSON to $BENCH_MEMORY_OUT when the process exits.
 * GNU time gives the exact RSS peak; these samples say what it was made of
 * (V8 heap vs. external buffers such as Wasm memory vs. the rest).
 */
import { cpuUsage } from "node:process";
import { writeHeapSnapshot } from "node:v8";
import { processIo, runCli } from "../src/cli/mod.ts";

/** One Deno.memoryUsage() reading, in MB, at `atMs` after start. */
export interface MemorySample {
  atMs: number;
  rssMB: number;
  heapTotalMB: number;
  heapUsedMB: number;
  externalMB: number;
}

/** What the sampler writes. */
export interface MemorySamples {
  samples: number;
  /** The sample with the highest RSS. */
  atPeakRss: MemorySample;
  /** The highest heapUsed / external seen (not necessarily at the same time). */
  peakHeapUsedMB: number;
  peakExternalMB: number;
  /** CPU time of the tunedl process itself, user + system (GNU time adds its programs'). */
  ownCpuMs?: number;
  /** Every sample, when $BENCH_MEMORY_TIMELINE is set (for bench/memory_probe.ts). */
  timeline?: MemorySample[];
}

const MB = 1024 * 1024;
const round = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

function startSampler(out: string, options: { timeline: boolean; everyMs: number }): void {
  const started = performance.now();
  let count = 0;
  let atPeakRss: MemorySample | undefined;
  let peakHeapUsedMB = 0;
  let peakExternalMB = 0;
  const timeline: MemorySample[] | undefined = options.timeline ? [] : undefined;
  const sample = () => {
    const m = Deno.memoryUsage();
    count++;
    const reading: MemorySample = {
      atMs: Math.round(performance.now() - started),
      rssMB: round(m.rss),
      heapTotalMB: round(m.heapTotal),
      heapUsedMB: round(m.heapUsed),
      externalMB: round(m.external),
    };
    timeline?.push(reading);
    if (!atPeakRss || reading.rssMB > atPeakRss.rssMB) atPeakRss = reading;
    peakHeapUsedMB = Math.max(peakHeapUsedMB, reading.heapUsedMB);
    peakExternalMB = Math.max(peakExternalMB, reading.externalMB);
  };
  const timer = setInterval(sample, options.everyMs);
  Deno.unrefTimer(timer);
  globalThis.addEventListener("unload", () => {
    sample();
    const cpu = cpuUsage();
    const result: MemorySamples = {
      samples: count,
      ownCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      atPeakRss: atPeakRss!,
      peakHeapUsedMB,
      peakExternalMB,
      timeline,
    };
    Deno.writeTextFileSync(out, JSON.stringify(result));
  });
}

if (import.meta.main) {
  const out = Deno.env.get("BENCH_MEMORY_OUT");
  // $BENCH_MEMORY_SAMPLE_MS: a finer timeline (bench/memory_probe.ts --env), default 100 ms.
  const everyMs = Math.max(1, Number(Deno.env.get("BENCH_MEMORY_SAMPLE_MS") ?? 100) || 100);
  if (out) {
    startSampler(out, { timeline: Deno.env.get("BENCH_MEMORY_TIMELINE") === "1", everyMs });
  }
  // $BENCH_HEAP_SNAPSHOT_DIR: a V8 heap snapshot every $BENCH_HEAP_SNAPSHOT_EVERY_MS (probes only;
  // each one stops the process for a second or more).
  const snapshotDir = Deno.env.get("BENCH_HEAP_SNAPSHOT_DIR");
  if (snapshotDir) {
    const every = Number(Deno.env.get("BENCH_HEAP_SNAPSHOT_EVERY_MS") ?? 30_000) || 30_000;
    const started = performance.now();
    const timer = setInterval(() => {
      const at = Math.round((performance.now() - started) / 1000);
      writeHeapSnapshot(`${snapshotDir}/at-${String(at).padStart(5, "0")}s.heapsnapshot`);
    }, every);
    Deno.unrefTimer(timer);
  }
  Deno.exit(await runCli(Deno.args, processIo()));
}
