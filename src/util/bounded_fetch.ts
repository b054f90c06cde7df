/**
 * One HTTP request with limits on everything a server controls: how long it
 * may take to answer at all (connecting and the first byte; `fetch` does not
 * tell the two apart, so one limit covers both), how long the body may stall
 * between two pieces, how long the whole exchange may take, and how many bytes
 * the body may have. Memory stays bounded by `maxBytes` whatever is sent.
 */
import { CancelledError, NetworkError, TunedlError } from "../errors/mod.ts";
import type { TunedlErrorOptions } from "../errors/mod.ts";
import { formatBytes } from "./format.ts";

/** The limits of one request. */
export interface FetchLimits {
  /** From sending the request until the status line and headers arrive (connect + first byte). */
  answerMs: number;
  /** Longest pause between two pieces of the body. */
  stallMs: number;
  /** The whole exchange, body included. */
  totalMs: number;
  /** Largest body accepted. */
  maxBytes: number;
}

/**
 * Limits from a single timeout: the answer must start within it and may not
 * pause longer than it, and the whole answer must be in within twice it (a
 * server trickling a byte now and then is as useless as a silent one).
 */
export function limitsFromTimeout(timeoutMs: number, maxBytes: number): FetchLimits {
  return { answerMs: timeoutMs, stallMs: timeoutMs, totalMs: 2 * timeoutMs, maxBytes };
}

/** Which limit a request ran into. */
export type TimeLimitKind = "answer" | "stall" | "total";

/** A server did not answer, or did not finish its answer, in time. Retryable. */
export class RequestTimeoutError extends NetworkError {
  /** Always "timeout". */
  override code = "timeout";
  /** `limit` says which limit ran out and `limitMs` how long it was; `what` names the request. */
  constructor(
    readonly limit: TimeLimitKind,
    readonly limitMs: number,
    what: string,
    options: TunedlErrorOptions = {},
  ) {
    super(`${what}: ${timeoutPhrase(limit, limitMs)}`, {
      hint: "The service is slow or not answering; check the network and try again later.",
      ...options,
    });
  }
}

/** A server sent a body larger than the limit; the rest was not read. */
export class AnswerTooLargeError extends TunedlError {
  /** Always "answer_too_large". */
  override code = "answer_too_large";
  /** `maxBytes` is the limit the body went over; `what` names the request. */
  constructor(readonly maxBytes: number, what: string, options: TunedlErrorOptions = {}) {
    super(`${what}: the answer is larger than ${formatBytes(maxBytes)}; not read`, {
      hint: "The service sent far more than expected; try again later, and report it if it " +
        "keeps happening.",
      ...options,
    });
  }
}

/** A fully read, bounded answer. */
export interface BoundedResponse {
  /** HTTP status code. */
  status: number;
  /** Whether the status is 2xx. */
  ok: boolean;
  /** The response headers. */
  headers: Headers;
  /** The whole body, at most `maxBytes`; empty when `readBody` said not to read it. */
  body: Uint8Array<ArrayBuffer>;
  /** The body as UTF-8 text (invalid bytes replaced). */
  text(): string;
}

/** Options of {@link fetchBounded}. */
export interface BoundedFetchOptions {
  /** Time and size limits of this request. */
  limits: FetchLimits;
  /** Names the request in errors, e.g. "Spotify Web API GET /v1/tracks/x". */
  what: string;
  /** HTTP client; global fetch by default. */
  fetch?: typeof fetch;
  /** Aborting it cancels the request with the signal's reason. */
  signal?: AbortSignal;
  /** Only these statuses have their body read; others get an empty body (default: all). */
  readBody?: (status: number) => boolean;
}

/** Sends one request and reads its answer within `options.limits`; throws typed errors. */
export async function fetchBounded(
  url: string,
  init: RequestInit,
  options: BoundedFetchOptions,
): Promise<BoundedResponse> {
  const { limits, what, signal } = options;
  const fetchFn = options.fetch ?? globalThis.fetch;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let tripped: { limit: TimeLimitKind; ms: number } | undefined;
  const trip = (limit: TimeLimitKind, ms: number) => {
    tripped ??= { limit, ms };
    controller.abort(new RequestTimeoutError(limit, ms, what));
  };
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const total = setTimeout(() => trip("total", limits.totalMs), limits.totalMs);
  let phase = setTimeout(() => trip("answer", limits.answerMs), limits.answerMs);
  const failure = (error: unknown): Error => {
    if (signal?.aborted) return cancelledBy(signal, what);
    if (tripped) return new RequestTimeoutError(tripped.limit, tripped.ms, what, { cause: error });
    if (error instanceof TunedlError) return error;
    return new NetworkError(`${what}: ${errorText(error)}`, {
      hint: "Check the network connection and try again.",
      cause: error,
    });
  };
  try {
    let response: Response;
    try {
      response = await fetchFn(url, { ...init, signal: controller.signal });
    } catch (error) {
      throw failure(error);
    }
    clearTimeout(phase);
    if (options.readBody && !options.readBody(response.status)) {
      await response.body?.cancel().catch(() => {});
      return answer(response, new Uint8Array(0));
    }
    const declared = Number(response.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new AnswerTooLargeError(limits.maxBytes, what);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    if (reader) {
      try {
        for (;;) {
          phase = setTimeout(() => trip("stall", limits.stallMs), limits.stallMs);
          const { done, value } = await reader.read();
          clearTimeout(phase);
          if (done) break;
          size += value.byteLength;
          if (size > limits.maxBytes) {
            await reader.cancel().catch(() => {});
            throw new AnswerTooLargeError(limits.maxBytes, what);
          }
          chunks.push(value);
        }
      } catch (error) {
        throw failure(error);
      } finally {
        reader.releaseLock();
      }
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return answer(response, body);
  } finally {
    clearTimeout(total);
    clearTimeout(phase);
    signal?.removeEventListener("abort", onAbort);
  }
}

function answer(response: Response, body: Uint8Array<ArrayBuffer>): BoundedResponse {
  return {
    status: response.status,
    ok: response.ok,
    headers: response.headers,
    body,
    text: () => new TextDecoder().decode(body),
  };
}

function cancelledBy(signal: AbortSignal, what: string): Error {
  const reason = signal.reason;
  if (reason instanceof TunedlError) return reason;
  return new CancelledError(`cancelled: ${what}`, { cause: reason });
}

function timeoutPhrase(limit: TimeLimitKind, ms: number): string {
  const time = formatSeconds(ms);
  switch (limit) {
    case "answer":
      return `no answer within ${time}`;
    case "stall":
      return `the answer stalled for ${time}`;
    case "total":
      return `the answer took longer than ${time}`;
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${+seconds.toFixed(3)} s`;
}

/** Why a request named `what` failed, without the name: "no answer within 10 s". */
export function failureReason(error: unknown, what: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith(`${what}: `) ? message.slice(what.length + 2) : message;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
