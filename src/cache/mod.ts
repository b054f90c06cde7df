/** Caches: in-memory TTL/LRU, the persistent Deno KV file, the cache folder and the run's cache set. */
export * from "./memory_cache.ts";
export * from "./cache_integrity.ts";
export * from "./persistent_cache.ts";
export * from "./cache_dir.ts";
export * from "./tiered_cache.ts";
export * from "./file_exists_cache.ts";
export * from "./cache_set.ts";
export * from "./folder_check.ts";
export * from "./file_probe.ts";
