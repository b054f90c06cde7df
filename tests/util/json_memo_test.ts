import assert from "node:assert/strict";
import { JsonMemo } from "../../src/util/mod.ts";

interface Item {
  id: string;
  status: string;
  progress?: number;
  children: string[];
  metadata: { title: string; artists: string[] } | null;
}

function item(): Item {
  return {
    id: "track:1",
    status: "pending",
    children: ["a"],
    metadata: { title: "Song", artists: ["X"] },
  };
}

Deno.test("JsonMemo makes an object's text again exactly when one of its fields changed", () => {
  const changes: [string, (value: Item) => void, boolean][] = [
    ["nothing", () => {}, false],
    ["a field set to the same value", (v) => (v.status = "pending"), false],
    ["a field replaced", (v) => (v.status = "completed"), true],
    ["a field added", (v) => (v.progress = 0.5), true],
    ["a field removed", (v) => delete (v as Partial<Item>).progress, false],
    ["an array replaced", (v) => (v.children = [...v.children]), true],
    ["an array grown in place", (v) => v.children.push("b"), true],
    ["a nested field replaced in place", (v) => (v.metadata!.title = "Other"), true],
    ["a nested array grown in place", (v) => v.metadata!.artists.push("Y"), true],
    ["a nested object replaced", (v) => (v.metadata = { ...v.metadata! }), true],
    ["a nested object cleared", (v) => (v.metadata = null), true],
  ];
  for (const [label, change, remade] of changes) {
    let made = 0;
    const memo = new JsonMemo<Item>((value) => {
      made++;
      return JSON.stringify(value);
    });
    const value = item();
    if (label === "a field removed") value.progress = 1;
    assert.equal(memo.text(value), JSON.stringify(value), `${label}: first text`);
    if (label === "a field removed") delete value.progress;
    else change(value);
    assert.equal(memo.text(value), JSON.stringify(value), `${label}: text after the change`);
    assert.equal(made, remade || label === "a field removed" ? 2 : 1, `${label}: made again?`);
    assert.equal(memo.text(value), JSON.stringify(value), `${label}: text once more`);
    assert.equal(made, remade || label === "a field removed" ? 2 : 1, `${label}: then remembered`);
  }
});

Deno.test("JsonMemo keeps one text per object, not per equal content", () => {
  let made = 0;
  const memo = new JsonMemo<Item>((value) => {
    made++;
    return JSON.stringify(value);
  });
  const a = item();
  const b = item();
  assert.equal(memo.text(a), memo.text(b));
  assert.equal(made, 2);
});
