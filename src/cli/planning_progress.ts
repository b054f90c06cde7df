/**
 * The spinner shown while a plan is made (reading Spotify can take half a minute):
 * one line, redrawn in place, saying how many of the config's sources are read and
 * one still being read. Off a terminal it stays silent; warnings printed while it
 * spins go above it.
 */
import type { GenerateProgress } from "../plan/mod.ts";
import type { ProgressSink } from "./progress.ts";
import { printable, terminalHandlesEscapes, truncateToWidth } from "./terminal_text.ts";

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const frameIntervalMs = 100;

/** Options of PlanningProgress. */
export interface PlanningProgressOptions {
  out: ProgressSink;
  env?: Record<string, string | undefined>;
  /** No ticking timer when false (tests draw by calling update). */
  animate?: boolean;
}

/** A one-line "Planning: 3/7 sources read (reading Demon Days)" spinner. */
export class PlanningProgress {
  readonly #out: ProgressSink;
  readonly #live: boolean;
  #progress: GenerateProgress | undefined;
  #frame = 0;
  #shown = false;
  #stopped = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: PlanningProgressOptions) {
    this.#out = options.out;
    this.#live = terminalHandlesEscapes(options.out.isTerminal, options.env);
    if (this.#live && options.animate !== false) {
      this.#timer = setInterval(() => {
        this.#frame++;
        this.#draw();
      }, frameIntervalMs);
      Deno.unrefTimer(this.#timer);
    }
  }

  /** Takes the generator's latest progress and shows it. */
  update(progress: GenerateProgress): void {
    if (this.#stopped) return;
    this.#progress = progress;
    this.#draw();
  }

  /** Prints text (ending in a newline) above the spinner. */
  log(text: string): void {
    this.#out.write(this.#erase() + text);
    this.#draw();
  }

  /** Removes the spinner line; call on every way out. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const erase = this.#erase();
    if (erase !== "") this.#out.write(erase);
    this.#progress = undefined;
  }

  /** The text of the line, without the spinner. */
  text(): string {
    const p = this.#progress;
    if (p === undefined || p.total === 0) return "Planning: reading Spotify";
    const reading = p.reading === undefined ? "" : ` (reading ${printable(p.reading)})`;
    return `Planning: ${p.done}/${p.total} sources read${reading}`;
  }

  #draw(): void {
    if (!this.#live || this.#stopped) return;
    const width = Math.max(20, this.#out.columns ?? 80) - 1;
    const line = truncateToWidth(`${frames[this.#frame % frames.length]} ${this.text()}`, width);
    this.#out.write(`\r\x1b[2K${line}`);
    this.#shown = true;
  }

  #erase(): string {
    if (!this.#shown) return "";
    this.#shown = false;
    return "\r\x1b[2K";
  }
}
