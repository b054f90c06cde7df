/**
 * A minimal InnerTube client: one POST to `<origin>/youtubei/v1/search`.
 * Hand-written instead of using youtubei.js because that library fetches
 * bootstrap data from hard-coded youtube.com URLs (sw.js_data, /youtubei/v1/config,
 * the player JS) before its first search, which a configurable origin and a
 * loopback fake could not serve without imitating half of YouTube.
 */
import {
  CancelledError,
  NetworkError,
  ServiceUnreachableError,
  TunedlError,
} from "../errors/mod.ts";
import {
  abortableSleep,
  type BoundedResponse,
  displayText,
  failureReason,
  fetchBounded,
  limitsFromTimeout,
} from "../util/mod.ts";
import { type ProviderName } from "../model/mod.ts";
import { providerLabel, SearchError } from "./errors.ts";
import type { FetchFunction } from "./model.ts";

/** The InnerTube client identity a request claims. */
export interface InnertubeClientInfo {
  clientName: "WEB_REMIX" | "WEB";
  clientVersion: string;
  /** Numeric client id YouTube's own pages send in X-YouTube-Client-Name. */
  clientId: string;
  hl: string;
  gl: string;
}

/** One search request. */
export interface InnertubeSearchRequest {
  provider: ProviderName;
  /** Origin all requests go to, e.g. "https://music.youtube.com". */
  baseUrl: string;
  client: InnertubeClientInfo;
  query: string;
  /** Encoded search filter, e.g. the songs filter. */
  params?: string;
}

/** Time and size limits of search requests, and how often one is retried. */
export interface SearchRequestLimits {
  /** Time limit for an answer to start or to pause (default 10 s; 2x for the whole answer). */
  timeoutMs?: number;
  /** Largest answer read (default 5 MB; real answers are under 1 MB). */
  maxBytes?: number;
  /** Retries of a request that got no answer (default 1). */
  retries?: number;
  /** Pause before the first retry (default 500 ms), doubled for each further one. */
  retryDelayMs?: number;
}

/** Default time limit for a search answer to start or pause. */
export const DEFAULT_SEARCH_TIMEOUT_MS = 10_000;
/** Default largest search answer read. */
export const MAX_SEARCH_ANSWER_BYTES = 5_000_000;

/**
 * Posts a search to InnerTube and returns the parsed JSON answer. A request
 * without an answer (network error, time limit) is retried; when no attempt
 * got one, the provider is reported unreachable (exit 5 for the run).
 */
export async function postInnertubeSearch(
  fetchFn: FetchFunction,
  request: InnertubeSearchRequest,
  options: { signal?: AbortSignal; limits?: SearchRequestLimits } = {},
): Promise<unknown> {
  const { provider, query, client } = request;
  const url = `${trimOrigin(request.baseUrl)}/youtubei/v1/search?prettyPrint=false`;
  const body: Record<string, unknown> = {
    context: {
      client: {
        clientName: client.clientName,
        clientVersion: client.clientVersion,
        hl: client.hl,
        gl: client.gl,
      },
    },
    query,
  };
  if (request.params) body.params = request.params;
  options.signal?.throwIfAborted();
  const limits = options.limits ?? {};
  const timeoutMs = limits.timeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS;
  const retries = limits.retries ?? 1;
  const shownQuery = displayText(query, { max: 120 });
  const what = `${providerLabel[provider]} search for "${shownQuery}"`;

  let response: BoundedResponse | undefined;
  for (let attempt = 0; response === undefined; attempt++) {
    try {
      response = await fetchBounded(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-youtube-client-name": client.clientId,
          "x-youtube-client-version": client.clientVersion,
          origin: trimOrigin(request.baseUrl),
        },
        body: JSON.stringify(body),
      }, {
        fetch: fetchFn as typeof fetch,
        limits: limitsFromTimeout(timeoutMs, limits.maxBytes ?? MAX_SEARCH_ANSWER_BYTES),
        what,
        signal: options.signal,
      });
    } catch (error) {
      const failure = transportError(provider, request.baseUrl, error, options.signal);
      if (!(failure instanceof NetworkError)) throw failure;
      if (attempt >= retries) {
        throw new ServiceUnreachableError(
          `${providerLabel[provider]} is not answering at ${request.baseUrl} ` +
            `(${displayText(failureReason(error, what), { max: 200 })}; ${attempt + 1} attempt${
              attempt === 0 ? "" : "s"
            })`,
          {
            hint: "Check the network connection (or TUNEDL_YOUTUBE_URL) and run tunedl again; " +
              "what was already done is kept.",
            cause: error,
          },
        );
      }
      await abortableSleep((limits.retryDelayMs ?? 500) * 2 ** attempt, options.signal);
    }
  }

  const text = response.text();
  if (response.status === 429 || response.status >= 500) {
    throw new NetworkError(
      `${
        providerLabel[provider]
      } answered HTTP ${response.status} to the search for "${shownQuery}"`,
      { hint: "The service is busy or failing; try again later." },
    );
  }
  if (!response.ok) {
    throw new SearchError(
      { provider, query: shownQuery },
      `HTTP ${response.status} (${snippet(text)})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SearchError(
      { provider, query: shownQuery },
      `the answer is not JSON (${snippet(text)})`,
      { cause: error },
    );
  }
}

function transportError(
  provider: ProviderName,
  baseUrl: string,
  error: unknown,
  signal: AbortSignal | undefined,
): Error {
  if (signal?.aborted || (error instanceof DOMException && error.name === "AbortError")) {
    return new CancelledError(`${providerLabel[provider]} search cancelled`, { cause: error });
  }
  if (error instanceof TunedlError) return error;
  return new NetworkError(
    `could not reach ${providerLabel[provider]} at ${baseUrl}: ${errorText(error)}`,
    {
      hint: "Check the network connection (or TUNEDL_YOUTUBE_URL) and try again.",
      cause: error,
    },
  );
}

function errorText(error: unknown): string {
  return displayText(error instanceof Error ? error.message : String(error), { max: 200 });
}

function trimOrigin(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

function snippet(text: string): string {
  const flat = displayText(text.slice(0, 1000).replace(/\s+/g, " ").trim(), { max: 120 });
  return flat || "empty body";
}
