/**
 * Reading the source lists (songs, albums, artists, playlists) and overrides.
 * Entries come in musicdl's three shapes: a bare link, `name: link`, and
 * `{name, url, create_m3u}`; a whole list may also be a `name: link` mapping.
 */
import { isMap, isScalar, isSeq, type Pair } from "yaml";
import { z } from "zod";
import type { SpotifyKind } from "../model/mod.ts";
import { analyzeSpotifyLink, isLikedSongsLink, spotifyUrl } from "../model/mod.ts";
import { closestMatch } from "./edit_distance.ts";
import { boolean } from "./config_schema.ts";
import type { SourceEntry, SourceListName } from "./model.ts";
import {
  describeValue,
  isNullScalar,
  keyText,
  type MaybeNode,
  type ReadContext,
  resolveNode,
  startOf,
  toValue,
} from "./yaml_nodes.ts";

/** The kind of link each list holds. */
export const LIST_KINDS: Readonly<Record<SourceListName, SpotifyKind>> = {
  songs: "track",
  albums: "album",
  artists: "artist",
  playlists: "playlist",
};

const LIST_OF_KIND: Readonly<Record<SpotifyKind, SourceListName>> = {
  track: "songs",
  album: "albums",
  artist: "artists",
  playlist: "playlists",
};

const EXTENDED_ENTRY_KEYS = ["name", "url", "create_m3u"];

/** A source list's entries, and whether it asked for Liked Songs. */
export interface SourceListResult {
  entries: SourceEntry[];
  liked: boolean;
}

/** One entry before its link is checked. */
interface RawEntry {
  /** `songs[2]` */
  path: string;
  name?: string;
  linkNode: MaybeNode;
  /** Where to point when the link itself is missing. */
  offset: number;
  create_m3u?: boolean;
  /** Written as `{name, url, create_m3u}`. */
  extended?: boolean;
}

/** Reads one source list (absent or empty lists are empty). */
export function readSourceList(
  ctx: ReadContext,
  list: SourceListName,
  node: MaybeNode,
  offset: number,
): SourceListResult {
  const result: SourceListResult = { entries: [], liked: false };
  const seen = new Map<string, string>();
  for (const raw of collectRawEntries(ctx, list, resolveNode(ctx.doc, node), offset)) {
    const at = startOf(raw.linkNode, raw.offset);
    const label = raw.name === undefined ? raw.path : `${raw.path} (${JSON.stringify(raw.name)})`;
    const link = linkText(ctx, raw, label);
    if (link === undefined) continue;
    if (isLikedSongsLink(link)) {
      if (list === "playlists") result.liked = true;
      else {
        ctx.problems.error(
          at,
          label,
          "Liked Songs can only be listed under `playlists:`",
          "move it under `playlists:`, or set `liked_songs: true` at the top level",
        );
      }
      continue;
    }
    const ref = checkLink(ctx, list, link, at, label);
    if (ref === undefined) continue;
    const earlier = seen.get(ref.id);
    if (earlier !== undefined) {
      ctx.problems.warn(
        at,
        label,
        `same ${ref.kind} as ${earlier}, listed once`,
        "remove the duplicate entry",
      );
      continue;
    }
    seen.set(ref.id, raw.path);
    const entry: SourceEntry = { ref, line: ctx.problems.lineOf(at) };
    if (raw.name !== undefined && raw.name !== "") entry.name = raw.name;
    if (raw.create_m3u) entry.create_m3u = true;
    result.entries.push(entry);
  }
  return result;
}

function collectRawEntries(
  ctx: ReadContext,
  list: SourceListName,
  node: MaybeNode,
  offset: number,
): RawEntry[] {
  if (isNullScalar(node)) return [];
  // A lone link instead of a list: musicdl dropped it silently; taking it is kinder.
  if (isScalar(node)) return [{ path: `${list}[0]`, linkNode: node, offset }];
  if (isMap(node)) {
    return node.items.map((pair, index) => pairEntry(ctx, `${list}[${index}]`, pair));
  }
  if (!isSeq(node)) {
    ctx.problems.error(
      startOf(node, offset),
      list,
      `expected a list of Spotify links, got ${describeValue(toValue(ctx.doc, node))}`,
    );
    return [];
  }
  const entries: RawEntry[] = [];
  node.items.forEach((rawItem, index) => {
    const item = resolveNode(ctx.doc, rawItem);
    const path = `${list}[${index}]`;
    const itemOffset = startOf(item, offset);
    if (isNullScalar(item)) {
      ctx.problems.error(
        itemOffset,
        path,
        "empty entry",
        "write a Spotify link after the `-`, or delete the line",
      );
    } else if (isScalar(item)) {
      entries.push({ path, linkNode: item, offset: itemOffset });
    } else if (isMap(item)) {
      if (isExtendedEntry(ctx, item.items)) {
        entries.push(extendedEntry(ctx, path, item.items, itemOffset));
      } // `- name: link` is one pair; musicdl also took several pairs in one item.
      else for (const pair of item.items) entries.push(pairEntry(ctx, path, pair));
    } else {
      ctx.problems.error(
        itemOffset,
        path,
        `expected a Spotify link or \`name: link\`, got ${describeValue(toValue(ctx.doc, item))}`,
        "write each entry as `- https://open.spotify.com/...` or `- Name: https://open.spotify.com/...`",
      );
    }
  });
  return entries;
}

