import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildRunRecord,
  emptyRunSummary,
  failedRunRecord,
  readRunRecord,
  reopenUnfinished,
  runRecordFileFor,
  saveRunRecord,
  toReportJson,
  unfinishedTrackCount,
} from "../../src/plan/mod.ts";
import { AuthError, ServiceUnreachableError } from "../../src/errors/mod.ts";
import { containerItem, m3uItem, planOf, trackItem } from "../fakes/fake_track_worker.ts";

const meta = { title: "x" } as never;

function finishedPlan() {
  const done = trackItem("track:a", { spotify_id: "a", status: "completed", metadata: meta });
  const present = trackItem("track:b", {
    spotify_id: "b",
    status: "skipped",
    skip_reason: "exists",
    metadata: meta,
  });
  const failed = trackItem("track:c", {
    spotify_id: "c",
    status: "failed",
    metadata: meta,
    error: { code: "download_failed", message: "yt-dlp failed", hint: "update yt-dlp" },
  });
  const notFound = trackItem("track:d", {
    spotify_id: "d",
    status: "failed",
    metadata: meta,
    error: { code: "not_found", message: "no confident match" },
  });
  const pending = trackItem("track:e", { spotify_id: "e", metadata: meta });
  // A song Spotify could not read: a source problem, not an item.
  const unread = trackItem("track:f", {
    spotify_id: "f",
    status: "failed",
    metadata: null,
    error: { code: "not_found", message: "Spotify has no track" },
  });
  const album = containerItem("album:x", "album", [done, present, failed, notFound, pending]);
  const plan = planOf([album, done, present, failed, notFound, pending, unread]);
  plan.sources = [
    {
      name: "X",
      url: "https://open.spotify.com/album/x",
      kind: "album",
      item_id: "album:x",
      status: "ok",
    },
    {
      name: "F",
      url: "https://open.spotify.com/track/f",
      kind: "track",
      item_id: "track:f",
      status: "failed",
      message: "Spotify has no track",
      code: "not_found",
    },
  ];
  return plan;
}

Deno.test("the run record counts every not-done item of the plan and lists failures and sources", () => {
  const summary = emptyRunSummary();
  summary.downloaded = 1;
  summary.notFound.push({
    id: "track:d",
    name: "Track track:d",
    message: "no confident match",
    bestCandidate: "Song <https://y/1> score 0.41",
  });
  const record = buildRunRecord(finishedPlan(), {
    configFile: "/c/config.yaml",
    command: "download",
    startedAt: new Date("2026-12-02T03:00:00Z"),
    finishedAt: new Date("2026-12-02T03:05:00Z"),
    exitCode: 1,
    summary,
  });
  assert.deepEqual(record.counts, {
    tracks: 5,
    downloaded: 1,
    retagged: 0,
    already_present: 1,
    skipped: 0,
    failed: 1,
    not_found: 1,
    pending: 1,
    m3us_written: 0,
    sources_ok: 1,
    sources_partial: 0,
    sources_failed: 1,
  });
  assert.deepEqual(record.items, [
    {
      spotify_id: "c",
      name: "Track track:c",
      status: "failed",
      code: "download_failed",
      message: "yt-dlp failed",
      hint: "update yt-dlp",
    },
    {
      spotify_id: "d",
      name: "Track track:d",
      status: "not_found",
      code: "not_found",
      message: "no confident match",
      hint: null,
    },
  ]);
  assert.deepEqual(record.best_candidates, { d: "Song <https://y/1> score 0.41" });
  const json = toReportJson(record);
  assert.deepEqual(Object.keys(json), ["exit_code", "counts", "items", "sources"]);
  assert.deepEqual(Object.keys(json.sources[0]), ["name", "url", "status", "message"]);
  assert.deepEqual(json.sources.map((s) => s.status), ["ok", "failed"]);
});

Deno.test("a run record is saved and read back; a damaged one is a TypeError, a missing one undefined", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-record-" });
  try {
    const file = runRecordFileFor(dir, "/c/config.yaml");
    assert.equal(await readRunRecord(file), undefined);
    const record = buildRunRecord(finishedPlan(), {
      configFile: "/c/config.yaml",
      command: "download",
      startedAt: new Date(),
      finishedAt: new Date(),
      exitCode: 1,
    });
    await saveRunRecord(file, record);
    assert.deepEqual(await readRunRecord(file), record);
    assert.notEqual(file, runRecordFileFor(dir, "/c/other.yaml"));
    await Deno.writeTextFile(join(dir, "bad.json"), "{}");
    await assert.rejects(readRunRecord(join(dir, "bad.json")), TypeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reopenUnfinished: failed and not-found tracks and their M3Us are pending again", () => {
  const plan = finishedPlan();
  const m3u = m3uItem("m3u:p", ["track:a", "track:c"]);
  m3u.status = "completed";
  const other = m3uItem("m3u:q", ["track:a"]);
  other.status = "completed";
  plan.items.push(m3u, other);
  assert.equal(unfinishedTrackCount(plan), 3);
  const reopened = reopenUnfinished(plan);
  const status = (id: string) => reopened.items.find((i) => i.id === id)?.status;
  assert.equal(status("track:c"), "pending");
  assert.equal(status("track:d"), "pending");
  assert.equal(reopened.items.find((i) => i.id === "track:c")?.error, undefined);
  assert.equal(status("track:a"), "completed");
  assert.equal(status("track:f"), "failed", "an unread source stays failed");
  assert.equal(status("m3u:p"), "pending", "rewritten once its track is done");
  assert.equal(status("m3u:q"), "completed");
  assert.equal(status("album:x"), "in_progress");
  assert.equal(plan.items.find((i) => i.id === "track:c")?.status, "failed", "input unchanged");
});

Deno.test("failedRunRecord: a run a failure ended keeps the failure and its exit code", () => {
  const times = {
    configFile: "/c/config.yaml",
    command: "download",
    startedAt: new Date("2026-03-01T12:00:00Z"),
    finishedAt: new Date("2026-03-01T12:00:05Z"),
  };
  const cases: [label: string, error: unknown, exitCode: number, code: string][] = [
    [
      "refused credentials",
      new AuthError("Spotify rejected the client id", { hint: "h" }),
      3,
      "auth",
    ],
    [
      "Spotify unreachable",
      new ServiceUnreachableError("Spotify is not answering"),
      5,
      "unreachable",
    ],
    ["an unexpected failure", new TypeError("x is undefined"), 1, "error"],
  ];
  for (const [label, error, exitCode, code] of cases) {
    const record = failedRunRecord(error, times);
    assert.equal(record.exit_code, exitCode, label);
    assert.equal(record.stopped_by?.code, code, label);
    assert.equal(record.stopped_by?.message, (error as Error).message, label);
    assert.deepEqual(record.items, [], label);
    assert.equal(record.counts.tracks, 0, label);
    assert.equal(record.started_at, "2026-03-01T12:00:00.000Z", label);
    assert.equal(record.command, "download", label);
  }
  assert.equal(failedRunRecord(cases[0][1], times).stopped_by?.hint, "h");
});
