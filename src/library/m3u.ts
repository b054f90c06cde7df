/** Extended M3U playlists that point at the library's files by relative path. */
import path from "node:path";
import { removeUnsafeCharacters, shortenText } from "../util/mod.ts";
import { forwardSlashes, partBelow, prefixBelow } from "./path_below.ts";

/** One line pair of an M3U playlist. */
export interface M3uEntry {
  /** Absolute path of the audio file. */
  path: string;
  /** Length in milliseconds; negative or not finite is written as -1 (unknown). */
  durationMs: number;
  /** Track artists, joined with ", " before the title on the #EXTINF line. */
  artists: string[];
  /** Track title shown on the #EXTINF line. */
  title: string;
}

/** Options of {@link renderM3u}. */
export interface RenderM3uOptions {
  /** Absolute path the playlist file will be written to; entries are relative to its folder. */
  m3uPath: string;
}

/** Renders an extended M3U playlist (UTF-8 text, one entry per track, order and duplicates kept). */
export function renderM3u(entries: readonly M3uEntry[], options: RenderM3uOptions): string {
  const folder = path.dirname(options.m3uPath);
  const prefix = prefixBelow(folder);
  const lines = ["#EXTM3U"];
  for (const entry of entries) {
    lines.push(`#EXTINF:${durationSeconds(entry.durationMs)},${displayName(entry)}`);
    lines.push(m3uLocation(folder, prefix, entry.path));
  }
  return lines.join("\n") + "\n";
}

function durationSeconds(durationMs: number): number {
  // -1 is the M3U convention for an unknown length.
  if (!Number.isFinite(durationMs) || durationMs < 0) return -1;
  return Math.round(durationMs / 1000);
}

/** Longest #EXTINF title; players show one line. */
const MAX_EXTINF_TEXT = 500;

function displayName(entry: M3uEntry): string {
  const artists = entry.artists.join(", ");
  const name = artists === "" ? entry.title : `${artists} - ${entry.title}`;
  // A line break inside a title would start a bogus entry; NUL, ESC and bidi
  // overrides have no place in a playlist a player shows.
  const oneLine = name.replace(/[\r\n\t]+/g, " ");
  return shortenText(removeUnsafeCharacters(oneLine), { max: MAX_EXTINF_TEXT });
}

function m3uLocation(folder: string, prefix: string | undefined, filePath: string): string {
  // A file below the playlist's folder (the usual case, thousands per run) needs no resolving.
  const native = partBelow(prefix, filePath) ?? path.relative(folder, filePath);
  // Forward slashes work in players on Windows, macOS and Linux alike.
  const relative = forwardSlashes(native);
  // Players read a line starting with "#" as a comment.
  return relative.startsWith("#") ? `./${relative}` : relative;
}