function pairEntry(ctx: ReadContext, path: string, pair: Pair): RawEntry {
  return {
    path,
    name: keyText(pair.key),
    linkNode: resolveNode(ctx.doc, pair.value),
    offset: startOf(pair.key, 0),
  };
}

/** Whether a mapping entry is musicdl's `{name, url, create_m3u}` form rather than `name: link`. */
function isExtendedEntry(ctx: ReadContext, pairs: Pair[]): boolean {
  const keys = pairs.map((pair) => keyText(pair.key));
  if (keys.includes("url") || keys.includes("create_m3u")) return true;
  const namePair = pairs.find((pair) => keyText(pair.key) === "name");
  if (namePair === undefined) return false;
  // `- name: https://...` is a song called "name"; `- name: Song` lacks its url.
  const value = toValue(ctx.doc, resolveNode(ctx.doc, namePair.value));
  return pairs.length > 1 || typeof value !== "string" ||
    analyzeSpotifyLink(value).type === "not_spotify";
}

function extendedEntry(ctx: ReadContext, path: string, pairs: Pair[], offset: number): RawEntry {
  const entry: RawEntry = { path, linkNode: undefined, offset, extended: true };
  for (const pair of pairs) {
    const key = keyText(pair.key) ?? "";
    const value = resolveNode(ctx.doc, pair.value);
    if (key === "url") {
      entry.linkNode = value;
      entry.offset = startOf(pair.key, offset);
    } else if (key === "name" && !isNullScalar(value)) {
      entry.name = String(toValue(ctx.doc, value)).trim();
    } else if (key === "create_m3u") {
      const parsed = boolean().safeParse(toValue(ctx.doc, value) ?? false);
      if (parsed.success) entry.create_m3u = parsed.data;
      else {
        ctx.problems.error(
          startOf(value, startOf(pair.key, offset)),
          `${path}.create_m3u`,
          `expected true or false, got ${describeValue(toValue(ctx.doc, value))}`,
          "write `create_m3u: true` to also write an M3U file for this entry, or delete the line",
        );
      }
    } else {
      const suggestion = closestMatch(key, EXTENDED_ENTRY_KEYS);
      // A near miss is a setting the user meant: ignoring it would silently drop it.
      if (suggestion) {
        ctx.problems.error(
          startOf(pair.key, offset),
          `${path}.${key}`,
          `unknown key; did you mean \`${suggestion}\`?`,
          `rename it to \`${suggestion}\``,
        );
      } else {
        ctx.problems.warn(
          startOf(pair.key, offset),
          `${path}.${key}`,
          "unknown key, ignored",
          "an entry with `url:` may also have `name:` and `create_m3u:`",
        );
      }
    }
  }
  return entry;
}

function linkText(ctx: ReadContext, raw: RawEntry, label: string): string | undefined {
  if (raw.extended && raw.linkNode === undefined) {
    ctx.problems.error(
      raw.offset,
      label,
      "missing `url:` with the Spotify link",
      "add `url: https://open.spotify.com/...` to the entry, indented like `name:`",
    );
    return undefined;
  }
  if (isNullScalar(raw.linkNode)) {
    const after = raw.extended ? "url" : raw.name;
    ctx.problems.error(
      raw.offset,
      label,
      after === undefined ? "missing Spotify link" : `missing Spotify link after \`${after}:\``,
      raw.extended
        ? "write the link after `url:`"
        : "write the entry as `- Name: https://open.spotify.com/...`",
    );
    return undefined;
  }
  const value = toValue(ctx.doc, raw.linkNode);
  if (typeof value === "string") return value;
  ctx.problems.error(
    startOf(raw.linkNode, raw.offset),
    label,
    `expected a Spotify link, got ${describeValue(value)}`,
    "write the entry as `- Name: https://open.spotify.com/...`",
  );
  return undefined;
}

