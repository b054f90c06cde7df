/** Wiring of the lyrics stage for a download: the LRCLIB client with the run's cache. */
import type { CacheSet } from "../cache/mod.ts";
import type { LoadedConfig } from "../config/mod.ts";
import { createLrclibClient, type LyricsTally } from "../lyrics/mod.ts";
import { createTrackLyrics, type TrackLyrics } from "../plan/mod.ts";
import type { CliIo } from "./io.ts";
import { VERSION } from "./version.ts";

/** The User-Agent LRCLIB asks clients to send: the program and its version. */
export const LYRICS_USER_AGENT = `tunedl/${VERSION} (a Spotify list to a tagged music library)`;

/** The run's lyrics stage, or undefined with `lyrics: off`. */
export function trackLyricsFor(
  loaded: LoadedConfig,
  io: CliIo,
  options: { caches: CacheSet; tally: LyricsTally },
): TrackLyrics | undefined {
  const mode = loaded.config.download.lyrics;
  if (mode === "off") return undefined;
  const client = createLrclibClient({
    baseUrl: io.env.TUNEDL_LYRICS_URL || undefined,
    userAgent: LYRICS_USER_AGENT,
    cache: options.caches.lyrics,
    timeoutMs: loaded.config.download.request_timeout * 1000,
  });
  return createTrackLyrics(client, { mode, tally: options.tally });
}
