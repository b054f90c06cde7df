import assert from "node:assert/strict";
import { type Launch, launchCommand } from "../../src/audio/mod.ts";

const SETSID = "/usr/bin/setsid";

const CASES: [
  label: string,
  program: string,
  options: { setsid?: string; programChecked?: boolean },
  expected: Launch,
][] = [
  [
    "a checked absolute program goes through setsid(1), without a fork",
    "/usr/bin/yt-dlp",
    { setsid: SETSID, programChecked: true },
    { program: SETSID, args: ["/usr/bin/yt-dlp", "-x", "URL"], detached: false },
  ],
  [
    "no setsid(1) (macOS, Windows): Deno's detached start",
    "/usr/bin/yt-dlp",
    { programChecked: true },
    { program: "/usr/bin/yt-dlp", args: ["-x", "URL"], detached: true },
  ],
  [
    "an unchecked program keeps Deno's own start, so a missing one fails as not found",
    "/opt/missing/yt-dlp",
    { setsid: SETSID, programChecked: false },
    { program: "/opt/missing/yt-dlp", args: ["-x", "URL"], detached: true },
  ],
  [
    "a bare name is found by Deno on PATH",
    "yt-dlp",
    { setsid: SETSID, programChecked: true },
    { program: "yt-dlp", args: ["-x", "URL"], detached: true },
  ],
];

for (const [label, program, options, expected] of CASES) {
  Deno.test(`launchCommand: ${label}`, () => {
    assert.deepEqual(launchCommand(program, ["-x", "URL"], options), expected);
  });
}
