/**
 * shareRecordings driven by the real executor: tracks whose ISRC only the
 * full-track read (enrich) reveals are fetched once; the others wait outside
 * the pools and get a copy, a link or the shared file. Files are real (a temp
 * folder); the fake worker stands in for search and download.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { NotFoundError } from "../../src/errors/mod.ts";
import {
  executePlan,
  type Plan,
  type PlanItem,
  registryForPlan,
  shareRecordings,
  type WrittenFile,
} from "../../src/plan/mod.ts";
import type { TrackMetadata } from "../../src/model/mod.ts";
import {
  Deferred,
  FakeTrackWorker,
  planOf,
  trackItem,
  waitUntil,
} from "../fakes/fake_track_worker.ts";

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tunedl-share-" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Tracks whose metadata lacks the ISRC the enrich stage then reveals. */
function tracksOf(dir: string, ids: string[]): PlanItem[] {
  return ids.map((id) =>
    trackItem(`track:${id}`, {
      spotify_id: id,
      action: "download",
      path: join(dir, `${id}.mp3`),
      metadata: { spotifyId: id, title: id, artists: [], genres: [] } as unknown as TrackMetadata,
    })
  );
}

/** A fake worker whose enrich reveals `isrcOf(id)`, produce writes "audio of <id>", retag appends "tags of <id>". */
function fileWorker(
  isrcOf: (id: string) => string | undefined,
  behaviors: ConstructorParameters<typeof FakeTrackWorker>[0] = {},
): FakeTrackWorker {
  return new FakeTrackWorker({
    enrich: (item) => {
      const isrc = isrcOf(item.spotify_id!);
      if (isrc) (item.metadata as TrackMetadata).isrc = isrc;
    },
    produce: async (item, ctx, attempt) => {
      await behaviors.produce?.(item, ctx, attempt);
      await Deno.writeTextFile(item.path!, `audio of ${item.spotify_id}\n`);
      return { path: item.path!, bytes: 10 };
    },
    retag: async (item) => {
      await Deno.writeTextFile(item.path!, `tags of ${item.spotify_id}\n`, { append: true });
    },
    ...Object.fromEntries(Object.entries(behaviors).filter(([stage]) => stage !== "produce")),
  });
}

function run(plan: Plan, worker: ReturnType<typeof shareRecordings>, limits = 2) {
  return executePlan(plan, {
    worker,
    limits: { spotify: limits, search: limits, download: limits },
    maxRetries: 0,
    retryBaseDelayMs: 1,
  });
}

Deno.test("two tracks revealing one ISRC: one download, and the other waits for it and gets a tagged copy", async () => {
  await withTempDir(async (dir) => {
    const gate = new Deferred();
    const inner = fileWorker(() => "GB0000000001", { produce: () => gate.promise });
    const written: WrittenFile[] = [];
    const worker = shareRecordings(inner, { mode: "copy", onWritten: (f) => written.push(f) });
    const running = run(planOf(tracksOf(dir, ["a", "b"])), worker);
    await waitUntil(() => inner.callsOf("produce").length === 1, "the first download");
    // Both enriched, one download going: the other waits for it (no second search).
    await waitUntil(() => inner.callsOf("enrich").length === 2, "both enriched");
    assert.equal(inner.callsOf("resolveSource").length, 1);
    gate.resolve();
    const result = await running;
    assert.equal(inner.callsOf("produce").length, 1, "fetched once");
    assert.equal(result.summary.downloaded, 1);
    assert.equal(result.summary.copied, 1);
    const leader = inner.callsOf("produce")[0].id.slice("track:".length);
    const other = leader === "a" ? "b" : "a";
    assert.equal(
      await Deno.readTextFile(join(dir, `${other}.mp3`)),
      `audio of ${leader}\ntags of ${other}\n`,
      "a copy with its own tags",
    );
    assert.equal(await Deno.readTextFile(join(dir, `${leader}.mp3`)), `audio of ${leader}\n`);
    assert.deepEqual(written.map((f) => f.path).sort(), [join(dir, "a.mp3"), join(dir, "b.mp3")]);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["a.mp3", "b.mp3"]);
  });
});

Deno.test("many places of one recording with a single download slot: no deadlock, one fetch", async () => {
  await withTempDir(async (dir) => {
    const inner = fileWorker(() => "GB0000000002");
    const worker = shareRecordings(inner, { mode: "copy" });
    const result = await run(planOf(tracksOf(dir, ["a", "b", "c", "d", "e"])), worker, 1);
    assert.equal(inner.callsOf("produce").length, 1);
    assert.equal(result.summary.copied, 4);
    assert.equal([...Deno.readDirSync(dir)].length, 5);
  });
});

Deno.test("a lead that fails hands the recording to a waiting track, which fetches it itself", async () => {
  await withTempDir(async (dir) => {
    const inner = fileWorker(() => "GB0000000003", {
      resolveSource: (item) => {
        if (item.spotify_id === "a") throw new NotFoundError("no match for a");
        return undefined;
      },
    });
    const worker = shareRecordings(inner, { mode: "copy" });
    const result = await run(planOf(tracksOf(dir, ["a", "b"])), worker, 1);
    assert.deepEqual(inner.callsOf("produce").map((c) => c.id), ["track:b"]);
    assert.equal(result.summary.notFound.length, 1);
    assert.equal(result.summary.downloaded, 1);
  });
});

