/** Typed failures of the search stage. */
import { type ProviderName } from "../model/mod.ts";
import { TunedlError, type TunedlErrorOptions } from "../errors/mod.ts";

/** Human names of the providers, for messages. */
export const providerLabel: Record<ProviderName, string> = {
  "youtube-music": "YouTube Music",
  youtube: "YouTube",
};

/** A provider answered, but not in a shape tunedl understands (or refused the request). */
export class SearchError extends TunedlError {
  override code = "search";
  readonly provider: ProviderName;
  readonly query: string;

  constructor(
    search: { provider: ProviderName; query: string },
    problem: string,
    options: TunedlErrorOptions = {},
  ) {
    const { provider, query } = search;
    super(`${providerLabel[provider]} search for "${query}" failed: ${problem}`, {
      hint: "YouTube may have changed its answer format; update tunedl, or try again later.",
      ...options,
    });
    this.provider = provider;
    this.query = query;
  }
}
