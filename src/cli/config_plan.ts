/**
 * The config's plan as `plan` and `download` make it: read from Spotify with the planning
 * spinner, warnings printed above it, and stopped by Ctrl-C.
 */
import type { Plan } from "../plan/mod.ts";
import { buildPlan } from "../plan/mod.ts";
import type { CliIo } from "./io.ts";
import type { PlanningProgress } from "./planning_progress.ts";
import type { RunContext } from "./run_context.ts";
import { placementFor, planHashFor, planSourcesFor } from "./stage_options.ts";
import { printable } from "./terminal_text.ts";

/** Reads the config's sources into a plan; the spinner, if any, is stopped on every way out. */
export async function buildConfigPlan(
  ctx: RunContext,
  io: CliIo,
  options: { spinner?: PlanningProgress; signal?: AbortSignal } = {},
): Promise<Plan> {
  const { spinner } = options;
  try {
    return await buildPlan(planSourcesFor(ctx.loaded), ctx.catalog, {
      ...placementFor(ctx),
      configHash: planHashFor(ctx.loaded),
      artistAlbumGroups: ctx.loaded.config.download.artist_album_groups,
      signal: options.signal,
      onWarning: (w) => {
        const text = `warning: ${printable(`${w.source}: ${w.message}`)}\n` +
          (w.hint ? `hint: ${printable(w.hint)}\n` : "");
        if (spinner) spinner.log(text);
        else io.err(text);
      },
      onProgress: (progress) => spinner?.update(progress),
    });
  } finally {
    spinner?.stop();
  }
}
