/**
 * `tunedl plan` end to end: the real command in a subprocess against the fake
 * Spotify API on 127.0.0.1, a temp cache folder per case. One fake serves the
 * whole file; each step resets it (requests, faults, mode) first.
 */
import assert from "node:assert/strict";
import { dirname, isAbsolute, relative } from "node:path";
import type { PlanItem } from "../../src/plan/mod.ts";
import {
  makeTempWorkspace,
  parseStdoutJson,
  runTunedl,
  type TempWorkspace,
  type TunedlRun,
} from "../fakes/cli_runner.ts";
import {
  type FakeApiMode,
  type FakeSpotify,
  FIXTURE_IDS,
  type RawObject,
  startFakeSpotify,
} from "../fakes/spotify_fake.ts";

/** "Sunburst" (Tobu): a single whose one track is also on the fixture playlist. */
const SUNBURST_ALBUM = "4yS3vUFIaE2xilaeYz3p9q";
const SUNBURST_TRACK = "5NcYCtoBkAGyxL5SCF64av";
/** A well-formed id the catalog does not have. */
const MISSING_ALBUM = "0000000000000000000000";

const link = (kind: string, id: string) => `https://open.spotify.com/${kind}/${id}`;
const TEMPLATE = "music/{artist}/{album}/{track-number} - {title}.{output-ext}";

/** The config of most cases: every kind of source, one album repeated through the playlist. */
function fullConfig(download: Record<string, unknown> = {}) {
  return {
    version: "1.2",
    download: {
      output: TEMPLATE,
      // Fast retries and no pacing: the fake does not need protecting.
      spotify_retry_base_delay: 0.01,
      spotify_rate_limit_enabled: false,
      ...download,
    },
    songs: [link("track", FIXTURE_IDS.track)],
    albums: [FIXTURE_IDS.album25, FIXTURE_IDS.album16, FIXTURE_IDS.album10, SUNBURST_ALBUM]
      .map((id) => link("album", id)),
    artists: [link("artist", FIXTURE_IDS.artist)],
    playlists: [{ "NCS Top 10": link("playlist", FIXTURE_IDS.playlist) }],
  };
}

/** What `plan --json` prints. */
interface PlanOutput {
  config_hash: string;
  created_at: string;
  library: string;
  listed: { songs: number; albums: number; artists: number; playlists: number; liked: boolean };
  counts: {
    tracks: number;
    by_type: Record<string, number>;
    to_download: number;
    to_retag: number;
    present: number;
    failed: number;
    skipped: number;
    sources_failed: number;
  };
  items: PlanItem[];
}

/** The plan a run printed; `code` 1 when a source (here: a withheld playlist) could not be read. */
function planOf(run: TunedlRun, code = 0): PlanOutput {
  assert.equal(run.code, code, `plan exit code:\n${run.stderr}`);
  return parseStdoutJson<PlanOutput>(run);
}

const tracksOf = (plan: PlanOutput) => plan.items.filter((item) => item.type === "track");
const itemOf = (plan: PlanOutput, id: string) => {
  const item = plan.items.find((candidate) => candidate.id === id);
  assert.ok(item, `no item ${id}`);
  return item;
};
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
/** Comparable views of items (default: the tracks): what a run does, where, relative to the library. */
const shapesOf = (plan: PlanOutput, items: PlanItem[] = tracksOf(plan)) =>
  items.map((item) => ({
    id: item.id,
    path: item.path === undefined ? undefined : relative(plan.library, item.path),
    status: item.status,
    action: item.action,
    children: item.children,
  })).sort(byId);

/** The fixture playlist's playable track ids, in playlist order (the removed first row left out). */
function playableTrackIds(fake: FakeSpotify): string[] {
  return fake.catalog.playlist_items[FIXTURE_IDS.playlist]
    .map((row) => (row.track as RawObject | null)?.id)
    .filter((id): id is string => typeof id === "string" && id !== FIXTURE_IDS.removedTrack);
}

/** Runs the plan command with the fake's URLs and credentials and the workspace's cache. */
function runPlan(
  fake: FakeSpotify,
  work: TempWorkspace,
  args: string[],
  env: Record<string, string> = {},
): Promise<TunedlRun> {
  return runTunedl(["plan", ...args], {
    inProcess: true,
    cwd: work.dir,
    env: {
      TUNEDL_SPOTIFY_API_URL: fake.url,
      TUNEDL_SPOTIFY_ACCOUNTS_URL: fake.accountsUrl,
      TUNEDL_CACHE_DIR: work.cacheDir,
      SPOTIFY_CLIENT_ID: fake.clientId,
      SPOTIFY_CLIENT_SECRET: fake.clientSecret,
      ...env,
    },
  });
}

