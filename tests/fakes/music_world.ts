/**
 * A whole offline world for end-to-end runs: the fake Spotify API, the fake
 * YouTube (InnerTube search + media at /watch?v=), and a cover image server,
 * all on 127.0.0.1. Every catalog track can be found by its ISRC or by
 * "artists - title" and downloads as a short real audio file made by ffmpeg.
 */
import {
  type FakeApiMode,
  type FakeSpotify,
  type FakeSpotifyOptions,
  loadFixtureCatalog,
  type RawObject,
  type SpotifyCatalog,
  startFakeSpotify,
} from "./spotify_fake.ts";
import { type FakeLrclib, type FakeLyricsSong, startFakeLrclib } from "./lrclib_fake.ts";
import {
  type FakeMedia,
  type FakeSearchRule,
  type FakeYouTube,
  type FakeYouTubeOptions,
  type FakeYouTubeResult,
  startFakeYouTube,
} from "./youtube_fake.ts";

/** A running world; `env` holds the settings that point tunedl at it. */
export interface MusicWorld {
  spotify: FakeSpotify;
  youtube: FakeYouTube;
  /** The fake LRCLIB (every song not found unless `lyrics` lists it). */
  lrclib: FakeLrclib;
  catalog: SpotifyCatalog;
  /** Environment for the CLI: base URLs and credentials. */
  env: Record<string, string>;
  /** The video id the fake serves for a Spotify track id. */
  videoIdFor(trackId: string): string;
  close(): Promise<void>;
}

/** Options of startMusicWorld. */
export interface MusicWorldOptions {
  mode?: FakeApiMode;
  latencyMs?: number;
  /** Catalog to serve (default: the recorded fixtures). */
  catalog?: SpotifyCatalog;
  /** Spotify track ids that YouTube does not have (searches find nothing). */
  missing?: string[];
  /** Seconds of audio per track (default 1). */
  audioSeconds?: number;
  currentUserId?: string;
  ownedPlaylistIds?: string[];
  /** Songs the fake LRCLIB knows (default none: every lookup is "not found"). */
  lyrics?: FakeLyricsSong[];
  /** Origin of the cover images instead of the world's own cover server (e.g. a misbehaving one). */
  coverOrigin?: string;
  /** More options for the fake Spotify (login: likedTrackIds, redirectUris, ...). */
  spotify?: Omit<FakeSpotifyOptions, "catalog" | "mode" | "latencyMs">;
  /** More options for the fake YouTube (scripted faults, a gate that holds searches). */
  youtube?: Pick<FakeYouTubeOptions, "fault" | "gate" | "latencyMs">;
}

let tonePromise: Promise<Uint8Array<ArrayBuffer>> | undefined;
let coverPromise: Promise<Uint8Array<ArrayBuffer>> | undefined;

