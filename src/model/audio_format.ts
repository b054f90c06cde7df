/** The output formats tunedl writes (each is also the file extension). */
export type AudioFormat = "mp3" | "m4a" | "flac" | "opus" | "ogg";

/** Every supported output format, in the order help texts list them. */
export const AUDIO_FORMATS: readonly AudioFormat[] = ["mp3", "m4a", "flac", "opus", "ogg"];
