/**
 * `download --prune` around a run: the --force guard before it, and after it
 * removal only when the run's downloads succeeded, said as text or as one
 * JSON event line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  filesToReplace,
  libraryRecording,
  preparePrune,
  syncOwnership,
} from "../../src/cli/library_upkeep.ts";
import type { PersistentCache } from "../../src/cache/mod.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { parseConfig } from "../../src/config/mod.ts";
import { LibraryIndex, OwnershipRecord } from "../../src/library/mod.ts";
import { emptyRunSummary, type ExecutionResult, type Plan } from "../../src/plan/mod.ts";
import { containerItem, planOf, trackItem } from "../fakes/fake_track_worker.ts";

const PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs";

function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    env: {},
    cwd: "/",
    os: "linux" as const,
  };
  return io;
}

const loaded = parseConfig(
  `version: "1.2"\nplaylists:\n  - https://open.spotify.com/playlist/${PLAYLIST}\n`,
  { file: "/tmp/config.yaml", env: {} },
);

/** A library with `owned` track files recorded for the playlist, and a plan listing `listed`. */
async function library(root: string, owned: string[], listed: string[]) {
  const ownership = await OwnershipRecord.open(root);
  for (const name of owned) {
    const path = join(root, "Artist", `${name}.mp3`);
    await Deno.mkdir(join(root, "Artist"), { recursive: true });
    await Deno.writeTextFile(path, name);
    ownership.record(path, { kind: "track", spotify_id: name, sources: [`playlist:${PLAYLIST}`] });
  }
  const tracks = listed.map((name) =>
    trackItem(`track:${name}`, { spotify_id: name, path: join(root, "Artist", `${name}.mp3`) })
  );
  const plan = planOf([containerItem(`playlist:${PLAYLIST}`, "playlist", tracks), ...tracks]);
  return { ownership, plan };
}

function resultOf(plan: Plan, fields: Partial<ExecutionResult> = {}): ExecutionResult {
  return {
    plan,
    summary: emptyRunSummary(),
    cancelled: false,
    peaks: { spotify: 0, search: 0, download: 0 },
    ...fields,
  };
}

