/**
 * The tags tunedl writes, how they map onto each format's tag system, and the
 * safe writer (temp copy + rename) on top of taglib-wasm.
 *
 * Layout per tag family:
 * - Vorbis comments (flac, ogg, opus): one field per value (ARTIST repeated),
 *   TRACKNUMBER/TRACKTOTAL, DISCNUMBER/DISCTOTAL, DATE and YEAR.
 * - ID3v2.4 (mp3): multi-valued text frames (null-separated), TRCK/TPOS "n/N",
 *   TDRC date, TSRC, COMM, custom values as TXXX.
 * - MP4 (m4a): one joined value per field (most players show only the first
 *   of several), trkn/disk "n/N", custom values as ----:com.apple.iTunes:NAME.
 * Every family also gets COMMENT = Spotify URL, SPOTIFY_URL and SOURCE_URL.
 */
import { type AudioFormat } from "../model/mod.ts";
import { type TrackMetadata } from "../model/mod.ts";
import type { Picture } from "taglib-wasm";
import { CancelledError, isCrossDeviceError, TunedlError } from "../errors/mod.ts";
import { shortenText } from "../util/mod.ts";
import { FORMAT_SPECS, formatFromPath, type TagFamily } from "./formats.ts";
import { rewriteTags, type TagRewrite } from "./taglib_engine.ts";

/** Everything tunedl writes into a file's tags. */
export interface AudioTags {
  title: string;
  /** Track artists, main artist first. */
  artists: string[];
  album?: string;
  albumArtists: string[];
  trackNumber?: number;
  trackTotal?: number;
  discNumber?: number;
  discTotal?: number;
  /** Release date as precise as known: "2021-10-28", "2021-10" or "2021". */
  date?: string;
  year?: number;
  genres: string[];
  isrc?: string;
  /** The Spotify track URL (also stored as the comment). */
  spotifyUrl?: string;
  /** Where the audio was downloaded from (YouTube URL). */
  sourceUrl?: string;
  /**
   * Lyrics (LRC lines when synced): USLT in MP3, LYRICS in Vorbis comments,
   * ©lyr in MP4. Absent keeps whatever lyrics the file has.
   */
  lyrics?: string;
}

/** Tagging failed (unreadable file, unsupported format). */
export class TagWriteError extends TunedlError {
  override code = "tag_failed";
}

/** Separator for multi-valued fields in formats that keep one value (MP4). */
export const JOINED_VALUE_SEPARATOR = ", ";

function positiveInt(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}

function yearOf(date: string | undefined): number | undefined {
  const match = date === undefined ? null : /^(\d{4})/.exec(date.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  return year > 0 ? year : undefined;
}

function distinctNonEmpty(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of values) {
    const value = raw.trim();
    if (value === "" || seen.has(value)) continue;
    seen.add(value);
    result.push(value);
  }
  return result;
}

/** Builds the tags of a Spotify track (pure). */
export function tagsFromTrack(
  track: TrackMetadata,
  options: { sourceUrl?: string; genres?: readonly string[] } = {},
): AudioTags {
  const date = track.releaseDate?.trim() || undefined;
  const albumArtists = distinctNonEmpty(track.albumArtists ?? []);
  return {
    title: track.title,
    artists: distinctNonEmpty(track.artists),
    album: track.album || undefined,
    albumArtists: albumArtists.length > 0
      ? albumArtists
      : distinctNonEmpty(track.artists).slice(0, 1),
    trackNumber: positiveInt(track.trackNumber),
    trackTotal: positiveInt(track.trackCount),
    discNumber: positiveInt(track.discNumber),
    discTotal: positiveInt(track.discCount),
    date,
    year: yearOf(date),
    genres: distinctNonEmpty(options.genres ?? track.genres ?? []),
    isrc: track.isrc?.trim() || undefined,
    spotifyUrl: track.spotifyUrl || undefined,
    sourceUrl: options.sourceUrl || undefined,
  };
}

/** Every property name (TagLib's upper-case names) tunedl owns; a rewrite replaces them all. */
export const MANAGED_TAG_KEYS: ReadonlySet<string> = new Set([
  "TITLE",
  "ARTIST",
  "ARTISTS",
  "ALBUM",
  "ALBUMARTIST",
  "TRACKNUMBER",
  "TRACKTOTAL",
  "DISCNUMBER",
  "DISCTOTAL",
  "DATE",
  "YEAR",
  "GENRE",
  "ISRC",
  "COMMENT",
  "URL",
  "SPOTIFY_URL",
  "SOURCE_URL",
]);

