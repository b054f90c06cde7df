// Escape codes are what these tests look for.
// deno-lint-ignore-file no-control-regex
import assert from "node:assert/strict";
import { NetworkError, NotFoundError } from "../../src/errors/mod.ts";
import {
  createProgressReporter,
  JsonProgressReporter,
  PlainProgressReporter,
  type ProgressReporterOptions,
  type ProgressSink,
  TtyProgressReporter,
} from "../../src/cli/progress.ts";
import {
  emptyRunSummary,
  executePlan,
  type ExecutionEvent,
  type PlanItem,
} from "../../src/plan/mod.ts";
import { snakeCaseKeys } from "../../src/util/mod.ts";
import { FakeTrackWorker, m3uItem, planOf, trackItem } from "../fakes/fake_track_worker.ts";

/** A sink that keeps everything written. */
class CaptureSink implements ProgressSink {
  text = "";
  writes = 0;
  constructor(readonly isTerminal: boolean, readonly columns = 80, readonly rows = 24) {}
  write(text: string): void {
    this.text += text;
    this.writes++;
  }
}

/** Real events from a small run: downloads, a retry, a not-found, a failure and an M3U. */
async function recordedEvents(): Promise<ExecutionEvent[]> {
  const events: ExecutionEvent[] = [];
  const names: [string, string][] = [
    ["track:a", "Daft Punk - One More Time"],
    ["track:b", "Evil \x1b[31mName\x1b[0m\nwith newline"],
    ["track:c", "坂本龍一 - 戦場のメリークリスマス (a very long title that will not fit the line)"],
    ["track:d", "Missing Song"],
    ["track:e", "Broken Song"],
  ];
  const items: PlanItem[] = names.map(([id, name]) => trackItem(id, { name }));
  items.push(m3uItem("m3u:p", names.map(([id]) => id)));
  const worker = new FakeTrackWorker({
    resolveSource: (item) => {
      if (item.id === "track:d") {
        throw new NotFoundError("No confident match for Missing Song", {
          hint: "Add a manual link",
        });
      }
    },
    produce: (item, ctx, attempt) => {
      ctx.stage("convert");
      ctx.progress(0.5);
      if (item.id === "track:a" && attempt === 1) throw new NetworkError("reset");
      if (item.id === "track:e") {
        throw new NetworkError("server said 403", { retryable: false, hint: "Try later" });
      }
    },
  });
  await executePlan(planOf(items), {
    worker,
    limits: { spotify: 2, search: 2, download: 2 },
    maxRetries: 2,
    retryBaseDelayMs: 1,
    sleep: () => Promise.resolve(),
    onEvent: (event) => events.push(event),
  });
  return events;
}

function feed(
  events: ExecutionEvent[],
  options: Omit<ProgressReporterOptions, "out"> & { mode: "auto" | "plain" | "json" },
  sink: CaptureSink,
): string {
  const reporter = createProgressReporter({ ...options, out: sink });
  for (const event of events) reporter.handle(event);
  reporter.close();
  return sink.text;
}

