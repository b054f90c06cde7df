/**
 * The fewest Spotify Web API requests a config needs under each generation's
 * rules, and the shortest plan wall time those requests allow. Pure: the
 * inputs come from the synthetic library, the rules are constants below, and
 * every figure carries the formula that produced it (written to the JSON).
 */
import type { RawObject } from "../tests/fakes/spotify_fake.ts";
import type { SyntheticLibrary } from "./synthetic_catalog.ts";

/** Which API generation's rules apply. */
export type ApiMode = "pre2026" | "2026";

/** Paging and batching limits of the Web API (what the fake enforces). */
export const API_RULES = {
  pre2026: {
    /** GET /v1/tracks?ids= */
    trackBatch: 50,
    /** GET /v1/albums?ids= (each album embeds its first 50 tracks) */
    albumBatch: 20,
    /** GET /v1/artists?ids= */
    artistBatch: 50,
    /** Rows embedded in GET /v1/playlists/{id}, and max limit of /tracks. */
    playlistPage: 100,
  },
  "2026": {
    trackBatch: 1,
    albumBatch: 1,
    artistBatch: 1,
    /** Rows embedded in GET /v1/playlists/{id}, and max limit of /items. */
    playlistPage: 50,
  },
  /** Tracks embedded in an album object and max limit of /albums/{id}/tracks. */
  albumTrackPage: 50,
  /** Max limit of /artists/{id}/albums. */
  artistAlbumPage: 50,
} as const;

/** What the minimum depends on, counted from the library and config. */
export interface RequestInputs {
  /** Distinct `songs:` ids. */
  songs: number;
  /** Per listed artist: albums in the requested groups. */
  artistAlbumCounts: number[];
  /** Per distinct album read (the listed artists' albums): its track count. */
  albumTrackCounts: number[];
  /** Per readable listed playlist: its row count. */
  playlistRows: number[];
  /** Planned tracks known only as simplified album tracks (no ISRC): a full-track read each. */
  isrcReads: number;
  /** Distinct first artists of planned tracks not read during the plan: a genre read each. */
  genreReads: number;
  /** Distinct tracks in the plan (what a cold download fetches). */
  plannedTracks: number;
}

/** Counts the inputs for a library; `includePlaylists` false drops the playlists (2026). */
export function requestInputs(
  library: SyntheticLibrary,
  options: { includePlaylists: boolean },
): RequestInputs {
  const { catalog, sources } = library;
  const artistAlbumCounts = sources.artists.map((id) => (catalog.artist_albums[id] ?? []).length);
  const albumIds = new Set<string>();
  for (const id of sources.artists) {
    for (const album of catalog.artist_albums[id] ?? []) albumIds.add(String(album.id));
  }
  const albumTrackCounts = [...albumIds].map((id) => (catalog.album_tracks[id] ?? []).length);
  const playlists = options.includePlaylists ? sources.playlists : [];
  const playlistRows = playlists.map((id) => (catalog.playlist_items[id] ?? []).length);

  // Tracks whose full object (with ISRC) a plan read returns: songs and playlist rows.
  const full = new Map<string, RawObject>();
  for (const id of sources.songs) full.set(id, catalog.tracks[id]);
  for (const id of playlists) {
    for (const row of catalog.playlist_items[id] ?? []) {
      const track = row.track as RawObject | null;
      if (track && typeof track.id === "string") full.set(track.id, track);
    }
  }
  const simplified = new Map<string, RawObject>();
  for (const id of albumIds) {
    for (const track of catalog.album_tracks[id] ?? []) {
      if (!full.has(String(track.id))) simplified.set(String(track.id), track);
    }
  }
  const readArtists = new Set(sources.artists);
  const genreArtists = new Set<string>();
  for (const track of [...full.values(), ...simplified.values()]) {
    const first = (track.artists as RawObject[] | undefined)?.[0]?.id;
    if (typeof first === "string" && !readArtists.has(first)) genreArtists.add(first);
  }
  return {
    songs: new Set(sources.songs).size,
    artistAlbumCounts,
    albumTrackCounts,
    playlistRows,
    isrcReads: simplified.size,
    genreReads: genreArtists.size,
    plannedTracks: full.size + simplified.size,
  };
}

