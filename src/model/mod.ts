/** Shared types every stage speaks: a track, Spotify links, output formats, setting choices. */
export * from "./track.ts";
export * from "./spotify_link.ts";
export * from "./audio_format.ts";
export * from "./download_choices.ts";
export * from "./path_fields.ts";
export * from "./library_layout.ts";
export * from "./match_tolerance.ts";
