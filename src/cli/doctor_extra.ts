/** Doctor checks that depend on optional features (the Spotify login). */
import type { LoadedConfig } from "../config/mod.ts";
import type { CliIo } from "./io.ts";
import type { DoctorCheck } from "./doctor_command.ts";

/** Checks beyond tools, credentials and folders; empty until a feature adds one. */
export function extraDoctorChecks(_loaded: LoadedConfig, _io: CliIo): Promise<DoctorCheck[]> {
  return Promise.resolve([]);
}
