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
  /** Always "search". */
  override code = "search";
  /** The provider whose answer could not be read. */
  readonly provider: ProviderName;
  /** The search text that was sent. */
  readonly query: string;

  /** `problem` completes "search for ... failed: "; the hint suggests an update. */
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
