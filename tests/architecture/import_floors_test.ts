/**
 * The house's floors, read from the code: a folder of src/ imports only
 * folders below it, through their mod.ts; the adapters do not import each
 * other or config/; no file below cli/ names LoadedConfig; no import circles.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** Each folder's floor; a folder may import folders on lower floors only (and itself). */
const FLOORS: Record<string, number> = {
  errors: 0,
  util: 1,
  model: 2,
  config: 3,
  cache: 3,
  spotify: 4,
  search: 4,
  library: 4,
  audio: 4,
  lyrics: 4,
  plan: 5,
  cli: 6,
};
const ADAPTERS = new Set(["spotify", "search", "library", "audio", "lyrics"]);

interface SourceImport {
  from: string;
  to: string;
}

async function sourceFiles(dir = SRC): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

async function relativeImports(): Promise<SourceImport[]> {
  const found: SourceImport[] = [];
  for (const file of await sourceFiles()) {
    const text = await Deno.readTextFile(file);
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      found.push({
        from: relative(SRC, file),
        to: relative(SRC, normalize(join(dirname(file), match[1]))),
      });
    }
  }
  return found;
}

function folderOf(path: string): string {
  return path.split(/[\\/]/)[0];
}

/** Pure check of one import; returns what is wrong with it, or undefined. */
function importProblem(edge: SourceImport): string | undefined {
  const from = folderOf(edge.from);
  const to = folderOf(edge.to);
  if (from === to || edge.from === "main.ts") return undefined;
  if (!(from in FLOORS) || !(to in FLOORS)) return `${edge.from}: unknown folder ${to}`;
  if (FLOORS[to] >= FLOORS[from]) return `${edge.from} imports ${edge.to}, not below it`;
  if (!/[\\/]mod\.ts$/.test(edge.to)) return `${edge.from} imports ${edge.to}, not its mod.ts`;
  if (ADAPTERS.has(from) && to === "config") return `${edge.from}: an adapter imports config/`;
  return undefined;
}

Deno.test("import rule: each case of the floors table is judged right", () => {
  const cases: [SourceImport, boolean][] = [
    [{ from: "plan/a.ts", to: "audio/mod.ts" }, true],
    [{ from: "plan/a.ts", to: "plan/b.ts" }, true],
    [{ from: "audio/a.ts", to: "plan/mod.ts" }, false],
    [{ from: "audio/a.ts", to: "search/mod.ts" }, false],
    [{ from: "audio/a.ts", to: "config/mod.ts" }, false],
    [{ from: "cli/a.ts", to: "plan/execute.ts" }, false],
    [{ from: "config/a.ts", to: "model/mod.ts" }, true],
    [{ from: "model/a.ts", to: "config/mod.ts" }, false],
  ];
  for (const [edge, allowed] of cases) {
    assert.equal(importProblem(edge) === undefined, allowed, `${edge.from} -> ${edge.to}`);
  }
});

Deno.test("src/ keeps its floors: every import goes down, through mod.ts", async () => {
  const problems = (await relativeImports()).map(importProblem).filter((p) => p !== undefined);
  assert.deepEqual(problems, []);
});

Deno.test("no code below cli/ names LoadedConfig", async () => {
  const offenders: string[] = [];
  for (const file of await sourceFiles()) {
    const path = relative(SRC, file);
    if (["cli", "config"].includes(folderOf(path))) continue;
    if (/\bLoadedConfig\b/.test(await Deno.readTextFile(file))) offenders.push(path);
  }
  assert.deepEqual(offenders, []);
});

Deno.test("no circle of imports between the files of src/", async () => {
  const edges = new Map<string, string[]>();
  for (const edge of await relativeImports()) {
    edges.set(edge.from, [...(edges.get(edge.from) ?? []), edge.to]);
  }
  const state = new Map<string, "open" | "done">();
  const circles: string[] = [];
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      circles.push([...trail.slice(trail.indexOf(file)), file].join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const next of edges.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, "done");
  };
  for (const file of edges.keys()) visit(file, []);
  assert.deepEqual(circles, []);
});
