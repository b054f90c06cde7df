/**
 * `tunedl cache` end to end: the real command in a subprocess on a cache file
 * filled by a real `tunedl plan` run against the fake Spotify.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { makeTempWorkspace, parseStdoutJson, runTunedl } from "../fakes/cli_runner.ts";
import { FIXTURE_IDS, startFakeSpotify } from "../fakes/spotify_fake.ts";

interface StatsJson {
  ok: boolean;
  file: string;
  exists: boolean;
  caches: { name: string; entries: number; bytes: number; hits: number; misses: number }[];
}

const entriesOf = (stats: StatsJson, name: string) => {
  const row = stats.caches.find((c) => c.name === name);
  assert.ok(row, `no ${name} row in ${JSON.stringify(stats.caches)}`);
  return row.entries;
};

Deno.test("tunedl cache", async (t) => {
  const spotify = await startFakeSpotify();
  await using work = await makeTempWorkspace({ prefix: "tunedl-cache-cli-" });
  try {
    // config.yaml in the working folder: `cache` picks it up like the other commands.
    await work.writeConfig({
      version: "1.2",
      download: { output: "music/{artist}/{title}.{output-ext}", spotify_retry_base_delay: 0.01 },
      songs: [`https://open.spotify.com/track/${FIXTURE_IDS.track}`],
      albums: [`https://open.spotify.com/album/${FIXTURE_IDS.album10}`],
    });
    const env = {
      TUNEDL_SPOTIFY_API_URL: spotify.url,
      TUNEDL_SPOTIFY_ACCOUNTS_URL: spotify.accountsUrl,
      SPOTIFY_CLIENT_ID: spotify.clientId,
      SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
      TUNEDL_CACHE_DIR: work.cacheDir,
    };
    const kvFile = join(work.cacheDir, "cache.kv");
    const tunedl = (...args: string[]) => runTunedl(args, { env, cwd: work.dir, inProcess: true });
    const stats = async () => {
      const run = await tunedl("cache", "stats", "--json");
      assert.equal(run.code, 0, run.stderr);
      return parseStdoutJson<StatsJson>(run);
    };
    const kvFiles = async () =>
      (await Array.fromAsync(Deno.readDir(work.cacheDir)))
        .map((e) => e.name).filter((name) => name.startsWith("cache.kv")).sort();

    await t.step("path: <TUNEDL_CACHE_DIR>/cache.kv", async () => {
      const run = await tunedl("cache", "path");
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${kvFile}\n`);
      const json = await tunedl("cache", "path", "--json");
      assert.equal(json.code, 0, json.stderr);
      const doc = parseStdoutJson<{ ok: boolean; dir: string; file: string }>(json);
      assert.deepEqual([doc.ok, doc.dir, doc.file], [true, work.cacheDir, kvFile]);
    });

    await t.step("stats before any run: no cache yet", async () => {
      const run = await tunedl("cache", "stats");
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /No cache yet/);
      assert.equal((await stats()).exists, false);
    });

    await t.step("after a plan run: stats lists spotify entries", async () => {
      const plan = await tunedl("plan");
      assert.equal(plan.code, 0, plan.stderr);
      assert.ok(existsSync(kvFile), "plan wrote the cache file");

      const run = await tunedl("cache", "stats");
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stdout.includes(kvFile), run.stdout);
      const row = run.stdout.split("\n").find((line) => /^\s+spotify\s/.test(line));
      assert.ok(row, run.stdout);
      assert.ok(Number(row.trim().split(/\s+/)[1]) > 0, row);

      const doc = await stats();
      assert.equal(doc.ok, true);
      assert.equal(doc.exists, true);
      assert.equal(doc.file, kvFile);
      assert.ok(entriesOf(doc, "spotify") > 0, JSON.stringify(doc.caches));
      assert.deepEqual(doc.caches.map((c) => c.name), [
        "spotify",
        "search",
        "match",
        "lyrics",
        "library",
      ]);
    });

    await t.step("clear spotify: the spotify cache is empty, the file stays", async () => {
      const before = entriesOf(await stats(), "spotify");
      const run = await tunedl("cache", "clear", "spotify");
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `Cleared the spotify cache (${before} entries)\n`);
      assert.equal(entriesOf(await stats(), "spotify"), 0);
      assert.ok(existsSync(kvFile));
    });

    await t.step("clear: deletes the cache file", async () => {
      const run = await tunedl("cache", "clear");
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `Deleted ${kvFile}\n`);
      assert.deepEqual(await kvFiles(), [], "the file and its SQLite side files are gone");
    });

    await t.step(
      "a garbage cache file: stats fails naming it, clear still deletes it",
      async () => {
        await Deno.writeTextFile(kvFile, "this is not a database\n".repeat(200));
        const run = await tunedl("cache", "stats");
        assert.notEqual(run.code, 0);
        assert.ok(run.stderr.includes(kvFile), run.stderr);
        assert.ok(run.stderr.includes("tunedl cache clear"), run.stderr);

        const json = await tunedl("cache", "stats", "--json");
        assert.notEqual(json.code, 0);
        assert.equal(parseStdoutJson<{ ok: boolean }>(json).ok, false);

        const named = await tunedl("cache", "clear", "spotify");
        assert.notEqual(named.code, 0);
        assert.match(named.stderr, /tunedl cache clear/);

        const clear = await tunedl("cache", "clear");
        assert.equal(clear.code, 0, clear.stderr);
        assert.deepEqual(await kvFiles(), []);
        const after = await tunedl("cache", "stats");
        assert.equal(after.code, 0, after.stderr);
        assert.match(after.stdout, /No cache yet/);
      },
    );

    await t.step("usage errors exit 2", async () => {
      for (
        const [args, message] of [
          [["cache", "shrink"], /unknown action "shrink"/],
          [["cache"], /an action is required/],
          [["cache", "clear", "albums"], /unknown cache "albums"/],
        ] as const
      ) {
        const run = await tunedl(...args);
        assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, message);
      }
    });
  } finally {
    await spotify.close();
  }
});
