/** `tunedl validate`: checks a config without any network and shows what it holds. */
import { formatConfigSummary, m3uLocation, summarizeConfig } from "../config/mod.ts";
import { parseCommandArgs } from "./args.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { loadRunConfig, runSubjects } from "./link_args.ts";
import { withSettingFlags } from "./setting_flags.ts";
import type { Command } from "./command.ts";
import { runReporting, writeJson } from "./json_output.ts";

const VALIDATE = commandSpec("validate");

export const validateCommand: Command = {
  summary: VALIDATE.summary,
  usage: usageText(VALIDATE),
  run(argv, io) {
    const { flags, positionals } = parseCommandArgs("validate", argv, {
      flags: parserFlags(VALIDATE),
      maxPositionals: Infinity,
    });
    const json = flags.json === true;
    return runReporting(io, json, async () => {
      const subjects = runSubjects("validate", positionals);
      const loaded = withSettingFlags(
        "validate",
        await loadRunConfig(flags, io, subjects),
        flags,
        io,
      );
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
