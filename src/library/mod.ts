/** The local music library: safe file names, output paths, M3U playlists, the library index, the run lock. */
export * from "./sanitize.ts";
export * from "./path_template.ts";
export * from "./m3u.ts";
export * from "./path_below.ts";
export * from "./library_index.ts";
export * from "./run_lock.ts";
export * from "./place_copy.ts";
export * from "./ownership.ts";
export * from "./remove_owned.ts";
