/** The audio search providers of a run, in the config's order. */
import { type AudioProvider, YouTubeMusicProvider, YouTubeProvider } from "../search/mod.ts";
import type { CliIo } from "./io.ts";

/** Builds the providers named by `audio_providers`; TUNEDL_YOUTUBE_URL overrides their origin. */
export function audioProviders(
  names: readonly string[],
  io: CliIo,
  options: { requestTimeoutMs?: number } = {},
): AudioProvider[] {
  const baseUrl = io.env.TUNEDL_YOUTUBE_URL || undefined;
  const fetchFn = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);
  const limits = { timeoutMs: options.requestTimeoutMs };
  return names.map((name) =>
    name === "youtube"
      ? new YouTubeProvider({ fetch: fetchFn, baseUrl, limits })
      : new YouTubeMusicProvider({ fetch: fetchFn, baseUrl, limits })
  );
}
