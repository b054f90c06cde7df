/**
 * The album covers of a run, each fetched once. A run tags thousands of
 * tracks from hundreds of albums, and playlists interleave those albums, so a
 * cover is needed again long after its first use: keeping every cover in
 * memory cost up to 45 MB at the end of a 4,067-track run (407 covers of
 * 110 KB), and a small memory cache alone fetched covers again (1,760 fetches
 * for 407 albums). Here a fetched cover goes to a file in the library's temp
 * folder and only the last few stay in memory: memory stays flat, and no
 * cover is fetched twice.
 */
import { join } from "node:path";
import { coverImageProblem } from "../audio/mod.ts";
import { NetworkError, TunedlError } from "../errors/mod.ts";
import { displayText, failureReason, fetchBounded, limitsFromTimeout } from "../util/mod.ts";

/** Where the tagger gets a track's cover. */
export interface CoverSource {
  /**
   * The cover image at `url`, or undefined when there is none to embed (no URL, the fetch
   * failed, not an image: told to `warn` once). Rejects only when `signal` aborted the fetch.
   */
  get(url: string | undefined, signal: AbortSignal): Promise<Uint8Array | undefined>;
}

/** Options of {@link createCoverStore}. */
export interface CoverStoreOptions {
  /** Time limit of the request to start answering or to pause; twice that in all. */
  timeoutMs: number;
  /** HTTP client; global fetch by default. */
  fetch?: typeof fetch;
  /** Told about a cover that cannot be used (the track is written without it). */
  warn?: (message: string) => void;
  /**
   * Folder for the fetched covers (created when needed, removed on dispose); without one,
   * every cover stays in memory for the store's life.
   */
  dir?: string;
  /** Covers also kept in memory (most recently used); default 8. */
  memoryEntries?: number;
}

/** What became of one URL: its file, or its bytes (no folder, or the file could not be written). */
type Stored = { file: string; bytes?: undefined } | { bytes: Uint8Array; file?: undefined };

/** A cover store for one run: fetch once per URL, keep on disk, a few in memory. */
export function createCoverStore(options: CoverStoreOptions): CoverSource & AsyncDisposable {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const memoryEntries = Math.max(0, Math.floor(options.memoryEntries ?? 8));
  const stored = new Map<string, Promise<Stored | undefined>>();
  const recent = new Map<string, Uint8Array>();
  let files = 0;

  function remember(url: string, bytes: Uint8Array): void {
    recent.delete(url);
    recent.set(url, bytes);
    for (const oldest of recent.keys()) {
      if (recent.size <= memoryEntries) break;
      recent.delete(oldest);
    }
  }

  async function keep(url: string, bytes: Uint8Array): Promise<Stored> {
    remember(url, bytes);
    if (options.dir === undefined) return { bytes };
    const file = join(options.dir, `${++files}.img`);
    try {
      await Deno.mkdir(options.dir, { recursive: true });
      await Deno.writeFile(file, bytes);
      return { file };
    } catch {
      // A cover is small: when its file cannot be written, memory holds it instead.
      return { bytes };
    }
  }

  function fetchOnce(url: string, signal: AbortSignal): Promise<Stored | undefined> {
    const shown = displayText(url, { max: 200 });
    const pending = fetchCover(url, { fetch: fetchFn, signal, timeoutMs: options.timeoutMs })
      .then((bytes) => {
        const problem = coverImageProblem(bytes);
        if (problem === undefined) return keep(url, bytes);
        options.warn?.(`skipped the cover ${shown}: ${problem}; the track is written without it`);
        return undefined;
      }, (error) => {
        if (signal.aborted) {
          // Cancelled for this track only: another track may fetch it again.
          stored.delete(url);
          throw error;
        }
        options.warn?.(
          `skipped the cover ${shown}: ${failureReason(error, "cover")}; ` +
            "the track is written without it",
        );
        return undefined;
      });
    stored.set(url, pending);
    return pending;
  }

  async function get(
    url: string | undefined,
    signal: AbortSignal,
  ): Promise<Uint8Array | undefined> {
    if (!url) return undefined;
    const pending = stored.get(url) ?? fetchOnce(url, signal);
    const entry = await pending;
    if (entry === undefined) return undefined;
    if (entry.bytes !== undefined) return entry.bytes;
    const inMemory = recent.get(url);
    if (inMemory !== undefined) {
      remember(url, inMemory);
      return inMemory;
    }
    try {
      const bytes = await Deno.readFile(entry.file);
      remember(url, bytes);
      return bytes;
    } catch {
      // The file went missing (the temp folder was cleared): fetch it again, once.
      if (stored.get(url) === pending) stored.delete(url);
      const again = await (stored.get(url) ?? fetchOnce(url, signal));
      if (again === undefined) return undefined;
      return again.bytes ?? recent.get(url) ?? await Deno.readFile(again.file).catch(() => {
        options.warn?.(
          `skipped the cover ${displayText(url, { max: 200 })}: its copy in ${options.dir} ` +
            "could not be read; the track is written without it",
        );
        return undefined;
      });
    }
  }

  return {
    get,
    async [Symbol.asyncDispose]() {
      stored.clear();
      recent.clear();
      if (options.dir !== undefined) {
        await Deno.remove(options.dir, { recursive: true }).catch(() => {});
      }
    },
  };
}

/** Largest cover read; Spotify's 640 px covers are ~100 KB. */
export const MAX_COVER_BYTES = 10_000_000;

/** Reads a cover image within time and size limits, retrying once; throws a typed error otherwise. */
export async function fetchCover(
  url: string,
  options: { fetch?: typeof fetch; signal?: AbortSignal; timeoutMs: number },
): Promise<Uint8Array> {
  try {
    return await fetchCoverOnce(url, options);
  } catch (error) {
    if (!(error instanceof NetworkError) || options.signal?.aborted) throw error;
    return await fetchCoverOnce(url, options);
  }
}

async function fetchCoverOnce(
  url: string,
  options: { fetch?: typeof fetch; signal?: AbortSignal; timeoutMs: number },
): Promise<Uint8Array> {
  const { timeoutMs } = options;
  const response = await fetchBounded(url, {}, {
    fetch: options.fetch,
    signal: options.signal,
    limits: limitsFromTimeout(timeoutMs, MAX_COVER_BYTES),
    what: "cover",
    readBody: (status) => status >= 200 && status < 300,
  });
  if (response.status >= 500) {
    throw new NetworkError(`the cover server answered HTTP ${response.status}`);
  }
  if (!response.ok) throw new TunedlError(`the cover server answered HTTP ${response.status}`);
  return response.body;
}
