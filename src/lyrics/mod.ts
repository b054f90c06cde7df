/** Lyrics: the LRCLIB client, LRC text, what a track gets, and the run's tally. */
export * from "./model.ts";
export * from "./lrc.ts";
export * from "./choose_lyrics.ts";
export * from "./lrclib_client.ts";
export * from "./lyrics_tally.ts";
