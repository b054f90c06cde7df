import assert from "node:assert/strict";
import { isCrossDeviceError } from "../../src/errors/mod.ts";

/** An error as Deno raises it: a message, and a code when it knows one. */
function osError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

Deno.test("isCrossDeviceError recognises each OS's cross-device rename error, and only that", () => {
  const linuxExdev = "Invalid cross-device link (os error 18): rename '/tmp/a' -> '/music/a'";
  const macExdev = "Cross-device link (os error 18): rename '/tmp/a' -> '/Volumes/Music/a'";
  const windowsNotSameDevice =
    "The system cannot move the file to a different disk drive. (os error 17): rename 'C:\\a' -> 'D:\\a'";
  const table: [unknown, typeof Deno.build.os, boolean][] = [
    [osError(linuxExdev, "EXDEV"), "linux", true],
    [osError(linuxExdev), "linux", true],
    [osError(macExdev), "darwin", true],
    [osError(windowsNotSameDevice), "windows", true],
    [osError(windowsNotSameDevice, "EXDEV"), "windows", true],
    [osError("rename failed: EXDEV"), "linux", true],
    // 17 is EEXIST on POSIX, e.g. renaming onto a non-empty folder: not a reason to copy.
    [osError("File exists (os error 17): rename '/a' -> '/b'", "EEXIST"), "linux", false],
    [osError("File exists (os error 17): rename '/a' -> '/b'"), "darwin", false],
    // 18 is ERROR_NO_MORE_FILES on Windows.
    [osError("There are no more files. (os error 18)"), "windows", false],
    [osError("os error 170"), "windows", false],
    [osError("Permission denied (os error 13)", "EACCES"), "linux", false],
    [osError("Access is denied. (os error 5)"), "windows", false],
    ["os error 18", "linux", false],
    [undefined, "linux", false],
    [null, "windows", false],
  ];
  for (const [error, os, expected] of table) {
    const what = `${os}: ${error instanceof Error ? error.message : String(error)}`;
    assert.equal(isCrossDeviceError(error, { os }), expected, what);
  }
});
