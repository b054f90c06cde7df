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

/**
 * What an object's fields were when it was last looked at, as one flat array: its key list
 * (shared by every object with the same keys), then per key the value, and after an array its
 * length, after a nested object (within the depth) that object's snapshot. An object per
 * snapshot with a field per key cost about twice as much, for every item of a plan of thousands
 * for the whole run (measured in heap snapshots).
 */
type Snapshot = unknown[];

/** Interns key lists: objects of one shape share one. */
type KeyLists = Map<string, readonly string[]>;

function snapshotOf(value: object, depth: number, keyLists: KeyLists): Snapshot {
  const keys: string[] = [];
  const snapshot: unknown[] = [keys];
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    keys.push(key);
    snapshot.push(field);
    if (Array.isArray(field)) snapshot.push(field.length);
    else if (depth > 0 && field !== null && typeof field === "object") {
      snapshot.push(snapshotOf(field, depth - 1, keyLists));
    }
  }
  const name = JSON.stringify(keys);
  let shared = keyLists.get(name);
  if (shared === undefined) keyLists.set(name, shared = keys);
  snapshot[0] = shared;
  // A copy holds no spare capacity from growing (a grown array keeps up to half again).
  return snapshot.slice();
}

function unchanged(value: object, snapshot: Snapshot, depth: number): boolean {
  const keys = snapshot[0] as readonly string[];
  let count = 0;
  let at = 1;
  for (const key in value) {
    if (keys[count++] !== key) return false;
    const field = (value as Record<string, unknown>)[key];
    // The same value means the same kind of value: what follows it in the snapshot matches.
    if (snapshot[at++] !== field) return false;
    if (Array.isArray(field)) {
      if (snapshot[at++] !== field.length) return false;
    } else if (depth > 0 && field !== null && typeof field === "object") {
      if (!unchanged(field, snapshot[at++] as Snapshot, depth - 1)) return false;
    }
  }
  return count === keys.length;
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
  readonly #keyLists: KeyLists = new Map();

  /** A watch that has seen no object yet. */
  constructor(options: ChangeWatchOptions = {}) {
    this.#depth = Math.max(0, Math.floor(options.depth ?? 1));
  }

  /** Whether `value` is new to the watch or changed since the last call; remembers it as it is now. */
  changed(value: T): boolean {
    const known = this.#seen.get(value);
    if (known !== undefined && unchanged(value, known, this.#depth)) return false;
    this.#seen.set(value, snapshotOf(value, this.#depth, this.#keyLists));
    return true;
  }
}
