/**
 * End-to-end runs of `tunedl` against services that misbehave at the edges:
 * a Spotify API, accounts service or YouTube search that accepts the
 * connection and never answers, a cover host that sends without end, and a
 * Spotify that throttles every third request. Short `request_timeout`s keep
 * the runs quick; nothing asserts how long they took.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempWorkspace, runTunedl, type TempWorkspace } from "../fakes/cli_runner.ts";
import { listFiles } from "../fakes/file_tree.ts";
import { type Misbehavior, startMisbehavingServer } from "../fakes/misbehaving_server.ts";
import { type MusicWorld, type MusicWorldOptions, startMusicWorld } from "../fakes/music_world.ts";

const ALBUM_PONDER = "58NYQm3dRbTW1kKirl631E";
const PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs";
const OUTPUT = "music/{artist}/{album}/{track-number} - {title}.{output-ext}";
const AUDIO_EXTENSIONS = /\.(mp3|m4a|flac|opus|ogg)$/;

/** Settings that make a silent service show up fast: 0.3 s limits, one retry, no backoff. */
const QUICK_LIMITS = {
  request_timeout: 0.3,
  spotify_max_retries: 1,
  spotify_retry_base_delay: 0,
};

function configFor(download: Record<string, unknown> = {}, more: { playlists?: string[] } = {}) {
  return {
    version: "1.2",
    download: { threads: 2, output: OUTPUT, ...QUICK_LIMITS, ...download },
    albums: [`https://open.spotify.com/album/${ALBUM_PONDER}`],
    playlists: (more.playlists ?? []).map((id) => `https://open.spotify.com/playlist/${id}`),
  };
}

async function setUp(
  options: MusicWorldOptions = {},
): Promise<
  { world: MusicWorld; work: TempWorkspace; env: Record<string, string> } & AsyncDisposable
> {
  const world = await startMusicWorld(options);
  const work = await makeTempWorkspace({ prefix: "tunedl-edges-" });
  return {
    world,
    work,
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir },
    async [Symbol.asyncDispose]() {
      await world.close();
      await work[Symbol.asyncDispose]();
    },
  };
}

