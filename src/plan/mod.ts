/** The plan: model, generation, optimization and execution. */
export * from "./model.ts";
export * from "./generate.ts";
export * from "./optimize.ts";
export * from "./task_pool.ts";
export * from "./execute.ts";
export * from "./execution_events.ts";
export * from "./container_status.ts";
export * from "./retry.ts";
export * from "./spotify_catalog.ts";
export * from "./recording_dedupe.ts";
export * from "./prune.ts";
export * from "./shared_recordings.ts";
