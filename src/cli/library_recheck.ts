/**
 * Wires the length check of present library files (plan/length_check.ts) for `plan` and
 * `download`: the run's library index, a stat, and ffprobe when there is one.
 */
import { probeAudio } from "../audio/mod.ts";
import { type Plan, recheckPresentFiles, statFile } from "../plan/mod.ts";
import type { RunContext } from "./run_context.ts";

/**
 * Reads again the present files tunedl recorded without a verified length, or that changed since,
 * and turns those cut short into downloads. Without ffprobe (a `plan` on a machine without
 * ffmpeg) only the recorded lengths are used.
 */
export async function recheckLibraryFiles(
  ctx: Pick<RunContext, "libraryIndex" | "loaded">,
  plan: Plan,
  options: { ffprobe?: string; signal?: AbortSignal } = {},
): Promise<Plan> {
  const index = ctx.libraryIndex;
  if (!index) return plan;
  const ffprobe = options.ffprobe;
  return await recheckPresentFiles(plan, {
    index,
    stat: statFile,
    legacyToleranceSec: ctx.loaded.config.download.duration_tolerance,
    probe: ffprobe === undefined
      ? undefined
      : async (path) =>
        (await probeAudio(path, { ffprobePath: ffprobe, signal: options.signal })).durationSeconds,
  });
}
