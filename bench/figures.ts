/**
 * Turns measured runs into the figures the issue asks for, each next to its
 * best possible value and a target, and prints them as a table. Pure.
 */
import type { ExecuteLowerBound, MinimumRequests, PlanLowerBound } from "./minimum_requests.ts";
import type { MemorySamples } from "./sampled_main.ts";

/** The runs of one mode. */
export type RunName = "cold-plan" | "cold-download" | "warm" | "rerun-5pct";

/** Every run, in the order they happen. */
export const RUN_NAMES: readonly RunName[] = ["cold-plan", "cold-download", "warm", "rerun-5pct"];

/** What one measured run did. */
export interface RunRecord {
  run: RunName;
  /** The tunedl command line (after `deno run <flags>`). */
  command: string;
  code: number;
  wallMs: number;
  peakRssMB?: number;
  spotifyRequests: number;
  spotifyByEndpoint: Record<string, number>;
  minimum: MinimumRequests;
  /** Batch track reads (GET /v1/tracks?ids=): requests and ids asked in total. */
  trackBatches?: { requests: number; ids: number };
  /** Endpoints asked more often than the minimum needs: actual vs minimum. */
  extraRequests: Record<string, { actual: number; minimum: number }>;
  searches: number;
  downloads: number;
  covers: number;
  planMs?: number;
  executeMs?: number;
  /** Lower bound of the execute phase (tool work, download-stage Spotify reads). */
  executeBound?: ExecuteLowerBound;
  /** User + system CPU seconds of tunedl and the tools it ran. */
  cpuSeconds?: number;
  /** Download slot time per track (taking the slot to finishing): median, p90, sum in ms. */
  downloadSlot?: { medianMs: number; p90Ms: number; totalMs: number };
  /** Fake tool work per track (--work-ms). */
  workMs?: number;
  /** Lower bound of a warm re-run's wall time (startup + revalidation requests). */
  wallBoundMs?: number;
  /** Load average of the machine (1 min) before and after the run. */
  load?: [number, number];
  /** Mean of the 1-minute load average sampled every second during the run. */
  loadDuring?: number;
  /** Deno.memoryUsage() samples of the tunedl process (bench/sampled_main.ts). */
  memory?: MemorySamples;
  lowerBound?: PlanLowerBound;
  /**
   * When, from tunedl's start, the fake Spotify got the run's first request (the token's
   * included) and had the last answer ready: start-up before it, the requests, the work after.
   */
  spotifyPhases?: SpotifyPhases;
  summary?: {
    downloaded: number;
    alreadyPresent: number;
    failed: number;
    notFound: number;
    /** The first few failures (code: message), to see why a run exited non-zero. */
    firstFailures?: string[];
  };
  /** Tracks a cold download should fetch; files deleted before a 5% re-run. */
  expectedDownloads?: number;
  stderrTail?: string;
}

/** Times of a run's Spotify traffic, in ms from tunedl's start. */
export interface SpotifyPhases {
  firstRequestMs: number;
  lastAnswerMs: number;
}

/** The first request's arrival and the last answer, from the fake's request log (pure). */
export function spotifyPhasesOf(
  requests: readonly { receivedAt: number; answeredAt?: number }[],
  startedAt: number,
): SpotifyPhases | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const r of requests) {
    first = Math.min(first, r.receivedAt);
    if (r.answeredAt !== undefined) last = Math.max(last, r.answeredAt);
  }
  if (first === Infinity || last === -Infinity) return undefined;
  return { firstRequestMs: first - startedAt, lastAnswerMs: last - startedAt };
}

/**
 * "to the first request / requests / after the last answer" of a run's wall time, beside the
 * bound's start-up and request time when it has them (pure).
 */
export function phasesText(
  run: Pick<RunRecord, "wallMs" | "spotifyPhases">,
  bound?: { startupMs: number; requestsMs: number },
): string | undefined {
  const phases = run.spotifyPhases;
  if (phases === undefined) return undefined;
  const s = (ms: number) => (Math.max(0, ms) / 1000).toFixed(2);
  const own = `${s(phases.firstRequestMs)} / ${s(phases.lastAnswerMs - phases.firstRequestMs)} / ` +
    `${s(run.wallMs - phases.lastAnswerMs)} s`;
  return bound === undefined
    ? own
    : `${own} (bound ${s(bound.startupMs)} / ${s(bound.requestsMs)} / 0)`;
}

