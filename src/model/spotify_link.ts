/**
 * Reading the Spotify links people paste into a config: share links (with
 * `?si=` tracking, `intl-xx/` locale prefixes, with or without a scheme),
 * embed links, legacy `user/<x>/playlist/` links and `spotify:` URIs.
 */
/** The kinds of Spotify link a config may list. */
export type SpotifyKind = "track" | "album" | "artist" | "playlist";

/** A parsed Spotify link: kind, id and canonical URL. */
export interface SpotifyRef {
  kind: SpotifyKind;
  id: string;
  /** Canonical `https://open.spotify.com/<kind>/<id>` URL. */
  url: string;
}

/** The kinds a config can list, in the order the config lists them. */
export const SPOTIFY_KINDS: readonly SpotifyKind[] = ["track", "album", "artist", "playlist"];

const ID_PATTERN = /^[0-9A-Za-z]{22}$/;
const HOSTS = new Set(["open.spotify.com", "play.spotify.com"]);
/** Kinds that exist on Spotify but that tunedl cannot download, named for error messages. */
const OTHER_KINDS: Record<string, string> = {
  episode: "a podcast episode",
  show: "a podcast",
  audiobook: "an audiobook",
  chapter: "an audiobook chapter",
  user: "a user profile",
  genre: "a genre page",
  concert: "a concert",
  search: "a search page",
};

/** What a string turned out to be, with enough detail for a precise error message. */
export type SpotifyLinkAnalysis =
  | { type: "ref"; ref: SpotifyRef }
  | { type: "liked" }
  /** A Spotify link of a kind tunedl cannot list (`what` reads "a podcast episode"). */
  | { type: "unsupported"; what: string }
  /** A Spotify link whose id is not 22 letters and digits. */
  | { type: "bad_id"; kind: SpotifyKind; id: string }
  /** A bare 22-character id: which kind it is cannot be known. */
  | { type: "bare_id"; id: string }
  /** A spotify.link / spotify.app.link short link, which only Spotify's servers can expand. */
  | { type: "short_link" }
  | { type: "not_spotify" };

/** The canonical `https://open.spotify.com/<kind>/<id>` URL. */
export function spotifyUrl(kind: SpotifyKind, id: string): string {
  return `https://open.spotify.com/${kind}/${id}`;
}

/** Parses a Spotify track/album/artist/playlist link or URI; null for anything else. */
export function parseSpotifyUrl(input: string): SpotifyRef | null {
  const analysis = analyzeSpotifyLink(input);
  return analysis.type === "ref" ? analysis.ref : null;
}

/** Whether a string means the user's Liked Songs (`liked`, a collection link or URI). */
export function isLikedSongsLink(input: string): boolean {
  return input.trim().toLowerCase() === "liked" || analyzeSpotifyLink(input).type === "liked";
}

/** Classifies a string as a Spotify reference, Liked Songs, or the reason it is neither. */
export function analyzeSpotifyLink(input: string): SpotifyLinkAnalysis {
  const text = input.trim();
  if (/^spotify:/i.test(text)) return analyzeUri(text);
  if (ID_PATTERN.test(text)) return { type: "bare_id", id: text };
  const url = toUrl(text);
  if (url === null) return { type: "not_spotify" };
  const host = url.hostname.toLowerCase();
  if (host === "spotify.link" || host.endsWith(".app.link")) return { type: "short_link" };
  if (!HOSTS.has(host)) return { type: "not_spotify" };
  return analyzeSegments(url.pathname.split("/").filter((part) => part !== ""));
}

function toUrl(text: string): URL | null {
  // People copy links without the scheme ("open.spotify.com/track/..."); URL needs one.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(withScheme);
    return url.protocol === "https:" || url.protocol === "http:" ? url : null;
  } catch {
    return null;
  }
}

function analyzeSegments(segments: string[]): SpotifyLinkAnalysis {
  let parts = segments;
  // Locale prefixes ("intl-de", "intl-pt-br") and the embed player wrap the same path.
  if (parts.length > 0 && /^intl-[a-z]{2}(-[a-z0-9]{2,4})?$/i.test(parts[0])) {
    parts = parts.slice(1);
  }
  if (parts.length > 0 && parts[0].toLowerCase() === "embed") parts = parts.slice(1);
  if (parts.length === 0) return { type: "not_spotify" };
  const first = parts[0].toLowerCase();
  if (first === "collection" && parts[1]?.toLowerCase() === "tracks") return { type: "liked" };
  // Legacy playlist links: /user/<owner>/playlist/<id>.
  if (first === "user" && parts.length >= 4 && parts[2].toLowerCase() === "playlist") {
    return checkId("playlist", parts[3]);
  }
  if (first === "user" && parts.length >= 3 && parts[2].toLowerCase() === "collection") {
    return { type: "liked" };
  }
  return analyzeKind(first, parts[1]);
}

function analyzeUri(text: string): SpotifyLinkAnalysis {
  const parts = text.split(":").slice(1);
  if (parts.length === 0) return { type: "not_spotify" };
  const first = parts[0].toLowerCase();
  if (first === "collection" && (parts[1] === undefined || parts[1].toLowerCase() === "tracks")) {
    return { type: "liked" };
  }
  if (first === "user") {
    if (parts[2]?.toLowerCase() === "collection") return { type: "liked" };
    if (parts[2]?.toLowerCase() === "playlist") return checkId("playlist", parts[3] ?? "");
  }
  return analyzeKind(first, parts[1]);
}

function analyzeKind(kind: string, id: string | undefined): SpotifyLinkAnalysis {
  if ((SPOTIFY_KINDS as readonly string[]).includes(kind)) {
    return checkId(kind as SpotifyKind, id ?? "");
  }
  const what = OTHER_KINDS[kind];
  return what === undefined ? { type: "not_spotify" } : { type: "unsupported", what };
}

function checkId(kind: SpotifyKind, id: string): SpotifyLinkAnalysis {
  return ID_PATTERN.test(id)
    ? { type: "ref", ref: { kind, id, url: spotifyUrl(kind, id) } }
    : { type: "bad_id", kind, id };
}
