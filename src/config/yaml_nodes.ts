/** Small helpers over the `yaml` package's node tree: keys, positions, values. */
import { removeUnsafeCharacters } from "../util/mod.ts";
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair } from "yaml";
import type { ProblemCollector } from "./config_problem.ts";

/** A node or nothing (a key written without a value). */
export type MaybeNode = Node | null | undefined;

/** Follows an alias (`*anchor`) to the node it names. */
export function resolveNode(doc: Document, node: unknown): MaybeNode {
  if (isAlias(node)) return node.resolve(doc) as MaybeNode;
  return node as MaybeNode;
}

/** A map key as text, keeping how a plain number was written ("007", not "7"). */
export function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  if (typeof key.value === "string") return key.value;
  if (key.value === null) return "";
  return typeof key.source === "string" && key.source !== "" ? key.source : String(key.value);
}

/** Where a node starts (character offset), or the fallback when it has no position. */
export function startOf(node: unknown, fallback: number): number {
  if (isPair(node)) return startOf(node.key, fallback);
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : fallback;
}

/** Where a pair's value starts; for `key:` with nothing after it, where the key is. */
export function valueStart(pair: Pair, fallback: number): number {
  if (isNullScalar(pair.value)) return startOf(pair.key, fallback);
  return startOf(pair.value, startOf(pair.key, fallback));
}

/** Whether a node is absent or an empty / `null` / `~` scalar. */
export function isNullScalar(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** The plain JavaScript value of a node (lists, maps, scalars; aliases resolved). */
export function toValue(doc: Document, node: MaybeNode): unknown {
  if (node === null || node === undefined) return null;
  return (node as Node).toJS(doc);
}

/** The node at a path below a node (map keys, list indexes); the deepest one found. */
export function nodeAtPath(
  doc: Document,
  node: unknown,
  path: readonly PropertyKey[],
): MaybeNode {
  let current = resolveNode(doc, node);
  for (const segment of path) {
    if (isMap(current)) {
      const pair = current.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) return current;
      current = isNullScalar(pair.value) ? pair.key as MaybeNode : resolveNode(doc, pair.value);
    } else if (
      isSeq(current) && typeof segment === "number" && current.items[segment] !== undefined
    ) {
      current = resolveNode(doc, current.items[segment]);
    } else {
      return current;
    }
  }
  return current;
}

/** Describes a YAML value for "got ..." in messages: short and unambiguous. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    // JSON.stringify escapes control characters; bidi marks would reorder the message.
    return JSON.stringify(removeUnsafeCharacters(shown));
  }
  if (value === null || value === undefined || typeof value === "object") {
    return describeKind(value);
  }
  return String(value);
}

/** What kind of value it is ("a list", "a number", ...), never the value itself: for secrets. */
export function describeKind(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (value instanceof Map || typeof value === "object") return "a mapping";
  if (typeof value === "string") return value.trim() === "" ? "an empty string" : "a string";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "true or false";
  return typeof value;
}

/** Formats a key path like `download.audio_providers[1]`. */
export function formatPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const segment of path) {
    out += typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`;
  }
  return out;
}

/** What every reader of a config section needs: the document and where problems go. */
export interface ReadContext {
  doc: Document;
  problems: ProblemCollector;
}