/** Runs ffmpeg to make a small file; shared by every world in the process. */
async function ffmpegBytes(args: string[], ext: string): Promise<Uint8Array<ArrayBuffer>> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-world-" });
  try {
    const out = `${dir}/out.${ext}`;
    const result = await new Deno.Command("ffmpeg", {
      args: ["-hide_banner", "-loglevel", "error", "-y", ...args, out],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!result.success) throw new Error(new TextDecoder().decode(result.stderr));
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A short AAC tone in an m4a file. */
export function toneM4a(seconds = 1): Promise<Uint8Array<ArrayBuffer>> {
  tonePromise ??= ffmpegBytes(
    ["-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, "-c:a", "aac", "-b:a", "64k"],
    "m4a",
  );
  return tonePromise;
}

/** A small JPEG cover. */
export function coverJpeg(): Promise<Uint8Array<ArrayBuffer>> {
  coverPromise ??= ffmpegBytes(
    ["-f", "lavfi", "-i", "color=c=red:s=64x64:d=1", "-frames:v", "1"],
    "jpg",
  );
  return coverPromise;
}

/** A playable catalog track, as the world needs it. */
export interface WorldTrack {
  id: string;
  name: string;
  artists: string[];
  album?: string;
  durationMs: number;
  isrc?: string;
  explicit: boolean;
}

/** Every distinct playable track of a catalog (full tracks, album tracks, playlist rows). */
export function catalogTracks(catalog: SpotifyCatalog): WorldTrack[] {
  const byId = new Map<string, WorldTrack>();
  const add = (raw: RawObject | null | undefined, albumName?: string) => {
    if (!raw || typeof raw.id !== "string" || !raw.name) return;
    const album = raw.album as RawObject | undefined;
    const existing = byId.get(raw.id);
    const isrc = (raw.external_ids as RawObject | undefined)?.isrc as string | undefined;
    if (existing) {
      existing.isrc ??= isrc;
      return;
    }
    byId.set(raw.id, {
      id: raw.id,
      name: String(raw.name),
      artists: ((raw.artists as RawObject[]) ?? []).map((a) => String(a.name)),
      album: albumName ?? (album?.name as string | undefined),
      durationMs: Number(raw.duration_ms ?? 0),
      isrc,
      explicit: raw.explicit === true,
    });
  };
  for (const track of Object.values(catalog.tracks)) add(track);
  for (const [albumId, tracks] of Object.entries(catalog.album_tracks)) {
    const albumName = catalog.albums[albumId]?.name as string | undefined;
    for (const track of tracks) add(track, albumName);
  }
  for (const rows of Object.values(catalog.playlist_items)) {
    for (const row of rows) add((row.track ?? row.item) as RawObject | null);
  }
  return [...byId.values()];
}

/** Lower-case words only, so "A, B - Title" and "a b title" compare equal. */
export function queryWords(text: string): string {
  return text.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** The released-audio search result the fake YouTube gives for a catalog track. */
export function songResult(track: WorldTrack, videoId: string): FakeYouTubeResult {
  return {
    videoId,
    title: track.name,
    artists: track.artists,
    album: track.album,
    durationMs: track.durationMs,
    kind: "song",
    explicit: track.explicit,
    topResult: true,
  };
}

/** Starts the fakes and the cover server. */
export async function startMusicWorld(options: MusicWorldOptions = {}): Promise<MusicWorld> {
  const [tone, cover] = await Promise.all([toneM4a(options.audioSeconds), coverJpeg()]);
  const coverServer = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => new Response(cover, { headers: { "content-type": "image/jpeg" } }),
  );
  const coverOrigin = options.coverOrigin?.replace(/\/+$/, "") ??
    `http://127.0.0.1:${coverServer.addr.port}`;
  const original = options.catalog ?? await loadFixtureCatalog();
  // Covers come from our own server instead of Spotify's image CDN.
  const catalog = JSON.parse(
    JSON.stringify(original).replaceAll("https://i.scdn.co/", `${coverOrigin}/`),
  ) as SpotifyCatalog;

  const missing = new Set(options.missing ?? []);
  const videoIdFor = (trackId: string) => `v${trackId.slice(0, 10)}`;
  const media = new Map<string, FakeMedia>();
  const tracks = catalogTracks(catalog).filter((t) => !missing.has(t.id));
  for (const t of tracks) media.set(videoIdFor(t.id), { body: tone, contentType: "audio/mp4" });
  // One rule per track: found by its ISRC, or by a query holding every word of its title and
  // first artist. Any other query finds nothing (the fake answers an empty result list).
  const rules: FakeSearchRule[] = tracks.map((t) => ({
    query: (query: string) => {
      const q = queryWords(query);
      if (t.isrc && q === t.isrc.toLowerCase()) return true;
      const needed = `${queryWords(t.artists[0] ?? "")} ${queryWords(t.name)}`.split(" ").filter(
        Boolean,
      );
      const have = new Set(q.split(" "));
      return needed.every((w) => have.has(w));
    },
    results: [songResult(t, videoIdFor(t.id))],
  }));

  const spotify = await startFakeSpotify({
    ...options.spotify,
    catalog,
    mode: options.mode ?? "pre2026",
    latencyMs: options.latencyMs ?? 0,
    currentUserId: options.currentUserId ?? options.spotify?.currentUserId,
    ownedPlaylistIds: options.ownedPlaylistIds ?? options.spotify?.ownedPlaylistIds,
  });
  const youtube = startFakeYouTube({ ...options.youtube, fixtures: false, rules, media });
  const lrclib = startFakeLrclib(options.lyrics ?? []);
  return {
    spotify,
    youtube,
    lrclib,
    catalog,
    videoIdFor,
    env: {
      TUNEDL_SPOTIFY_API_URL: spotify.url,
      TUNEDL_SPOTIFY_ACCOUNTS_URL: spotify.accountsUrl,
      TUNEDL_YOUTUBE_URL: youtube.url,
      TUNEDL_LYRICS_URL: lrclib.url,
      SPOTIFY_CLIENT_ID: spotify.clientId,
      SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
    },
    async close() {
      await Promise.all([
        spotify.close(),
        youtube.close(),
        lrclib.close(),
        coverServer.shutdown(),
      ]);
    },
  };
}
