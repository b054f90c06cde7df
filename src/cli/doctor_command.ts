/** `tunedl doctor`: checks everything a download needs and says how to fix what is missing. */
import { join } from "node:path";
import { probeTools, type ToolCheck } from "../audio/mod.ts";
import type { LoadedConfig } from "../config/mod.ts";
import { isTunedlError } from "../errors/mod.ts";
import { SpotifyHttpError } from "../spotify/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { loadConfigFor } from "./config_source.ts";
import type { CliIo } from "./io.ts";
import { runReporting, writeJson } from "./json_output.ts";
import { cachePathsFor, spotifyClientFor } from "./run_context.ts";
import { extraDoctorChecks } from "./doctor_extra.ts";
import type { DoctorCheck } from "./doctor_check.ts";

const DOCTOR = commandSpec("doctor");

export const doctorCommand: Command = {
  summary: DOCTOR.summary,
  usage: usageText(DOCTOR),
  run(argv, io) {
    const { flags } = parseCommandArgs("doctor", argv, {
      flags: parserFlags(DOCTOR),
    });
    const json = flags.json === true;
    return runReporting(io, json, async () => {
      const checks: DoctorCheck[] = [];
      let loaded: LoadedConfig | null = null;
      try {
        loaded = await loadConfigFor(flags, io, { quiet: json });
        checks.push({ name: "config", status: "ok", detail: loaded.file });
      } catch (error) {
        if (!isTunedlError(error)) throw error;
        checks.push({
          name: "config",
          status: "error",
          detail: error.message,
          fix: error.hint,
        });
      }
      const d = loaded?.config.download;
      const tools = await probeTools({
        ytdlpPath: d?.ytdlp_path,
        ffmpegPath: d?.ffmpeg_path,
        env: io.env,
        format: d?.format,
      });
      checks.push(...tools.map(fromToolCheck));
      if (loaded) {
        checks.push(await spotifyCheck(loaded, io));
        checks.push(...await extraDoctorChecks(loaded, io));
        checks.push(await writableCheck("cache folder", cachePathsFor(loaded, io).dir));
        checks.push(await writableCheck("output folder", loaded.library.baseDir));
      }
      const ok = checks.every((c) => c.status !== "error");
      if (json) writeJson(io, { ok, checks });
      else io.out(formatDoctor(checks, ok));
      return ok ? 0 : 1;
    });
  },
};

/** A track id Spotify's own documentation uses. */
const PROBE_TRACK_ID = "11dFghVXANMlKmJXsNCbNl";

function fromToolCheck(check: ToolCheck): DoctorCheck {
  return { name: check.name, status: check.status, detail: check.detail, fix: check.fix };
}

/** Fetches a token and makes one cheap API call, which is where a missing Premium shows. */
async function spotifyCheck(loaded: LoadedConfig, io: CliIo): Promise<DoctorCheck> {
  try {
    const client = spotifyClientFor(loaded, io);
    // Any answer but an auth failure proves the app works; a 404 for this
    // well-known track id (from Spotify's documentation) is fine too.
    await client.getJson(`/v1/tracks/${PROBE_TRACK_ID}`, { signal: AbortSignal.timeout(20_000) })
      .catch((e) => {
        if (e instanceof SpotifyHttpError && e.status === 404) return null;
        if (isTunedlError(e) && e.code === "not_found") return null;
        throw e;
      });
    return { name: "spotify", status: "ok", detail: "credentials accepted, API reachable" };
  } catch (error) {
    if (!isTunedlError(error)) throw error;
    return { name: "spotify", status: "error", detail: error.message, fix: error.hint };
  }
}

/** Creates and removes a probe file to prove a folder is writable (creating the folder if needed). */
async function writableCheck(name: string, dir: string): Promise<DoctorCheck> {
  const probe = join(dir, `.tunedl-doctor-${crypto.randomUUID()}`);
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(probe, "ok");
    await Deno.remove(probe);
    return { name, status: "ok", detail: `${dir} is writable` };
  } catch (error) {
    return {
      name,
      status: "error",
      detail: `${dir} is not writable: ${(error as Error).message}`,
      fix: name === "cache folder"
        ? "Set TUNEDL_CACHE_DIR (or download.cache_file) to a writable folder."
        : "Change download.output to a folder you can write to.",
    };
  }
}

/** The human-readable report. */
export function formatDoctor(checks: readonly DoctorCheck[], ok: boolean): string {
  const mark = { ok: "ok  ", warn: "warn", error: "FAIL" } as const;
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.flatMap((c) => {
    const line = `[${mark[c.status]}] ${c.name.padEnd(width)}  ${c.detail}`;
    return c.fix && c.status !== "ok"
      ? [line, `       ${" ".repeat(width)}  fix: ${c.fix}`]
      : [line];
  });
  lines.push(
    "",
    ok ? "Ready to download." : "A download cannot work until the FAIL lines are fixed.",
  );
  return `${lines.join("\n")}\n`;
}
