import assert from "node:assert/strict";
import { type Launch, launchCommand, WATCHDOG_SCRIPT } from "../../src/audio/mod.ts";

const SETSID = "/usr/bin/setsid";
const SH = "/bin/sh";

const CASES: [
  label: string,
  program: string,
  options: { setsid?: string; shell?: string; programChecked?: boolean; ownGroup?: boolean },
  expected: Launch,
][] = [
  [
    "a checked absolute program goes through setsid(1), without a fork",
    "/usr/bin/yt-dlp",
    { setsid: SETSID, programChecked: true },
    { program: SETSID, args: ["/usr/bin/yt-dlp", "-x", "URL"], detached: false, watchdog: false },
  ],
  [
    "with a shell, setsid(1) starts the watchdog shell, which becomes the program",
    "/usr/bin/yt-dlp",
    { setsid: SETSID, shell: SH, programChecked: true },
    {
      program: SETSID,
      args: [SH, "-c", WATCHDOG_SCRIPT, "tunedl-watchdog", "/usr/bin/yt-dlp", "-x", "URL"],
      detached: false,
      watchdog: true,
    },
  ],
  [
    "no setsid(1) (macOS): Deno's detached start of the watchdog shell",
    "/usr/bin/yt-dlp",
    { shell: SH, programChecked: true },
    {
      program: SH,
      args: ["-c", WATCHDOG_SCRIPT, "tunedl-watchdog", "/usr/bin/yt-dlp", "-x", "URL"],
      detached: true,
      watchdog: true,
    },
  ],
  [
    "no setsid(1), no shell (Windows): Deno's detached start",
    "/usr/bin/yt-dlp",
    { programChecked: true },
    { program: "/usr/bin/yt-dlp", args: ["-x", "URL"], detached: true, watchdog: false },
  ],
  [
    "an unchecked program keeps Deno's own start, so a missing one fails as not found",
    "/opt/missing/yt-dlp",
    { setsid: SETSID, shell: SH, programChecked: false },
    { program: "/opt/missing/yt-dlp", args: ["-x", "URL"], detached: true, watchdog: false },
  ],
  [
    "a program that starts none of its own is started plainly, in tunedl's group",
    "/usr/bin/ffmpeg",
    { setsid: SETSID, shell: SH, programChecked: true, ownGroup: false },
    { program: "/usr/bin/ffmpeg", args: ["-x", "URL"], detached: false, watchdog: false },
  ],
  [
    "a bare name is found by Deno on PATH",
    "yt-dlp",
    { setsid: SETSID, shell: SH, programChecked: true },
    { program: "yt-dlp", args: ["-x", "URL"], detached: true, watchdog: false },
  ],
];

for (const [label, program, options, expected] of CASES) {
  Deno.test(`launchCommand: ${label}`, () => {
    assert.deepEqual(launchCommand(program, ["-x", "URL"], options), expected);
  });
}
