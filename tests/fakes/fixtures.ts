/**
 * The recorded service data the fakes and parser tests are seeded from.
 *
 * The recordings live outside the repo, in `../shared/fixtures/` beside it. The tests read the
 * copy committed under `tests/fixtures/recorded/`, so that a clone alone (a GitHub runner) can
 * run them: the copy holds only the files and recorded requests the tests use, byte for byte.
 * `deno task fixtures` refreshes it from `../shared/fixtures/`, and `fixtures_test.ts` fails when
 * the two drift apart.
 *
 * Run as a script: `deno run --allow-read --allow-write tests/fakes/fixtures.ts`.
 */
import { fileURLToPath } from "node:url";

/** Where the committed copy lives. */
export const FIXTURES_DIR = new URL("../fixtures/recorded/", import.meta.url);

/** Where the original recordings live, beside the repo. */
export const SHARED_FIXTURES_DIR = new URL("../../../shared/fixtures/", import.meta.url);

/** Files copied whole. */
export const COPIED_FILES = [
  "spotify/catalog.json",
  "youtube-music/search-isrc-GB2LD2210007.json",
  "youtube-music/search-lost-identities-moments.json",
] as const;

/** The recorded Spotify requests (by path) whose answers tests read with `recordedBody`. */
export const RECORDED_SPOTIFY_PATHS = [
  "/v1/albums/7D2NdGvBHIavgLhmcwhluK",
  "/v1/artists/1FPC2zwfMHhrP3frOfaai6/albums",
  "/v1/playlists/5LkNhFidYyyjRWwnkcMbQs",
  "/v1/playlists/5LkNhFidYyyjRWwnkcMbQs/tracks",
  "/v1/tracks/1gqkRc9WtOpnGIqxf2Hvzr",
  "/v1/tracks/1t2qKa8K72IBC8yQlhD9bU",
] as const;

const RECORDED_FILE = "spotify/recorded.jsonl";

/** A file of the committed copy, e.g. `fixtureUrl("spotify/catalog.json")`. */
export function fixtureUrl(relativePath: string): URL {
  return new URL(relativePath, FIXTURES_DIR);
}

/** The committed copy's files as they should be, derived from a recordings folder. */
export async function deriveFixtureFiles(sourceDir: URL): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const file of COPIED_FILES) {
    files.set(file, await Deno.readTextFile(new URL(file, sourceDir)));
  }
  const wanted = new Set<string>(RECORDED_SPOTIFY_PATHS);
  const lines = (await Deno.readTextFile(new URL(RECORDED_FILE, sourceDir))).split("\n")
    .filter((line) => line.trim() !== "" && wanted.has(JSON.parse(line).path));
  files.set(RECORDED_FILE, lines.map((line) => line + "\n").join(""));
  return files;
}

/** The committed copy's files as they are. */
export async function readFixtureFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const file of [...COPIED_FILES, RECORDED_FILE]) {
    files.set(file, await Deno.readTextFile(fixtureUrl(file)));
  }
  return files;
}

/** Whether the original recordings are beside the repo (not on a bare clone). */
export function sharedFixturesPresent(): boolean {
  try {
    return Deno.statSync(new URL(RECORDED_FILE, SHARED_FIXTURES_DIR)).isFile;
  } catch {
    return false;
  }
}

if (import.meta.main) {
  if (!sharedFixturesPresent()) {
    console.error(`error: no recordings at ${fileURLToPath(SHARED_FIXTURES_DIR)}`);
    Deno.exit(1);
  }
  for (const [file, text] of await deriveFixtureFiles(SHARED_FIXTURES_DIR)) {
    const target = fixtureUrl(file);
    await Deno.mkdir(new URL(".", target), { recursive: true });
    await Deno.writeTextFile(target, text);
    console.log(`${file}: ${text.length} characters`);
  }
}