/** One part of the minimum: how many requests, to which endpoints, by which formula. */
export interface MinimumPart {
  name: string;
  requests: number;
  /** Endpoint key as the fake counts it ("GET /v1/albums/{id}"). */
  endpoint: string;
  formula: string;
}

/** The minimum for one run, in parts. */
export interface MinimumRequests {
  total: number;
  parts: MinimumPart[];
}

/** Which run the minimum is for. */
export type RunKind = "plan" | "download" | "revalidate";

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The fewest requests a run needs: `plan` reads the catalog, `download` adds
 * the full-track (ISRC) and artist (genre) reads of the download stage, and
 * `revalidate` is a warm re-run within the cache TTL (one snapshot check per
 * playlist, plus a token if any request is needed at all).
 */
export function minimumRequests(
  inputs: RequestInputs,
  mode: ApiMode,
  run: RunKind,
): MinimumRequests {
  const rules = API_RULES[mode];
  const batch = mode === "pre2026";
  const parts: MinimumPart[] = [];
  const add = (part: MinimumPart) => {
    if (part.requests > 0) parts.push(part);
  };
  if (run === "revalidate") {
    const checks = inputs.playlistRows.length;
    add({
      name: "token",
      requests: checks > 0 ? 1 : 0,
      endpoint: "POST /api/token",
      formula: "1 client-credentials token if any request is needed",
    });
    add({
      name: "playlist snapshot checks",
      requests: checks,
      endpoint: "GET /v1/playlists/{id}",
      formula: "1 GET /v1/playlists/{id}?fields=snapshot_id per playlist; albums, tracks and " +
        "artist album lists are still fresh in the cache (cache_ttl)",
    });
    return { total: sum(parts.map((p) => p.requests)), parts };
  }
  add({ name: "token", requests: 1, endpoint: "POST /api/token", formula: "1 per process" });
  add({
    name: "songs",
    requests: ceilDiv(inputs.songs, rules.trackBatch),
    endpoint: batch ? "GET /v1/tracks" : "GET /v1/tracks/{id}",
    formula: batch ? "ceil(songs / 50) batch reads GET /v1/tracks?ids=" : "songs (single reads)",
  });
  const artists = inputs.artistAlbumCounts.length;
  add({
    name: "artists",
    requests: ceilDiv(artists, rules.artistBatch),
    endpoint: batch ? "GET /v1/artists" : "GET /v1/artists/{id}",
    formula: batch ? "ceil(artists / 50) batch reads GET /v1/artists?ids=" : "artists",
  });
  add({
    name: "artist album lists",
    requests: sum(inputs.artistAlbumCounts.map((n) => Math.max(1, ceilDiv(n, 50)))),
    endpoint: "GET /v1/artists/{id}/albums",
    formula: "sum over artists of max(1, ceil(albums / 50))",
  });
  const albums = inputs.albumTrackCounts.length;
  add({
    name: "albums",
    requests: ceilDiv(albums, rules.albumBatch),
    endpoint: batch ? "GET /v1/albums" : "GET /v1/albums/{id}",
    formula: batch
      ? "ceil(albums / 20) batch reads GET /v1/albums?ids= (first 50 tracks embedded)"
      : "albums (first 50 tracks embedded)",
  });
  add({
    name: "album track pages",
    requests: sum(inputs.albumTrackCounts.map((n) => Math.max(0, ceilDiv(n - 50, 50)))),
    endpoint: "GET /v1/albums/{id}/tracks",
    formula: "sum over albums of ceil((tracks - 50) / 50) when above 50",
  });
  const page = rules.playlistPage;
  add({
    name: "playlists",
    requests: inputs.playlistRows.length,
    endpoint: "GET /v1/playlists/{id}",
    formula: `1 per playlist (its first ${page} rows embedded)`,
  });
  add({
    name: "playlist pages",
    requests: sum(inputs.playlistRows.map((n) => Math.max(0, ceilDiv(n - page, page)))),
    endpoint: mode === "pre2026" ? "GET /v1/playlists/{id}/tracks" : "GET /v1/playlists/{id}/items",
    formula: `sum over playlists of ceil((rows - ${page}) / ${page}) (pages of ${page})`,
  });
  if (run === "download") {
    add({
      name: "full tracks for ISRC",
      requests: ceilDiv(inputs.isrcReads, rules.trackBatch),
      endpoint: batch ? "GET /v1/tracks" : "GET /v1/tracks/{id}",
      formula: (batch ? "ceil(n / 50) batch reads" : "n single reads") +
        ", n = planned tracks known only as simplified album tracks",
    });
    add({
      name: "artists for genres",
      requests: ceilDiv(inputs.genreReads, rules.artistBatch),
      endpoint: batch ? "GET /v1/artists" : "GET /v1/artists/{id}",
      formula: (batch ? "ceil(n / 50) batch reads" : "n single reads") +
        ", n = distinct first artists of planned tracks not read while planning",
    });
  }
  return { total: sum(parts.map((p) => p.requests)), parts };
}

