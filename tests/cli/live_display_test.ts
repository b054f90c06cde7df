/**
 * The live display read by a real terminal emulator (xterm.js, headless): what a
 * user sees at 40, 80 and 200 columns, after long lines, many tracks and a resize.
 */
import assert from "node:assert/strict";
import xterm from "@xterm/headless";
import { TtyProgressReporter } from "../../src/cli/progress.ts";
import { PlanningProgress } from "../../src/cli/planning_progress.ts";
import { emptyRunSummary, type ExecutionEvent } from "../../src/plan/mod.ts";

const { Terminal } = xterm;
const at = "2026-01-01T00:00:00.000Z";
const LIBRARY = "/home/me/Music";

/** A terminal of a given size that the display writes to; ONLCR as a tty driver does it. */
class Screen {
  readonly term: InstanceType<typeof Terminal>;
  #written = Promise.resolve();

  constructor(columns: number, rows: number) {
    this.term = new Terminal({ cols: columns, rows, convertEol: true, allowProposedApi: true });
  }

  readonly isTerminal = true;
  get columns(): number {
    return this.term.cols;
  }
  get rows(): number {
    return this.term.rows;
  }

  write = (text: string): void => {
    this.#written = this.#written.then(() =>
      new Promise<void>((resolve) => this.term.write(text, resolve))
    );
  };

  /** The text lines of the whole buffer (scrollback included), wrapped rows joined. */
  async lines(): Promise<string[]> {
    await this.#written;
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (line === undefined) continue;
      const text = line.translateToString(true);
      if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length > 0 && lines.at(-1) === "") lines.pop();
    return lines;
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.#written;
    this.term.resize(columns, rows);
  }

  dispose(): void {
    this.term.dispose();
  }
}

/** A reporter on a screen, with a clock that moves a second per reading (no throttling). */
function reporterOn(screen: Screen): TtyProgressReporter {
  let now = 0;
  return new TtyProgressReporter({
    out: screen,
    env: { NO_COLOR: "1" },
    clock: () => (now += 1000),
    libraryRoot: LIBRARY,
  });
}

const longName = "Gorillaz - Last Living Souls (feat. a very long list of guest artists)";
const longPath =
  `${LIBRARY}/Gorillaz/Demon Days (Deluxe Edition, Remastered)/05 - Last Living Souls.mp3`;

/** 59 tracks and an M3U: 4 downloading, 3 searched and waiting for a download slot, the rest not started. */
function busyRun(): ExecutionEvent[] {
  const events: ExecutionEvent[] = [
    { type: "run_started", time: at, total: 60, tracks: 59, alreadyDone: 0 },
  ];
  for (let i = 0; i < 7; i++) {
    const id = `track:${i}`;
    events.push({ type: "item_started", time: at, id, name: `Artist ${i} - Song ${i}` });
    events.push({ type: "stage", time: at, id, stage: "search" });
  }
  for (let i = 0; i < 7; i++) {
    events.push({ type: "item_waiting", time: at, id: `track:${i}`, stage: "download" });
  }
  for (let i = 3; i < 7; i++) {
    events.push({ type: "stage", time: at, id: `track:${i}`, stage: "download" });
    events.push({ type: "item_progress", time: at, id: `track:${i}`, progress: 0.45 });
  }
  events.push({ type: "item_started", time: at, id: "track:long", name: longName });
  events.push({
    type: "item_finished",
    time: at,
    id: "track:long",
    name: longName,
    itemType: "track",
    action: "download",
    status: "completed",
    path: longPath,
  });
  return events;
}

