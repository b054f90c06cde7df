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
  hint?: string;
  cause?: unknown;
  /** Whether retrying the same operation later may succeed. */
  retryable?: boolean;
  /** JSON-able facts for summaries, e.g. `{ bestCandidate: "..." }` on a not-found match. */
  detail?: Record<string, unknown>;
}

/** Base class of every expected failure; the CLI prints it without a stack trace. */
export class TunedlError extends Error {
  readonly hint?: string;
  readonly retryable: boolean;
  readonly detail?: Record<string, unknown>;
  /** A short stable code for scripts and summaries ("not_found", "network", ...). */
  code = "error";
  exitCode: number = ExitCode.failed;

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
  override code = "config";
  override exitCode: number = ExitCode.usage;
}

/** The command line is wrong. */
export class UsageError extends TunedlError {
  override code = "usage";
  override exitCode: number = ExitCode.usage;
}

/** Something asked for does not exist (a Spotify id, a video, a file). */
export class NotFoundError extends TunedlError {
  override code = "not_found";
}

/** A network or server failure; usually worth retrying. */
export class NetworkError extends TunedlError {
  override code = "network";
  constructor(message: string, options: TunedlErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** Credentials were refused or the account lacks access. */
export class AuthError extends TunedlError {
  override code = "auth";
  override exitCode: number = ExitCode.auth;
}

/** A required external program is missing, too old or broken. */
export class DependencyError extends TunedlError {
  override code = "dependency";
  override exitCode: number = ExitCode.dependency;
}

/** A service kept failing to answer (unreachable, timing out): the whole run cannot go on. */
export class ServiceUnreachableError extends TunedlError {
  override code = "unreachable";
  override exitCode: number = ExitCode.unreachable;
}

/** The library or cache folder cannot be written, the disk is full, or the library is locked. */
export class StorageError extends TunedlError {
  override code = "storage";
  override exitCode: number = ExitCode.storage;
}

/** The operation was cancelled (Ctrl-C, timeout, abort signal). */
export class CancelledError extends TunedlError {
  override code = "cancelled";
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
