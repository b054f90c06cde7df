/**
 * Progress output of `tunedl download`, fed with the executor's events. Three
 * shapes: a live terminal display (overall bar plus one line per item in
 * flight, redrawn in place), plain lines for cron and pipes, and JSON lines for
 * scripts. All write to an injected sink so tests can read what came out.
 */
import { isAbsolute, relative } from "node:path";
import { formatDuration } from "../util/mod.ts";
import type { ExecutionEvent, ItemFinishedEvent } from "../plan/mod.ts";
import { snakeCaseKeys } from "../util/mod.ts";
import { formatRunSummary } from "./run_summary.ts";
import {
  colorEnabled,
  displayWidth,
  type Paint,
  painter,
  printable,
  Sgr,
  terminalHandlesEscapes,
  truncateToWidth,
} from "./terminal_text.ts";

/** Where progress goes (stdout or stderr of the CLI, a buffer in tests). */
export interface ProgressSink {
  write(text: string): void;
  isTerminal: boolean;
  columns?: number;
  rows?: number;
}

/** Consumes execution events; `close` restores the terminal (call it on every exit path). */
export interface ProgressReporter {
  handle(event: ExecutionEvent): void;
  close(): void;
}

/** Which reporter: "auto" is the live display on a terminal, plain lines otherwise. */
export type ProgressMode = "auto" | "plain" | "json";

/** Options shared by all reporters. */
export interface ProgressReporterOptions {
  /** Only errors, warnings and the summary. */
  quiet?: boolean;
  /** Also stage changes and retries. */
  verbose?: boolean;
  out: ProgressSink;
  /** The environment, for NO_COLOR and TERM. */
  env?: Record<string, string | undefined>;
  /** Milliseconds clock for rates, ETA and redraw throttling (tests: also no ticking timer). */
  clock?: () => number;
  /** The library folder: paths inside it are shown relative to it. */
  libraryRoot?: string;
}

/** Picks and creates the reporter for a mode. */
export function createProgressReporter(
  options: ProgressReporterOptions & { mode: ProgressMode },
): ProgressReporter {
  if (options.mode === "json") return new JsonProgressReporter(options);
  if (options.mode === "auto" && terminalHandlesEscapes(options.out.isTerminal, options.env)) {
    return new TtyProgressReporter(options);
  }
  return new PlainProgressReporter(options);
}

/** One JSON event per line; quiet keeps only failures, warnings and the end. */
export class JsonProgressReporter implements ProgressReporter {
  readonly #options: ProgressReporterOptions;

  constructor(options: ProgressReporterOptions) {
    this.#options = options;
  }

  handle(event: ExecutionEvent): void {
    const { quiet, verbose } = this.#options;
    if ((event.type === "item_progress" || event.type === "item_waiting") && !verbose) return;
    if (quiet && !isProblem(event) && event.type !== "run_finished") return;
    this.#options.out.write(`${JSON.stringify(snakeCaseKeys(event))}\n`);
  }

  close(): void {}
}

/** "[ 12/340]": finished items of the run (tracks and M3Us), sized to the total. */
class RunTally {
  total = 0;
  done = 0;

  counter(): string {
    const width = String(this.total).length;
    return `[${String(this.done).padStart(width)}/${this.total}]`;
  }
}

/** One line per finished item, no escape codes unless colour is on. */
export class PlainProgressReporter implements ProgressReporter {
  readonly #options: ProgressReporterOptions;
  readonly #paint: Paint;
  readonly #tally = new RunTally();
  readonly #names = new Map<string, string>();

  constructor(options: ProgressReporterOptions) {
    this.#options = options;
    this.#paint = painter(colorEnabled(options.out.isTerminal, options.env));
  }