/** One row of the table. */
export interface Figure {
  scale: number;
  mode: string;
  run: RunName;
  name: string;
  value: number | null;
  unit: string;
  /** Best possible (minimum, lower bound, ideal) when there is one. */
  best?: number | null;
  /** value / best. */
  ratio?: number | null;
  /** A figure that is not one number (shown instead of value). */
  text?: string;
  target?: string;
  met?: boolean | null;
  /** The machine's 1-minute load average before and after the run, and its mean during it. */
  load?: { before: number; after: number; during?: number };
}

/** Compares actual per-endpoint counts with the minimum's endpoints (pure). */
export function extraRequests(
  actual: Record<string, number>,
  minimum: MinimumRequests,
): Record<string, { actual: number; minimum: number }> {
  const wanted: Record<string, number> = {};
  for (const part of minimum.parts) {
    wanted[part.endpoint] = (wanted[part.endpoint] ?? 0) + part.requests;
  }
  const extra: Record<string, { actual: number; minimum: number }> = {};
  for (const endpoint of new Set([...Object.keys(actual), ...Object.keys(wanted)])) {
    const a = actual[endpoint] ?? 0;
    const m = wanted[endpoint] ?? 0;
    if (a > m) extra[endpoint] = { actual: a, minimum: m };
  }
  return extra;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** RSS target in MB for a scale (the issue's 1x and 10x targets). */
export function rssTargetMB(scale: number): number | undefined {
  return scale === 1 ? 150 : scale === 10 ? 400 : undefined;
}

/** The figures of one mode's runs at one scale (pure). */
export function figuresFor(
  scale: number,
  mode: string,
  runs: readonly RunRecord[],
  options: {
    threads: number;
    /** One stand-in's start and exit, no work, from a bare Deno process (ms; measured). */
    standInStartMs?: number;
  },
): Figure[] {
  const figures: Figure[] = [];
  const push = (run: RunRecord, figure: Omit<Figure, "scale" | "mode" | "run">) =>
    figures.push({ scale, mode, run: run.run, ...figure, load: loadOf(run) });
  const rss = (run: RunRecord) => {
    const target = rssTargetMB(scale);
    push(run, {
      name: "peak RSS",
      value: run.peakRssMB === undefined ? null : round(run.peakRssMB, 1),
      unit: "MB",
      target: target === undefined ? undefined : `< ${target}`,
      met: target === undefined || run.peakRssMB === undefined ? null : run.peakRssMB < target,
    });
    const memory = run.memory;
    if (memory) {
      const peak = memory.atPeakRss;
      push(run, {
        name: "at sampled RSS peak: V8 heap used / external",
        value: null,
        unit: "",
        text: `${peak.heapUsedMB} / ${peak.externalMB} MB of ${peak.rssMB} MB`,
      });
      push(run, {
        name: "peak V8 heap used / external (sampled)",
        value: null,
        unit: "",
        text: `${memory.peakHeapUsedMB} / ${memory.peakExternalMB} MB`,
      });
    }
  };
  const failed = (run: RunRecord) => {
    if (run.code !== 0) {
      push(run, { name: "exit code", value: run.code, unit: "", target: "0", met: false });
    }
  };
  const executor = (run: RunRecord) => {
    const bound = run.executeBound;
    const actual = run.executeMs;
    // The issue's target is for the cold download at 8 threads with 200 ms of
    // tool work a track (with 20 ms, tunedl's own CPU per track outweighs the
    // work on 2 cores and no executor could reach it); when the download
    // stage's own Spotify reads (2026 rules) bound the phase, not the tool
    // work, the executor is judged against that bound instead.
    const judged = run.run === "cold-download";
    const issueConditions = options.threads === 8 && run.workMs === 200;
    const spotifyBound = bound !== undefined && bound.spotifyMs > bound.workMs;
    push(run, {
      name: "execute phase",
      value: actual === undefined ? null : round(actual / 1000),
      unit: "s",
      best: bound ? round(bound.ms / 1000) : null,
      ratio: bound && actual ? round(actual / bound.ms) : null,
      ...(judged && spotifyBound
        ? { target: "<= 1.1x bound", met: actual === undefined ? null : actual <= 1.1 * bound.ms }
        : {}),
    });
    const slot = run.downloadSlot;
    if (slot && run.workMs !== undefined) {
      push(run, {
        name: "download slot per track (median)",
        value: Math.round(slot.medianMs),
        unit: "ms",
        best: run.workMs,
        ratio: run.workMs > 0 ? round(slot.medianMs / run.workMs) : null,
      });
      const start = options.standInStartMs;
      if (start !== undefined) {
        // Two programs a track (yt-dlp, ffmpeg): what their own starts and exits take on this
        // machine is no executor's to save; the rest of the slot beyond the work is tunedl's.
        push(run, {
          name: "  of it: two stand-in starts / tunedl's own",
          value: null,
          unit: "",
          text: `${round(2 * start, 1)} / ${round(slot.medianMs - run.workMs - 2 * start, 1)} ms`,
        });
      }
      if (actual) {
        push(run, {
          name: "download pool occupancy",
          value: round(slot.totalMs / (actual * options.threads)),
          unit: "",
        });
      }
    }
    const efficiency = bound && actual ? bound.workMs / actual : null;
    push(run, {
      name: `executor efficiency (threads ${options.threads})`,
      value: efficiency === null ? null : round(efficiency),
      unit: "",
      ...(judged && !spotifyBound && issueConditions
        ? { target: ">= 0.9", met: efficiency === null ? null : efficiency >= 0.9 }
        : {}),
    });
  };
  const phases = (run: RunRecord, bound?: { startupMs: number; requestsMs: number }) => {
    const text = phasesText(run, bound);
    if (text === undefined) return;
    push(run, {
      name: "  of it: to the first request / requests / after the last answer",
      value: null,
      unit: "",
      text,
    });
  };
  const cpu = (run: RunRecord) => {
    if (run.cpuSeconds === undefined) return;
    push(run, { name: "CPU user+sys", value: round(run.cpuSeconds, 1), unit: "s" });
    if (run.run === "cold-download" && run.downloads > 0) {
      push(run, {
        name: "CPU per downloaded track",
        value: Math.round((run.cpuSeconds * 1000) / run.downloads),
        unit: "ms",
      });
      const own = run.memory?.ownCpuMs;
      if (own !== undefined) {
        push(run, {
          name: "  of it tunedl itself (not its programs)",
          value: Math.round(own / run.downloads),
          unit: "ms",
        });
      }
    }
  };
  for (const run of runs) {
    const requests = run.spotifyRequests;
    const min = run.minimum.total;
    const ratio = (value: number, best: number) => best > 0 ? round(value / best) : null;
    failed(run);
    if (run.run === "cold-plan") {
      push(run, {
        name: "Spotify requests",
        value: requests,
        unit: "req",
        best: min,
        ratio: ratio(requests, min),
        target: "<= 1.05x min",
        met: requests <= 1.05 * min,
      });
      const bound = run.lowerBound?.ms;
      push(run, {
        name: "wall time",
        value: round(run.wallMs / 1000),
        unit: "s",
        best: bound === undefined ? null : round(bound / 1000),
        ratio: bound ? ratio(run.wallMs, bound) : null,
        target: "<= 1.2x bound",
        met: bound === undefined ? null : run.wallMs <= 1.2 * bound,
      });
      phases(
        run,
        run.lowerBound && {
          startupMs: run.lowerBound.startupMs,
          requestsMs: run.lowerBound.ms - run.lowerBound.startupMs,
        },
      );
      cpu(run);
      rss(run);
    } else if (run.run === "cold-download") {
      push(run, {
        name: "Spotify requests",
        value: requests,
        unit: "req",
        best: min,
        ratio: ratio(requests, min),
      });
      push(run, {
        name: "downloads",
        value: run.downloads,
        unit: "",
        best: run.expectedDownloads ?? null,
        target: "= planned tracks",
        met: run.expectedDownloads === undefined ? null : run.downloads === run.expectedDownloads,
      });
      push(run, { name: "searches", value: run.searches, unit: "", best: run.expectedDownloads });
      push(run, {
        name: "plan phase",
        value: run.planMs === undefined ? null : round(run.planMs / 1000),
        unit: "s",
      });
      executor(run);
      push(run, { name: "wall time", value: round(run.wallMs / 1000), unit: "s" });
      cpu(run);
      rss(run);
    } else {
      const expected = run.run === "warm" ? 0 : run.expectedDownloads ?? 0;
      push(run, {
        name: "searches",
        value: run.searches,
        unit: "",
        target: "0",
        met: run.searches === 0,
      });
      push(run, {
        name: "downloads",
        value: run.downloads,
        unit: "",
        best: expected,
        target: `${expected}`,
        met: run.downloads === expected,
      });
      push(run, {
        name: "Spotify requests",
        value: requests,
        unit: "req",
        best: min,
        target: "revalidation only",
        met: requests <= min,
      });
      const wallTarget = run.run === "warm" && scale === 1;
      push(run, {
        name: "wall time",
        value: round(run.wallMs / 1000),
        unit: "s",
        best: run.wallBoundMs === undefined ? undefined : round(run.wallBoundMs / 1000),
        ratio: run.wallBoundMs ? round(run.wallMs / run.wallBoundMs) : undefined,
        target: wallTarget ? "< 1" : undefined,
        met: wallTarget ? run.wallMs < 1000 : null,
      });
      if (run.run === "warm") phases(run);
      if (run.run === "rerun-5pct") {
        executor(run);
        cpu(run);
      }
      rss(run);
    }
  }
  return figures;
}

/** The machine's load during a run, as the figures carry it (pure). */
export function loadOf(run: RunRecord): Figure["load"] {
  if (!run.load) return undefined;
  const round1 = (n: number) => Math.round(n * 100) / 100;
  return {
    before: round1(run.load[0]),
    after: round1(run.load[1]),
    ...(run.loadDuring === undefined ? {} : { during: run.loadDuring }),
  };
}

/** "before>after (mean during)" for the table (pure). */
export function formatLoad(load: Figure["load"]): string {
  if (!load) return "-";
  const during = load.during === undefined ? "" : ` (~${load.during.toFixed(1)})`;
  return `${load.before.toFixed(1)}>${load.after.toFixed(1)}${during}`;
}

/** Figures that say whether tunedl did the right thing, not how fast: judged even in --quick. */
const CORRECTNESS_FIGURES = new Set(["exit code", "downloads", "searches"]);

/**
 * Figures whose target was missed (pure). A --quick run's tiny library says
 * nothing about speed or memory, so only its correctness figures count.
 */
export function missedTargets(
  figures: readonly Figure[],
  options: { quick?: boolean } = {},
): Figure[] {
  return figures.filter((f) =>
    f.target !== undefined && f.met === false &&
    (!options.quick || CORRECTNESS_FIGURES.has(f.name))
  );
}

/** One line naming a missed target, its value and the load it was measured under (pure). */
export function describeMiss(figure: Figure): string {
  const value = figure.text ?? `${figure.value}${figure.unit ? ` ${figure.unit}` : ""}`;
  return `target missed: ${figure.scale}x ${figure.mode} ${figure.run} ${figure.name} = ${value}` +
    ` (target ${figure.target}; load ${formatLoad(figure.load)})`;
}

/** The figures as an aligned text table (pure). */
export function formatTable(figures: readonly Figure[]): string {
  const header = [
    "scale",
    "mode",
    "run",
    "figure",
    "value",
    "best",
    "ratio",
    "target",
    "met",
    "load",
  ];
  const cell = (value: unknown) =>
    value === undefined || value === null
      ? "-"
      : typeof value === "boolean"
      ? (value ? "yes" : "NO")
      : String(value);
  const rows = figures.map((f) => [
    `${f.scale}x`,
    f.mode,
    f.run,
    f.name,
    f.text ?? `${cell(f.value)}${f.unit && f.value !== null ? ` ${f.unit}` : ""}`,
    cell(f.best),
    cell(f.ratio),
    cell(f.target),
    f.target === undefined ? "" : cell(f.met),
    formatLoad(f.load),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