function numberPair(number: number | undefined, total: number | undefined): string | undefined {
  if (number === undefined) return undefined;
  return total !== undefined && total >= number ? `${number}/${total}` : String(number);
}

/** The property map (TagLib names) for a tag family (pure). */
export function tagProperties(tags: AudioTags, family: TagFamily): Record<string, string[]> {
  const props: Record<string, string[]> = {};
  const set = (key: string, values: readonly (string | undefined)[]) => {
    const kept = distinctNonEmpty(
      values.filter((value): value is string => value !== undefined).map(tagText),
    );
    if (kept.length === 0) return;
    // MP4 atoms can hold several values, but players read only the first.
    props[key] = family === "mp4" ? [kept.join(JOINED_VALUE_SEPARATOR)] : kept;
  };
  const trackNumber = positiveInt(tags.trackNumber);
  const trackTotal = positiveInt(tags.trackTotal);
  const discNumber = positiveInt(tags.discNumber);
  const discTotal = positiveInt(tags.discTotal);

  set("TITLE", [tags.title]);
  set("ARTIST", tags.artists);
  set("ALBUM", [tags.album]);
  set("ALBUMARTIST", tags.albumArtists);
  if (family === "vorbis") {
    set("TRACKNUMBER", [trackNumber?.toString()]);
    set("TRACKTOTAL", [trackTotal?.toString()]);
    set("DISCNUMBER", [discNumber?.toString()]);
    set("DISCTOTAL", [discTotal?.toString()]);
  } else {
    set("TRACKNUMBER", [numberPair(trackNumber, trackTotal)]);
    set("DISCNUMBER", [numberPair(discNumber, discTotal)]);
  }
  const year = positiveInt(tags.year) ?? yearOf(tags.date);
  set("DATE", [tags.date ?? year?.toString()]);
  // ID3v2.4's TDRC and MP4's ©day carry the year inside the date.
  if (family === "vorbis") set("YEAR", [year?.toString()]);
  set("GENRE", tags.genres);
  set("ISRC", [tags.isrc]);
  set("COMMENT", [tags.spotifyUrl]);
  set("SPOTIFY_URL", [tags.spotifyUrl]);
  set("SOURCE_URL", [tags.sourceUrl]);
  // One value, line breaks kept: a multi-line text is not a list of values.
  const lyrics = tags.lyrics?.replace(/\r\n?/g, "\n").trim();
  if (lyrics) props.LYRICS = [lyrics];
  return props;
}

/** Longest text kept in one tag value; real titles and names are far shorter. */
export const MAX_TAG_TEXT = 1000;

/**
 * A value as it is stored in a tag: without control characters (a NUL ends an
 * ID3 string early, ESC drives the terminal of whoever lists it) and cut to
 * {@link MAX_TAG_TEXT} characters. Bidi marks stay: RTL titles need them.
 */
export function tagText(value: string): string {
  // deno-lint-ignore no-control-regex
  const clean = value.replace(/[\t\n\r]/g, " ").replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
  return shortenText(clean, { max: MAX_TAG_TEXT }).trim();
}

/**
 * Why cover bytes cannot be embedded (not a JPEG or PNG, or cut short), or
 * undefined when they look like a whole image.
 */
export function coverImageProblem(bytes: Uint8Array): string | undefined {
  const type = imageMimeType(bytes);
  if (type === undefined) return "it is not a JPEG or PNG image";
  // The end marker (JPEG EOI, PNG IEND) near the end: a whole image, not a cut one.
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024));
  const complete = type === "image/jpeg"
    ? tail.some((byte, i) => byte === 0xff && tail[i + 1] === 0xd9)
    : new TextDecoder("latin1").decode(tail).includes("IEND");
  return complete ? undefined : `the ${type === "image/jpeg" ? "JPEG" : "PNG"} image is incomplete`;
}

/** The MIME type of cover bytes (JPEG or PNG), from their magic numbers. */
export function imageMimeType(bytes: Uint8Array): "image/jpeg" | "image/png" | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return "image/jpeg";
  }
  if (
    bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e &&
    bytes[3] === 0x47
  ) {
    return "image/png";
  }
  return undefined;
}

