/**
 * A synthetic Spotify library for the benchmark, in the shape of the recorded
 * catalog (shared/fixtures/spotify/catalog.json, `SpotifyCatalog` of the fake):
 * full tracks with ISRCs, albums with their first embedded `tracks` page,
 * artists with genres, artist album lists with `album_group`, playlists with
 * rows and a snapshot id. Deterministic for a given spec (seeded PRNG), pure.
 *
 * Layout: `artists` artists with `albumsPerArtist` albums of `tracksPerAlbum`
 * tracks each (listed under `artists:`); `playlists` playlists of
 * `tracksPerPlaylist` rows and `songs` single songs. A `sharedFraction` of the
 * playlist rows and of the songs are tracks of those artists' albums (what a
 * real library looks like: the same song reached from several sources); the
 * rest are other tracks, on albums of other artists, spread across playlists.
 */
import { stringify } from "yaml";
import type { RawObject, SpotifyCatalog } from "../tests/fakes/spotify_fake.ts";

/** How big the library is. */
export interface LibrarySpec {
  playlists: number;
  tracksPerPlaylist: number;
  artists: number;
  albumsPerArtist: number;
  tracksPerAlbum: number;
  songs: number;
  /** Share of playlist rows and songs that are tracks of the listed artists' albums. */
  sharedFraction: number;
  seed: number;
}

/** The brief's 1x library: 20x150 playlists, 10 artists x 20 albums x 10 tracks, 100 songs. */
export const BASE_LIBRARY: LibrarySpec = {
  playlists: 20,
  tracksPerPlaylist: 150,
  artists: 10,
  albumsPerArtist: 20,
  tracksPerAlbum: 10,
  songs: 100,
  sharedFraction: 1 / 3,
  seed: 20260401,
};

/** A small library for `--quick` smoke runs. */
export const QUICK_LIBRARY: LibrarySpec = {
  playlists: 2,
  tracksPerPlaylist: 30,
  artists: 2,
  albumsPerArtist: 3,
  tracksPerAlbum: 5,
  songs: 10,
  sharedFraction: 1 / 3,
  seed: 20260401,
};

/** The base library with the number of sources (not their sizes) multiplied by `scale`. */
export function scaledLibrary(scale: number, base: LibrarySpec = BASE_LIBRARY): LibrarySpec {
  if (!(scale > 0)) throw new RangeError(`scale must be positive, got ${scale}`);
  const times = (n: number) => Math.max(1, Math.round(n * scale));
  return {
    ...base,
    playlists: times(base.playlists),
    artists: times(base.artists),
    songs: times(base.songs),
  };
}

/** The library: the fake's catalog plus the ids a config lists. */
export interface SyntheticLibrary {
  spec: LibrarySpec;
  catalog: SpotifyCatalog;
  /** Ids listed in the config, per source list. */
  sources: { songs: string[]; artists: string[]; playlists: string[] };
  /** Owner of every playlist (the fake's current user). */
  ownerId: string;
}

/** Options of buildSyntheticLibrary. */
export interface SyntheticLibraryOptions {
  /** Origin of cover image URLs (a local server), e.g. "http://127.0.0.1:4000". */
  imageOrigin: string;
  /** Playlist owner id (default "bench-user"). */
  ownerId?: string;
}

const API = "https://api.spotify.com/v1";
const OPEN = "https://open.spotify.com";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// What a real pre-2026 answer carries per track and album (the bulk of its bytes).
const MARKETS = (
  "AR AU AT BE BO BR BG CA CL CO CR CY CZ DK DO DE EC EE SV FI FR GR GT HN HK HU IS IE IT LV " +
  "LT LU MY MT MX NL NZ NI NO PA PY PE PH PL PT SG SK ES SE CH TW TR UY US GB AD LI MC ID JP " +
  "TH VN RO IL ZA SA AE BH QA OM KW EG MA DZ TN LB JO PS IN BY KZ MD UA AL BA HR ME MK RS SI " +
  "KR BD PK LK GH KE NG TZ UG AG AM BS BB BZ BT BW BF CV CW DM FJ GM GE GD GW GY HT JM KI LS " +
  "LR MW MV ML MH FM NA NR NE PW PG PR WS SM ST SN SC SL SB KN LC VC SR TL TO TT TV VU AZ BN " +
  "BI KH CM TD KM GQ SZ GA GN KG LA MO MR MN NP RW TG UZ ZW BJ MG MU MZ AO CI DJ ZM CD CG IQ " +
  "LY TJ VE ET XK"
).split(" ");
const WORDS = (
  "amber harbor silver meadow quiet river neon echo velvet storm golden hollow crimson tide " +
  "paper moon distant shore electric bloom midnight garden broken signal lunar drift winter " +
  "signal copper sky glass canyon wild orbit faded light ivory coast static heart"
).split(" ");
const GENRES = ["indie pop", "synthwave", "deep house", "alt rock", "lo-fi", "dream pop"];

/** Mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ArtistSeed {
  id: string;
  name: string;
}

interface AlbumSeed {
  id: string;
  name: string;
  artist: ArtistSeed;
  releaseDate: string;
  trackIds: string[];
}

/** Builds the catalog and the config's source ids for a spec. */
export function buildSyntheticLibrary(
  spec: LibrarySpec,
  options: SyntheticLibraryOptions,
): SyntheticLibrary {
  const random = prng(spec.seed);
  const ownerId = options.ownerId ?? "bench-user";
  const usedIds = new Set<string>();
  const newId = (prefix: string) => {
    for (;;) {
      let id = prefix;
      while (id.length < 22) id += BASE62[Math.floor(random() * 62)];
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };
  const pickWord = () => WORDS[Math.floor(random() * WORDS.length)];
  const title = (n: number) => `${cap(pickWord())} ${cap(pickWord())} ${n}`;
  let isrcSerial = 0;

  const catalog: SpotifyCatalog = {
    tracks: {},
    albums: {},
    album_tracks: {},
    artists: {},
    artist_albums: {},
    playlists: {},
    playlist_items: {},
  };
  const artistRef = (a: ArtistSeed): RawObject => ({
    external_urls: { spotify: `${OPEN}/artist/${a.id}` },
    href: `${API}/artists/${a.id}`,
    id: a.id,
    name: a.name,
    type: "artist",
    uri: `spotify:artist:${a.id}`,
  });
  const images = (id: string, size: number, kind: string) =>
    [640, 300, 64].filter((s) => s <= size).map((s) => ({
      url: `${options.imageOrigin}/image/${kind}${s}${id}`,
      height: s,
      width: s,
    }));
  const albumSummary = (album: AlbumSeed): RawObject => ({
    album_type: "album",
    total_tracks: album.trackIds.length,
    available_markets: MARKETS,
    external_urls: { spotify: `${OPEN}/album/${album.id}` },
    href: `${API}/albums/${album.id}`,
    id: album.id,
    images: images(album.id, 640, "ab67616d"),
    name: album.name,
    release_date: album.releaseDate,
    release_date_precision: "day",
    type: "album",
    uri: `spotify:album:${album.id}`,
    artists: [artistRef(album.artist)],
  });

  let artistSerial = 0;
  const addArtist = (): ArtistSeed => {
    const artist = {
      id: newId("r"),
      name: `${cap(pickWord())} ${cap(pickWord())} ${++artistSerial}`,
    };
    catalog.artists[artist.id] = {
      external_urls: { spotify: `${OPEN}/artist/${artist.id}` },
      followers: { href: null, total: Math.floor(random() * 100000) },
      genres: [GENRES[Math.floor(random() * GENRES.length)]],
      href: `${API}/artists/${artist.id}`,
      id: artist.id,
      images: images(artist.id, 640, "ab676161"),
      name: artist.name,
      popularity: Math.floor(random() * 100),
      type: "artist",
      uri: `spotify:artist:${artist.id}`,
    };
    return artist;
  };

  let albumSerial = 0;
  let trackSerial = 0;
  /** An album with full and simplified tracks in the catalog; returns its track ids. */
  const addAlbum = (artist: ArtistSeed): AlbumSeed => {
    const year = 1990 + Math.floor(random() * 35);
    const album: AlbumSeed = {
      id: newId("a"),
      name: `${cap(pickWord())} ${cap(pickWord())} LP ${++albumSerial}`,
      artist,
      releaseDate: `${year}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      trackIds: [],
    };
    const summary = albumSummary(album);
    const simplified: RawObject[] = [];
    for (let n = 1; n <= spec.tracksPerAlbum; n++) {
      const id = newId("t");
      album.trackIds.push(id);
      const common: RawObject = {
        artists: [artistRef(artist)],
        available_markets: MARKETS,
        disc_number: 1,
        duration_ms: 150_000 + Math.floor(random() * 150_000),
        explicit: false,
        external_urls: { spotify: `${OPEN}/track/${id}` },
        href: `${API}/tracks/${id}`,
        id,
        is_local: false,
        name: title(++trackSerial),
        preview_url: null,
        track_number: n,
        type: "track",
        uri: `spotify:track:${id}`,
      };
      simplified.push(common);
      catalog.tracks[id] = {
        ...common,
        album: summary,
        external_ids: { isrc: `QZBEN${String(++isrcSerial).padStart(7, "0")}` },
        popularity: Math.floor(random() * 100),
      };
    }
    catalog.album_tracks[album.id] = simplified;
    const firstPage = simplified.slice(0, 50);
    catalog.albums[album.id] = {
      ...summary,
      copyrights: [{ text: `(P) ${year} Bench Records`, type: "P" }],
      external_ids: { upc: String(100000000000 + albumSerial) },
      genres: [],
      label: "Bench Records",
      popularity: Math.floor(random() * 100),
      tracks: {
        href: `${API}/albums/${album.id}/tracks?offset=0&limit=50`,
        items: firstPage,
        limit: 50,
        next: simplified.length > 50 ? `${API}/albums/${album.id}/tracks?offset=50&limit=50` : null,
        offset: 0,
        previous: null,
        total: simplified.length,
      },
    };
    return album;
  };

  // The listed artists and their albums.
  const artistIds: string[] = [];
  const artistTrackIds: string[] = [];
  for (let i = 0; i < spec.artists; i++) {
    const artist = addArtist();
    artistIds.push(artist.id);
    const rows: RawObject[] = [];
    for (let j = 0; j < spec.albumsPerArtist; j++) {
      const album = addAlbum(artist);
      artistTrackIds.push(...album.trackIds);
      rows.push({ ...albumSummary(album), album_group: "album" });
    }
    catalog.artist_albums[artist.id] = rows;
  }

  // Other tracks (playlists and songs not shared with the artists), on albums of other artists.
  const sharedRows = Math.round(spec.tracksPerPlaylist * spec.sharedFraction);
  const sharedSongs = Math.round(spec.songs * spec.sharedFraction);
  const otherNeeded = spec.playlists * (spec.tracksPerPlaylist - sharedRows) +
    (spec.songs - sharedSongs);
  const otherTrackIds: string[] = [];
  while (otherTrackIds.length < otherNeeded) otherTrackIds.push(...addAlbum(addArtist()).trackIds);
  otherTrackIds.length = otherNeeded; // extra tracks of the last album stay in the catalog only
  shuffle(otherTrackIds, random);
  const pickShared = () => {
    if (artistTrackIds.length === 0) return otherTrackIds.pop()!;
    return artistTrackIds[Math.floor(random() * artistTrackIds.length)];
  };

  const playlistIds: string[] = [];
  for (let p = 0; p < spec.playlists; p++) {
    const id = newId("p");
    playlistIds.push(id);
    const trackIds: string[] = [];
    const shared = new Set<string>();
    while (shared.size < Math.min(sharedRows, artistTrackIds.length)) shared.add(pickShared());
    trackIds.push(...shared);
    while (trackIds.length < spec.tracksPerPlaylist && otherTrackIds.length > 0) {
      trackIds.push(otherTrackIds.pop()!);
    }
    shuffle(trackIds, random);
    const addedBy = {
      external_urls: { spotify: `${OPEN}/user/${ownerId}` },
      href: `${API}/users/${ownerId}`,
      id: ownerId,
      type: "user",
      uri: `spotify:user:${ownerId}`,
    };
    catalog.playlist_items[id] = trackIds.map((trackId, position) => ({
      added_at: new Date(Date.UTC(2024, 0, 1) + position * 3_600_000).toISOString()
        .replace(/\.\d+Z$/, "Z"),
      added_by: addedBy,
      is_local: false,
      primary_color: null,
      track: { ...catalog.tracks[trackId], episode: false, track: true },
      video_thumbnail: { url: null },
    }));
    catalog.playlists[id] = {
      collaborative: false,
      description: `Benchmark playlist ${p + 1}`,
      external_urls: { spotify: `${OPEN}/playlist/${id}` },
      followers: { href: null, total: 0 },
      href: `${API}/playlists/${id}`,
      id,
      images: images(id, 640, "ab67706c"),
      name: `Bench Playlist ${p + 1}`,
      owner: { ...addedBy, display_name: "Bench User" },
      primary_color: null,
      public: false,
      snapshot_id: `AAAA${id}`,
      tracks: { href: `${API}/playlists/${id}/tracks`, total: trackIds.length },
      type: "playlist",
      uri: `spotify:playlist:${id}`,
    };
  }

  const songIds = new Set<string>();
  while (songIds.size < Math.min(sharedSongs, artistTrackIds.length)) songIds.add(pickShared());
  while (songIds.size < spec.songs && otherTrackIds.length > 0) songIds.add(otherTrackIds.pop()!);

  return {
    spec,
    catalog,
    sources: { songs: [...songIds], artists: artistIds, playlists: playlistIds },
    ownerId,
  };
}

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** The config a user with this library would write. */
export function configYaml(
  library: SyntheticLibrary,
  options: { includePlaylists: boolean; threads: number; format: string; spotifyRate?: number },
): string {
  const link = (kind: string, id: string) => `https://open.spotify.com/${kind}/${id}`;
  const download: Record<string, unknown> = {
    threads: options.threads,
    format: options.format,
    output: "music/{artist}/{album}/{track-number} - {title}.{output-ext}",
    m3u_output: "music/{playlist}.m3u8",
  };
  if (options.spotifyRate !== undefined) {
    download.spotify_rate_limit_requests = options.spotifyRate;
    download.spotify_rate_limit_window = 1;
  }
  const config: Record<string, unknown> = {
    version: "1.2",
    download,
    songs: library.sources.songs.map((id) => link("track", id)),
    artists: library.sources.artists.map((id) => link("artist", id)),
  };
  if (options.includePlaylists) {
    config.playlists = library.sources.playlists.map((id) => link("playlist", id));
  }
  return stringify(config);
}