for (const mode of ["hang", "trickle"] as Misbehavior[]) {
  Deno.test(`plan: a Spotify API that ${mode}s ends the run with exit 5, naming it`, async () => {
    await using setup = await setUp();
    await using spotify = startMisbehavingServer(mode, { trickleMs: 20 });
    const config = await setup.work.writeConfig(configFor());
    const run = await runTunedl(["plan", "--config", config], {
      env: { ...setup.env, TUNEDL_SPOTIFY_API_URL: spotify.url },
      cwd: setup.work.dir,
    });
    assert.equal(run.code, 5, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    const expected = mode === "hang"
      ? "no answer within 0.3 s"
      : "the answer took longer than 0.6 s";
    assert.match(
      run.stderr,
      new RegExp(
        `^error: the Spotify Web API at ${spotify.url} is not answering \\(GET /v1/albums\\?ids=` +
          `${ALBUM_PONDER}: ${expected}; 2 attempts\\)$`,
        "m",
      ),
    );
    assert.match(run.stderr, /^hint: Check your internet connection \(and TUNEDL_SPOTIFY_API_URL/m);
    assert.doesNotMatch(run.stderr, /unexpected failure|at .*\.ts:\d+/);
    assert.ok(spotify.requests >= 2, `${spotify.requests} requests`);
  });
}

Deno.test("plan: an accounts service that never answers ends the run with exit 5", async () => {
  await using setup = await setUp();
  await using accounts = startMisbehavingServer("hang");
  const config = await setup.work.writeConfig(configFor());
  const run = await runTunedl(["plan", "--config", config, "--json"], {
    env: { ...setup.env, TUNEDL_SPOTIFY_ACCOUNTS_URL: accounts.url },
    cwd: setup.work.dir,
  });
  assert.equal(run.code, 5, run.stderr);
  assert.match(
    run.stderr,
    new RegExp(
      `error: Spotify's accounts service at ${accounts.url}/api/token is not answering ` +
        `\\(no answer within 0\\.3 s; 2 attempts\\)`,
    ),
  );
  assert.ok(!run.stderr.includes(setup.env.SPOTIFY_CLIENT_SECRET), "the secret is not shown");
  assert.equal(accounts.requests, 2);
});

Deno.test("plan: an endless Spotify answer is cut at the size limit, not read whole", async () => {
  await using setup = await setUp();
  await using spotify = startMisbehavingServer("endless");
  const config = await setup.work.writeConfig(configFor({ request_timeout: 30 }));
  const run = await runTunedl(["plan", "--config", config], {
    env: { ...setup.env, TUNEDL_SPOTIFY_API_URL: spotify.url },
    cwd: setup.work.dir,
  });
  // The album cannot be read (a warning for that source); the run is not "unreachable".
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  assert.match(
    run.stderr,
    /GET \/v1\/albums\?ids=\S+: the answer is larger than 4\.0 MB; not read/,
  );
  // Too large is not transient: asked once, not retried.
  assert.equal(spotify.requests, 1);
});

Deno.test("download: a YouTube search that never answers stops the run with exit 5", async () => {
  await using setup = await setUp();
  await using youtube = startMisbehavingServer("hang");
  const config = await setup.work.writeConfig(configFor());
  const run = await runTunedl(["download", "--config", config], {
    env: { ...setup.env, TUNEDL_YOUTUBE_URL: youtube.url },
    cwd: setup.work.dir,
  });
  assert.equal(run.code, 5, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  const output = run.stdout + run.stderr;
  assert.match(
    output,
    new RegExp(`YouTube( Music)? is not answering at ${youtube.url} \\(no answer within 0\\.3 s`),
  );
  assert.match(output, /Stopped: /);
  const audio = (await listFiles(join(setup.work.dir, "music"))).filter((p) =>
    AUDIO_EXTENSIONS.test(p)
  );
  assert.deepEqual(audio, []);
});

for (const mode of ["endless", "hang"] as Misbehavior[]) {
  Deno.test(`download: a cover host that ${mode}s costs the cover, not the track`, async () => {
    await using covers = startMisbehavingServer(mode, { contentType: "image/jpeg" });
    await using setup = await setUp({ coverOrigin: covers.url });
    const config = await setup.work.writeConfig(
      configFor(mode === "endless" ? { request_timeout: 30 } : {}),
    );
    const run = await runTunedl(["download", "--config", config], {
      env: setup.env,
      cwd: setup.work.dir,
    });
    assert.equal(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    const reason = mode === "endless"
      ? "the answer is larger than 10\.0 MB; not read"
      : "no answer within 0.3 s";
    assert.match(
      run.stdout + run.stderr,
      new RegExp(
        `skipped the cover ${covers.url}/\\S+: ${reason}; the track is written without it`,
      ),
    );
    const audio = (await listFiles(join(setup.work.dir, "music"))).filter((p) =>
      AUDIO_EXTENSIONS.test(p)
    );
    assert.ok(audio.length > 0, "the tracks are in the library");
  });
}

Deno.test("download: a 429 on every third request and a 502 on every fifth slow the run down, it still finishes", async () => {
  await using setup = await setUp({
    spotify: {
      faults: [
        { path: "/v1/", status: 429, retryAfter: 1, everyNth: 3, times: Infinity },
        { path: "/v1/", status: 502, everyNth: 5, times: Infinity },
      ],
    },
  });
  const config = await setup.work.writeConfig(
    configFor({ request_timeout: 30, spotify_max_retries: 3, threads: 4 }, {
      playlists: [PLAYLIST],
    }),
  );
  const run = await runTunedl(["download", "--config", config], {
    env: setup.env,
    cwd: setup.work.dir,
  });
  assert.equal(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  const throttled = setup.world.spotify.requests.filter((r) => r.status === 429);
  assert.ok(throttled.length >= 2, `Spotify throttled ${throttled.length} times`);
  assert.doesNotMatch(run.stdout + run.stderr, /rate limit/i);
  assert.match(run.stdout, /^ {2}Failed +0$/m);
  const audio = (await listFiles(join(setup.work.dir, "music"))).filter((p) =>
    AUDIO_EXTENSIONS.test(p)
  );
  // The album's single and the playlist's 9 playable rows.
  assert.equal(audio.length, 10, audio.join("\n"));
});

Deno.test("plan: a Retry-After beyond spotify_max_retry_after stops the run, saying when to come back", async () => {
  await using setup = await setUp({
    spotify: { faults: [{ path: "/v1/", status: 429, retryAfter: 7200, times: Infinity }] },
  });
  const config = await setup.work.writeConfig(configFor({ spotify_max_retry_after: 60 }));
  const run = await runTunedl(["plan", "--config", config], {
    env: setup.env,
    cwd: setup.work.dir,
  });
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /Spotify rate limit: asked to wait 2h 00m; try again after /);
  assert.equal(setup.world.spotify.requests.filter((r) => r.path.startsWith("/v1/")).length, 1);
});

Deno.test("validate: an alias bomb and a binary file each end in one short error, exit 2", async () => {
  await using work = await makeTempWorkspace({ prefix: "tunedl-edges-" });
  const bomb = join(work.dir, "bomb.yaml");
  await Deno.writeTextFile(
    bomb,
    [
      'version: "1.2"',
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ..."bcdefghi".split("").map((name, i) =>
        `${name}: &${name} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`
      ),
      "songs: *i",
    ].join("\n"),
  );
  const garbage = join(work.dir, "garbage.yaml");
  await Deno.writeFile(garbage, crypto.getRandomValues(new Uint8Array(60_000)));
  for (const file of [bomb, garbage]) {
    const run = await runTunedl(["validate", "--config", file], { cwd: work.dir });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, "");
    assert.ok(run.stderr.length < 400, `${run.stderr.length} bytes of errors`);
    assert.match(run.stderr, /^error: .*(aliases|not a text file)/);
    assert.doesNotMatch(run.stderr, /unexpected failure|bug in tunedl/);
  }
});

Deno.test("download: a cover that is not an image, or cut short, is skipped and the track written", async () => {
  const jpegStart = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
  await using covers = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) =>
      new URL(request.url).pathname.endsWith("0")
        ? new Response(jpegStart, { headers: { "content-type": "image/jpeg" } })
        : new Response("<html>not found</html>", { headers: { "content-type": "image/jpeg" } }),
  );
  await using setup = await setUp({ coverOrigin: `http://127.0.0.1:${covers.addr.port}` });
  const config = await setup.work.writeConfig(configFor());
  const run = await runTunedl(["download", "--config", config], {
    env: setup.env,
    cwd: setup.work.dir,
  });
  assert.equal(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.match(
    run.stdout + run.stderr,
    /skipped the cover \S+: (it is not a JPEG or PNG image|the JPEG image is incomplete); the track is written without it/,
  );
  const audio = (await listFiles(join(setup.work.dir, "music"))).filter((p) =>
    AUDIO_EXTENSIONS.test(p)
  );
  assert.ok(audio.length > 0, "the tracks are in the library");
});
