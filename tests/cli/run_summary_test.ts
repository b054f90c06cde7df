// Escape codes are what these tests look for.
// deno-lint-ignore-file no-control-regex
import assert from "node:assert/strict";
import { exitCodeFor, formatRunSummary } from "../../src/cli/run_summary.ts";
import { emptyRunSummary, type PlanSource, type RunSummary } from "../../src/plan/mod.ts";

function summaryWith(fields: Partial<RunSummary>): RunSummary {
  return { ...emptyRunSummary(), ...fields };
}

const busySummary = summaryWith({
  total: 20,
  downloaded: 12,
  bytesWritten: 34_500_000,
  alreadyPresent: 480,
  notFound: [{
    id: "track:n1",
    name: "Obscure B-Side",
    message: "No confident match for Obscure B-Side",
    hint: "Add the song's YouTube link to the config",
    bestCandidate: "Obscure B-Side (Cover) <https://music.youtube.com/watch?v=x> score 0.41",
  }],
  failedByReason: { network: 2, dependency: 1 },
  failures: [
    { id: "track:f1", name: "Song One", code: "network", message: "Connection reset" },
    { id: "track:f2", name: "Song Two", code: "network", message: "Timed out", hint: "Retry" },
    {
      id: "track:f3",
      name: "Song Three",
      code: "dependency",
      message: "ffmpeg exited with 1",
      hint: "Check TUNEDL_FFMPEG",
    },
  ],
  m3usWritten: 2,
  durationMs: 252_000,
  extra: { cache_hit_rates: { spotify: 0.981, search: 0.75 }, spotify_requests: 1234 },
});

Deno.test("formatRunSummary lists counts, reasons, time; cache figures only when verbose", () => {
  const plain = formatRunSummary(busySummary, { color: false });
  assert.doesNotMatch(plain, /Cache hits|Spotify requests/);
  const text = formatRunSummary(busySummary, { color: false, verbose: true });
  assert.doesNotMatch(text, /\x1b/);
  const expectedRows = [
    /^ {2}Downloaded +12 {2}\(34\.5 MB\)$/m,
    /^ {2}Already present +480$/m,
    /^ {2}Not found +1$/m,
    /^ {2}Failed +3 {2}\(network 2, dependency 1\)$/m,
    /^ {2}M3Us written +2$/m,
    /^ {2}Time +4m 12s$/m,
    /^ {2}Cache hits +spotify 98%, search 75%$/m,
    /^ {2}Spotify requests +1234$/m,
  ];
  for (const row of expectedRows) assert.match(text, row);
  assert.doesNotMatch(text, /Retagged|Left pending|Copied/);
  assert.ok(text.endsWith("\n"));
});

Deno.test("formatRunSummary counts copies of a recording fetched once apart from downloads", () => {
  const text = formatRunSummary(summaryWith({ downloaded: 5, copied: 2 }), { color: false });
  assert.match(text, /^ {2}Downloaded +5$/m);
  assert.match(text, /^ {2}Copied +2 {2}\(same recording, fetched once\)$/m);
});

