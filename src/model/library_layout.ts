/** Where the library lives and the templates relative to it (resolved once, when the config loads). */
export interface LibraryLayout {
  /** Absolute folder of the music library. */
  baseDir: string;
  /** The output template relative to baseDir. */
  outputTemplate: string;
  /** The folder the M3U template starts from: the library, or where m3u_output points. */
  m3uBaseDir: string;
  /** The M3U template relative to m3uBaseDir. */
  m3uTemplate: string;
}
