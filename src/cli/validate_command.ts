/** `tunedl validate`: checks a config without any network and shows what it holds. */
import { formatConfigSummary, m3uLocation, summarizeConfig } from "../config/mod.ts";
import { configFlags, parseCommandArgs } from "./args.ts";
import { loadConfigFor } from "./config_source.ts";
import type { Command } from "./command.ts";
import { runReporting, writeJson } from "./json_output.ts";

export const validateCommand: Command = {
  summary: "check a config file without using the network",
  usage: `Usage: tunedl validate [--config FILE | FILE] [--json]

Checks the config (syntax, keys, values, Spotify links) without any network
access and prints what it contains. Exit code 0 when valid, 2 when not.

Options:
  -c, --config FILE  config file (default ./config.yaml or $TUNEDL_CONFIG)
      --json         print one JSON document on stdout (with "paths": the library
                     folder and where the M3U files go)`,
  run(argv, io) {
    const { flags, positionals } = parseCommandArgs("validate", argv, {
      flags: { ...configFlags, json: { type: "boolean" } },
      maxPositionals: 1,
    });
    const json = flags.json === true;
    return runReporting(io, json, async () => {
      const loaded = await loadConfigFor(flags, io, { positional: positionals[0] });
      const summary = summarizeConfig(loaded);
      // Where files will go, resolved as download will resolve them (relative to the config).
      const layout = loaded.library;
      const paths = { library: layout.baseDir, m3u: m3uLocation(layout) };
      if (json) writeJson(io, { ok: true, ...summary, paths });
      else {
        io.out(`${formatConfigSummary(summary).trimEnd()}\n`);
        io.out(`Library folder: ${paths.library}\n`);
        io.out(`M3U files: ${paths.m3u} ({playlist}: each playlist's name)\n`);
      }
      return 0;
    });
  },
};