/** Spotify limits from the config that bound the plan's wall time. */
export interface ClientLimits {
  /** spotify_concurrency: requests in flight. */
  concurrency: number;
  /**
   * spotify_rate_limit_requests per spotify_rate_limit_window seconds (undefined: off), and the
   * token bucket's burst (src/spotify/rate_limiter.ts `burstSize`).
   */
  rate?: { requests: number; windowMs: number; burst: number };
}

/** A lower bound on the plan's wall time, with its parts. */
export interface PlanLowerBound {
  ms: number;
  /** Longest chain of requests that each need the previous answer. */
  chainDepth: number;
  chainMs: number;
  /** ceil(API requests / concurrency) x latency. */
  concurrencyMs: number;
  /** Start of the last request under the rate limit, plus its latency. */
  rateLimitMs: number;
  startupMs: number;
  formula: string;
}

/**
 * Longest dependency chain of a cold plan: token, then per source the reads
 * that need an earlier answer. A paged list needs its first page before the
 * rest (whose offsets are then known, so the rest can go in parallel).
 */
export function planChainDepth(inputs: RequestInputs, mode: ApiMode): number {
  const page = API_RULES[mode].playlistPage;
  const more = (n: number, first: number) => (n > first ? 1 : 0);
  const chains = [inputs.songs > 0 ? 1 : 0];
  inputs.artistAlbumCounts.forEach((albums) => {
    const longestAlbum = Math.max(0, ...inputs.albumTrackCounts);
    chains.push(1 + more(albums, 50) + (albums > 0 ? 1 + more(longestAlbum, 50) : 0));
  });
  inputs.playlistRows.forEach((rows) => chains.push(1 + more(rows, page)));
  return 1 + Math.max(...chains); // 1: the token
}

/** Shortest time to make `apiRequests` requests with a dependency chain, under the limits. */
export function requestTimeBoundMs(
  apiRequests: number,
  chainDepth: number,
  options: { latencyMs: number; limits: ClientLimits },
): { ms: number; chainMs: number; concurrencyMs: number; rateLimitMs: number } {
  const { latencyMs, limits } = options;
  const chainMs = chainDepth * latencyMs;
  const concurrencyMs = Math.ceil(apiRequests / limits.concurrency) * latencyMs;
  // A full bucket lets `burst` requests start at once; each later one waits window / requests.
  const rateLimitMs = limits.rate && apiRequests > 0
    ? Math.max(0, apiRequests - limits.rate.burst) * limits.rate.windowMs / limits.rate.requests +
      latencyMs
    : 0;
  return { ms: Math.max(chainMs, concurrencyMs, rateLimitMs), chainMs, concurrencyMs, rateLimitMs };
}

