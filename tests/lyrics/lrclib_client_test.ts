/** The LRCLIB client against the loopback fake: each kind of answer, the fallback, the cache. */
import assert from "node:assert/strict";
import { createLrclibClient, type LyricsCache, LyricsError } from "../../src/lyrics/mod.ts";
import { defaultSynced, startFakeLrclib } from "../fakes/lrclib_fake.ts";

const UA = "tunedl/9.9.9 (test)";

const query = (artist: string, title: string, seconds = 200) => ({
  title,
  artists: [artist, "Guest"],
  album: "Album",
  durationMs: seconds * 1000,
});

/** A Map-backed cache with the tiered cache's getOrLoad contract. */
function mapCache(): LyricsCache & { entries: Map<string, { value: unknown; ttlMs: number }> } {
  const entries = new Map<string, { value: unknown; ttlMs: number }>();
  return {
    entries,
    async getOrLoad<T>(
      key: string,
      loader: () => Promise<T>,
      options: { ttlFor: (v: T) => number },
    ) {
      const hit = entries.get(key);
      if (hit) return hit.value as T;
      const value = await loader();
      entries.set(key, { value, ttlMs: options.ttlFor(value) });
      return value;
    },
  };
}

Deno.test("lrclib: each kind of answer becomes its LyricsAnswer", async () => {
  const fake = startFakeLrclib([
    { artist: "A", title: "Synced", duration: 200, kind: "synced" },
    { artist: "A", title: "Plain", duration: 200, kind: "plain" },
    { artist: "A", title: "Inst", duration: 200, kind: "instrumental" },
    { artist: "A", title: "Elsewhere", duration: 201, kind: "search_only" },
  ]);
  try {
    const client = createLrclibClient({ baseUrl: fake.url, userAgent: UA });
    const synced = await client.lookup(query("A", "Synced"));
    assert.equal(synced.kind, "found");
    assert.equal(synced.kind === "found" && synced.synced, defaultSynced("Synced"));
    const plain = await client.lookup(query("A", "Plain"));
    assert.deepEqual(plain.kind === "found" && [plain.synced, typeof plain.plain], [
      undefined,
      "string",
    ]);
    assert.deepEqual(await client.lookup(query("A", "Inst")), { kind: "instrumental" });
    assert.deepEqual(await client.lookup(query("A", "Missing")), { kind: "not_found" });
    const fallback = await client.lookup(query("A", "Elsewhere"));
    assert.equal(fallback.kind, "found");

    // /api/get with every field, then /api/search only when get found nothing.
    const first = fake.requests[0];
    assert.equal(first.path, "/api/get");
    assert.deepEqual(first.params, {
      track_name: "Synced",
      artist_name: "A",
      album_name: "Album",
      duration: "200",
    });
    assert.ok(fake.requests.every((r) => r.userAgent === UA));
    assert.deepEqual(
      fake.requests.map((r) => `${r.path} ${r.params.track_name}`),
      [
        "/api/get Synced",
        "/api/get Plain",
        "/api/get Inst",
        "/api/get Missing",
        "/api/search Missing",
        "/api/get Elsewhere",
        "/api/search Elsewhere",
      ],
    );
  } finally {
    await fake.close();
  }
});

Deno.test("lrclib: a search result of another duration or artist is not taken", async () => {
  const fake = startFakeLrclib([
    { artist: "A", title: "Song", duration: 260, kind: "search_only" },
    { artist: "B", title: "Other", duration: 200, kind: "search_only" },
  ]);
  try {
    const client = createLrclibClient({ baseUrl: fake.url, userAgent: UA });
    assert.deepEqual(await client.lookup(query("A", "Song", 200)), { kind: "not_found" });
    assert.equal((await client.lookup(query("A", "Song", 259))).kind, "found");
  } finally {
    await fake.close();
  }
});

Deno.test("lrclib: malformed answers and HTTP errors are LyricsErrors", async () => {
  const fake = startFakeLrclib([{ artist: "A", title: "Broken", kind: "malformed" }]);
  try {
    const client = createLrclibClient({ baseUrl: fake.url, userAgent: UA });
    await assert.rejects(
      client.lookup(query("A", "Broken")),
      (error) =>
        error instanceof LyricsError && /malformed answer \(not JSON\)/.test(error.message),
    );
    const bad = createLrclibClient({
      userAgent: UA,
      fetch: () => Promise.resolve(Response.json({ syncedLyrics: 5 })),
    });
    await assert.rejects(bad.lookup(query("A", "X")), /syncedLyrics is not text/);
    const down = createLrclibClient({
      userAgent: UA,
      fetch: () => Promise.resolve(new Response("oops", { status: 502 })),
    });
    await assert.rejects(bad.lookup(query("A", "X")), LyricsError);
    await assert.rejects(down.lookup(query("A", "X")), /LRCLIB answered HTTP 502/);
  } finally {
    await fake.close();
  }
});

Deno.test("lrclib: a service that does not answer is a LyricsError after the time limit", async () => {
  const fake = startFakeLrclib([{ artist: "A", title: "Slow", kind: "slow" }]);
  try {
    // The fake never answers this song, so the limit decides, however busy the machine is.
    const client = createLrclibClient({ baseUrl: fake.url, userAgent: UA, timeoutMs: 50 });
    await assert.rejects(
      client.lookup(query("A", "Slow")),
      (error) =>
        error instanceof LyricsError && /could not be reached \(no answer/.test(error.message),
    );
  } finally {
    await fake.close();
  }
});

Deno.test("lrclib: answers, not found included, come from the cache the second time", async () => {
  const fake = startFakeLrclib([{ artist: "A", title: "Synced", kind: "synced" }]);
  try {
    const cache = mapCache();
    const client = createLrclibClient({ baseUrl: fake.url, userAgent: UA, cache });
    await client.lookup(query("A", "Synced"));
    await client.lookup(query("A", "Missing"));
    const asked = fake.requests.length;
    assert.equal(asked, 3);
    await client.lookup(query("A", "Synced"));
    await client.lookup(query("A", "Missing"));
    assert.equal(fake.requests.length, asked);
    const ttls = [...cache.entries.values()].map((e) => e.ttlMs);
    assert.ok(ttls[0] > ttls[1], "not found is kept for less time than found lyrics");
  } finally {
    await fake.close();
  }
});

Deno.test("lrclib: failures are not cached", async () => {
  let calls = 0;
  const cache = mapCache();
  const client = createLrclibClient({
    userAgent: UA,
    cache,
    fetch: () => {
      calls++;
      return Promise.resolve(new Response("", { status: 500 }));
    },
  });
  await assert.rejects(client.lookup(query("A", "X")));
  await assert.rejects(client.lookup(query("A", "X")));
  assert.equal(calls, 2);
  assert.equal(cache.entries.size, 0);
});
