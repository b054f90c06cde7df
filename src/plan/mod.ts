/** The plan: model, generation, optimization and execution. */
export * from "./model.ts";
export * from "./generate.ts";
export * from "./optimize.ts";
export * from "./execute.ts";
export * from "./execution_events.ts";
export * from "./container_status.ts";
export * from "./spotify_catalog.ts";
export * from "./build_plan.ts";
export * from "./plan_store.ts";
export * from "./track_pipeline.ts";
export * from "./library_reuse.ts";
export * from "./stop_policy.ts";
export * from "./track_lyrics.ts";
export * from "./recording_dedupe.ts";
export * from "./prune.ts";
export * from "./shared_recordings.ts";
