import assert from "node:assert/strict";
import {
  itemsById,
  type PlanItem,
  type PlanItemStatus,
  rollUpAfterStart,
  rollUpAncestors,
  rollUpContainers,
} from "../../src/plan/mod.ts";
import { containerItem, trackItem } from "../fakes/fake_track_worker.ts";

const statuses: PlanItemStatus[] = ["pending", "in_progress", "completed", "failed", "skipped"];

/** An artist of two albums, with a playlist over tracks of both; `a1` is the track that starts. */
function library(others: [PlanItemStatus, PlanItemStatus, PlanItemStatus]): PlanItem[] {
  const a1 = trackItem("track:a1");
  const a2 = trackItem("track:a2", { status: others[0] });
  const b1 = trackItem("track:b1", { status: others[1] });
  const b2 = trackItem("track:b2", { status: others[2] });
  const albumA = containerItem("album:a", "album", [a1, a2]);
  const albumB = containerItem("album:b", "album", [b1, b2]);
  const artist = containerItem("artist:x", "artist", [albumA, albumB]);
  const playlist = containerItem("playlist:p", "playlist", [a1, b1]);
  const items = [a1, a2, b1, b2, albumA, albumB, artist, playlist];
  rollUpContainers(items, new Date("2024-01-01T00:00:00Z"));
  return items;
}

Deno.test("rollUpAfterStart leaves every container as a full roll-up would", () => {
  const at = new Date("2024-01-02T00:00:00Z");
  let skipped = 0;
  for (const x of statuses) {
    for (const y of statuses) {
      for (const z of statuses) {
        const full = library([x, y, z]);
        const quick = library([x, y, z]);
        for (const items of [full, quick]) items[0].status = "in_progress";
        const parentsBusy = ["album:a", "playlist:p"].every((id) =>
          itemsById(quick).get(id)!.status === "in_progress"
        );
        if (parentsBusy) skipped++;
        rollUpAncestors(full[0], itemsById(full), at);
        rollUpAfterStart(quick[0], itemsById(quick), at);
        assert.deepEqual(quick, full, `siblings ${x}, ${y}, ${z}`);
      }
    }
  }
  // The shortcut was taken for some of the cases, not only the full roll-up.
  assert.ok(skipped > 0 && skipped < statuses.length ** 3, `shortcut taken ${skipped} times`);
});

Deno.test("rollUpContainers: a container's share done and failure count, in one pass", () => {
  const tracks = [
    trackItem("track:1", { status: "completed" }),
    trackItem("track:2", { status: "failed" }),
    trackItem("track:3", { status: "in_progress" }),
    trackItem("track:4"),
  ];
  const album = containerItem("album:a", "album", tracks);
  album.children.push("track:not-in-plan");
  rollUpContainers([...tracks, album], new Date("2024-01-02T00:00:00Z"));
  assert.equal(album.status, "in_progress");
  assert.equal(album.progress, 0.5);
  tracks[2].status = "completed";
  tracks[3].status = "skipped";
  rollUpContainers([...tracks, album], new Date("2024-01-02T00:00:00Z"));
  assert.equal(album.status, "failed");
  assert.equal(album.error?.message, "1 of 4 items of album album:a failed");
});