for (const columns of [40, 80, 200]) {
  Deno.test(`live display at ${columns} columns: whole lines, running items first, counts`, async () => {
    const screen = new Screen(columns, 24);
    try {
      const reporter = reporterOn(screen);
      for (const event of busyRun()) reporter.handle(event);
      const lines = await screen.lines();
      const logged = "downloaded " + longName +
        " -> Gorillaz/Demon Days (Deluxe Edition, Remastered)/05 - Last Living Souls.mp3";
      // The wide line is there whole, with nothing of the old block mixed into it.
      assert.deepEqual(lines.filter((line) => line.startsWith("downloaded")), [logged]);
      const block = lines.slice(lines.indexOf(logged) + 1);
      assert.match(block[0], /1\/59 tracks 1%/, block[0]);
      if (columns >= 80) assert.match(block[0], /4 running, 54 queued/);
      if (columns >= 80) assert.match(block[0], /M3U 0\/1/);
      // Only the four downloads are listed, with their progress; the waiting ones are not.
      assert.deepEqual(
        block.slice(1).map((line) => line.trim().split(/\s+/).slice(0, 2).join(" ")),
        ["download 45%", "download 45%", "download 45%", "download 45%"],
      );
      assert.ok(!lines.some((line) => /^ +search/.test(line)), lines.join("\n"));
      for (const line of block) assert.ok(line.length < columns, `${line} fills the row`);

      reporter.handle({
        type: "run_finished",
        time: at,
        cancelled: false,
        summary: { ...emptyRunSummary(), downloaded: 1, pending: 58 },
      });
      reporter.close();
      const after = await screen.lines();
      assert.deepEqual(after.slice(0, 2), [logged, "Summary"], after.join("\n"));
      assert.ok(!after.some((line) => /tracks|download +45%/.test(line)), after.join("\n"));
    } finally {
      screen.dispose();
    }
  });
}

Deno.test("live display: many running items end in a count; a narrower terminal leaves no debris", async () => {
  const screen = new Screen(80, 16);
  try {
    const reporter = reporterOn(screen);
    reporter.handle({ type: "run_started", time: at, total: 20, tracks: 20, alreadyDone: 0 });
    for (let i = 0; i < 12; i++) {
      const id = `track:${i}`;
      reporter.handle({
        type: "item_started",
        time: at,
        id,
        name: `Band ${i} - ${"x".repeat(60)}`,
      });
      reporter.handle({ type: "stage", time: at, id, stage: i < 2 ? "download" : "search" });
    }
    const before = await screen.lines();
    // At most half of 16 rows: the progress line, 5 items and a count of the rest.
    assert.equal(before.length, 7, before.join("\n"));
    assert.match(before[1], /^ {2}download/);
    assert.match(before[3], /^ {2}search/);
    assert.equal(before[6], "  ... and 7 more running");

    await screen.resize(40, 16);
    reporter.handle({
      type: "item_finished",
      time: at,
      id: "track:0",
      name: "Band 0 - Song",
      itemType: "track",
      action: "download",
      status: "completed",
      path: `${LIBRARY}/Band 0/Song.mp3`,
    });
    const after = await screen.lines();
    const logAt = after.indexOf("downloaded Band 0 - Song -> Band 0/Song.mp3");
    assert.ok(logAt !== -1, after.join("\n"));
    // Below the line only the new block; every row of it fits the new width.
    const block = after.slice(logAt + 1);
    assert.match(block[0], /^\[=*-*\] 1\/20 tracks|^1\/20 tracks/);
    for (const line of block) assert.ok(line.length < 40, `${JSON.stringify(line)} too wide`);
    assert.ok(!after.slice(0, logAt).some((line) => /running|tracks/.test(line)), after.join("\n"));
    reporter.close();
  } finally {
    screen.dispose();
  }
});

Deno.test("planning spinner: sources read done/total and one being read; gone when stopped", async () => {
  const screen = new Screen(60, 10);
  try {
    const spinner = new PlanningProgress({ out: screen, env: {}, animate: false });
    spinner.update({ done: 0, total: 7, reading: "Demon Days" });
    spinner.update({ done: 3, total: 7, reading: "Gorillaz" });
    assert.deepEqual(await screen.lines(), ["⠋ Planning: 3/7 sources read (reading Gorillaz)"]);
    spinner.log("warning: Road Trip: withheld\n");
    assert.deepEqual(await screen.lines(), [
      "warning: Road Trip: withheld",
      "⠋ Planning: 3/7 sources read (reading Gorillaz)",
    ]);
    spinner.stop();
    spinner.update({ done: 4, total: 7 });
    assert.deepEqual(await screen.lines(), ["warning: Road Trip: withheld"]);
  } finally {
    screen.dispose();
  }
});
