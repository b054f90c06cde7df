/**
 * Progress output of `tunedl download`, fed with the executor's events. Three
 * shapes: a live terminal display (overall bar plus one line per item in
 * flight, redrawn in place), plain lines for cron and pipes, and JSON lines for
 * scripts. All write to an injected sink so tests can read what came out.
 */
import { formatDuration } from "../util/mod.ts";
import type { ExecutionEvent, ItemFinishedEvent } from "../plan/mod.ts";
import { formatRunSummary } from "./run_summary.ts";
import {
  colorEnabled,
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
  /** Milliseconds clock for rates, ETA and redraw throttling. */
  clock?: () => number;
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
    if (event.type === "item_progress" && !verbose) return;
    if (quiet && !isProblem(event) && event.type !== "run_finished") return;
    this.#options.out.write(`${JSON.stringify(event)}\n`);
  }

  close(): void {}
}

/** Counts and names shared by the human-readable reporters. */
class RunTally {
  total = 0;
  done = 0;
  startedAt: number | undefined;

  /** "[ 12/340]", sized to the total. */
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
          this.#line(
            `Running ${event.total} item${event.total === 1 ? "" : "s"}` +
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
        const line = finishedLine(event, this.#paint);
        if (line !== undefined && (!quiet || isProblem(event))) {
          this.#line(`${this.#tally.counter()} ${line}`);
        }
        break;
      }
      default: {
        const line = noteLine(event, { verbose, quiet, paint: this.#paint, names: this.#names });
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
const maxItemLines = 8;

/** What the live display knows about an item in flight. */
interface LiveItem {
  name: string;
  stage: string;
  progress?: number;
}

/**
 * The live display: finished items scroll by above a block of lines that is
 * redrawn in place (cursor up, clear line, rewrite) at most ~10 times a second.
 */
export class TtyProgressReporter implements ProgressReporter {
  readonly #options: ProgressReporterOptions;
  readonly #paint: Paint;
  readonly #clock: () => number;
  readonly #tally = new RunTally();
  readonly #live = new Map<string, LiveItem>();
  readonly #names = new Map<string, string>();
  /** Lines of the live block now on screen, below which the cursor sits. */
  #drawnLines = 0;
  #lastDrawAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
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
        this.#tally.total = event.total;
        this.#tally.startedAt = this.#clock();
        break;
      case "item_started":
        this.#names.set(event.id, event.name);
        this.#live.set(event.id, { name: event.name, stage: "starting" });
        break;
      case "stage": {
        const item = this.#live.get(event.id);
        if (item !== undefined) {
          item.stage = event.stage;
          item.progress = undefined;
        }
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
        this.#tally.done++;
        this.#live.delete(event.id);
        this.#names.delete(event.id);
        const line = finishedLine(event, this.#paint);
        if (line !== undefined && (!quiet || isProblem(event))) {
          this.#log(line);
          return;
        }
        break;
      }
      case "run_finished":
        this.#finish(
          event.cancelled,
          formatRunSummary(event.summary, { color: this.#colored, stoppedBy: event.stoppedBy }),
        );
        return;
    }
    const note = noteLine(event, { verbose, quiet, paint: this.#paint, names: this.#names });
    if (note !== undefined) this.#log(note);
    else this.#scheduleDraw();
  }

  /** Clears the live block and shows the cursor again; safe to call more than once. */
  close(): void {
    this.#clearTimer();
    let text = this.#moveToBlockTop() + "\x1b[J";
    this.#drawnLines = 0;
    if (this.#cursorHidden) text += "\x1b[?25h";
    this.#cursorHidden = false;
    if (text !== "\x1b[J") this.#options.out.write(text);
  }

  get #colored(): boolean {
    return colorEnabled(this.#options.out.isTerminal, this.#options.env);
  }

  #finish(cancelled: boolean, summary: string): void {
    this.#finished = true;
    this.#clearTimer();
    let text = this.#moveToBlockTop() + "\x1b[J";
    this.#drawnLines = 0;
    if (cancelled) text += `${this.#paint(Sgr.yellow, "Cancelled.")}\n`;
    text += summary;
    if (this.#cursorHidden) text += "\x1b[?25h";
    this.#cursorHidden = false;
    this.#options.out.write(text);
  }

  /** Writes a line above the live block, then redraws the block under it. */
  #log(line: string): void {
    const text = this.#moveToBlockTop() + `\x1b[2K${line}\n`;
    this.#drawnLines = 0;
    this.#draw(text);
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

  /** Writes `prefix` and the redrawn block in one write, so the terminal never shows half. */
  #draw(prefix: string): void {
    this.#clearTimer();
    if (this.#options.quiet) {
      if (prefix !== "") this.#options.out.write(prefix);
      return;
    }
    this.#lastDrawAt = this.#clock();
    const lines = this.#blockLines();
    let text = "";
    if (!this.#cursorHidden) {
      text += "\x1b[?25l";
      this.#cursorHidden = true;
    }
    text += prefix + this.#moveToBlockTop();
    for (const line of lines) text += `\x1b[2K${line}\n`;
    // Clears what is left of a taller previous block.
    text += "\x1b[J";
    this.#drawnLines = lines.length;
    this.#options.out.write(text);
  }

  #moveToBlockTop(): string {
    return this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A\r` : "";
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #blockLines(): string[] {
    const columns = Math.max(20, (this.#options.out.columns ?? 80) - 1);
    const lines = [truncateToWidth(this.#overallLine(columns), columns)];
    const rows = this.#options.out.rows ?? 24;
    const room = Math.max(1, Math.min(maxItemLines, rows - 3));
    const items = [...this.#live.values()];
    const shown = items.length > room ? items.slice(0, room - 1) : items;
    for (const item of shown) {
      const percent = item.progress === undefined
        ? "    "
        : `${Math.round(item.progress * 100)}%`.padStart(4);
      const stage = this.#paint(Sgr.cyan, item.stage.padEnd(8));
      // The colour codes take no columns; measure the visible text only.
      const visible = `  ${item.stage.padEnd(8)} ${percent} `;
      const name = truncateToWidth(printable(item.name), columns - visible.length);
      lines.push(`  ${stage} ${percent} ${name}`);
    }
    if (shown.length < items.length) {
      lines.push(`  ... and ${items.length - shown.length} more`);
    }
    return lines;
  }

  #overallLine(columns: number): string {
    const { total, done, startedAt } = this.#tally;
    const elapsedMs = startedAt === undefined ? 0 : Math.max(0, this.#clock() - startedAt);
    const perMinute = elapsedMs > 0 ? done / (elapsedMs / 60_000) : 0;
    const eta = done > 0 && perMinute > 0
      ? formatDuration(((total - done) / perMinute) * 60_000)
      : "--";
    const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
    const stats = `${done}/${total} ${String(percent).padStart(3)}%  ` +
      `${perMinute.toFixed(1)}/min  ETA ${eta}`;
    const barWidth = Math.max(10, Math.min(30, columns - stats.length - 3));
    const filled = total > 0 ? Math.round((done / total) * barWidth) : 0;
    const bar = "=".repeat(filled) + "-".repeat(barWidth - filled);
    return `[${this.#paint(Sgr.green, bar)}] ${stats}`;
  }
}

/** Whether an event is something a quiet run still reports. */
function isProblem(event: ExecutionEvent): boolean {
  return (event.type === "item_finished" &&
    (event.status === "failed" || event.status === "not_found")) ||
    event.type === "warning";
}

/** The line for a finished item (undefined for a completed M3U: m3u_written says it). */
function finishedLine(event: ItemFinishedEvent, paint: Paint): string | undefined {
  const name = printable(event.name);
  switch (event.status) {
    case "completed":
      if (event.itemType === "m3u") return undefined;
      return `${paint(Sgr.green, finishedVerb(event))} ${name}` +
        (event.path === undefined ? "" : ` -> ${printable(event.path)}`);
    case "skipped":
      return `${paint(Sgr.dim, "skipped   ")} ${name}` +
        (event.skipReason === undefined ? "" : ` (${printable(event.skipReason)})`);
    case "not_found":
      return `${paint(Sgr.yellow, "not found ")} ${name}: ${printable(event.error?.message ?? "")}`;
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
  },
): string | undefined {
  const { verbose, quiet, paint } = options;
  const name = (id: string) => printable(options.names.get(id) ?? id);
  switch (event.type) {
    case "m3u_written":
      if (quiet) return undefined;
      return `${paint(Sgr.green, "M3U       ")} ${printable(event.path)} ` +
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
        formatRunSummary(event.summary, { color: isColor(paint), stoppedBy: event.stoppedBy })
          .trimEnd();
    default:
      return undefined;
  }
}

/** Whether a Paint actually colours. */
function isColor(paint: Paint): boolean {
  return paint(Sgr.bold, "x") !== "x";
}
