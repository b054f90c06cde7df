/**
 * The fake's media side, checked with the real yt-dlp (generic extractor):
 * a candidate's watch URL on the fake must download as the registered bytes.
 */
import assert from "node:assert/strict";
import { YouTubeMusicProvider } from "../../src/search/mod.ts";
import { type FakeMedia, startFakeYouTube } from "../fakes/youtube_fake.ts";

const ytDlp = Deno.env.get("TUNEDL_YTDLP") ?? "yt-dlp";
const ffmpeg = Deno.env.get("TUNEDL_FFMPEG") ?? "ffmpeg";

async function run(command: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, `${command} ${args.join(" ")} failed:\n${text}`);
  return text;
}

/** A one-second AAC tone in an MP4 container, made by ffmpeg. */
async function makeM4a(dir: string): Promise<Uint8Array> {
  const path = `${dir}/tone.m4a`;
  await run(ffmpeg, [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:duration=1",
    "-c:a",
    "aac",
    "-b:a",
    "32k",
    path,
  ]);
  return await Deno.readFile(path);
}

async function download(url: string, dir: string, extra: string[] = []): Promise<string> {
  await run(ytDlp, [
    "--no-config",
    "--no-cache-dir",
    "--no-progress",
    ...extra,
    "-o",
    `${dir}/out.%(ext)s`,
    url,
  ]);
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith("out.")) names.push(entry.name);
  }
  assert.equal(names.length, 1, `expected one download, got ${names.join(", ")}`);
  return names[0];
}

Deno.test("yt-dlp downloads /watch?v=<id> from the fake as a .m4a with the exact bytes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-media-" });
  const body = await makeM4a(dir);
  const fake = startFakeYouTube({
    fixtures: false,
    media: new Map<string, FakeMedia>([["abc", { body, contentType: "audio/mp4" }]]),
  });
  try {
    const name = await download(`${fake.url}/watch?v=abc`, dir);
    assert.equal(name, "out.m4a");
    assert.deepEqual(await Deno.readFile(`${dir}/${name}`), body);
    assert.deepEqual(fake.mediaRequests[0], {
      method: "GET",
      path: "/watch",
      videoId: "abc",
      status: 302,
    });
    assert.ok(fake.mediaRequests.slice(1).every((r) => r.path === "/media/abc.m4a"));
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("yt-dlp in small chunks uses Range requests, answered with 206", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-media-" });
  const body = await makeM4a(dir);
  const fake = startFakeYouTube({
    fixtures: false,
    media: new Map<string, FakeMedia>([["abc", { body, contentType: "audio/mp4" }]]),
  });
  try {
    const name = await download(`${fake.url}/watch?v=abc`, dir, ["--http-chunk-size", "1K"]);
    assert.deepEqual(await Deno.readFile(`${dir}/${name}`), body);
    const ranged = fake.mediaRequests.filter((r) => r.status === 206);
    assert.ok(
      ranged.length >= Math.floor(body.byteLength / 1024),
      JSON.stringify(fake.mediaRequests),
    );
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("media answers: redirect, Content-Length, Range, 416 and 404", async () => {
  const body = new Uint8Array(100).map((_, i) => i);
  const fake = startFakeYouTube({
    fixtures: false,
    media: new Map<string, FakeMedia>([["xyz", { body, contentType: "audio/webm" }]]),
  });
  try {
    const redirect = await fetch(`${fake.url}/watch?v=xyz`, { redirect: "manual" });
    await redirect.body?.cancel();
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get("location"), "/media/xyz.webm");

    const full = await fetch(`${fake.url}/watch?v=xyz`);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get("content-type"), "audio/webm");
    assert.equal(full.headers.get("content-length"), "100");
    assert.equal(full.headers.get("accept-ranges"), "bytes");
    assert.deepEqual(new Uint8Array(await full.arrayBuffer()), body);

    const part = await fetch(`${fake.url}/media/xyz.webm`, { headers: { range: "bytes=10-19" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), "bytes 10-19/100");
    assert.equal(part.headers.get("content-length"), "10");
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), body.slice(10, 20));

    const tail = await fetch(`${fake.url}/media/xyz.webm`, { headers: { range: "bytes=-5" } });
    assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), body.slice(95));
    const open = await fetch(`${fake.url}/media/xyz.webm`, { headers: { range: "bytes=90-" } });
    assert.equal(open.headers.get("content-range"), "bytes 90-99/100");
    await open.body?.cancel();

    const beyond = await fetch(`${fake.url}/media/xyz.webm`, { headers: { range: "bytes=200-" } });
    await beyond.body?.cancel();
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get("content-range"), "bytes */100");

    const head = await fetch(`${fake.url}/media/xyz.webm`, { method: "HEAD" });
    assert.equal(head.headers.get("content-length"), "100");
    await head.body?.cancel();

    for (const path of ["/watch?v=nope", "/media/nope.webm", "/media/xyz.m4a"]) {
      const missing = await fetch(`${fake.url}${path}`);
      await missing.body?.cancel();
      assert.equal(missing.status, 404, path);
    }
  } finally {
    await fake.close();
  }
});

Deno.test("search then download: a candidate's URL from the fake is what yt-dlp fetches", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-media-" });
  const body = await makeM4a(dir);
  const fake = startFakeYouTube({
    fixtures: false,
    rules: [{
      query: "Tone Band - Sine",
      results: [{
        videoId: "sine0000001",
        title: "Sine",
        artists: ["Tone Band"],
        album: "Waves",
        durationMs: 1_000,
        kind: "song",
      }],
    }],
    media: new Map<string, FakeMedia>([["sine0000001", { body, contentType: "audio/mp4" }]]),
  });
  try {
    const provider = new YouTubeMusicProvider({ fetch, baseUrl: fake.url });
    const [candidate] = await provider.search("Tone Band - Sine", {});
    assert.equal(candidate.url, `${fake.url}/watch?v=sine0000001`);
    const name = await download(candidate.url, dir);
    assert.equal(name, "out.m4a");
    assert.deepEqual(await Deno.readFile(`${dir}/${name}`), body);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});
