/**
 * `tunedl explain` end to end: the real command in a subprocess against the
 * offline music world (fake Spotify + fake YouTube on 127.0.0.1).
 */
import assert from "node:assert/strict";
import { makeTempWorkspace, parseStdoutJson, runTunedl } from "../fakes/cli_runner.ts";
import { startMusicWorld } from "../fakes/music_world.ts";
import { FIXTURE_IDS } from "../fakes/spotify_fake.ts";

/** "Ropes" by Dirty Palm, Chandler Jewels: a single with an ISRC. */
const ROPES = FIXTURE_IDS.track;
const ROPES_ISRC = "GB2LD2110301";
/** "Test Drive" (John Powell), served by Spotify but made missing on YouTube. */
const TEST_DRIVE = "2QTDuJIGKUjR7E2Q6KupIh";
/** "Puzzle - VIP" (RetroVision), made missing: the search then finds only the original "Puzzle". */
const PUZZLE_VIP = "4PDJE4qhWYWbwy5smF1ur5";
/** "Sunburst" (Tobu, Itro): pinned to a video by an override. */
const SUNBURST = "5NcYCtoBkAGyxL5SCF64av";
const OVERRIDE_URL = "https://www.youtube.com/watch?v=pinnedVideo1";

const trackLink = (id: string) => `https://open.spotify.com/track/${id}`;

interface ExplainJson {
  ok: boolean;
  track: { spotify_id: string; title: string; artists: string[]; isrc?: string };
  override: string | null;
  result: {
    status: "found" | "not_found";
    best?: {
      candidate: { video_id: string; title: string; provider: string };
      score: { total: number; title: number; artist: number };
      query: string;
    };
    candidates: unknown[];
    queries: { provider: string; query: string; count: number }[];
    threshold: number;
  };
}

Deno.test("tunedl explain against the music world", async (t) => {
  const world = await startMusicWorld({ missing: [TEST_DRIVE, PUZZLE_VIP] });
  await using work = await makeTempWorkspace({ prefix: "tunedl-explain-" });
  try {
    const config = await work.writeConfig({
      version: "1.2",
      download: { output: "music/{artist}/{title}.{output-ext}", spotify_retry_base_delay: 0.01 },
      overrides: { [trackLink(SUNBURST)]: OVERRIDE_URL },
    });
    const env = { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir };
    const explain = (...args: string[]) =>
      runTunedl(["explain", ...args, "--config", config], { env, cwd: work.dir, inProcess: true });

    await t.step("a known track: the track, the ISRC search, the winner and why", async () => {
      const run = await explain(trackLink(ROPES));
      assert.equal(run.code, 0, run.stderr);
      const out = run.stdout;
      assert.match(
        out,
        /^Dirty Palm, Chandler Jewels - Ropes \(Ropes, 3:08, ISRC GB2LD2110301\)$/m,
      );
      assert.match(out, /^\s+youtube-music "GB2LD2110301": 1 result$/m);
      const videoId = world.videoIdFor(ROPES);
      assert.ok(
        out.includes(
          `Found "Ropes" by Dirty Palm, Chandler Jewels [youtube-music song ${videoId}]`,
        ),
        out,
      );
      assert.match(out, /title \d\.\d\d, artist \d\.\d\d, duration \d\.\d\d \(off by [\d.]+ s\)/);
      assert.match(out, /^Why: it scored highest/m);
      assert.doesNotMatch(out, /Override in the config/);
    });

    await t.step("--json: one document with the track and the found match", async () => {
      const run = await explain(trackLink(ROPES), "--json");
      assert.equal(run.code, 0, run.stderr);
      const doc = parseStdoutJson<ExplainJson>(run);
      assert.equal(doc.ok, true);
      assert.equal(doc.track.spotify_id, ROPES);
      assert.equal(doc.track.title, "Ropes");
      assert.equal(doc.track.isrc, ROPES_ISRC);
      assert.equal(doc.override, null);
      assert.equal(doc.result.status, "found");
      assert.ok(doc.result.best, "result.best is set");
      assert.equal(doc.result.best.candidate.video_id, world.videoIdFor(ROPES));
      assert.equal(doc.result.best.query, ROPES_ISRC);
      assert.ok(doc.result.best.score.total >= doc.result.threshold);
      assert.equal(doc.result.queries[0].query, ROPES_ISRC);
    });

    await t.step("a track YouTube does not have: exit 1 and Not found", async () => {
      const run = await explain(trackLink(TEST_DRIVE));
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /^John Powell - Test Drive/m);
      assert.match(run.stdout, /^Not found: /m);
      assert.match(run.stdout, /^Why: /m);

      const json = await explain(trackLink(TEST_DRIVE), "--json");
      assert.equal(json.code, 1);
      const doc = parseStdoutJson<ExplainJson>(json);
      assert.equal(doc.result.status, "not_found");
      assert.equal(doc.result.best, undefined);
    });

    await t.step(
      "only another version found: not found, with the rule that rejected it",
      async () => {
        const run = await explain(trackLink(PUZZLE_VIP));
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stdout, /^RetroVision - Puzzle - VIP /m);
        assert.match(run.stdout, /^Not found: all 2 candidates were rejected/m);
        assert.match(
          run.stdout,
          /rejected by the length rule: length differs by 7 s \(tolerance 5 s for released audio\)\s+"Puzzle" by RetroVision/,
        );
        assert.match(
          run.stdout,
          /-0\.35 VIP version \(in the Spotify title, not in the candidate's\)/,
        );

        const json = await explain(trackLink(PUZZLE_VIP), "--json");
        assert.equal(json.code, 1);
        const doc = parseStdoutJson<ExplainJson>(json);
        assert.equal(doc.result.status, "not_found");
        const [closest] = doc.result.candidates as { score: { rule?: string; total: number } }[];
        assert.equal(closest.score.rule, "duration");
        assert.equal(closest.score.total, 0);
      },
    );

    await t.step("an album link: exit 2 saying it is an album", async () => {
      const run = await explain(`https://open.spotify.com/album/${FIXTURE_IDS.album25}`);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /not a Spotify track link \(it is an album\)/);
      assert.match(run.stderr, /^hint: /m);
      assert.equal(run.stdout, "");
    });

    await t.step("no link: exit 2 asking for one", async () => {
      const run = await explain();
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /a Spotify track URL is required/);
    });

    await t.step("an override for the track is shown", async () => {
      const run = await explain(trackLink(SUNBURST));
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Tobu, Itro - Sunburst /m);
      assert.ok(
        run.stdout.includes(`Override in the config: ${OVERRIDE_URL}`),
        run.stdout,
      );

      const json = await explain(trackLink(SUNBURST), "--json");
      assert.equal(json.code, 0, json.stderr);
      assert.equal(parseStdoutJson<ExplainJson>(json).override, OVERRIDE_URL);
    });

    await t.step("no config file: the defaults and the environment's credentials", async () => {
      const empty = `${work.dir}/empty`;
      await Deno.mkdir(empty);
      const run = await runTunedl(["explain", trackLink(ROPES)], {
        env,
        cwd: empty,
        inProcess: true,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Dirty Palm, Chandler Jewels - Ropes /m);
    });
  } finally {
    await world.close();
  }
});
