import { makeTempWorkspace, runTunedl } from "/work/wt-issue-15-net/tests/fakes/cli_runner.ts";
import { startMisbehavingServer, type Misbehavior } from "/work/wt-issue-15-net/tests/fakes/misbehaving_server.ts";
import { startMusicWorld } from "/work/wt-issue-15-net/tests/fakes/music_world.ts";

const cases: [string, Misbehavior, string, string][] = [
  ["Spotify API hangs (plan)", "hang", "TUNEDL_SPOTIFY_API_URL", "plan"],
  ["Spotify API trickles (plan)", "trickle", "TUNEDL_SPOTIFY_API_URL", "plan"],
  ["accounts hang (plan)", "hang", "TUNEDL_SPOTIFY_ACCOUNTS_URL", "plan"],
  ["YouTube search hangs (download)", "hang", "TUNEDL_YOUTUBE_URL", "download"],
];
for (const [label, mode, variable, command] of cases) {
  const world = await startMusicWorld();
  const work = await makeTempWorkspace({ prefix: "tunedl-measure-" });
  const bad = startMisbehavingServer(mode, { trickleMs: 500 });
  const config = await work.writeConfig({
    version: "1.2",
    download: { output: "music/{artist}/{title}.{output-ext}" },
    albums: ["https://open.spotify.com/album/58NYQm3dRbTW1kKirl631E"],
  });
  const start = performance.now();
  const run = await runTunedl([command, "--config", config], {
    env: { ...world.env, TUNEDL_CACHE_DIR: work.cacheDir, [variable]: bad.url },
    cwd: work.dir,
  });
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`${label}: exit ${run.code} after ${seconds} s, ${bad.requests} requests`);
  console.log(run.stderr.split("\n").filter((l) => /^(error|hint|warning)|not answering/.test(l)).slice(0, 3).join("\n"));
  await bad.close();
  await world.close();
  await work[Symbol.asyncDispose]();
}
