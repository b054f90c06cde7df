import assert from "node:assert/strict";
import { join } from "node:path";
import { createCoverStore } from "../../src/plan/mod.ts";

/** A tiny but whole JPEG (SOI ... EOI) that differs per URL. */
function jpegFor(url: string): Uint8Array {
  const body = new TextEncoder().encode(url);
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...body, 0xff, 0xd9]);
}

/** A fetch that answers every URL with its own JPEG (or `answer`), counting requests per URL. */
function countingFetch(answer?: (url: string) => Response | Promise<Response>) {
  const requests = new Map<string, number>();
  const fetch = ((input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : String(input);
    requests.set(url, (requests.get(url) ?? 0) + 1);
    return Promise.resolve(
      answer?.(url) ??
        new Response(jpegFor(url) as Uint8Array<ArrayBuffer>, {
          headers: { "content-type": "image/jpeg" },
        }),
    );
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

const never = new AbortController().signal;

Deno.test("covers: each fetched once while albums interleave, bytes right, kept on disk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { fetch, requests } = countingFetch();
    const coverDir = join(dir, "covers");
    await using covers = createCoverStore({
      fetch,
      timeoutMs: 5000,
      dir: coverDir,
      memoryEntries: 2,
    });
    const urls = Array.from({ length: 10 }, (_, i) => `http://127.0.0.1:9/cover/${i}`);
    // A playlist's order: every album again and again, far more albums than memory holds.
    for (let round = 0; round < 3; round++) {
      const got = await Promise.all(urls.map((url) => covers.get(url, never)));
      got.forEach((bytes, i) => assert.deepEqual(bytes, jpegFor(urls[i])));
    }
    for (const url of urls) assert.equal(requests.get(url), 1, `${url} fetched once`);
    assert.equal([...Deno.readDirSync(coverDir)].length, urls.length, "one file per cover");
    await covers[Symbol.asyncDispose]();
    assert.throws(() => Deno.statSync(coverDir), Deno.errors.NotFound, "removed at the end");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("covers: without a folder every cover stays in memory, still fetched once", async () => {
  const { fetch, requests } = countingFetch();
  await using covers = createCoverStore({ fetch, timeoutMs: 5000, memoryEntries: 0 });
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(
      await covers.get("http://127.0.0.1:9/a", never),
      jpegFor("http://127.0.0.1:9/a"),
    );
  }
  assert.equal(requests.get("http://127.0.0.1:9/a"), 1);
  assert.equal(await covers.get(undefined, never), undefined);
  assert.equal(await covers.get("", never), undefined);
});

Deno.test("covers: a cover that is not an image is told once, never fetched again", async () => {
  const warnings: string[] = [];
  const { fetch, requests } = countingFetch(() => new Response("<html>"));
  await using covers = createCoverStore({
    fetch,
    timeoutMs: 5000,
    warn: (message) => warnings.push(message),
  });
  for (let round = 0; round < 3; round++) {
    assert.equal(await covers.get("http://127.0.0.1:9/x", never), undefined);
  }
  assert.equal(requests.get("http://127.0.0.1:9/x"), 1);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /not a JPEG or PNG image; the track is written without it/);
});

Deno.test("covers: a fetch cancelled by its track is fetched again by the next track", async () => {
  let calls = 0;
  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    // The first request hangs until its track is cancelled, as a slow server would.
    if (++calls === 1) {
      return new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal!.reason), { once: true })
      );
    }
    return Promise.resolve(new Response(jpegFor(url) as Uint8Array<ArrayBuffer>));
  }) as typeof globalThis.fetch;
  await using covers = createCoverStore({ fetch, timeoutMs: 5000 });
  const cancelled = new AbortController();
  const first = covers.get("http://127.0.0.1:9/c", cancelled.signal);
  cancelled.abort();
  await assert.rejects(first);
  assert.deepEqual(
    await covers.get("http://127.0.0.1:9/c", never),
    jpegFor("http://127.0.0.1:9/c"),
  );
  assert.equal(calls, 2);
});

Deno.test("covers: a file removed from the temp folder is fetched again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { fetch, requests } = countingFetch();
    await using covers = createCoverStore({ fetch, timeoutMs: 5000, dir, memoryEntries: 0 });
    const url = "http://127.0.0.1:9/gone";
    assert.deepEqual(await covers.get(url, never), jpegFor(url));
    for (const entry of Deno.readDirSync(dir)) Deno.removeSync(join(dir, entry.name));
    assert.deepEqual(await covers.get(url, never), jpegFor(url));
    assert.equal(requests.get(url), 2);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
