import assert from "node:assert/strict";
import {
  copyPlanItems,
  planFromJson,
  type PlanItem,
  planJsonPieces,
  planToJson,
} from "../../src/plan/mod.ts";
import { m3uItem, planOf, trackItem } from "../fakes/fake_track_worker.ts";

function original(): PlanItem[] {
  return [
    trackItem("track:a", {
      parent_ids: ["album:x"],
      error: { code: "network", message: "offline" },
      metadata: {
        spotifyId: "a",
        title: "A",
        artists: ["One"],
        artistIds: ["1"],
        genres: ["rock"],
      } as unknown as PlanItem["metadata"],
    }),
    m3uItem("m3u:p", ["track:a"]),
  ];
}

Deno.test("copyPlanItems: every change the plan stages make leaves the original as it was", () => {
  const changes: [string, (items: PlanItem[]) => void][] = [
    ["status and stage", (items) => Object.assign(items[0], { status: "completed", stage: "tag" })],
    ["parent ids", (items) => items[0].parent_ids.push("playlist:y")],
    ["children", (items) => items[1].children.push("track:b")],
    ["error", (items) => (items[0].error!.message = "changed")],
    ["metadata field", (items) => ((items[0].metadata as { isrc?: string }).isrc = "X")],
    ["metadata array", (items) => (items[0].metadata as { genres: string[] }).genres.push("pop")],
    ["m3u track list", (items) =>
      (items[1].metadata as { trackItemIds: string[] }).trackItemIds
        .push("track:b")],
  ];
  for (const [name, change] of changes) {
    const items = original();
    const copy = copyPlanItems(items);
    assert.deepEqual(copy, items, `${name}: a copy is equal`);
    change(copy);
    assert.deepEqual(items, original(), `${name}: the original did not change`);
  }
});

Deno.test("copyPlanItems shallow: fields replaced in the copy leave the original; values are shared", () => {
  const items = original();
  const copy = copyPlanItems(items, { shallow: true });
  assert.deepEqual(copy, items);
  assert.notEqual(copy[0], items[0]);
  assert.equal(copy[0].metadata, items[0].metadata, "metadata is shared, not copied");
  assert.equal(copy[0].parent_ids, items[0].parent_ids);
  Object.assign(copy[0], {
    status: "completed",
    metadata: { ...copy[0].metadata, isrc: "X" },
    parent_ids: [...copy[0].parent_ids, "playlist:y"],
  });
  assert.deepEqual(items, original(), "the original did not change");
});

Deno.test("copyPlanItems keeps items without metadata or error as they are", () => {
  const item = trackItem("track:z", { metadata: null });
  delete item.error;
  const [copy] = copyPlanItems([item]);
  assert.equal(copy.metadata, null);
  assert.equal("error" in copy, false);
  assert.notEqual(copy, item);
});

Deno.test("planJsonPieces: the pieces make the same plan, for any piece size", () => {
  const plan = planOf([
    ...Array.from({ length: 7 }, (_, i) => trackItem(`track:t${i}`, { name: `Song "${i}" ü` })),
    m3uItem("m3u:p", ["track:t0", "track:t6"]),
  ]);
  const whole = JSON.parse(planToJson(plan, { compact: true }));
  for (const itemsPerPiece of [1, 3, 8, 100]) {
    const pieces = [...planJsonPieces(plan, { itemsPerPiece })];
    assert.equal(
      pieces.length,
      2 + Math.ceil(plan.items.length / itemsPerPiece),
      `${itemsPerPiece}`,
    );
    assert.deepEqual(planFromJson(pieces.join("")), whole, `${itemsPerPiece} per piece`);
  }
  const empty = planOf([]);
  assert.deepEqual(JSON.parse([...planJsonPieces(empty)].join("")), JSON.parse(planToJson(empty)));
});