/** Plays terminal output on a tiny screen model: the lines a user would see at the end. */
function screenAfter(output: string): string[] {
  const screen: string[] = [""];
  let row = 0;
  let col = 0;
  const put = (char: string) => {
    const line = screen[row] ?? "";
    screen[row] = line.padEnd(col).slice(0, col) + char + line.slice(col + 1);
    col++;
  };
  const tokens = output.match(/\x1b\[[?0-9;]*[A-Za-z]|[\s\S]/gu) ?? [];
  for (const token of tokens) {
    if (token === "\n") {
      row++;
      col = 0;
      screen[row] ??= "";
    } else if (token === "\r") col = 0;
    else if (token.startsWith("\x1b[")) {
      const final = token.at(-1);
      const n = Number(token.slice(2, -1)) || 1;
      if (final === "A") row = Math.max(0, row - n);
      else if (final === "K") screen[row] = "";
      else if (final === "J") {
        screen[row] = (screen[row] ?? "").slice(0, col);
        screen.length = row + 1;
      }
    } else put(token);
  }
  return screen;
}

Deno.test("plain progress writes one line per finished item and no escape codes", async () => {
  const events = await recordedEvents();
  const text = feed(events, { mode: "plain" }, new CaptureSink(false));
  assert.doesNotMatch(text, /\x1b/);
  const itemLines = text.split("\n").filter((line) => /^\[\d\/6\]/.test(line));
  assert.equal(itemLines.length, 6, text);
  assert.match(text, /downloaded +Daft Punk - One More Time -> \/music\/track:a\.mp3/);
  assert.match(text, /not found +Missing Song: No confident match/);
  assert.match(text, /failed +Broken Song: network: server said 403/);
  assert.match(text, /^\[6\/6\] M3U +\/music\/m3u:p\.m3u \(3 tracks, 2 left out\)$/m);
  assert.match(text, /Summary\n/);
  assert.match(text, /hint: Try later/);
  assert.doesNotMatch(text, /retry/);
});

Deno.test("auto mode off a terminal is plain; NO_COLOR turns colour off on a terminal", async () => {
  const events = await recordedEvents();
  assert.doesNotMatch(feed(events, { mode: "auto" }, new CaptureSink(false)), /\x1b/);
  const noColor = feed(events, { mode: "plain", env: { NO_COLOR: "1" } }, new CaptureSink(true));
  assert.doesNotMatch(noColor, /\x1b/);
  const colored = feed(events, { mode: "plain", env: {} }, new CaptureSink(true));
  assert.match(colored, /\x1b\[32m/);
  assert.doesNotMatch(colored, /\x1b\[\d*A/, "plain mode never moves the cursor");
});

Deno.test("TERM=dumb: auto mode on a terminal gives plain lines without any escape", async () => {
  const events = await recordedEvents();
  const dumb = feed(events, { mode: "auto", env: { TERM: "dumb" } }, new CaptureSink(true));
  assert.doesNotMatch(dumb, /\x1b/);
  assert.match(dumb, /downloaded +Daft Punk - One More Time/);
  const live = feed(
    events,
    { mode: "auto", env: { TERM: "xterm-256color" } },
    new CaptureSink(true),
  );
  assert.match(live, /\x1b\[/);
});

Deno.test("plain quiet shows only problems and the summary; verbose adds stages", async () => {
  const events = await recordedEvents();
  const quiet = feed(events, { mode: "plain", quiet: true }, new CaptureSink(false));
  assert.doesNotMatch(quiet, /downloaded +Daft/);
  assert.doesNotMatch(quiet, /M3U +\//);
  assert.match(quiet, /not found +Missing Song/);
  assert.match(quiet, /failed +Broken Song/);
  assert.match(quiet, /Summary/);
  const verbose = feed(events, { mode: "plain", verbose: true }, new CaptureSink(false));
  assert.match(verbose, /^ +search +Daft Punk - One More Time$/m);
  assert.match(verbose, /^ +convert +Daft Punk/m);
  assert.match(verbose, /retry +Daft Punk - One More Time in .*network: reset/);
  assert.doesNotMatch(verbose, /\x1b/);
});

Deno.test("JSON progress writes one parseable event per line", async () => {
  const events = await recordedEvents();
  const text = feed(events, { mode: "json" }, new CaptureSink(true));
  const lines = text.trimEnd().split("\n");
  const parsed = lines.map((line) => JSON.parse(line) as ExecutionEvent);
  assert.deepEqual(
    parsed,
    events.filter((event) => event.type !== "item_progress" && event.type !== "item_waiting")
      .map(snakeCaseKeys),
  );
  const keys = new Set(lines.flatMap((line) => [...line.matchAll(/"([^"]+)":/g)].map((m) => m[1])));
  for (const key of keys) assert.match(key, /^[a-z0-9_]+$/, `JSON key ${key} is not snake_case`);
  assert.ok(keys.has("item_type") && keys.has("already_done"), [...keys].join(" "));
  assert.equal(parsed.at(-1)?.type, "run_finished");
  const quiet = feed(events, { mode: "json", quiet: true }, new CaptureSink(false));
  const quietTypes = quiet.trimEnd().split("\n").map((line) => JSON.parse(line).type);
  assert.deepEqual(quietTypes, ["item_finished", "item_finished", "run_finished"]);
});

Deno.test("TTY progress redraws in place and ends with the summary", async () => {
  const events = await recordedEvents();
  const sink = new CaptureSink(true, 60);
  const text = feed(events, { mode: "auto", env: {} }, sink);
  assert.match(text, /\x1b\[\d+A/, "moves the cursor up");
  assert.match(text, /\x1b\[J/, "clears the old block");
  assert.ok(text.startsWith("\x1b[?25l"), "hides the cursor first");
  assert.ok(text.indexOf("\x1b[?25h") > text.lastIndexOf("\x1b[?25l"), "shows it again");
  const screen = screenAfter(text);
  const visible = screen.map((line) => line.replace(/\x1b\[[0-9;]*m/g, ""));
  const summaryAt = visible.indexOf("Summary");
  assert.ok(summaryAt > 0, visible.join("\n"));
  assert.ok(visible.some((line) => /downloaded +Daft Punk/.test(line)));
  // The live block is gone at the end: no bar and no in-flight lines remain.
  assert.ok(!visible.some((line) => /^\[[=-]+\]/.test(line)), visible.join("\n"));
  assert.ok(!visible.some((line) => line.includes("\x1b")));
});

Deno.test("TTY live lines fit the terminal width, wide characters included", () => {
  const sink = new CaptureSink(true, 40);
  const reporter = new TtyProgressReporter({ out: sink, env: { NO_COLOR: "1" }, clock: () => 0 });
  const at = "2024-01-01T00:00:00.000Z";
  reporter.handle({ type: "run_started", time: at, total: 3, tracks: 3, alreadyDone: 0 });
  reporter.handle({ type: "item_started", time: at, id: "a", name: "坂本龍一 ".repeat(10) });
  reporter.handle({ type: "item_started", time: at, id: "b", name: "x".repeat(100) });
  reporter.close();
  const screen = screenAfter(sink.text.replace(/\x1b\[J/g, ""));
  // Drawing happened; each live line is at most 39 columns (wide chars count 2).
  const widths = screen.map((line) =>
    [...line].reduce((sum, char) => sum + (/[\u3000-\u9fff]/.test(char) ? 2 : 1), 0)
  );
  assert.ok(widths.every((width) => width <= 39), JSON.stringify(screen));
});

Deno.test("TTY redraws are throttled while the clock stands still", () => {
  const sink = new CaptureSink(true);
  const reporter = new TtyProgressReporter({ out: sink, env: {}, clock: () => 1000 });
  const at = "2024-01-01T00:00:00.000Z";
  reporter.handle({ type: "run_started", time: at, total: 1, tracks: 1, alreadyDone: 0 });
  const afterFirstDraw = sink.writes;
  assert.equal(afterFirstDraw, 1);
  reporter.handle({ type: "item_started", time: at, id: "a", name: "A" });
  for (const stage of ["spotify", "search", "download", "convert", "tag"]) {
    reporter.handle({ type: "stage", time: at, id: "a", stage });
  }
  assert.equal(sink.writes, afterFirstDraw, "no redraw within 100 ms");
  reporter.handle({
    type: "run_finished",
    time: at,
    cancelled: true,
    summary: { ...emptyRunSummary(), pending: 1 },
  });
  assert.match(sink.text, /Cancelled\./);
  assert.match(sink.text, /Left pending/);
  reporter.close();
});

Deno.test("createProgressReporter picks the reporter for the mode", () => {
  const cases: [string, boolean, unknown][] = [
    ["auto", true, TtyProgressReporter],
    ["auto", false, PlainProgressReporter],
    ["plain", true, PlainProgressReporter],
    ["json", true, JsonProgressReporter],
    ["json", false, JsonProgressReporter],
  ];
  for (const [mode, isTerminal, type] of cases) {
    const reporter = createProgressReporter({
      mode: mode as "auto",
      out: new CaptureSink(isTerminal),
    });
    assert.equal(reporter.constructor, type, `${mode} ${isTerminal}`);
    reporter.close();
  }
});

Deno.test("plain progress says copied for a track whose recording was fetched for another place", () => {
  const time = "2026-01-01T00:00:00.000Z";
  const events: ExecutionEvent[] = [
    { type: "run_started", time, total: 1, tracks: 1, alreadyDone: 0 },
    {
      type: "item_finished",
      time,
      id: "track:b",
      name: "Lost Sky - Fearless Pt. II",
      itemType: "track",
      action: "download",
      status: "completed",
      path: "/music/b.mp3",
      copiedFrom: "/music/a.mp3",
    },
  ];
  const text = feed(events, { mode: "plain" }, new CaptureSink(false));
  assert.match(text, /copied +Lost Sky - Fearless Pt\. II -> \/music\/b\.mp3/);
  assert.doesNotMatch(text, /downloaded +Lost Sky/);
});
