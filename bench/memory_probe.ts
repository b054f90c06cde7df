/**
 * `deno run -A --unstable-kv bench/memory_probe.ts`: one cold download (and
 * optionally a warm re-run) of the bench library with tunedl's memory sampled
 * every 100 ms, printed as a timeline, for finding where the peak RSS goes.
 * Unlike `deno task bench` it takes extra Deno flags and environment for the
 * tunedl process (`--deno-flag=--v8-flags=--trace-gc`, `--env MALLOC_ARENA_MAX=2`)
 * and keeps tunedl's stderr (GC traces) in the workspace it prints.
 *
 * Flags: --mode pre2026|2026 --scale N --latency-ms 30 --work-ms 200 --threads 8
 * --spotify-rate N --warm --deno-flag F (repeatable) --env K=V (repeatable) --every-ms 2000
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { FakeApiMode } from "../tests/fakes/spotify_fake.ts";
import { spotifySizedCoverJpeg, startBenchWorld, startCoverServer } from "./bench_world.ts";
import { createFakeTools } from "./fake_tools.ts";
import type { MemorySample } from "./sampled_main.ts";
import { buildSyntheticLibrary, configYaml, scaledLibrary } from "./synthetic_catalog.ts";
import { runTunedlMeasured } from "./tunedl_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    mode: { type: "string", default: "pre2026" },
    scale: { type: "string", default: "1" },
    "latency-ms": { type: "string", default: "30" },
    "work-ms": { type: "string", default: "200" },
    threads: { type: "string", default: "8" },
    "spotify-rate": { type: "string" },
    warm: { type: "boolean", default: false },
    "deno-flag": { type: "string", multiple: true, default: [] },
    env: { type: "string", multiple: true, default: [] },
    "every-ms": { type: "string", default: "2000" },
  },
});
const mode = values.mode as FakeApiMode;
const latencyMs = Number(values["latency-ms"]);
const workMs = Number(values["work-ms"]);
const extraEnv = Object.fromEntries(
  values.env.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
);

const tools = await createFakeTools({ workMs, formats: ["mp3"] });
const coverServer = startCoverServer(await spotifySizedCoverJpeg(), latencyMs);
const library = buildSyntheticLibrary(scaledLibrary(Number(values.scale)), {
  imageOrigin: coverServer.origin,
});
const world = await startBenchWorld(library.catalog, {
  mode,
  latencyMs,
  coverServer,
  currentUserId: library.ownerId,
});
const dir = await Deno.makeTempDir({ prefix: "tunedl-memprobe-" });
const configText = configYaml(library, {
  includePlaylists: mode === "pre2026",
  threads: Number(values.threads),
  format: "mp3",
  spotifyRate: values["spotify-rate"] === undefined ? undefined : Number(values["spotify-rate"]),
});
await Deno.writeTextFile(join(dir, "config.yaml"), configText);
await Deno.mkdir(join(dir, "cache"));

async function run(name: string): Promise<void> {
  world.reset();
  const load = Deno.loadavg()[0];
  const m = await runTunedlMeasured(
    ["download", "--config", join(dir, "config.yaml"), "--log-format", "json"],
    {
      cwd: dir,
      env: {
        ...world.env,
        TUNEDL_CACHE_DIR: join(dir, "cache"),
        TUNEDL_YTDLP: tools.ytdlp,
        TUNEDL_FFMPEG: tools.ffmpeg,
        BENCH_MEMORY_TIMELINE: "1",
        ...extraEnv,
      },
      sampleMemory: true,
      denoFlags: values["deno-flag"],
    },
  );
  await Deno.writeTextFile(join(dir, `${name}.stderr`), m.stderr);
  await Deno.writeTextFile(join(dir, `${name}.stdout`), m.stdout);
  const timeline: MemorySample[] = m.memory?.timeline ?? [];
  await Deno.writeTextFile(join(dir, `${name}.timeline.json`), JSON.stringify(timeline));
  const every = Number(values["every-ms"]);
  let next = 0;
  console.log(
    `${name}: exit ${m.code}, ${(m.wallMs / 1000).toFixed(1)} s, load ${load.toFixed(1)}>` +
      `${Deno.loadavg()[0].toFixed(1)}, peak RSS ${
        ((m.peakRssMiB ?? 0) * 1.048576).toFixed(1)
      } MB, ` +
      `CPU ${m.cpuSeconds} s`,
  );
  console.log("   t s    rss  heapTot heapUsed external");
  for (const s of timeline) {
    if (s.atMs < next && s !== m.memory?.atPeakRss) continue;
    next = s.atMs + every;
    const mark = s === m.memory?.atPeakRss ? " <- peak" : "";
    console.log(
      `${(s.atMs / 1000).toFixed(1).padStart(6)} ${s.rssMB.toFixed(0).padStart(6)} ` +
        `${s.heapTotalMB.toFixed(0).padStart(8)} ${s.heapUsedMB.toFixed(0).padStart(8)} ` +
        `${s.externalMB.toFixed(0).padStart(8)}${mark}`,
    );
  }
  const peak = m.memory?.atPeakRss;
  if (peak) {
    console.log(
      `  at sampled peak: rss ${peak.rssMB} heapTotal ${peak.heapTotalMB} heapUsed ` +
        `${peak.heapUsedMB} external ${peak.externalMB}; max heapUsed ${m.memory?.peakHeapUsedMB} ` +
        `external ${m.memory?.peakExternalMB}`,
    );
  }
}

try {
  await run("cold");
  if (values.warm) await run("warm");
} finally {
  await world.close();
  await coverServer.server.shutdown();
  await tools.remove();
  console.log(`workspace: ${dir}`);
}
