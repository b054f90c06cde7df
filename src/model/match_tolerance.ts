/**
 * How far a YouTube Music song or "Artist - Topic" upload (the very recording) may differ in
 * length from the Spotify track, in seconds; videos get `download.duration_tolerance`.
 */
export const SONG_DURATION_TOLERANCE_SEC = 5;
