/**
 * Typed errors shared by every stage. Each carries a user-facing message, an
 * optional hint that says what to do, and the process exit code the CLI uses.
 */
export * from "./os_errors.ts";

/** Exit codes of the `tunedl` command. */
export const ExitCode = {
  ok: 0,
  /** Some items failed or were not found; or an unexpected runtime failure. */
  failed: 1,
  /** Bad config or command-line usage. */
  usage: 2,
  /** Spotify refused the credentials or the app's access. */
  auth: 3,
  /** A required program (yt-dlp, ffmpeg) is missing or unusable. */
  dependency: 4,
  /** A service (Spotify, YouTube) could not be reached or kept not answering. */
  unreachable: 5,
  /** The library or cache cannot be written, the disk is full, or another run holds the library. */
  storage: 6,
  /** Interrupted by Ctrl-C / SIGTERM. */
  interrupted: 130,
} as const;

/** Options every tunedl error accepts. */
export interface TunedlErrorOptions {
  /** What the user can do about it, printed under the message. */
  hint?: string;
  /** The lower-level error (or value) that caused this one. */
  cause?: unknown;
  /** Whether retrying the same operation later may succeed. */
  retryable?: boolean;
  /** JSON-able facts for summaries, e.g. `{ bestCandidate: "..." }` on a not-found match. */
  detail?: Record<string, unknown>;
}

/** Base class of every expected failure; the CLI prints it without a stack trace. */
export class TunedlError extends Error {
  /**
   * What the user can do about it, printed under the message; undefined when there is no advice.
   */
  readonly hint?: string;
  /** Whether retrying the same operation later may succeed (false unless the options say so). */
  readonly retryable: boolean;
  /** JSON-able facts for summaries; undefined when the error has none. */
  readonly detail?: Record<string, unknown>;
  /** A short stable code for scripts and summaries ("not_found", "network", ...). */
  code = "error";
  /** The process exit code the CLI uses when this error ends a run (see ExitCode). */
  exitCode: number = ExitCode.failed;

  /**
   * Builds an error from its user-facing message and the optional hint, cause, retryable and
   * detail.
   */
  constructor(message: string, options: TunedlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
    this.detail = options.detail;
  }
}

/** The config file is missing, unreadable or invalid. */
export class ConfigError extends TunedlError {
  /** Always "config". */
  override code = "config";
  /** Always 2 (ExitCode.usage). */
  override exitCode: number = ExitCode.usage;
}

/** The command line is wrong. */
export class UsageError extends TunedlError {
  /** Always "usage". */
  override code = "usage";
  /** Always 2 (ExitCode.usage). */
  override exitCode: number = ExitCode.usage;
}

/** Something asked for does not exist (a Spotify id, a video, a file). */
export class NotFoundError extends TunedlError {
  /** Always "not_found". */
  override code = "not_found";
}

/** A network or server failure; usually worth retrying. */
export class NetworkError extends TunedlError {
  /** Always "network". */
  override code = "network";
  /** Like TunedlError's, but retryable unless the options say otherwise. */
  constructor(message: string, options: TunedlErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** Credentials were refused or the account lacks access. */
export class AuthError extends TunedlError {
  /** Always "auth". */
  override code = "auth";
  /** Always 3 (ExitCode.auth). */
  override exitCode: number = ExitCode.auth;
}

/** A required external program is missing, too old or broken. */
export class DependencyError extends TunedlError {
  /** Always "dependency". */
  override code = "dependency";
  /** Always 4 (ExitCode.dependency). */
  override exitCode: number = ExitCode.dependency;
}

/** A service kept failing to answer (unreachable, timing out): the whole run cannot go on. */
export class ServiceUnreachableError extends TunedlError {
  /** Always "unreachable". */
  override code = "unreachable";
  /** Always 5 (ExitCode.unreachable). */
  override exitCode: number = ExitCode.unreachable;
}

/** The library or cache folder cannot be written, the disk is full, or the library is locked. */
export class StorageError extends TunedlError {
  /** Always "storage". */
  override code = "storage";
  /** Always 6 (ExitCode.storage). */
  override exitCode: number = ExitCode.storage;
}

/** The operation was cancelled (Ctrl-C, timeout, abort signal). */
export class CancelledError extends TunedlError {
  /** Always "cancelled". */
  override code = "cancelled";
  /** Always 130 (ExitCode.interrupted). */
  override exitCode: number = ExitCode.interrupted;
}

/** Whether a value is an expected tunedl failure (as opposed to a bug). */
export function isTunedlError(value: unknown): value is TunedlError {
  return value instanceof TunedlError;
}

/** Turns any thrown value into a TunedlError, keeping typed ones as they are. */
export function toTunedlError(value: unknown): TunedlError {
  if (value instanceof TunedlError) return value;
  if (value instanceof DOMException && value.name === "AbortError") {
    return new CancelledError("cancelled", { cause: value });
  }
  const message = value instanceof Error ? value.message : String(value);
  return new TunedlError(message, { cause: value });
}