Deno.test("duplicates: skip points the other place at the one file", async () => {
  await withTempDir(async (dir) => {
    const inner = fileWorker(() => "GB0000000004");
    const written: WrittenFile[] = [];
    const worker = shareRecordings(inner, { mode: "skip", onWritten: (f) => written.push(f) });
    const result = await run(planOf(tracksOf(dir, ["a", "b"])), worker, 1);
    const [a, b] = ["track:a", "track:b"].map((id) => result.plan.items.find((i) => i.id === id)!);
    assert.equal(a.status, "completed");
    assert.equal(b.status, "skipped");
    assert.equal(b.skip_reason, "duplicate");
    assert.equal(b.path, a.path);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.mp3"]);
    assert.deepEqual(written.map((f) => [f.item.id, f.shared === true]), [
      ["track:a", false],
      ["track:b", true],
    ]);
  });
});

Deno.test("duplicates: link makes a hard link, or a copy with its own tags where links fail", async () => {
  await withTempDir(async (dir) => {
    const inner = fileWorker(() => "GB0000000005");
    const linked = await run(
      planOf(tracksOf(dir, ["a", "b"])),
      shareRecordings(inner, { mode: "link" }),
      1,
    );
    assert.equal(linked.summary.copied, 1);
    if (Deno.build.os !== "windows") {
      assert.equal(
        (await Deno.stat(join(dir, "a.mp3"))).ino,
        (await Deno.stat(join(dir, "b.mp3"))).ino,
      );
    }
    assert.equal(inner.callsOf("retag").length, 0, "a link is the same file: no own tags");

    const refusing = fileWorker(() => "GB0000000006");
    const copied = await run(
      planOf(tracksOf(dir, ["c", "d"])),
      shareRecordings(refusing, {
        mode: "link",
        linkFile: () => Promise.reject(new Deno.errors.PermissionDenied("no links here")),
      }),
      1,
    );
    assert.equal(copied.summary.copied, 1);
    assert.equal(await Deno.readTextFile(join(dir, "d.mp3")), "audio of c\ntags of d\n");
    assert.notEqual(
      (await Deno.stat(join(dir, "c.mp3"))).ino,
      (await Deno.stat(join(dir, "d.mp3"))).ino,
    );
  });
});

Deno.test("a recording already in place (the plan's present file) is copied, not fetched", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "old.mp3"), "audio of old\n");
    const [present] = tracksOf(dir, ["old"]);
    Object.assign(present, {
      status: "skipped",
      skip_reason: "exists",
      path: join(dir, "old.mp3"),
    });
    (present.metadata as TrackMetadata).isrc = "GB0000000007";
    const plan = planOf([present, ...tracksOf(dir, ["new"])]);
    const inner = fileWorker(() => "GB0000000007");
    const result = await run(
      plan,
      shareRecordings(inner, { mode: "copy", registry: registryForPlan(plan.items) }),
    );
    assert.equal(inner.callsOf("produce").length, 0);
    assert.equal(inner.callsOf("resolveSource").length, 0, "not even searched");
    assert.equal(result.summary.copied, 1);
    assert.equal(await Deno.readTextFile(join(dir, "new.mp3")), "audio of old\ntags of new\n");
  });
});

Deno.test("synced lyrics: a copy's .lrc sits beside the copy (not its hidden name), a link takes the first's", async () => {
  await withTempDir(async (dir) => {
    const lrcOf = (path: string) => path.replace(/\.mp3$/, ".lrc");
    const withLyrics = (isrc: string) =>
      fileWorker(() => isrc, {
        retag: async (item) => {
          await Deno.writeTextFile(item.path!, `tags of ${item.spotify_id}\n`, { append: true });
          await Deno.writeTextFile(lrcOf(item.path!), `[00:01.00] ${item.spotify_id}\n`);
          item.lyrics = "synced";
        },
      });
    const written: WrittenFile[] = [];
    const copy = await run(
      planOf(tracksOf(dir, ["a", "b"])),
      shareRecordings(withLyrics("GB0000000008"), {
        mode: "copy",
        onWritten: (f) => written.push(f),
      }),
      1,
    );
    const b = copy.plan.items.find((item) => item.id === "track:b")!;
    assert.equal(b.lyrics, "synced", "the item, not the hidden copy, holds the outcome");
    assert.equal(await Deno.readTextFile(join(dir, "b.lrc")), "[00:01.00] b\n");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "a.mp3",
      "b.lrc",
      "b.mp3",
    ]);
    assert.deepEqual(written.filter((f) => f.kind === "lyrics").map((f) => f.path), [
      join(dir, "b.lrc"),
    ]);

    await Deno.writeTextFile(join(dir, "c.lrc"), "[00:01.00] c\n");
    await Deno.writeTextFile(join(dir, "c.mp3"), "audio of c\n");
    const [present, ...rest] = tracksOf(dir, ["c", "d"]);
    Object.assign(present, { status: "skipped", skip_reason: "exists" });
    (present.metadata as TrackMetadata).isrc = "GB0000000009";
    const plan = planOf([present, ...rest]);
    await run(
      plan,
      shareRecordings(withLyrics("GB0000000009"), {
        mode: "link",
        registry: registryForPlan(plan.items),
      }),
      1,
    );
    assert.equal(await Deno.readTextFile(join(dir, "d.lrc")), "[00:01.00] c\n");
  });
});