  handle(event: ExecutionEvent): void {
    const { quiet, verbose } = this.#options;
    switch (event.type) {
      case "run_started":
        this.#tally.total = event.total;
        if (!quiet) {
          const tracks = event.tracks ?? event.total;
          const m3us = event.total - tracks;
          this.#line(
            `Running ${tracks} track${tracks === 1 ? "" : "s"}` +
              (m3us > 0 ? ` and ${m3us} M3U file${m3us === 1 ? "" : "s"}` : "") +
              (event.alreadyDone > 0 ? ` (${event.alreadyDone} already done)` : "") + ".",
          );
        }
        break;
      case "item_started":
        this.#names.set(event.id, event.name);
        break;
      case "item_finished": {
        this.#tally.done++;
        this.#names.delete(event.id);
        const line = finishedLine(event, this.#paint, this.#options.libraryRoot);
        if (line !== undefined && (!quiet || isProblem(event))) {
          this.#line(`${this.#tally.counter()} ${line}`);
        }
        break;
      }
      default: {
        const line = noteLine(event, {
          verbose,
          quiet,
          paint: this.#paint,
          names: this.#names,
          libraryRoot: this.#options.libraryRoot,
        });
        // The M3U's item_finished came just before and was counted: number its line too.
        if (line !== undefined && event.type === "m3u_written") {
          this.#line(`${this.#tally.counter()} ${line}`);
        } else if (line !== undefined) this.#line(line);
      }
    }
  }

  close(): void {}

  #line(text: string): void {
    this.#options.out.write(`${text}\n`);
  }
}

/** Redraws at most this often; finished-item lines are written at once regardless. */
const redrawIntervalMs = 100;
/** Redraws this often with no events, so the rate, ETA and a resized terminal stay current. */
const tickIntervalMs = 1000;
const maxItemLines = 8;

/** What the live display knows about a started item. */
interface LiveItem {
  name: string;
  stage: string;
  progress?: number;
  /** Waiting for a slot of its next stage or for a retry: counted as queued, not shown. */
  waiting: boolean;
  /** Start order, to keep rows steady. */
  order: number;
}

/** Stages listed first: the ones that take longest and show progress. */
const stageRank: Record<string, number> = {
  download: 0,
  convert: 0,
  tag: 0,
  retag: 0,
  m3u: 1,
  search: 2,
  spotify: 3,
};

/**
 * The live display: finished items scroll by above a block (a progress line and the
 * running items) that is redrawn in place at most ~10 times a second. Before anything
 * is printed the whole block is erased and then drawn again below it, so a line wider
 * than the terminal never leaves pieces of old rows behind; block lines are cut to
 * the width so each takes one row, and the rows a block took are worked out again
 * for the current width when the terminal was resized.
 */
export class TtyProgressReporter implements ProgressReporter {
  readonly #options: ProgressReporterOptions;
  readonly #paint: Paint;
  readonly #clock: () => number;
  readonly #tally = new TrackTally();
  readonly #live = new Map<string, LiveItem>();
  readonly #names = new Map<string, string>();
  #started = 0;
  /** Display widths of the block lines now on screen, above the cursor. */
  #drawnWidths: number[] = [];
  /** The terminal width they were drawn at. */
  #drawnColumns = 0;
  #lastDrawAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #cursorHidden = false;
  #finished = false;

  constructor(options: ProgressReporterOptions) {
    this.#options = options;
    this.#paint = painter(colorEnabled(options.out.isTerminal, options.env));
    this.#clock = options.clock ?? Date.now;
  }

