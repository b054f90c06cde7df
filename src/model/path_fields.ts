/** The placeholders a path template may use (`{artist}`, `{track-number}`, ...), without braces. */
export const PATH_PLACEHOLDERS = [
  "artist",
  "artists",
  "title",
  "album",
  "album-artist",
  "track-number",
  "disc-number",
  "year",
  "date",
  "playlist",
  "output-ext",
  // spotDL spellings, so spotDL users' templates work too.
  "original-date",
  "list-name",
  "genre",
  "disc-count",
  "tracks-count",
  "isrc",
  "track-id",
] as const;

/** One placeholder name. */
export type PathPlaceholder = typeof PATH_PLACEHOLDERS[number];
