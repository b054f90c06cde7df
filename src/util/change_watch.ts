/**
 * Which of many objects changed since they were last looked at, without
 * keeping a copy of them: a download saves its plan of thousands of items
 * every few seconds while a few dozen change in between, and only those need
 * their text made again.
 *
 * A change is seen when a field holds another value or object, an array field
 * another array or another length, or (down to `depth`) a field of a nested
 * object changed so. Code that edits a nested value in place beyond that
 * depth, or an array element in place, is not seen: the plan's code replaces
 * fields and arrays instead (see copyPlanItems).
 */

/** What an object's fields were when it was last looked at. */
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

/** Options of {@link ChangeWatch}. */
export interface ChangeWatchOptions {
  /** How deep nested objects are checked for changed fields (default 1: the object's own objects). */
  depth?: number;
}

/** Tells whether an object changed since the last time it was asked about. */
export class ChangeWatch<T extends object> {
  readonly #depth: number;
  // Weak: what is remembered goes with the objects (a finished run's plan), never outlives them.
  readonly #seen = new WeakMap<T, Snapshot>();

  /** A watch that has seen no object yet. */
  constructor(options: ChangeWatchOptions = {}) {
    this.#depth = Math.max(0, Math.floor(options.depth ?? 1));
  }

  /** Whether `value` is new to the watch or changed since the last call; remembers it as it is now. */
  changed(value: T): boolean {
    const known = this.#seen.get(value);
    if (known !== undefined && unchanged(value, known, this.#depth)) return false;
    this.#seen.set(value, snapshotOf(value, this.#depth));
    return true;
  }
}
