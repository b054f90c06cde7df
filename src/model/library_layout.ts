/** Where the library lives and the templates relative to it (resolved once, when the config loads). */
export interface LibraryLayout {
  /** Absolute folder of the music library. */
  baseDir: string;
  /** The output template relative to baseDir. */
  outputTemplate: string;
  /** The M3U template relative to baseDir. */
  m3uTemplate: string;
}