function checkLink(
  ctx: ReadContext,
  list: SourceListName,
  link: string,
  at: number,
  label: string,
): SourceEntry["ref"] | undefined {
  const kind = LIST_KINDS[list];
  const analysis = analyzeSpotifyLink(link);
  const shown = JSON.stringify(link.trim());
  const fail = (message: string, hint: string) => {
    ctx.problems.error(at, label, message, hint);
    return undefined;
  };
  switch (analysis.type) {
    case "ref":
      if (analysis.ref.kind === kind) return analysis.ref;
      return fail(
        `expected ${article(kind)} link, found ${article(analysis.ref.kind)} link ${shown}`,
        `move it under \`${LIST_OF_KIND[analysis.ref.kind]}:\``,
      );
    case "bad_id":
      return fail(
        `malformed Spotify ${analysis.kind} id ${
          JSON.stringify(analysis.id)
        } in ${shown} (ids are 22 letters and digits)`,
        "copy the link again from Spotify (Share > Copy link)",
      );
    case "bare_id":
      return fail(
        `a bare id ${shown} does not say what it is; expected ${article(kind)} link`,
        `write it as ${spotifyUrl(kind, analysis.id)}`,
      );
    case "unsupported":
      return fail(
        `${shown} is ${analysis.what} link; tunedl downloads tracks, albums, artists and playlists`,
        "remove the entry",
      );
    case "short_link":
      return fail(
        `${shown} is a short link that only Spotify can expand`,
        "open it in a browser and copy the open.spotify.com address it leads to",
      );
    case "liked":
    case "not_spotify":
      return fail(
        `expected ${article(kind)} link, found ${shown}, which is not a Spotify link`,
        list === "songs"
          ? "copy the link from Spotify (Share > Copy link); to pin a track to a video, use `overrides:`"
          : "copy the link from Spotify (Share > Copy link)",
      );
  }
}

function article(kind: SpotifyKind): string {
  return kind === "album" || kind === "artist" ? `an ${kind}` : `a ${kind}`;
}

/** Reads `overrides:`: Spotify track link -> audio URL, keyed by track id. */
export function readOverrides(
  ctx: ReadContext,
  node: unknown,
  offset: number,
): Record<string, string> {
  const overrides: Record<string, string> = {};
  const resolved = resolveNode(ctx.doc, node);
  if (isNullScalar(resolved)) return overrides;
  if (!isMap(resolved)) {
    ctx.problems.error(
      startOf(resolved, offset),
      "overrides",
      `expected a mapping of Spotify track links to audio URLs, got ${
        describeValue(toValue(ctx.doc, resolved))
      }`,
      "write each override as `https://open.spotify.com/track/<id>: https://www.youtube.com/watch?v=<id>`",
    );
    return overrides;
  }
  for (const pair of resolved.items) {
    const key = keyText(pair.key) ?? "";
    const path = `overrides[${JSON.stringify(key)}]`;
    const keyAt = startOf(pair.key, offset);
    const analysis = analyzeSpotifyLink(key);
    let trackId: string | undefined;
    if (analysis.type === "ref" && analysis.ref.kind === "track") trackId = analysis.ref.id;
    else {
      const found = analysis.type === "ref"
        ? `${article(analysis.ref.kind)} link`
        : "not a Spotify track link";
      ctx.problems.error(
        keyAt,
        path,
        `the key must be a Spotify track link, found ${found}`,
        "use the track's link from Spotify (Share > Copy Song Link) as the key",
      );
    }
    const value = toValue(ctx.doc, resolveNode(ctx.doc, pair.value));
    const audioUrl = httpUrl.safeParse(value);
    if (!audioUrl.success) {
      ctx.problems.error(
        startOf(resolveNode(ctx.doc, pair.value), keyAt),
        path,
        `expected an http(s) URL of the audio to use, got ${describeValue(value)}`,
        "use a page yt-dlp can download, e.g. https://www.youtube.com/watch?v=<id>",
      );
      continue;
    }
    if (trackId !== undefined) overrides[trackId] = audioUrl.data;
  }
  return overrides;
}

const httpUrl = z.string().trim().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
});
