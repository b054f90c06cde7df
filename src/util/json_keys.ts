/**
 * One naming style for every JSON document tunedl writes: snake_case keys. The
 * TypeScript side keeps its camelCase field names; keys are converted where JSON
 * leaves tunedl (and back where a saved plan is read).
 */

/** Keys whose values are maps keyed by data (error codes, cache names, Spotify ids), left as they are. */
const DATA_KEYED = new Set(["failed_by_reason", "cache_hit_rates", "overrides", "by_type"]);

/** "durationMs" -> "duration_ms"; keys without capitals are unchanged. */
export function snakeCase(key: string): string {
  return remembered(snakeNames, key, toSnakeCase);
}

/** "duration_ms" -> "durationMs"; keys without underscores are unchanged. */
export function camelCase(key: string): string {
  return remembered(camelNames, key, toCamelCase);
}

function toSnakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

function toCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, char: string) => char.toUpperCase());
}

// A plan checkpoint renames the same few dozen field names of thousands of items every few
// seconds: two regular expressions per key were a fifth of a download's CPU time (profiled).
const snakeNames = new Map<string, string>();
const camelNames = new Map<string, string>();
/** Names remembered per direction; past it (keys that are data, not fields) names are computed. */
const REMEMBERED_NAMES = 4096;

function remembered(names: Map<string, string>, key: string, rename: (key: string) => string) {
  let name = names.get(key);
  if (name === undefined) {
    name = rename(key);
    if (names.size < REMEMBERED_NAMES) names.set(key, name);
  }
  return name;
}

/**
 * A JSON-able value with every object key in snake_case: objects are copied, arrays of plain
 * values (ids, names) are shared with the value, not copied.
 */
export function snakeCaseKeys(value: unknown): unknown {
  return mapKeys(value, snakeCase);
}

/** A JSON-able value with every object key in camelCase (copied as snakeCaseKeys copies). */
export function camelCaseKeys(value: unknown): unknown {
  return mapKeys(value, camelCase);
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) {
    // Ids and names have no keys to rename: a plan's thousands of lists need no copies.
    const plain = value.every((entry) => entry === null || typeof entry !== "object");
    return plain ? value : value.map((entry) => mapKeys(entry, rename));
  }
  if (value === null || typeof value !== "object") return value;
  // Dates and other class instances go to JSON their own way.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const result: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const entry = (value as Record<string, unknown>)[key];
    const name = rename(key);
    result[name] = entry === null || typeof entry !== "object" || DATA_KEYED.has(snakeCase(key))
      ? entry
      : mapKeys(entry, rename);
  }
  return result;
}
