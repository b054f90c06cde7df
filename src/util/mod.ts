/** Infrastructure every floor above may use: one pool, one backoff, one sleep, atomic files, formatting. */
export * from "./task_pool.ts";
export * from "./backoff.ts";
export * from "./abortable_sleep.ts";
export * from "./atomic_file.ts";
export * from "./format.ts";
export * from "./json_keys.ts";
