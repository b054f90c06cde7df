/** A fingerprint of what a config asks for, so a saved plan is reused only for the same request. */
import { createHash } from "node:crypto";
import type { Config, SourceEntry } from "./model.ts";

/** Stable hex SHA-256 of the plan-relevant parts of a config (not secrets or tuning knobs). */
export function configHash(config: Config): string {
  // Display names and line numbers do not change what is downloaded, so they stay out.
  const sources = (entries: SourceEntry[]) =>
    entries.map((entry) =>
      entry.create_m3u ? [entry.ref.kind, entry.ref.id, "m3u"] : [entry.ref.kind, entry.ref.id]
    );
  const relevant = {
    songs: sources(config.songs),
    albums: sources(config.albums),
    artists: sources(config.artists),
    playlists: sources(config.playlists),
    liked_songs: config.liked_songs,
    output: config.download.output,
    m3u_output: config.download.m3u_output,
    format: config.download.format,
    overwrite: config.download.overwrite,
    m3u: config.download.m3u,
    // Only when set, so the hash of every config written before the setting stays the same.
    ...(config.download.duplicates === "copy" ? {} : { duplicates: config.download.duplicates }),
    artist_album_groups: [...config.download.artist_album_groups].sort(),
    overrides: Object.entries(config.overrides).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0),
  };
  return createHash("sha256").update(JSON.stringify(relevant)).digest("hex");
}
