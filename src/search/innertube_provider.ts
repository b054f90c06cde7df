/**
 * The search plumbing YouTube Music and YouTube share: both are InnerTube
 * sites that differ only in client identity, filter params and answer layout,
 * which a flavor names.
 */
import {
  type InnertubeClientInfo,
  postInnertubeSearch,
  type SearchRequestLimits,
} from "./innertube_client.ts";
import { type ProviderName } from "../model/mod.ts";
import type { ParseContext } from "./innertube_json.ts";
import type {
  AudioCandidate,
  AudioProvider,
  FetchFunction,
  ProviderSearchOptions,
} from "./model.ts";

/** Settings shared by the InnerTube providers. */
export interface InnertubeProviderOptions {
  fetch: FetchFunction;
  /** Origin of every request and of candidate watch URLs (TUNEDL_YOUTUBE_URL in the CLI). */
  baseUrl?: string;
  /** Interface language of the answer; "en" keeps labels predictable. */
  hl?: string;
  /** Country whose catalog is searched. */
  gl?: string;
  clientVersion?: string;
  /** Time and size limits and retries of each search request. */
  limits?: SearchRequestLimits;
}

/** What sets one InnerTube site apart from another. */
export interface InnertubeFlavor<Name extends ProviderName> {
  name: Name;
  /** Origin of the real site. */
  defaultBaseUrl: string;
  /** Client identity; `clientVersion` is the default the options may override. */
  client: Pick<InnertubeClientInfo, "clientName" | "clientId" | "clientVersion">;
  /** Search `params` for a songs or videos filter. */
  filterParams: Record<NonNullable<ProviderSearchOptions["filter"]>, string>;
  /** Reads the site's answer into ranked candidates. */
  parse(answer: unknown, context: ParseContext, options: { limit?: number }): AudioCandidate[];
}

/** Searches one InnerTube site through its search API. */
export class InnertubeProvider<Name extends ProviderName> implements AudioProvider {
  readonly name: Name;
  readonly baseUrl: string;
  readonly #flavor: InnertubeFlavor<Name>;
  readonly #options: InnertubeProviderOptions;

  constructor(flavor: InnertubeFlavor<Name>, options: InnertubeProviderOptions) {
    this.#flavor = flavor;
    this.#options = options;
    this.name = flavor.name;
    this.baseUrl = (options.baseUrl ?? flavor.defaultBaseUrl).replace(/\/+$/, "");
  }

  /** Searches the site; an empty query finds nothing without asking. */
  async search(query: string, options: ProviderSearchOptions = {}): Promise<AudioCandidate[]> {
    if (query.trim() === "") return [];
    const { client, filterParams, parse } = this.#flavor;
    const answer = await postInnertubeSearch(this.#options.fetch, {
      provider: this.name,
      baseUrl: this.baseUrl,
      client: {
        ...client,
        clientVersion: this.#options.clientVersion ?? client.clientVersion,
        hl: this.#options.hl ?? "en",
        gl: this.#options.gl ?? "US",
      },
      query,
      params: options.filter ? filterParams[options.filter] : undefined,
    }, { signal: options.signal, limits: this.#options.limits });
    return parse(answer, { baseUrl: this.baseUrl, query }, { limit: options.limit });
  }
}
