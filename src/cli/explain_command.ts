/** `tunedl explain <track url>`: how a Spotify track is matched to its audio, score by score. */
import { parseSpotifyUrl } from "../model/mod.ts";
import { UsageError } from "../errors/mod.ts";
import { explainMatch, findBestMatch } from "../search/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { loadRunConfig } from "./link_args.ts";
import { runReporting, writeJson } from "./json_output.ts";
import { audioProviders } from "./providers.ts";
import { createRunContext } from "./run_context.ts";

const EXPLAIN = commandSpec("explain");

export const explainCommand: Command = {
  summary: EXPLAIN.summary,
  usage: usageText(EXPLAIN),
  run(argv, io) {
    const { flags, positionals } = parseCommandArgs("explain", argv, {
      flags: parserFlags(EXPLAIN),
      maxPositionals: 1,
    });
    const json = flags.json === true;
    return runReporting(io, json, async () => {
      const link = positionals[0];
      if (!link) {
        throw new UsageError("tunedl explain: a Spotify track URL is required", {
          hint: "Example: tunedl explain https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU",
        });
      }
      const ref = parseSpotifyUrl(link);
      if (!ref || ref.kind !== "track") {
        throw new UsageError(
          `tunedl explain: "${link}" is not a Spotify track link${
            ref
              ? ` (it is ${ref.kind === "album" || ref.kind === "artist" ? "an" : "a"} ${ref.kind})`
              : ""
          }`,
          { hint: "Copy the track's link in Spotify (Share > Copy Song Link)." },
        );
      }
      // The config is optional here too: its settings (threshold, providers, overrides) when there is one.
      const loaded = await loadRunConfig(flags, io, { refs: [ref], liked: false });
      const ctx = await createRunContext(loaded, io);
      try {
        const d = loaded.config.download;
        const track = await ctx.catalog.fullTrack(ref.id, {});
        const override = loaded.config.overrides[ref.id];
        const result = await findBestMatch(
          track,
          audioProviders(d.audio_providers, io, {
            requestTimeoutMs: d.request_timeout * 1000,
          }),
          {
            threshold: d.match_threshold,
            durationToleranceSec: d.duration_tolerance,
          },
        );
        if (json) {
          writeJson(io, { ok: true, track, override: override ?? null, result });
        } else {
          const minutes = Math.floor(track.durationMs / 60000);
          const seconds = String(Math.round(track.durationMs / 1000) % 60).padStart(2, "0");
          io.out(
            `${track.artists.join(", ")} - ${track.title} (${track.album}, ${minutes}:${seconds}` +
              `${track.isrc ? `, ISRC ${track.isrc}` : ""})\n`,
          );
          if (override) {
            io.out(`Override in the config: ${override} (search is skipped on download)\n`);
          }
          io.out(`${explainMatch(result).trimEnd()}\n`);
        }
        return result.status === "found" || override ? 0 : 1;
      } finally {
        await ctx.close();
      }
    });
  },
};
