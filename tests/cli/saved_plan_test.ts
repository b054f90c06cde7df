import assert from "node:assert/strict";
import { resumeLine } from "../../src/cli/download_execution.ts";
import { join } from "node:path";
import { readSavedPlan, rememberPlan, savedPlanText } from "../../src/plan/mod.ts";
import { camelCase, snakeCase, snakeCaseKeys } from "../../src/util/mod.ts";
import { createPlanItem, type Plan } from "../../src/plan/mod.ts";

const NOW = new Date("2026-03-01T12:00:00Z");

function samplePlan(): Plan {
  const track = createPlanItem({
    id: "track:1t2qKa8K72IBC8yQlhD9bU",
    type: "track",
    name: "Dirty Palm - Ropes",
    parent_id: "album:a",
    parent_ids: ["album:a"],
    metadata: {
      spotifyId: "1t2qKa8K72IBC8yQlhD9bU",
      spotifyUrl: "https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU",
      title: "Ropes",
      artists: ["Dirty Palm"],
      artistIds: ["x"],
      album: "Ropes",
      albumId: "a",
      albumArtists: ["Dirty Palm"],
      trackNumber: 1,
      trackCount: 1,
      discNumber: 1,
      discCount: 1,
      releaseDate: "2019",
      durationMs: 200000,
      explicit: false,
      genres: [],
    },
    status: "completed",
  }, NOW);
  const m3u = createPlanItem({
    id: "m3u:p",
    type: "m3u",
    name: "Mix",
    metadata: { playlistName: "Mix", trackItemIds: [track.id] },
  }, NOW);
  return { version: 1, config_hash: "h", created_at: NOW.toISOString(), items: [track, m3u] };
}

Deno.test("the saved plan is snake_case JSON and reads back to the same plan", () => {
  const plan = samplePlan();
  const text = savedPlanText(plan);
  assert.ok(text.includes('"spotify_id":"1t2qKa8K72IBC8yQlhD9bU"'), text);
  assert.ok(text.includes('"track_item_ids":["track:1t2qKa8K72IBC8yQlhD9bU"]'), text);
  assert.doesNotMatch(text, /"[a-z]+[A-Z][A-Za-z]*":/, "no camelCase key");
  assert.deepEqual(readSavedPlan(text), plan);
});

Deno.test("a plan saved by an earlier version (camelCase metadata) still resumes", () => {
  const plan = samplePlan();
  const old = JSON.stringify(plan);
  assert.ok(old.includes('"spotifyId"'));
  assert.deepEqual(readSavedPlan(old), plan);
});

Deno.test("snake_case and back: names, and maps keyed by data left alone", () => {
  const cases: [string, string][] = [
    ["durationMs", "duration_ms"],
    ["alreadyDone", "already_done"],
    ["config_hash", "config_hash"],
    ["hitRate", "hit_rate"],
    ["type", "type"],
  ];
  for (const [camel, snake] of cases) {
    assert.equal(snakeCase(camel), snake);
    assert.equal(camelCase(snake), camel === "config_hash" ? "configHash" : camel);
  }
  assert.deepEqual(
    snakeCaseKeys({ failedByReason: { notFound: 1 }, extra: { cacheHitRates: { spotifyX: 1 } } }),
    { failed_by_reason: { notFound: 1 }, extra: { cache_hit_rates: { spotifyX: 1 } } },
  );
});

Deno.test("resumeLine: one wording for what is left pending", () => {
  const summary = (pending: number) => ({ pending });
  assert.equal(resumeLine({ cancelled: false, summary: summary(0) }), undefined);
  assert.equal(
    resumeLine({ cancelled: true, summary: summary(44) }),
    "Interrupted: 44 tracks left pending. Run again with --resume to continue.",
  );
  assert.equal(
    resumeLine({
      cancelled: false,
      stoppedBy: { message: "yt-dlp needs a JavaScript runtime." },
      summary: summary(1),
    }),
    "Stopped: yt-dlp needs a JavaScript runtime. Fix it, then run again with --resume to continue (1 track left pending).",
  );
});

Deno.test("a plan saved again shows what changed since the last save", () => {
  const plan = samplePlan();
  const first = savedPlanText(plan);
  assert.equal(savedPlanText(plan), first, "unchanged: the same text");
  const [track] = plan.items;
  track.status = "failed";
  track.error = { code: "network", message: "timed out" };
  track.metadata = { ...track.metadata!, isrc: "USRC17607839" } as typeof track.metadata;
  const second = savedPlanText(plan);
  assert.notEqual(second, first);
  // The same text as the plan converted whole, items last (how earlier versions saved it).
  const { items, ...rest } = plan;
  assert.equal(second, JSON.stringify({ ...rest, items: items.map(snakeCaseKeys) }));
  assert.deepEqual(readSavedPlan(second), plan);
  assert.ok(second.includes('"isrc":"USRC17607839"'), second);
});

Deno.test("rememberPlan: the same config's hash again leaves the file as it is", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-remember-" });
  try {
    await rememberPlan(dir, "/c/config.yaml", "hash-1");
    const [name] = [...Deno.readDirSync(join(dir, "plans"))].map((entry) => entry.name);
    const file = join(dir, "plans", name);
    const first = await Deno.stat(file);
    await rememberPlan(dir, "/c/config.yaml", "hash-1");
    assert.deepEqual((await Deno.stat(file)).ino, first.ino, "not written again");
    await rememberPlan(dir, "/c/config.yaml", "hash-2");
    assert.equal(await Deno.readTextFile(file), "hash-2");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
