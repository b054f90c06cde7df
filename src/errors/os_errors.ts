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
