/**
 * What to tell a user whose ffmpeg cannot write a format, per OS. Homebrew's
 * `ffmpeg` formula (8.x) is built without libvorbis, so on macOS `ogg` needs
 * the keg-only `ffmpeg-full`, which is not on PATH by itself.
 */
import { type AudioFormat } from "../model/mod.ts";
import { FORMAT_SPECS } from "./formats.ts";

/** Options of the advice functions. */
export interface FfmpegAdviceOptions {
  /** The OS the advice is for; default the one running. */
  os?: typeof Deno.build.os;
}

/** Installing Homebrew's ffmpeg-full and pointing tunedl at it (macOS). */
const FFMPEG_FULL_ADVICE = "`brew install ffmpeg-full`; it is keg-only (not on PATH), so " +
  'point tunedl at it: `export TUNEDL_FFMPEG="$(brew --prefix ffmpeg-full)/bin/ffmpeg"`, or set ' +
  'download.ffmpeg_path to the path `echo "$(brew --prefix ffmpeg-full)/bin/ffmpeg"` prints';

/** What to do when ffmpeg lacks the encoders of some formats (pure). */
export function missingEncoderFix(
  missing: readonly AudioFormat[],
  options: FfmpegAdviceOptions = {},
): string {
  const otherFormat = "or choose another download.format.";
  switch (options.os ?? Deno.build.os) {
    case "darwin": {
      const why = missing.includes("ogg")
        ? `Homebrew's \`ffmpeg\` has no ${FORMAT_SPECS.ogg.encoder} (ogg). `
        : "";
      return `${why}Install the build with every encoder: ${FFMPEG_FULL_ADVICE}; ${otherFormat}`;
    }
    case "windows":
      return "Install a full ffmpeg build (`winget install ffmpeg` gives one) and point " +
        `download.ffmpeg_path (or TUNEDL_FFMPEG) at it if another ffmpeg comes first, ${otherFormat}`;
    default:
      return "Install a full ffmpeg build, e.g. your distribution's `ffmpeg` package " +
        `(\`sudo apt install ffmpeg\`), ${otherFormat}`;
  }
}

/** What to do when no ffmpeg is found at all (pure). */
export function installFfmpegFix(
  format: AudioFormat | undefined,
  options: FfmpegAdviceOptions = {},
): string {
  if ((options.os ?? Deno.build.os) === "darwin") {
    return format === "ogg"
      ? `Install ffmpeg with ${FORMAT_SPECS.ogg.encoder} for ogg: ${FFMPEG_FULL_ADVICE}.`
      : "Install ffmpeg: `brew install ffmpeg`, or for download.format ogg `brew install " +
        'ffmpeg-full` (keg-only: set TUNEDL_FFMPEG to "$(brew --prefix ffmpeg-full)/bin/ffmpeg"); ' +
        "or set download.ffmpeg_path.";
  }
  return "Install ffmpeg (`apt install ffmpeg`, `brew install ffmpeg`, `winget install ffmpeg`) " +
    "or set download.ffmpeg_path.";
}
