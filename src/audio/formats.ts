/** The output formats tunedl writes and what each one means for codec and tags. */

import { AUDIO_FORMATS, type AudioFormat } from "../model/mod.ts";

/** How a format's tags are stored. */
export type TagFamily = "id3v2" | "mp4" | "vorbis";

/** Codec, encoder and container facts of one output format. */
export interface FormatSpec {
  format: AudioFormat;
  /** ffprobe's codec_name of the audio stream this format holds. */
  codec: string;
  /** ffmpeg encoder used when the source codec differs. */
  encoder: string;
  /** ffmpeg muxer name. */
  muxer: string;
  /** Whether `-b:a` applies (FLAC is lossless). */
  usesBitrate: boolean;
  defaultBitrate?: string;
  tagFamily: TagFamily;
}

/** Facts per output format. */
export const FORMAT_SPECS: Readonly<Record<AudioFormat, FormatSpec>> = {
  mp3: {
    format: "mp3",
    codec: "mp3",
    encoder: "libmp3lame",
    muxer: "mp3",
    usesBitrate: true,
    defaultBitrate: "192k",
    tagFamily: "id3v2",
  },
  m4a: {
    format: "m4a",
    codec: "aac",
    encoder: "aac",
    // ffmpeg's muxer for .m4a files (an MP4 flavour iTunes accepts).
    muxer: "ipod",
    usesBitrate: true,
    defaultBitrate: "192k",
    tagFamily: "mp4",
  },
  flac: {
    format: "flac",
    codec: "flac",
    encoder: "flac",
    muxer: "flac",
    usesBitrate: false,
    tagFamily: "vorbis",
  },
  opus: {
    format: "opus",
    codec: "opus",
    encoder: "libopus",
    muxer: "opus",
    usesBitrate: true,
    defaultBitrate: "128k",
    tagFamily: "vorbis",
  },
  ogg: {
    format: "ogg",
    codec: "vorbis",
    encoder: "libvorbis",
    muxer: "ogg",
    usesBitrate: true,
    defaultBitrate: "192k",
    tagFamily: "vorbis",
  },
};

/** Whether a string names a supported output format. */
export function isAudioFormat(value: string): value is AudioFormat {
  return (AUDIO_FORMATS as readonly string[]).includes(value);
}

/** The output format a file name implies by its extension, if any. */
export function formatFromPath(path: string): AudioFormat | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(path);
  const ext = match?.[1].toLowerCase();
  return ext !== undefined && isAudioFormat(ext) ? ext : undefined;
}

/** Whether a bitrate string is one ffmpeg takes as `-b:a` ("128k", "320k", "96000"). */
export function isValidBitrate(value: string): boolean {
  return /^[1-9][0-9]*k?$/.test(value);
}
