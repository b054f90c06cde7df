/**
 * Collecting located problems while reading a config, and the error that
 * carries them: every line reads `file:line:col: key.path: what is wrong`.
 */
import type { LineCounter } from "yaml";
import { ConfigError, type TunedlErrorOptions } from "../errors/mod.ts";

/** One error or warning, pinned to a place in the file. */
export interface ConfigProblem {
  /** The config file as the user named it. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Key path like `download.threads` or `songs[2]`; empty for file-level problems. */
  path: string;
  /** What is wrong, without the location (formatProblem adds it). */
  message: string;
  /** How to fix it; undefined when the message says enough. */
  hint?: string;
}

/** Formats a problem as its one self-contained line. */
export function formatProblem(problem: ConfigProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path === ""
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}

/** An invalid config: every problem found, one per line of the message. */
export class InvalidConfigError extends ConfigError {
  /** Every error found, in file order; never empty. */
  readonly problems: readonly ConfigProblem[];
  /** Warnings found before the errors stopped the read, as lines (`file:line:col: ...`). */
  warnings: readonly string[] = [];

  /** Joins the problems' lines into the message and their distinct hints into the hint. */
  constructor(problems: readonly ConfigProblem[], options: TunedlErrorOptions = {}) {
    const hints = [...new Set(problems.flatMap((problem) => problem.hint ? [problem.hint] : []))];
    super(problems.map(formatProblem).join("\n"), {
      hint: hints.length > 0 ? hints.join("\n") : undefined,
      ...options,
    });
    this.problems = problems;
  }
}

/** Gathers errors and warnings with their positions while a config is read. */
export class ProblemCollector {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];

  constructor(readonly file: string, private readonly lineCounter: LineCounter) {}

  /** Records an error at a character offset of the file. */
  error(offset: number, path: string, message: string, hint?: string): void {
    this.errors.push(this.#locate(offset, path, message, hint));
  }

  /** Records a warning at a character offset of the file. */
  warn(offset: number, path: string, message: string, hint?: string): void {
    this.warnings.push(this.#locate(offset, path, message, hint));
  }

  /** The 1-based line of a character offset. */
  lineOf(offset: number): number {
    return this.lineCounter.linePos(Math.max(0, offset)).line;
  }

  /** Throws every error so far, in file order, if there is any. */
  throwIfErrors(): void {
    if (this.errors.length > 0) this.fail();
  }

  /** Throws the errors found so far (call after recording at least one). */
  fail(): never {
    const error = new InvalidConfigError(sortByPosition(this.errors));
    // A misspelt key is often why a value is missing: show the "did you mean" with the errors.
    error.warnings = this.warningLines();
    throw error;
  }

  /** The warnings as lines, in file order. */
  warningLines(): string[] {
    return sortByPosition(this.warnings).map(formatProblem);
  }

  #locate(offset: number, path: string, message: string, hint?: string): ConfigProblem {
    const { line, col } = this.lineCounter.linePos(Math.max(0, offset));
    return { file: this.file, line, column: col, path, message, hint };
  }
}

function sortByPosition(problems: ConfigProblem[]): ConfigProblem[] {
  // Stable sort keeps problems at the same spot in the order they were found.
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}
