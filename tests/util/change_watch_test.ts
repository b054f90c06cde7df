import assert from "node:assert/strict";
import { ChangeWatch } from "../../src/util/mod.ts";

interface Item {
  id: string;
  status: string;
  progress?: number;
  children: string[];
  metadata: { title: string; artists: string[]; album?: { name: string } } | null;
}

function item(): Item {
  return {
    id: "track:1",
    status: "pending",
    children: ["a"],
    metadata: { title: "Song", artists: ["X"], album: { name: "A" } },
  };
}

Deno.test("ChangeWatch sees a change exactly when a field, an array or a nested field changed", () => {
  const cases: [string, (value: Item) => void, boolean][] = [
    ["nothing", () => {}, false],
    ["a field set to the same value", (v) => (v.status = "pending"), false],
    ["a field replaced", (v) => (v.status = "completed"), true],
    ["a field added", (v) => (v.progress = 0.5), true],
    ["a field removed", (v) => delete (v as Partial<Item>).metadata, true],
    ["a field renamed, same value", (v) => {
      const { metadata } = v;
      delete (v as Partial<Item>).metadata;
      Object.assign(v, { other: metadata });
    }, true],
    ["the same fields in another order", (v) => {
      const { id, ...rest } = v;
      for (const key of Object.keys(v)) delete (v as unknown as Record<string, unknown>)[key];
      Object.assign(v, rest, { id });
    }, true],
    ["an array replaced by an equal one", (v) => (v.children = [...v.children]), true],
    ["an array grown in place", (v) => v.children.push("b"), true],
    ["an array element replaced in place (not seen)", (v) => (v.children[0] = "z"), false],
    ["a nested field replaced in place", (v) => (v.metadata!.title = "Other"), true],
    ["a nested array grown in place", (v) => v.metadata!.artists.push("Y"), true],
    ["below the depth, in place (not seen)", (v) => (v.metadata!.album!.name = "B"), false],
    ["a nested object replaced", (v) => (v.metadata = { ...v.metadata! }), true],
    ["a nested object cleared", (v) => (v.metadata = null), true],
  ];
  for (const [label, change, seen] of cases) {
    const watch = new ChangeWatch<Item>();
    const value = item();
    assert.equal(watch.changed(value), true, `${label}: new to the watch`);
    assert.equal(watch.changed(value), false, `${label}: asked again`);
    change(value);
    assert.equal(watch.changed(value), seen, `${label}: after the change`);
    assert.equal(watch.changed(value), false, `${label}: then remembered as it is`);
  }
});

Deno.test("ChangeWatch: objects of one shape, watched side by side, are told apart", () => {
  const watch = new ChangeWatch<Item>();
  const items = Array.from({ length: 3 }, () => item());
  for (const value of items) assert.equal(watch.changed(value), true);
  items[1].status = "completed";
  assert.deepEqual(items.map((value) => watch.changed(value)), [false, true, false]);
  items[2].metadata!.artists.push("Y");
  assert.deepEqual(items.map((value) => watch.changed(value)), [false, false, true]);
});

Deno.test("ChangeWatch tells objects apart, not equal contents; depth 0 checks own fields only", () => {
  const watch = new ChangeWatch<Item>();
  const a = item();
  const b = item();
  assert.equal(watch.changed(a), true);
  assert.equal(watch.changed(b), true, "an equal object is another object");
  assert.equal(watch.changed(a), false);
  const shallow = new ChangeWatch<Item>({ depth: 0 });
  assert.equal(shallow.changed(a), true);
  a.metadata!.title = "Other";
  assert.equal(shallow.changed(a), false, "a nested field is beyond depth 0");
  a.metadata = null;
  assert.equal(shallow.changed(a), true);
});
