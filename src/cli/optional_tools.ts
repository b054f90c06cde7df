/** Tools a command can do without: `plan` uses ffprobe when there is one, and says nothing when not. */
import { resolveAudioTools } from "../audio/mod.ts";
import type { LoadedConfig } from "../config/mod.ts";
import type { CliIo } from "./io.ts";

/** The ffprobe tunedl would use, or undefined when yt-dlp or ffmpeg cannot be found. */
export function optionalFfprobe(loaded: LoadedConfig, io: Pick<CliIo, "env">): string | undefined {
  const d = loaded.config.download;
  try {
    return resolveAudioTools({ ytdlpPath: d.ytdlp_path, ffmpegPath: d.ffmpeg_path, env: io.env })
      .ffprobe;
  } catch {
    return undefined;
  }
}
