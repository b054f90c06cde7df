/** Audio stage: yt-dlp download, ffmpeg conversion, tags and cover, atomic placement, tool checks. */
export * from "./formats.ts";
export * from "./process.ts";
export * from "./group_watchdog.ts";
export * from "./executables.ts";
export * from "./download_errors.ts";
export * from "./ytdlp.ts";
export * from "./ffmpeg.ts";
export * from "./ffmpeg_advice.ts";
export * from "./tags.ts";
export * from "./produce_track.ts";
export * from "./doctor_checks.ts";
export * from "./temp_folders.ts";
export * from "./disk_space.ts";
export * from "./stale_tag_temps.ts";
