/**
 * What reading a paged endpoint gave when a later page could not be read: the
 * items before it, and which page failed and why. One bad page must cost the
 * items from there on, not the whole album, playlist or Liked Songs.
 */
import { NetworkError, ServiceUnreachableError } from "../errors/mod.ts";
import { RateLimitedError, SpotifyHttpError } from "./errors.ts";

/** The page a reading stopped at. */
export interface PageFailure {
  /** How many items of the source came before the page (0-based number of its first item). */
  position: number;
  /** The `offset` the page was asked with (the position when the link names none). */
  offset: number;
  /** Why the page could not be read, after its retries. */
  error: Error;
}

/** Every item read, and the failure that ended the reading early, if any. */
export interface PagedRead {
  /** Every item read, in source order, up to the failed page. */
  items: unknown[];
  /** The page the reading stopped at; undefined when every page was read. */
  failure?: PageFailure;
}

/**
 * A failure of one page that the rest of a source survives: a 5xx or malformed answer that
 * stayed so through the retries, or an odd HTTP status. Not an outage, a refused login or a
 * rate-limit ban: every other read would fail the same way.
 */
export function isPageFailure(error: unknown): boolean {
  if (error instanceof ServiceUnreachableError || error instanceof RateLimitedError) return false;
  return error instanceof SpotifyHttpError || error instanceof NetworkError;
}

/** The `offset` a page link asks for, or `fallback` when it names none. */
export function pageOffsetOf(url: string, fallback: number): number {
  const match = /[?&]offset=(\d+)/.exec(url);
  return match ? Number(match[1]) : fallback;
}

/** The warning for a source read only up to `failure` ("its tracks from number 51 on ..."). */
export function describeUnreadPage(noun: string, failure: PageFailure): string {
  return `its ${noun} from number ${failure.position + 1} on could not be read ` +
    `(the page at offset ${failure.offset}: ${failure.error.message})`;
}
