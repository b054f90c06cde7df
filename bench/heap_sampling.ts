/**
 * Attaches to a tunedl started with `--inspect=127.0.0.1:PORT`, runs V8's
 * sampling heap profiler for a while (counting objects later collected too,
 * i.e. all allocations) and prints the top allocation sites by bytes.
 * Usage: deno run -A bench/heap_sampling.ts [port=9229] [delay-s=15] [seconds=30]
 */
const [port = "9229", delay = "15", seconds = "30"] = Deno.args;
await new Promise((r) => setTimeout(r, Number(delay) * 1000));
const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
await new Promise((r) => ws.addEventListener("open", r, { once: true }));
let id = 0;
const pending = new Map<number, (v: Record<string, unknown>) => void>();
ws.addEventListener("message", (e) => {
  const msg = JSON.parse(e.data);
  if (msg.id !== undefined) pending.get(msg.id)?.(msg.result ?? msg.error);
});
const call = (method: string, params: Record<string, unknown> = {}) =>
  new Promise<Record<string, unknown>>((resolve) => {
    const n = ++id;
    pending.set(n, resolve);
    ws.send(JSON.stringify({ id: n, method, params }));
  });
await call("HeapProfiler.enable");
await call("HeapProfiler.startSampling", {
  samplingInterval: 16384,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
console.error(`sampling ${seconds} s`);
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
type Node = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
};
const { profile } = await call("HeapProfiler.stopSampling") as { profile: { head: Node } };
ws.close();
const self = new Map<string, number>();
const stacks = new Map<string, number>();
let total = 0;
const walk = (node: Node, path: string[]) => {
  const f = node.callFrame;
  const name = `${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${
    f.lineNumber + 1
  }`;
  const here = [...path, name];
  if (node.selfSize > 0) {
    total += node.selfSize;
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    const key = here.slice(-6).join(" < ".replace("<", "<"));
    stacks.set(key, (stacks.get(key) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, here);
};
walk(profile.head, []);
const mb = (n: number) => (n / 1048576).toFixed(1);
console.log(`total sampled allocation: ${mb(total)} MB in ${seconds} s`);
for (const [name, size] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${mb(size).padStart(7)} MB  ${name}`);
}
console.log("\ntop stacks (innermost last):");
for (const [name, size] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${mb(size).padStart(7)} MB  ${name.split(" < ").join("\n            > ")}`);
}