/** Options of {@link writeTags}. */
export interface WriteTagsOptions {
  /** Default: from the file's extension. */
  format?: AudioFormat;
  /** Front cover (JPEG or PNG); replaces existing pictures. Undefined keeps them; null removes them. */
  cover?: Uint8Array | null;
  signal?: AbortSignal;
  /** Folder holding taglib-wasm's .wasm files, when not found in the package. */
  wasmDir?: string | URL;
  /**
   * Where the tagged copy is written before the rename; default beside the file. The library's
   * temp folder (same file system) keeps a copy that a kill leaves behind out of the album
   * folder, where a run's start cleans it up.
   */
  tempDir?: string;
}

function splitPath(path: string): { dir: string; name: string } {
  const index = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return index === -1
    ? { dir: ".", name: path }
    : { dir: path.slice(0, index) || "/", name: path.slice(index + 1) };
}

function randomSuffix(): string {
  return crypto.randomUUID().slice(0, 8);
}

/** Writes complete tags (and the cover) into an audio file: temp copy in the same folder, then rename. */
export async function writeTags(
  file: string,
  tags: AudioTags,
  options: WriteTagsOptions = {},
): Promise<WrittenTags> {
  const format = options.format ?? formatFromPath(file);
  if (format === undefined) {
    throw new TagWriteError(`cannot tag ${file}: unknown audio format`, {
      hint: "tunedl tags .mp3, .m4a, .flac, .opus and .ogg files.",
    });
  }
  let pictures: Picture[] | undefined;
  if (options.cover === null) {
    pictures = [];
  } else if (options.cover !== undefined) {
    const mimeType = imageMimeType(options.cover);
    if (mimeType === undefined) {
      throw new TagWriteError(`cover art for ${file} is not a JPEG or PNG image`);
    }
    pictures = [{ mimeType, data: options.cover, type: "FrontCover", description: "Cover" }];
  }
  const change: TagRewrite = {
    properties: tagProperties(tags, FORMAT_SPECS[format].tagFamily),
    removeKeys: MANAGED_TAG_KEYS,
    pictures,
  };

  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (cause) {
    throw new TagWriteError(`cannot read ${file} to tag it`, { cause });
  }
  let tagged: Uint8Array;
  let durationSeconds: number | undefined;
  try {
    ({ bytes: tagged, durationSeconds } = await rewriteTags(bytes, format, change, {
      wasmDir: options.wasmDir,
    }));
  } catch (cause) {
    throw new TagWriteError(
      `cannot write tags to ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, hint: "The file may be damaged; delete it and download it again." },
    );
  }
  if (options.signal?.aborted) throw new CancelledError(`cancelled: tagging of ${file}`);

  const { dir, name } = splitPath(file);
  if (options.tempDir !== undefined) {
    try {
      await Deno.mkdir(options.tempDir, { recursive: true });
      await saveThrough(`${options.tempDir}/.${name}.tunedl-${randomSuffix()}.tmp`, tagged, file);
      return { durationSeconds };
    } catch (cause) {
      // The temp folder is on another file system after all: fall back to beside the file.
      if (!isCrossDeviceError(cause)) {
        throw new TagWriteError(`cannot save tags of ${file}`, { cause });
      }
    } finally {
      // Only when empty: another track may be in progress there.
      await Deno.remove(options.tempDir).catch(() => {});
    }
  }
  // Same folder, so the rename is atomic; a dot name keeps it out of players' scans.
  try {
    await saveThrough(`${dir}/.${name}.tunedl-${randomSuffix()}.tmp`, tagged, file);
  } catch (cause) {
    throw new TagWriteError(`cannot save tags of ${file}`, { cause });
  }
  return { durationSeconds };
}

/** What writing tags found out about the file. */
export interface WrittenTags {
  /** Seconds of audio as TagLib read it from the file; undefined when it cannot tell. */
  durationSeconds?: number;
}

/** Writes bytes to temp, then renames it over file; removes temp when that fails. */
async function saveThrough(temp: string, bytes: Uint8Array, file: string): Promise<void> {
  try {
    await Deno.writeFile(temp, bytes, { createNew: true });
    await Deno.rename(temp, file);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
