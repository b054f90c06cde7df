/** Recognising operating-system errors that several stages handle alike. */

/** Options of {@link isCrossDeviceError}. */
export interface OsErrorOptions {
  /** The OS that raised the error; its raw error numbers differ. */
  os?: typeof Deno.build.os;
}

/** Whether a rename failed because source and target are on different file systems (pure). */
export function isCrossDeviceError(error: unknown, options: OsErrorOptions = {}): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as { code?: unknown }).code === "EXDEV") return true;
  const message = String((error as { message?: unknown }).message ?? "");
  if (/\bEXDEV\b|cross-device/i.test(message)) return true;
  // Windows' ERROR_NOT_SAME_DEVICE is 17, POSIX's EXDEV 18; 17 is EEXIST on POSIX, so per OS.
  const number = (options.os ?? Deno.build.os) === "windows" ? 17 : 18;
  return new RegExp(`os error ${number}\\b`).test(message);
}

/**
 * Whether an error says the disk is full: ENOSPC (POSIX), ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL
 * (Windows), or a program's "No space left on device" (pure). Follows `cause` chains, since the
 * stages wrap OS errors in their own.
 */
export function isNoSpaceError(error: unknown, options: OsErrorOptions = {}): boolean {
  const windows = (options.os ?? Deno.build.os) === "windows";
  for (let current = error, depth = 0; depth < 8; depth++) {
    if (typeof current !== "object" || current === null) return false;
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (code === "ENOSPC" || code === "disk_full") return true;
    const text = String(message ?? "");
    if (mentionsNoSpace(text)) return true;
    if (!windows && /\bos error 28\b/.test(text)) return true;
    if (windows && /\bos error (112|39)\b/.test(text)) return true;
    current = cause;
  }
  return false;
}

/** Whether a program's output says the disk is full (ffmpeg, yt-dlp's Python, the OS's words). */
export function mentionsNoSpace(text: string): boolean {
  return /no space left on device|\[errno 28\]|\bENOSPC\b|not enough space on the disk|disk quota exceeded/i
    .test(text);
}
