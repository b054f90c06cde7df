/**
 * `tunedl report`: what the last download of a config did, from the run record it left next
 * to its plan: exit code, counts, every failed or not-found item with its reason, and every
 * source with its status. For the morning after an unattended run.
 */
import { NotFoundError } from "../errors/mod.ts";
import {
  plansDir,
  readRunRecord,
  type RunRecord,
  runRecordFileFor,
  toReportJson,
} from "../plan/mod.ts";
import { formatDuration, pathExistsSync } from "../util/mod.ts";
import { join } from "node:path";
import { NO_CONFIG_FILE } from "../config/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { configPathFrom } from "./config_source.ts";
import type { CliIo } from "./io.ts";
import { runReporting, writeJson } from "./json_output.ts";
import { cachePathsFor } from "./run_context.ts";
import { painter, printable, Sgr } from "./terminal_text.ts";

const { bold, red, green, yellow } = Sgr;
const REPORT = commandSpec("report");

export const reportCommand: Command = {
  summary: REPORT.summary,
  usage: usageText(REPORT),
  async run(argv, io) {
    const { flags } = parseCommandArgs("report", argv, { flags: parserFlags(REPORT) });
    const json = flags.json === true;
    return await runReporting(io, json, async () => {
      // Without a config here or named, the last run on links alone (`download <link>...`).
      const named = typeof flags.config === "string" || !!io.env.TUNEDL_CONFIG;
      const configFile = !named && !pathExistsSync(join(io.cwd, "config.yaml"))
        ? NO_CONFIG_FILE
        : configPathFrom(flags, io);
      const recordFile = runRecordFileFor(plansDir(cachePathsFor(null, io).dir), configFile);
      let record: RunRecord | undefined;
      try {
        record = await readRunRecord(recordFile);
      } catch (error) {
        throw new NotFoundError(
          `the run record ${recordFile} cannot be read (${(error as Error).message})`,
          { hint: "Run `tunedl download` again; it writes a new record." },
        );
      }
      if (record === undefined) {
        throw new NotFoundError(`no download of ${configFile} has been recorded yet`, {
          hint: "Run `tunedl download` with this config first (the record is kept in the " +
            "cache folder, next to the saved plan).",
        });
      }
      if (json) writeJson(io, toReportJson(record));
      else io.out(formatReport(record, { color: useColor(io) }));
      return 0;
    });
  },
};

function useColor(io: CliIo): boolean {
  return io.stdoutIsTerminal && !io.env.NO_COLOR;
}

/** The report as text. */
export function formatReport(record: RunRecord, options: { color: boolean }): string {
  const paint = painter(options.color);
  const c = record.counts;
  const took = Date.parse(record.finished_at) - Date.parse(record.started_at);
  const codeText = record.exit_code === 0
    ? paint(green, "0 (all done)")
    : paint(red, String(record.exit_code));
  const lines = [
    paint(bold, `Last run of ${printable(record.config_file)}`),
    `  ${record.command}, started ${record.started_at}, took ${formatDuration(took)}`,
    `  exit code ${codeText}${record.cancelled ? " (interrupted)" : ""}`,
    "",
    paint(bold, "Counts"),
    `  tracks ${c.tracks}: downloaded ${c.downloaded}, already present ${c.already_present}, ` +
    `retagged ${c.retagged}, skipped ${c.skipped}, failed ${c.failed}, not found ${c.not_found}, ` +
    `pending ${c.pending}`,
    `  M3Us written ${c.m3us_written}; sources ok ${c.sources_ok}, partial ${c.sources_partial}, ` +
    `failed ${c.sources_failed}`,
  ];
  if (record.stopped_by) {
    lines.push("", paint(bold, "Stopped:"), `  ${printable(record.stopped_by.message)}`);
    if (record.stopped_by.hint) lines.push(`  hint: ${printable(record.stopped_by.hint)}`);
  }
  const notFound = record.items.filter((item) => item.status === "not_found");
  const failed = record.items.filter((item) => item.status === "failed");
  const listItems = (title: string, items: typeof record.items, colour: string) => {
    if (items.length === 0) return;
    lines.push("", paint(bold, `${title} (${items.length}):`));
    for (const item of items) {
      lines.push(`  - ${paint(colour, printable(item.name))} [${item.spotify_id}] ${item.code}`);
      lines.push(`    ${printable(item.message)}`);
      const best = record.best_candidates?.[item.spotify_id];
      if (best) lines.push(`    best candidate: ${printable(best)}`);
      if (item.hint) lines.push(`    hint: ${printable(item.hint)}`);
    }
  };
  listItems("Not found", notFound, yellow);
  listItems("Failed", failed, red);
  if (record.sources.length > 0) {
    lines.push("", paint(bold, `Sources (${record.sources.length}):`));
    for (const source of record.sources) {
      const status = source.status === "ok"
        ? paint(green, "ok")
        : paint(source.status === "failed" ? red : yellow, source.status);
      lines.push(`  - ${status}  ${printable(source.name)} <${source.url}>`);
      if (source.message) lines.push(`    ${printable(source.message)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