/** The plan wall-time lower bound at the given latency and client limits. */
export function planLowerBound(
  inputs: RequestInputs,
  mode: ApiMode,
  options: { latencyMs: number; limits: ClientLimits; startupMs: number },
): PlanLowerBound {
  const minimum = minimumRequests(inputs, mode, "plan");
  const chainDepth = planChainDepth(inputs, mode);
  // The token request is not rate limited.
  const time = requestTimeBoundMs(minimum.total - 1, chainDepth, options);
  return {
    ms: options.startupMs + time.ms,
    chainDepth,
    chainMs: time.chainMs,
    concurrencyMs: time.concurrencyMs,
    rateLimitMs: time.rateLimitMs,
    startupMs: options.startupMs,
    formula: "startup + max(chain depth x latency, ceil(R / spotify_concurrency) x latency, " +
      "max(0, R - burst) x rate_window / rate_requests + latency), R = minimum API requests " +
      "(token excluded), startup = wall time of `main.ts --version`",
  };
}

/** Lower bound of a warm re-run's wall time: startup and the revalidation requests. */
export function warmLowerBoundMs(
  inputs: RequestInputs,
  mode: ApiMode,
  options: { latencyMs: number; limits: ClientLimits; startupMs: number },
): number {
  const total = minimumRequests(inputs, mode, "revalidate").total;
  const api = Math.max(0, total - 1);
  return options.startupMs + (api > 0 ? requestTimeBoundMs(api, 2, options).ms : 0);
}

/** A lower bound on the execute phase of a cold download. */
export interface ExecuteLowerBound {
  ms: number;
  /** Fake tool work spread perfectly over the download threads. */
  workMs: number;
  /** Minimum Spotify reads of the download stage (ISRC, genres) under the client limits. */
  spotifyMs: number;
  spotifyRequests: number;
  formula: string;
}

/** The execute phase can be no shorter than its tool work and its own Spotify reads. */
export function executeLowerBound(
  inputs: RequestInputs,
  mode: ApiMode,
  options: {
    downloads: number;
    workMsPerTrack: number;
    threads: number;
    latencyMs: number;
    limits: ClientLimits;
  },
): ExecuteLowerBound {
  const { latencyMs, limits } = options;
  const stageParts = new Set(["full tracks for ISRC", "artists for genres"]);
  const requests = sum(
    minimumRequests(inputs, mode, "download").parts
      .filter((p) => stageParts.has(p.name))
      .map((p) => p.requests),
  );
  // The plan phase of the same process spent that much of the burst first
  // (what refilled while it ran, it spent too whenever the limit bound it).
  const planApi = minimumRequests(inputs, mode, "plan").total - 1;
  const left = limits.rate
    ? { ...limits, rate: { ...limits.rate, burst: Math.max(0, limits.rate.burst - planApi) } }
    : limits;
  const spotifyMs = requests > 0
    ? requestTimeBoundMs(requests, 1, { latencyMs, limits: left }).ms
    : 0;
  const workMs = idealExecuteMs(options.downloads, options.workMsPerTrack, options.threads);
  return {
    ms: Math.max(workMs, spotifyMs),
    workMs,
    spotifyMs,
    spotifyRequests: requests,
    formula: "max(downloads x work-ms / threads, Spotify bound of the download stage's " +
      "minimum reads (ISRC + genres): max(ceil(R / spotify_concurrency) x latency, " +
      "max(0, R - burst left after the plan's minimum) x rate_window / rate_requests + latency))",
  };
}

/** Ideal execute time: total fake tool work spread perfectly over the download threads. */
export function idealExecuteMs(downloads: number, workMsPerTrack: number, threads: number): number {
  return (downloads * workMsPerTrack) / threads;
}
