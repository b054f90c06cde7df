/** Infrastructure every floor above may use: one pool, one backoff, one sleep, atomic files, formatting, bounded fetching, safe text. */
export * from "./task_pool.ts";
export * from "./for_each_at_once.ts";
export * from "./backoff.ts";
export * from "./abortable_sleep.ts";
export * from "./atomic_file.ts";
export * from "./format.ts";
export * from "./bounded_fetch.ts";
export * from "./safe_text.ts";
export * from "./json_keys.ts";
export * from "./change_watch.ts";
export * from "./json_memo.ts";
export * from "./path_exists.ts";