  handle(event: ExecutionEvent): void {
    if (this.#finished) return;
    const { quiet, verbose } = this.#options;
    switch (event.type) {
      case "run_started":
        this.#tally.start(event, this.#clock());
        if (!quiet && this.#options.clock === undefined) this.#startTicker();
        break;
      case "item_started":
        this.#names.set(event.id, event.name);
        this.#live.set(event.id, {
          name: event.name,
          stage: "starting",
          waiting: false,
          order: this.#started++,
        });
        break;
      case "stage": {
        const item = this.#live.get(event.id);
        if (item !== undefined) {
          item.stage = event.stage;
          item.progress = undefined;
          item.waiting = false;
        }
        break;
      }
      case "item_waiting":
      case "item_retry": {
        const item = this.#live.get(event.id);
        if (item !== undefined) item.waiting = true;
        break;
      }
      case "item_progress": {
        const item = this.#live.get(event.id);
        if (item !== undefined) item.progress = event.progress;
        break;
      }
      case "item_cancelled":
        this.#live.delete(event.id);
        break;
      case "item_finished": {
        this.#tally.finish(event);
        this.#live.delete(event.id);
        this.#names.delete(event.id);
        const line = finishedLine(event, this.#paint, this.#options.libraryRoot);
        if (line !== undefined && (!quiet || isProblem(event))) {
          this.#log(line);
          return;
        }
        break;
      }
      case "run_finished":
        this.#finish(
          event.cancelled,
          formatRunSummary(event.summary, {
            color: this.#colored,
            stoppedBy: event.stoppedBy,
            verbose,
          }),
        );
        return;
    }
    const note = noteLine(event, {
      verbose,
      quiet,
      paint: this.#paint,
      names: this.#names,
      libraryRoot: this.#options.libraryRoot,
    });
    if (note !== undefined) this.#log(note);
    else this.#scheduleDraw();
  }

  /** Clears the live block and shows the cursor again; safe to call more than once. */
  close(): void {
    this.#stopTimers();
    let text = this.#eraseBlock();
    if (this.#cursorHidden) text += "\x1b[?25h";
    this.#cursorHidden = false;
    if (text !== "") this.#options.out.write(text);
  }

  get #colored(): boolean {
    return colorEnabled(this.#options.out.isTerminal, this.#options.env);
  }

  #finish(cancelled: boolean, summary: string): void {
    this.#finished = true;
    this.#stopTimers();
    let text = this.#eraseBlock();
    if (cancelled) text += `${this.#paint(Sgr.yellow, "Cancelled.")}\n`;
    text += summary;
    if (this.#cursorHidden) text += "\x1b[?25h";
    this.#cursorHidden = false;
    this.#options.out.write(text);
  }

  /** Erases the block, writes a line (it may wrap: nothing is below it), then draws the block again. */
  #log(line: string): void {
    this.#draw(this.#eraseBlock() + `${line}\n`);
  }

