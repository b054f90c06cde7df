import assert from "node:assert/strict";
import { formatBytes, formatClockTime, formatDuration } from "../../src/util/mod.ts";

Deno.test("formatDuration and formatBytes read like people write", () => {
  const durations: [number, string][] = [
    [0, "0.0s"],
    [450, "0.5s"],
    [9_940, "9.9s"],
    [12_400, "12s"],
    [65_000, "1m 05s"],
    [3_599_000, "59m 59s"],
    [3_720_000, "1h 02m"],
    [-1, "?"],
  ];
  for (const [ms, text] of durations) assert.equal(formatDuration(ms), text, String(ms));
  const sizes: [number, string][] = [[0, "0 B"], [999, "999 B"], [1500, "1.5 kB"], [
    2_000_000_000,
    "2.0 GB",
  ]];
  for (const [bytes, text] of sizes) assert.equal(formatBytes(bytes), text, String(bytes));
});

Deno.test("formatClockTime gives local date and time", () => {
  const time = new Date(2026, 2, 10, 9, 5, 7).getTime();
  assert.equal(formatClockTime(time), "2026-03-10 09:05:07");
});
