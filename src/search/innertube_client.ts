/**
 * A minimal InnerTube client: one POST to `<origin>/youtubei/v1/search`.
 * Hand-written instead of using youtubei.js because that library fetches
 * bootstrap data from hard-coded youtube.com URLs (sw.js_data, /youtubei/v1/config,
 * the player JS) before its first search, which a configurable origin and a
 * loopback fake could not serve without imitating half of YouTube.
 */
import { type ProviderName } from "../model/mod.ts";
import { CancelledError, NetworkError } from "../errors/mod.ts";
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

/** Posts a search to InnerTube and returns the parsed JSON answer. */
export async function postInnertubeSearch(
  fetchFn: FetchFunction,
  request: InnertubeSearchRequest,
  options: { signal?: AbortSignal } = {},
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

  let response: Response;
  try {
    response = await fetchFn(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-youtube-client-name": client.clientId,
        "x-youtube-client-version": client.clientVersion,
        origin: trimOrigin(request.baseUrl),
      },
      body: JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    throw transportError(provider, request.baseUrl, error, options.signal);
  }

  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw transportError(provider, request.baseUrl, error, options.signal);
  }
  if (response.status === 429 || response.status >= 500) {
    throw new NetworkError(
      `${providerLabel[provider]} answered HTTP ${response.status} to the search for "${query}"`,
      { hint: "The service is busy or failing; try again later." },
    );
  }
  if (!response.ok) {
    throw new SearchError({ provider, query }, `HTTP ${response.status} (${snippet(text)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SearchError({ provider, query }, `the answer is not JSON (${snippet(text)})`, {
      cause: error,
    });
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
  const message = error instanceof Error ? error.message : String(error);
  return new NetworkError(`could not reach ${providerLabel[provider]} at ${baseUrl}: ${message}`, {
    hint: "Check the network connection (or TUNEDL_YOUTUBE_URL) and try again.",
    cause: error,
  });
}

function trimOrigin(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}...` : flat || "empty body";
}
