/**
 * The JSON text of objects that are saved again and again while few of them
 * change (the library's ownership record): an object's text is made again
 * only when a {@link ChangeWatch} sees one of its fields changed. Making every
 * entry's text anew each save was a large share of a download's allocations
 * (measured with V8's sampling heap profiler).
 */
import { ChangeWatch, type ChangeWatchOptions } from "./change_watch.ts";

/** Options of {@link JsonMemo}. */
export type JsonMemoOptions = ChangeWatchOptions;

/** Remembers `toJson(value)` per object, made again when the object's fields changed. */
export class JsonMemo<T extends object> {
  readonly #toJson: (value: T) => string;
  readonly #watch: ChangeWatch<T>;
  // Weak: the texts go with the objects, never outlive them.
  readonly #texts = new WeakMap<T, string>();

  /** `toJson` makes the text of one object; it must depend only on the object's fields. */
  constructor(toJson: (value: T) => string, options: JsonMemoOptions = {}) {
    this.#toJson = toJson;
    this.#watch = new ChangeWatch(options);
  }

  /** The JSON text of `value`: remembered, or made now when the value is new or changed. */
  text(value: T): string {
    const known = this.#watch.changed(value) ? undefined : this.#texts.get(value);
    if (known !== undefined) return known;
    const text = this.#toJson(value);
    this.#texts.set(value, text);
    return text;
  }
}
