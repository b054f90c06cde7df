/**
 * The JSON text of objects that are saved again and again while few of them
 * change: a download saves its plan of thousands of items every few seconds,
 * and a few dozen items change in between. Making every item's text anew each
 * time was a third of a download's allocations (measured with V8's sampling
 * heap profiler); here an item's text is made again only when one of its
 * fields changed.
 *
 * A change is seen when a field holds another value or object, an array field
 * another array or another length, or (down to `depth`) a field of a nested
 * object changed so. Code that edits a nested value in place beyond that
 * depth, or an array element in place, is not seen: the plan's code replaces
 * fields and arrays instead (see copyPlanItems).
 */

/** What an object's fields were when its text was made. */
interface Snapshot {
  fields: Record<string, unknown>;
  count: number;
  lengths?: Record<string, number>;
  nested?: Record<string, Snapshot>;
}

function snapshotOf(value: object, depth: number): Snapshot {
  const fields: Record<string, unknown> = {};
  let count = 0;
  let lengths: Record<string, number> | undefined;
  let nested: Record<string, Snapshot> | undefined;
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    fields[key] = field;
    count++;
    if (Array.isArray(field)) (lengths ??= {})[key] = field.length;
    else if (depth > 0 && field !== null && typeof field === "object") {
      (nested ??= {})[key] = snapshotOf(field, depth - 1);
    }
  }
  return { fields, count, lengths, nested };
}

function unchanged(value: object, snapshot: Snapshot, depth: number): boolean {
  let count = 0;
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    if (snapshot.fields[key] !== field) return false;
    count++;
    if (Array.isArray(field)) {
      if (snapshot.lengths?.[key] !== field.length) return false;
    } else if (depth > 0 && field !== null && typeof field === "object") {
      const inner = snapshot.nested?.[key];
      if (inner === undefined || !unchanged(field, inner, depth - 1)) return false;
    }
  }
  return count === snapshot.count;
}

/** Options of {@link JsonMemo}. */
export interface JsonMemoOptions {
  /** How deep nested objects are checked for changed fields (default 1: the object's own objects). */
  depth?: number;
}

/** Remembers `toJson(value)` per object, made again when the object's fields changed. */
export class JsonMemo<T extends object> {
  readonly #toJson: (value: T) => string;
  readonly #depth: number;
  // Weak: the texts go with the objects (a finished run's plan), never outlive them.
  readonly #texts = new WeakMap<T, { snapshot: Snapshot; text: string }>();

  /** `toJson` makes the text of one object; it must depend only on the object's fields. */
  constructor(toJson: (value: T) => string, options: JsonMemoOptions = {}) {
    this.#toJson = toJson;
    this.#depth = Math.max(0, Math.floor(options.depth ?? 1));
  }

  /** The JSON text of `value`: remembered, or made now when the value is new or changed. */
  text(value: T): string {
    const known = this.#texts.get(value);
    if (known !== undefined && unchanged(value, known.snapshot, this.#depth)) return known.text;
    const text = this.#toJson(value);
    this.#texts.set(value, { snapshot: snapshotOf(value, this.#depth), text });
    return text;
  }
}