  #scheduleDraw(): void {
    if (this.#options.quiet || this.#timer !== undefined) return;
    const wait = this.#lastDrawAt + redrawIntervalMs - this.#clock();
    if (wait <= 0) {
      this.#draw("");
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#draw("");
    }, wait);
  }

  #startTicker(): void {
    if (this.#ticker !== undefined) return;
    this.#ticker = setInterval(() => this.#draw(""), tickIntervalMs);
    // The display must never keep tunedl alive on its own.
    Deno.unrefTimer(this.#ticker);
  }

  /** Writes `prefix` and the redrawn block in one write, so the terminal never shows half. */
  #draw(prefix: string): void {
    this.#clearTimer();
    if (this.#options.quiet || this.#finished) {
      if (prefix !== "") this.#options.out.write(prefix);
      return;
    }
    this.#lastDrawAt = this.#clock();
    const columns = this.#columns();
    const lines = this.#blockLines(columns);
    let text = "";
    if (!this.#cursorHidden) {
      text += "\x1b[?25l";
      this.#cursorHidden = true;
    }
    text += prefix + this.#eraseBlock();
    for (const line of lines) text += `${line}\n`;
    this.#drawnWidths = lines.map((line) => displayWidth(stripSgr(line)));
    this.#drawnColumns = columns;
    this.#options.out.write(text);
  }

  /** Moves to the top of the block and clears to the end of the screen ("" when none is drawn). */
  #eraseBlock(): string {
    if (this.#drawnWidths.length === 0) return "";
    const columns = this.#columns();
    // Drawn at this width, each line took one row; a narrower terminal may have wrapped them.
    const rows = columns === this.#drawnColumns
      ? this.#drawnWidths.length
      : this.#drawnWidths.reduce((sum, width) => sum + Math.max(1, Math.ceil(width / columns)), 0);
    this.#drawnWidths = [];
    return `\x1b[${rows}A\r\x1b[J`;
  }

  /** The terminal's width now: it may have been resized since the last draw. */
  #columns(): number {
    return Math.max(20, this.#options.out.columns ?? 80);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #stopTimers(): void {
    this.#clearTimer();
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  #blockLines(columns: number): string[] {
    // One column spare: a line that fills the last column leaves some terminals mid-wrap.
    const width = columns - 1;
    const running = [...this.#live.values()].filter((item) => !item.waiting)
      .sort((a, b) => (stageRank[a.stage] ?? 2) - (stageRank[b.stage] ?? 2) || a.order - b.order);
    const lines = [this.#overallLine(width, running.length)];
    // At most half the screen: a terminal made up to twice narrower wraps each row in two, and
    // the block must still be in view for the cursor to reach (the scrollback cannot be erased).
    const rows = Math.max(4, this.#options.out.rows ?? 24);
    const room = Math.max(1, Math.min(maxItemLines, Math.floor((rows - 1) / 2) - 1));
    const shown = running.length > room ? running.slice(0, room - 1) : running;
    for (const item of shown) {
      const percent = item.progress === undefined
        ? "    "
        : `${Math.round(item.progress * 100)}%`.padStart(4);
      const stage = item.stage.padEnd(8);
      const head = `  ${stage} ${percent} `;
      const name = truncateToWidth(printable(item.name), Math.max(0, width - head.length));
      lines.push(`  ${this.#paint(Sgr.cyan, stage)} ${percent} ${name}`);
    }
    if (shown.length < running.length) {
      lines.push(truncateToWidth(`  ... and ${running.length - shown.length} more running`, width));
    }
    return lines;
  }

  /** "[=====-----] 12/69 tracks 17% · 4 running, 53 queued · 3.1/min · ETA 4m 05s · M3U 0/1". */
  #overallLine(width: number, running: number): string {
    const tally = this.#tally;
    const elapsedMs = tally.startedAt === undefined
      ? 0
      : Math.max(0, this.#clock() - tally.startedAt);
    const done = tally.tracksDone;
    const total = tally.tracks;
    const perMinute = elapsedMs > 0 ? done / (elapsedMs / 60_000) : 0;
    const eta = done > 0 && perMinute > 0
      ? formatDuration(((total - done) / perMinute) * 60_000)
      : "--";
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    const queued = Math.max(0, total - done - running);
    // Most important first: parts are dropped from the end when the terminal is narrow.
    const parts = [
      `${done}/${total} tracks ${percent}%`,
      `${running} running, ${queued} queued`,
      `ETA ${eta}`,
      `${perMinute.toFixed(1)}/min`,
    ];
    if (tally.m3us > 0) parts.push(`M3U ${tally.m3usDone}/${tally.m3us}`);
    let stats = parts[0];
    for (const part of parts.slice(1)) {
      if (displayWidth(`${stats} · ${part}`) > width) break;
      stats += ` · ${part}`;
    }
    const room = width - displayWidth(stats) - 3;
    if (room < 10) return truncateToWidth(stats, width);
    const barWidth = Math.min(30, room);
    const filled = total > 0 ? Math.round((done / total) * barWidth) : barWidth;
    const bar = "=".repeat(filled) + "-".repeat(barWidth - filled);
    return `[${this.#paint(Sgr.green, bar)}] ${stats}`;
  }
}

/** Removes SGR colour codes, which take no columns. */
function stripSgr(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Tracks and M3U files of a run, counted apart. */
class TrackTally {
  tracks = 0;
  tracksDone = 0;
  m3us = 0;
  m3usDone = 0;
  startedAt: number | undefined;

  start(event: { total: number; tracks?: number }, now: number): void {
    this.tracks = event.tracks ?? event.total;
    this.m3us = event.total - this.tracks;
    this.startedAt = now;
  }

  finish(event: ItemFinishedEvent): void {
    if (event.itemType === "m3u") this.m3usDone++;
    else this.tracksDone++;
  }
}

/** Whether an event is something a quiet run still reports. */
function isProblem(event: ExecutionEvent): boolean {
  return (event.type === "item_finished" &&
    (event.status === "failed" || event.status === "not_found")) ||
    event.type === "warning";
}

/** The line for a finished item (undefined for a completed M3U: m3u_written says it). */
function finishedLine(
  event: ItemFinishedEvent,
  paint: Paint,
  libraryRoot: string | undefined,
): string | undefined {
  const name = printable(event.name);
  switch (event.status) {
    case "completed":
      if (event.itemType === "m3u") return undefined;
      return `${paint(Sgr.green, finishedVerb(event))} ${name}` +
        (event.path === undefined ? "" : ` -> ${printable(shownPath(event.path, libraryRoot))}`);
    case "skipped":
      return `${paint(Sgr.dim, "skipped   ")} ${name}` +
        (event.skipReason === undefined ? "" : ` (${printable(event.skipReason)})`);
    case "not_found":
      return `${paint(Sgr.yellow, "not found ")} ${name}` +
        (event.error === undefined ? "" : `: ${printable(event.error.message)}`);
    case "failed":
      return `${paint(Sgr.red, "failed    ")} ${name}: ${event.error?.code ?? "error"}: ` +
        printable(event.error?.message ?? "");
  }
}

/** "downloaded", "retagged" or "copied" (the recording was fetched for another place), padded. */
function finishedVerb(event: ItemFinishedEvent): string {
  if (event.action === "retag") return "retagged  ";
  return event.copiedFrom === undefined ? "downloaded" : "copied    ";
}

/** Lines for events other than finished items, by verbosity; undefined when nothing to say. */
function noteLine(
  event: ExecutionEvent,
  options: {
    verbose?: boolean;
    quiet?: boolean;
    paint: Paint;
    names: ReadonlyMap<string, string>;
    libraryRoot?: string;
  },
): string | undefined {
  const { verbose, quiet, paint } = options;
  const name = (id: string) => printable(options.names.get(id) ?? id);
  switch (event.type) {
    case "m3u_written":
      if (quiet) return undefined;
      return `${paint(Sgr.green, "M3U       ")} ${
        printable(shownPath(event.path, options.libraryRoot))
      } ` +
        `(${event.tracks} tracks${event.leftOut > 0 ? `, ${event.leftOut} left out` : ""})`;
    case "warning":
      return `${paint(Sgr.yellow, "warning:")} ${printable(event.message)}` +
        (event.hint === undefined ? "" : `\n  hint: ${printable(event.hint)}`);
    case "stage":
      return verbose && !quiet
        ? `  ${paint(Sgr.dim, event.stage.padEnd(8))} ${name(event.id)}`
        : undefined;
    case "item_retry":
      return verbose && !quiet
        ? `  ${paint(Sgr.yellow, "retry   ")} ${name(event.id)} in ${
          formatDuration(event.delayMs)
        } (attempt ${event.attempt}; ${event.error.code}: ${printable(event.error.message)})`
        : undefined;
    case "item_cancelled":
      return verbose && !quiet ? `  ${paint(Sgr.dim, "cancelled")} ${name(event.id)}` : undefined;
    case "run_finished":
      return (event.cancelled ? `${paint(Sgr.yellow, "Cancelled.")}\n` : "\n") +
        formatRunSummary(event.summary, {
          color: isColor(paint),
          stoppedBy: event.stoppedBy,
          verbose,
        }).trimEnd();
    default:
      return undefined;
  }
}

/** Whether a Paint actually colours. */
function isColor(paint: Paint): boolean {
  return paint(Sgr.bold, "x") !== "x";
}

/** A path inside the library relative to it (as the user thinks of it); others as they are. */
export function shownPath(path: string, libraryRoot: string | undefined): string {
  if (libraryRoot === undefined) return path;
  const inside = relative(libraryRoot, path);
  return inside === "" || inside.startsWith("..") || isAbsolute(inside) ? path : inside;
}