/** Resets the shared fake to a known state. */
function resetFake(fake: FakeSpotify, mode: FakeApiMode): void {
  fake.reset();
  fake.setMode(mode);
  fake.setPremium(true);
}

/** Requests to the Web API (not the token endpoint), per endpoint. */
function apiCounts(fake: FakeSpotify): Record<string, number> {
  const counts = fake.counts();
  delete counts["POST /api/token"];
  return counts;
}

function assertInside(dir: string, path: string | undefined, what: string): void {
  assert.ok(path && isAbsolute(path), `${what}: path ${path} is not absolute`);
  const rel = relative(dir, path);
  assert.ok(
    rel !== "" && !rel.startsWith("..") && !isAbsolute(rel),
    `${what}: ${path} not in ${dir}`,
  );
}

Deno.test("tunedl plan against the fake Spotify API", async (t) => {
  await using fake = await startFakeSpotify({ mode: "pre2026" });
  // Kept for comparisons between steps; each step that fills one runs before its readers.
  let pre2026Plan: PlanOutput | undefined;
  let plan2026: PlanOutput | undefined;

  await t.step(
    "pre2026: every source planned, duplicates merged, paths in the library",
    async () => {
      resetFake(fake, "pre2026");
      await using work = await makeTempWorkspace();
      const config = await work.writeConfig(fullConfig());
      const run = await runPlan(fake, work, ["--config", config, "--json"]);
      const plan = planOf(run);
      pre2026Plan = plan;

      // 1 song + 25 + 16 + 10 + 1 (Sunburst) + 8 artist singles + 9 playlist tracks,
      // of which Sunburst is also on the playlist, and "We Are" is the playlist's track that
      // NCS: The Best of 2016 lists relinked (linked_from): 68 distinct tracks.
      assert.deepEqual(plan.counts.by_type, {
        track: 68,
        album: 12,
        artist: 1,
        playlist: 1,
        m3u: 1,
      });
      assert.equal(plan.counts.to_download, 68);
      assert.equal(plan.counts.tracks, 68);
      assert.equal(plan.counts.present + plan.counts.failed + plan.counts.skipped, 0);
      assert.deepEqual(plan.listed, {
        songs: 1,
        albums: 4,
        artists: 1,
        playlists: 1,
        liked: false,
      });
      // Every key of the document is snake_case, the tracks' metadata included.
      const keys = [...JSON.stringify(plan).matchAll(/"([^"]+)":/g)].map((match) => match[1]);
      const camel = keys.filter((key) => /[a-z][A-Z]/.test(key) && !key.startsWith("track:"));
      assert.deepEqual([...new Set(camel)], []);
      assert.equal(plan.library, work.libraryDir);
      assert.match(plan.config_hash, /^[0-9a-f]{8,}$/);
      assert.ok(!Number.isNaN(Date.parse(plan.created_at)));

      const tracks = tracksOf(plan);
      for (const track of tracks) {
        assert.equal(track.status, "pending", track.id);
        assert.equal(track.action, "download", track.id);
        assertInside(work.libraryDir, track.path, track.id);
        assert.match(track.path!, /\.mp3$/);
      }
      const paths = tracks.map((track) => track.path!.toLowerCase());
      assert.equal(new Set(paths).size, paths.length, "two tracks share a path");
      assert.equal(new Set(tracks.map((track) => track.spotify_id)).size, tracks.length);

      // The shared track: one item, filed under its album first, listed by both.
      const shared = tracks.filter((track) => track.spotify_id === SUNBURST_TRACK);
      assert.equal(shared.length, 1);
      assert.deepEqual(shared[0].parent_ids, [
        `album:${SUNBURST_ALBUM}`,
        `playlist:${FIXTURE_IDS.playlist}`,
      ]);
      assert.equal(shared[0].parent_id, `album:${SUNBURST_ALBUM}`);
      const playlist = itemOf(plan, `playlist:${FIXTURE_IDS.playlist}`);
      assert.ok(playlist.children.includes(shared[0].id));
      assert.ok(itemOf(plan, `album:${SUNBURST_ALBUM}`).children.includes(shared[0].id));

      // The M3U lists the 9 playable tracks in playlist order, and sits in the library. "We Are"
      // is the album's relinked copy (NCS: The Best of 2016 lists 4NDQ... linked from 5zrJ...).
      const expected = playableTrackIds(fake);
      assert.equal(expected.length, 9);
      const m3u = itemOf(plan, `m3u:${FIXTURE_IDS.playlist}`);
      assert.deepEqual(
        (m3u.metadata as unknown as { track_item_ids: string[] }).track_item_ids,
        expected.map((id) =>
          id === "5zrJNZeC9Fs2hudgynhdvB" ? "track:4NDQRYO2WNvD9839OrAZKU" : `track:${id}`
        ),
      );
      assertInside(work.libraryDir, m3u.path, m3u.id);
      assert.match(m3u.path!, /\.m3u8$/);
      assert.equal(m3u.status, "pending");

      // Album and artist structure.
      assert.equal(itemOf(plan, `album:${FIXTURE_IDS.album25}`).children.length, 25);
      assert.equal(itemOf(plan, `album:${FIXTURE_IDS.album16}`).children.length, 16);
      assert.equal(itemOf(plan, `album:${FIXTURE_IDS.album10}`).children.length, 10);
      const artist = itemOf(plan, `artist:${FIXTURE_IDS.artist}`);
      assert.equal(artist.children.length, 8);
      for (const albumId of artist.children) {
        assert.deepEqual(itemOf(plan, albumId).parent_ids, [artist.id]);
      }
      const song = itemOf(plan, `track:${FIXTURE_IDS.track}`);
      assert.deepEqual(song.parent_ids, []);
      assert.equal(song.spotify_url, link("track", FIXTURE_IDS.track));

      // The removed first entry is no item, and the user is told.
      assert.ok(!plan.items.some((item) => item.spotify_id === FIXTURE_IDS.removedTrack));
      assert.match(
        run.stderr,
        /warning: NCS Top 10: 1 of its entries .*left out \(1 removed track\)/,
      );
    },
  );

  await t.step("pre2026 re-run with the same cache: one snapshot check, human output", async () => {
    resetFake(fake, "pre2026");
    await using work = await makeTempWorkspace();
    const config = await work.writeConfig(fullConfig());
    planOf(await runPlan(fake, work, ["--config", config, "--json"]));
    fake.reset();
    const run = await runPlan(fake, work, ["--config", config]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(apiCounts(fake), { "GET /v1/playlists/{id}": 1 });
    assert.equal(fake.count(/^\/v1\/playlists\/[^/?]+\?fields=snapshot_id$/), 1);
    // What the config lists, artist releases apart; the M3U is no track.
    assert.match(
      run.stdout,
      /^Plan: 68 tracks from 1 song, 4 albums, 1 artist \(8 releases\), 1 playlist; 1 M3U file\n/,
    );
    // includes, not a RegExp: a Windows path's backslashes would read as escapes.
    assert.ok(run.stdout.includes(`\nLibrary: ${work.libraryDir}\n`), run.stdout);
    assert.match(run.stdout, /\n {2}to download: +68\n/);
    assert.match(run.stdout, /\n {2}\.\.\. and 18 more \(--all lists every one\)\n$/);
    assert.throws(() => JSON.parse(run.stdout));
  });

  await t.step(
    "2026: the playlist is withheld and skipped; the rest is the same plan",
    async () => {
      assert.ok(pre2026Plan, "needs the pre2026 step");
      resetFake(fake, "2026");
      await using work = await makeTempWorkspace();
      const config = await work.writeConfig(fullConfig());
      const run = await runPlan(fake, work, ["--config", config, "--json"]);
      const plan = planOf(run, 1);
      plan2026 = plan;

      const playlist = itemOf(plan, `playlist:${FIXTURE_IDS.playlist}`);
      assert.equal(playlist.status, "skipped");
      assert.equal(playlist.skip_reason, "withheld");
      assert.deepEqual(playlist.children, []);
      assert.match(`${playlist.error?.message} ${playlist.error?.hint}`, /`tunedl login`/);
      assert.match(playlist.error?.message ?? "", /withholds/);
      assert.ok(!plan.items.some((item) => item.type === "m3u"));
      assert.match(run.stderr, /warning: NCS Top 10: Spotify withholds the tracks of playlist/);
      assert.match(run.stderr, /hint: .*tunedl login/);

      // Every track the pre2026 plan had, except those only the playlist listed:
      // same ids, same paths, same actions.
      const playlistId = `playlist:${FIXTURE_IDS.playlist}`;
      const expected = shapesOf(
        pre2026Plan,
        tracksOf(pre2026Plan).filter((track) =>
          !(track.parent_ids.length === 1 && track.parent_ids[0] === playlistId)
        ),
      );
      assert.equal(expected.length, 61);
      assert.deepEqual(shapesOf(plan), expected);
      assert.deepEqual(itemOf(plan, `track:${SUNBURST_TRACK}`).parent_ids, [
        `album:${SUNBURST_ALBUM}`,
      ]);
      assert.deepEqual(plan.counts.by_type, { track: 61, album: 12, artist: 1, playlist: 1 });
      assert.equal(plan.counts.skipped, 0, "a skipped container is not a skipped track");

      // Cold: one read per album (tracks come embedded), the song's track and nothing per album track.
      const cold = apiCounts(fake);
      assert.equal(cold["GET /v1/albums/{id}"], 12);
      assert.equal(cold["GET /v1/tracks/{id}"], 1);
      assert.equal(cold["GET /v1/albums/{id}/tracks"], undefined);
      // The client learns the rules from the first refused batch read: at most one probe
      // per batch endpoint, then single reads.
      for (const batch of ["GET /v1/tracks", "GET /v1/albums", "GET /v1/artists"]) {
        assert.ok((cold[batch] ?? 0) <= 1, `${batch} probed more than once in 2026`);
      }
      const total = Object.values(cold).reduce((a, b) => a + b, 0);
      assert.ok(total <= 12 + 6 + 3, `cold plan made ${total} requests: ${JSON.stringify(cold)}`);

      // Warm: no album, track or artist reads again; only the playlist is asked again.
      fake.reset();
      const again = planOf(await runPlan(fake, work, ["--config", config, "--json"]), 1);
      const warm = apiCounts(fake);
      for (const endpoint of Object.keys(warm)) {
        assert.match(endpoint, /^GET \/v1\/playlists\/\{id\}(\/items)?$/, JSON.stringify(warm));
      }
      assert.ok((warm["GET /v1/playlists/{id}"] ?? 0) <= 1);
      assert.deepEqual(shapesOf(again), shapesOf(plan));
    },
  );

  await t.step(
    "faults: 429, 503 twice, a dropped connection, malformed JSON → same plan",
    async () => {
      assert.ok(plan2026, "needs the 2026 step");
      resetFake(fake, "2026");
      fake.addFault({ path: `/v1/albums/${FIXTURE_IDS.album25}`, status: 429, retryAfter: 1 });
      fake.addFault({ path: `/v1/albums/${FIXTURE_IDS.album16}`, status: 503, times: 2 });
      fake.addFault({ path: `/v1/albums/${FIXTURE_IDS.album10}`, status: "drop" });
      fake.addFault({ path: `/v1/albums/${SUNBURST_ALBUM}`, status: "malformed-json" });
      fake.addFault({ path: `/v1/artists/${FIXTURE_IDS.artist}/albums`, status: 502 });
      await using work = await makeTempWorkspace();
      const config = await work.writeConfig(fullConfig());
      const plan = planOf(await runPlan(fake, work, ["--config", config, "--json"]), 1);

      const faulted = fake.requests.filter((request) => request.fault).map((r) => r.fault).sort();
      assert.deepEqual(faulted, ["429", "502", "503", "503", "drop", "malformed-json"]);
      assert.equal(plan.counts.failed, 0);
      assert.deepEqual(shapesOf(plan, plan.items), shapesOf(plan2026, plan2026.items));
    },
  );

  await t.step(
    "a Retry-After beyond spotify_retry_max_delay stops the plan with a time",
    async () => {
      resetFake(fake, "2026");
      fake.addFault({ path: "/v1/albums/", status: 429, retryAfter: 3600, times: Infinity });
      await using work = await makeTempWorkspace();
      const config = await work.writeConfig(fullConfig({ spotify_retry_max_delay: 1 }));
      const run = await runPlan(fake, work, ["--config", config, "--json"]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(
        run.stderr,
        /error: Spotify rate limit: .*try again after \d{4}-\d\d-\d\d \d\d:\d\d/,
      );
      const output = parseStdoutJson<{ ok: boolean; error: { code: string; message: string } }>(
        run,
      );
      assert.equal(output.ok, false);
      assert.equal(output.error.code, "rate_limited");
      assert.match(output.error.message, /try again after/);
    },
  );

  await t.step("2026 without Premium: exit 3 with the Premium message", async () => {
    resetFake(fake, "2026");
    fake.setPremium(false);
    await using work = await makeTempWorkspace();
    const config = await work.writeConfig(fullConfig());
    const run = await runPlan(fake, work, ["--config", config, "--json"]);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /error: .*needs Spotify Premium/);
    const output = parseStdoutJson<{ ok: boolean; error: { code: string; hint: string } }>(run);
    assert.equal(output.ok, false);
    assert.equal(output.error.code, "auth");
    assert.match(output.error.hint, /Premium/);
  });

  await t.step(
    "a wrong client secret: exit 3, a message about the credentials, no secret",
    async () => {
      resetFake(fake, "2026");
      await using work = await makeTempWorkspace();
      const config = await work.writeConfig(fullConfig());
      const secret = "not-the-secret-4f9a1c";
      const run = await runPlan(fake, work, ["--config", config, "--json"], {
        SPOTIFY_CLIENT_SECRET: secret,
      });
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, /error: Spotify rejected the client id\/secret/);
      assert.match(
        run.stderr,
        /hint: Check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET in the environment/,
      );
      assert.equal(parseStdoutJson<{ ok: boolean }>(run).ok, false);
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), "secret printed");
    },
  );

  await t.step(
    "an album Spotify does not have: exit 1, that album failed naming its URL",
    async () => {
      resetFake(fake, "2026");
      await using work = await makeTempWorkspace();
      const config = await work.writeConfig({
        version: "1.2",
        download: { output: TEMPLATE, spotify_rate_limit_enabled: false },
        albums: [link("album", FIXTURE_IDS.album10), link("album", MISSING_ALBUM)],
      });
      const run = await runPlan(fake, work, ["--config", config, "--json"]);
      const plan = planOf(run, 1);
      const missing = itemOf(plan, `album:${MISSING_ALBUM}`);
      assert.equal(missing.status, "failed");
      assert.equal(missing.error?.code, "not_found");
      assert.ok(
        missing.error?.message.includes(link("album", MISSING_ALBUM)),
        missing.error?.message,
      );
      assert.equal(plan.counts.sources_failed, 1);
      assert.equal(plan.counts.failed, 0, "no track failed: the album could not be read");
      assert.equal(plan.counts.by_type.track, 10);
      assert.ok(run.stderr.includes(`warning: ${link("album", MISSING_ALBUM)}: `), run.stderr);
    },
  );

  await t.step(
    "existing files: skipped as present, or re-tagged with overwrite: metadata",
    async () => {
      resetFake(fake, "pre2026");
      await using work = await makeTempWorkspace();
      const albumOnly = (overwrite: string) => ({
        version: "1.2",
        download: { output: TEMPLATE, overwrite, spotify_rate_limit_enabled: false },
        albums: [link("album", FIXTURE_IDS.album10)],
      });
      const config = await work.writeConfig(albumOnly("skip"));
      const first = planOf(await runPlan(fake, work, ["--config", config, "--json"]));
      const target = tracksOf(first)[3];
      await Deno.mkdir(dirname(target.path!), { recursive: true });
      await Deno.writeFile(target.path!, new Uint8Array([0xff, 0xfb, 0x90, 0x00]));

      const skip = planOf(await runPlan(fake, work, ["--config", config, "--json"]));
      const present = itemOf(skip, target.id);
      assert.equal(present.status, "skipped");
      assert.equal(present.skip_reason, "exists");
      assert.equal(present.path, target.path);
      assert.equal(skip.counts.present, 1);
      assert.equal(skip.counts.to_download, 9);

      await work.writeConfig(albumOnly("metadata"));
      const retag = planOf(await runPlan(fake, work, ["--config", config, "--json"]));
      const again = itemOf(retag, target.id);
      assert.equal(again.status, "pending");
      assert.equal(again.action, "retag");
      assert.equal(again.skip_reason, undefined);
      assert.equal(retag.counts.to_retag, 1);
      assert.equal(retag.counts.present, 0);
      assert.equal(retag.counts.to_download, 9);
      // The other tracks are untouched by the mode.
      assert.ok(
        tracksOf(retag).filter((t) => t.id !== target.id).every((t) => t.action === "download"),
      );
      assert.equal(retag.library, work.libraryDir);
    },
  );
});