Deno.test("formatRunSummary details every not-found and failure with hints", () => {
  const text = formatRunSummary(busySummary, { color: false });
  const notFoundAt = text.indexOf("Not found (1):");
  const failedAt = text.indexOf("Failed (3):");
  assert.ok(notFoundAt > 0 && failedAt > notFoundAt);
  const notFoundPart = text.slice(notFoundAt, failedAt);
  assert.match(notFoundPart, /Obscure B-Side \[track:n1\]/);
  assert.match(notFoundPart, /best candidate: Obscure B-Side \(Cover\)/);
  assert.match(notFoundPart, /hint: Add the song's YouTube link/);
  const failedPart = text.slice(failedAt);
  for (const id of ["track:f1", "track:f2", "track:f3"]) assert.match(failedPart, new RegExp(id));
  assert.match(
    failedPart,
    /Song Three \[track:f3\] dependency\n {4}ffmpeg exited with 1\n {4}hint: Check TUNEDL_FFMPEG/,
  );
});

Deno.test("formatRunSummary colours only when asked and scrubs control characters", () => {
  const summary = summaryWith({
    failures: [{ id: "t", name: "Bad\x1b[2JName", code: "error", message: "line1\nline2" }],
    failedByReason: { error: 1 },
    pending: 3,
  });
  assert.match(formatRunSummary(summary, { color: true }), /\x1b\[31m/);
  const plain = formatRunSummary(summary, { color: false });
  assert.doesNotMatch(plain, /\x1b/);
  assert.match(plain, /line1 line2/);
  assert.match(plain, /^ {2}Left pending +3$/m);
  assert.doesNotMatch(plain, /resume/, "how to resume is said once, by the command");
});

Deno.test("exitCodeFor: 0 all done, 1 failed or not found, 130 cancelled", () => {
  const notFound = busySummary.notFound;
  const failures = busySummary.failures;
  const cases: [boolean, Partial<RunSummary>, number][] = [
    [false, {}, 0],
    [false, { downloaded: 5, alreadyPresent: 3 }, 0],
    [false, { notFound }, 1],
    [false, { failures }, 1],
    [true, {}, 130],
    [true, { failures }, 130],
  ];
  for (const [cancelled, fields, expected] of cases) {
    assert.equal(
      exitCodeFor({ cancelled, summary: summaryWith(fields) }),
      expected,
      JSON.stringify({ cancelled, fields }),
    );
  }
});

const stop = {
  code: "js_runtime_missing",
  message: "yt-dlp needs a JavaScript runtime for https://music.youtube.com/watch?v=x",
  hint: "Install Deno",
  itemId: "track:abc",
  itemName: "Abstrakt - Nobody Else",
  exitCode: 4,
};

Deno.test("exitCodeFor: a run stopped by a failure exits with that failure's code", () => {
  const summary = summaryWith({ failures: busySummary.failures, pending: 7 });
  assert.equal(exitCodeFor({ cancelled: false, summary, stoppedBy: stop }), 4);
  assert.equal(exitCodeFor({ cancelled: false, summary, stoppedBy: { ...stop, exitCode: 3 } }), 3);
  // Ctrl-C wins: the user stopped it.
  assert.equal(exitCodeFor({ cancelled: true, summary, stoppedBy: stop }), 130);
});

Deno.test("formatRunSummary: a stopped run names the track, the reason and the hint", () => {
  const text = formatRunSummary(summaryWith({ pending: 7 }), { color: false, stoppedBy: stop });
  assert.match(text, /Left pending +7/);
  assert.match(
    text,
    /\nStopped:\n {2}- Abstrakt - Nobody Else \[track:abc\] js_runtime_missing\n {4}yt-dlp needs a JavaScript runtime for .*\n {4}hint: Install Deno\n$/,
  );
  assert.doesNotMatch(formatRunSummary(summaryWith({}), { color: false }), /Stopped/);
});

Deno.test("formatRunSummary: a not-found entry names the track once, then its best candidate", () => {
  const text = formatRunSummary(
    summaryWith({
      notFound: [{
        id: "track:i",
        name: "Gorillaz - Intro",
        message: 'no confident match; best "Intro (Live)" (score 0.62, length off by 146 s)',
        bestCandidate: "Intro (Live) <https://music.youtube.com/watch?v=y> score 0.62",
        hint: "Run `tunedl explain ...`",
      }],
    }),
    { color: false },
  );
  const part = text.slice(text.indexOf("Not found (1):"));
  assert.equal((part.match(/Gorillaz - Intro/g) ?? []).length, 1, part);
  assert.match(
    part,
    /^ {4}no confident match; best "Intro \(Live\)" \(score 0\.62, length off by 146 s\)$/m,
  );
  assert.doesNotMatch(part, /best candidate:/, "the candidate is named once");
});

Deno.test("formatRunSummary: a Lyrics row and the lyrics failures, apart from failed tracks", () => {
  const text = formatRunSummary(
    summaryWith({
      downloaded: 4,
      extra: {
        lyrics: {
          synced: 2,
          plain: 1,
          instrumental: 0,
          not_found: 0,
          failed: 1,
          failures: [{ id: "track:x", name: "A - Song", message: "LRCLIB answered HTTP 502" }],
        },
      },
    }),
    { color: false },
  );
  assert.match(text, /\n {2}Lyrics +2 synced, 1 plain, 1 failed\n/);
  assert.match(
    text,
    /\nLyrics not written \(1\):\n {2}- A - Song \[track:x\]\n {4}LRCLIB answered HTTP 502\n/,
  );
  assert.match(text, /Failed +0/);
});

const source = (status: "ok" | "partial" | "failed"): PlanSource => ({
  name: `Source ${status}`,
  url: `https://open.spotify.com/album/${status}`,
  kind: "album",
  item_id: `album:${status}`,
  status,
  ...(status === "ok" ? {} : { message: `${status}: one release could not be read` }),
});

Deno.test("exitCodeFor: a source read wholly or in part is 1 even when no track ran", () => {
  const cases: [PlanSource[], number][] = [
    [[], 0],
    [[source("ok")], 0],
    [[source("ok"), source("partial")], 1],
    [[source("failed")], 1],
  ];
  for (const [sources, code] of cases) {
    assert.equal(exitCodeFor({ cancelled: false, summary: summaryWith({}) }, { sources }), code);
  }
  // Interrupted or stopped still wins.
  assert.equal(
    exitCodeFor({ cancelled: true, summary: summaryWith({}) }, { sources: [source("failed")] }),
    130,
  );
});

Deno.test("formatRunSummary names sources not fully read and points at tunedl report", () => {
  const text = formatRunSummary(
    summaryWith({
      sources: [source("partial"), source("failed")],
      reportCommand: "tunedl report --config /c/config.yaml",
    }),
    { color: false },
  );
  assert.match(text, /Sources unread +1 failed, 1 partial/);
  assert.match(text, /Sources not fully read \(2\):/);
  assert.match(text, /Source partial partial <https:\/\/open\.spotify\.com\/album\/partial>/);
  assert.match(text, /tunedl report --config \/c\/config\.yaml/);
  const clean = formatRunSummary(
    summaryWith({ reportCommand: "tunedl report --config /c/config.yaml" }),
    { color: false },
  );
  assert.doesNotMatch(clean, /tunedl report/);
});