async function withRoot(run: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "tunedl-upkeep-" });
  try {
    await run(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("preparePrune: more than a quarter needs --force (exit 2 with the count)", async () => {
  await withRoot(async (root) => {
    const { ownership, plan } = await library(root, ["a", "b", "c", "d"], ["a", "b"]);
    assert.throws(
      () => preparePrune(plan, ownership, { loaded, force: false }),
      (error: Error & { exitCode?: number }) =>
        error.exitCode === 2 && /would remove 2 of the 4 files tunedl owns/.test(error.message),
    );
    assert.ok(preparePrune(plan, ownership, { loaded, force: true }));
    await ownership.flush();
  });
});

Deno.test("preparePrune: nothing is removed after a run with failed tracks or an interrupted one", async () => {
  await withRoot(async (root) => {
    const { ownership, plan } = await library(root, ["a", "b"], ["a"]);
    const prune = preparePrune(plan, ownership, { loaded, force: true });
    const failed = resultOf(plan, {
      summary: {
        ...emptyRunSummary(),
        failures: [{ id: "track:a", name: "a", code: "network", message: "reset" }],
      },
    });
    const infos: string[] = [];
    const io = captureIo();
    assert.equal(await prune.afterRun(failed, { io, info: (t) => infos.push(t), json: false }), 0);
    assert.match(infos[0], /Not pruning: 1 track failed/);
    assert.equal(
      await prune.afterRun(resultOf(plan, { cancelled: true }), {
        io,
        info: (t) => infos.push(t),
        json: false,
      }),
      0,
    );
    assert.match(infos[1], /Not pruning: the run did not finish/);
    assert.equal(await Deno.readTextFile(join(root, "Artist", "b.mp3")), "b");
    await ownership.flush();
  });
});

Deno.test("preparePrune: after a good run it removes and says so, as text or as one JSON line", async () => {
  await withRoot(async (root) => {
    const { ownership, plan } = await library(root, ["a", "b", "c", "d", "e"], [
      "a",
      "b",
      "c",
      "d",
    ]);
    const prune = preparePrune(plan, ownership, { loaded, force: false });
    const io = captureIo();
    const code = await prune.afterRun(resultOf(plan), { io, info: () => {}, json: true });
    assert.equal(code, 0);
    const event = JSON.parse(io.stdout.trim());
    assert.equal(event.type, "pruned");
    assert.deepEqual(event.removed.map((r: { spotify_id: string }) => r.spotify_id), ["e"]);
    await assert.rejects(Deno.stat(join(root, "Artist", "e.mp3")), Deno.errors.NotFound);
    const saved = JSON.parse(await Deno.readTextFile(join(root, ".tunedl", "owned.json")));
    assert.deepEqual(Object.keys(saved.files).sort(), [
      "Artist/a.mp3",
      "Artist/b.mp3",
      "Artist/c.mp3",
      "Artist/d.mp3",
    ]);

    const text = captureIo();
    const again = preparePrune(plan, ownership, { loaded, force: false });
    await again.afterRun(resultOf(plan), {
      io: text,
      info: (t) => text.err(`${t}\n`),
      json: false,
    });
    assert.match(text.stderr, /Nothing to prune/);
  });
});

Deno.test("syncOwnership: owned files gain today's sources; present files the index vouches for are adopted", async () => {
  await withRoot(async (root) => {
    const ownership = await OwnershipRecord.open(root);
    const owned = join(root, "owned.mp3");
    const vouched = join(root, "vouched.mp3");
    const unknown = join(root, "unknown.mp3");
    for (const path of [owned, vouched, unknown]) await Deno.writeTextFile(path, "x");
    ownership.record(owned, { kind: "track", spotify_id: "o", sources: ["album:old"] });
    const stored = new Map<string, unknown>();
    const index = new LibraryIndex({
      get: (_namespace: string, key: string) => Promise.resolve(stored.get(key)),
      setMany: (_namespace: string, entries: [string, unknown][]) => {
        for (const [key, value] of entries) stored.set(key, value);
        return Promise.resolve();
      },
      delete: (_namespace: string, key: string) => {
        stored.delete(key);
        return Promise.resolve();
      },
    } as unknown as PersistentCache);
    const info = await Deno.stat(vouched);
    await index.record("v", { path: vouched, size: info.size, mtimeMs: info.mtime!.getTime() });

    const present = { status: "skipped" as const, skip_reason: "exists" };
    const tracks = [
      trackItem("track:o", { spotify_id: "o", path: owned, ...present }),
      trackItem("track:v", { spotify_id: "v", path: vouched, ...present }),
      trackItem("track:u", { spotify_id: "u", path: unknown, ...present }),
    ];
    const plan = planOf([containerItem(`playlist:${PLAYLIST}`, "playlist", tracks), ...tracks]);
    await syncOwnership(plan, ownership, { index });
    assert.deepEqual(ownership.get(owned)?.sources, ["album:old", `playlist:${PLAYLIST}`]);
    assert.deepEqual(ownership.get(vouched)?.sources, [`playlist:${PLAYLIST}`]);
    assert.equal(ownership.get(vouched)?.spotify_id, "v");
    assert.equal(ownership.get(unknown), undefined, "not vouched for: never adopted");
    await ownership.flush();
  });
});

Deno.test("a file the run downloads again (overwrite, cut short) is never the recording to copy from", async () => {
  await withRoot(async (root) => {
    const ownership = await OwnershipRecord.open(root);
    const old = join(root, "old.mp3");
    const other = join(root, "other.mp3");
    for (const path of [old, other]) {
      await Deno.writeTextFile(path, "x");
      ownership.record(path, { kind: "track", isrc: "GB0000000010", sources: [] });
    }
    const replaced = filesToReplace(planOf([
      trackItem("track:o", { path: old, action: "download" }),
      trackItem("track:p", { path: other, status: "skipped", skip_reason: "exists" }),
    ]));
    assert.deepEqual([...replaced], [old]);
    const find = libraryRecording(ownership, null, { replaced });
    assert.deepEqual(await find(["isrc:GB0000000010"]), { path: other });
    const none = libraryRecording(ownership, null, { replaced: new Set([old, other]) });
    assert.equal(await none(["isrc:GB0000000010"]), undefined);
    await ownership.flush();
  });
});
