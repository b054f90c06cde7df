/**
 * The cache that survives between runs: a Deno KV (SQLite) file holding small
 * JSON values per namespace, with expiry, sizes and lifetime hit statistics.
 */
import { dirname } from "node:path";
import { TunedlError } from "../errors/mod.ts";
import {
  checkCacheFile,
  cleanCloseFile,
  recordCleanClose,
  takeCleanClose,
} from "./cache_integrity.ts";
import { hitRateOf } from "./memory_cache.ts";

/** The parts of the persistent cache; each is listed, sized and cleared on its own. */
export type CacheNamespace = "spotify" | "search" | "match" | "lyrics" | "library" | "meta";

/** Every namespace, in report order. */
export const CACHE_NAMESPACES: readonly CacheNamespace[] = [
  "spotify",
  "search",
  "match",
  "lyrics",
  "library",
  "meta",
];

/** A value could not be stored: not JSON data, or too big. */
export class CacheValueError extends TunedlError {
  /** Always "cache_value". */
  override code = "cache_value";
}

/** Options of `openPersistentCache`. */
export interface OpenPersistentCacheOptions {
  /** Clock in epoch milliseconds used for expiry. */
  now?: () => number;
  /** Receives the one-line warning when the file cannot be used. */
  warn?: (message: string) => void;
  /** How long to wait for another program's lock on the file (default 2000 ms). */
  busyTimeoutMs?: number;
  /** Lookups counted in memory before the statistics are written (default 100). */
  statsFlushEvery?: number;
  /**
   * How long a small `set` waits for others to share its commit (default 10 ms; 0: the next
   * turn of the event loop). See `KvPersistentCache.set`.
   */
  writeWindowMs?: number;
}

/** Options of `PersistentCache.set`. */
export interface PersistentSetOptions {
  /** Time to live; omitted means the entry never expires. 0 removes the entry. */
  ttlMs?: number;
}

/** A stored value with its expiry (epoch ms, null for never). */
export interface PersistentEntry<T> {
  /** The stored JSON data. */
  value: T;
  /** Epoch milliseconds after which the entry is no longer served; null for never. */
  expiresAt: number | null;
}

/** Live entries and their approximate size in bytes (keys plus JSON values). */
export interface NamespaceSize {
  /** Live entries in the namespace. */
  entries: number;
  /** Approximate bytes of their keys plus JSON values. */
  bytes: number;
}

/** Lifetime lookup counters of one namespace, over every run that used the file. */
export interface NamespaceStats {
  /** Lookups that found a live entry. */
  hits: number;
  /** Lookups that found nothing, or only an expired entry. */
  misses: number;
  /** hits / (hits + misses), from 0 to 1; 0 before the first lookup. */
  hitRate: number;
}

/** The persistent cache of one tunedl cache file. */
export interface PersistentCache {
  /** The cache file. */
  readonly path: string;
  /** The stored value, or undefined if absent or expired; counts a hit or miss. */
  get<T>(namespace: CacheNamespace, key: string): Promise<T | undefined>;
  /** Like `get`, with the entry's expiry (so a memory copy can expire at the same time). */
  getEntry<T>(namespace: CacheNamespace, key: string): Promise<PersistentEntry<T> | undefined>;
  /**
   * Like `getEntry` for several keys at once, in their order (undefined where absent or expired):
   * a read per ten keys instead of one per key. Counts a hit or miss per key.
   */
  getEntries<T>(
    namespace: CacheNamespace,
    keys: readonly string[],
  ): Promise<Array<PersistentEntry<T> | undefined>>;
  /** Stores JSON data; throws CacheValueError for non-JSON data or values over 16 MiB. */
  set(
    namespace: CacheNamespace,
    key: string,
    value: unknown,
    options?: PersistentSetOptions,
  ): Promise<void>;
  /**
   * Stores several values of one namespace, in as few commits as KV allows (one per 50); each
   * value as `set` would. A batch is written whole or not at all.
   */
  setMany(
    namespace: CacheNamespace,
    entries: ReadonlyArray<readonly [key: string, value: unknown]>,
    options?: PersistentSetOptions,
  ): Promise<void>;
  /** Removes one entry. */
  delete(namespace: CacheNamespace, key: string): Promise<void>;
  /** Removes every entry of one namespace, or of all; returns how many. Statistics stay. */
  clear(namespace?: CacheNamespace): Promise<number>;
  /** Live entries of a namespace. */
  count(namespace: CacheNamespace): Promise<number>;
  /** Live entries and bytes per namespace. */
  sizes(): Promise<Record<CacheNamespace, NamespaceSize>>;
  /** Lifetime hits and misses per namespace, including this run's unsaved ones. */
  stats(): Promise<Record<CacheNamespace, NamespaceStats>>;
  /** Sets every lifetime counter to zero. */
  resetStats(): Promise<void>;
  /** Writes the counted lookups now. */
  flushStats(): Promise<void>;
  /** Saves the statistics and closes the file; later calls do nothing. */
  close(): Promise<void>;
}

/** KV stores at most 64 KiB per value; one chunk stays well under that. */
const CHUNK_BYTES = 60_000;
/** `getMany` reads at most 10 keys, and an atomic write may carry at most 800 KiB. */
const CHUNKS_PER_BATCH = 10;
/** Keys per KV `getMany` call (its limit). */
const KEYS_PER_READ = 10;
/** The largest value accepted, in UTF-8 bytes of its JSON (Liked Songs of ~25,000 tracks). */
export const MAX_PERSISTENT_VALUE_BYTES = 16 * 1024 * 1024;
/** KV keys are limited to 2 KiB; longer ones are replaced by their hash. */
const MAX_KEY_BYTES = 1_000;
const SCHEMA_VERSION = 1;
const DELETE_BATCH = 500;
/** Entries per commit of setMany: a check and a set each, well inside KV's limits per commit. */
const SET_BATCH = 50;
const LIST_PAGE = 1000;
/** How long to keep retrying while another process holds the write lock. */
const BUSY_RETRY_MS = 10_000;

// Key layout: ["e", ns, key] entry records, ["k", ns, key, writeId, i] chunks of
// big values, ["s", ns, counter] statistics, ["m", name] file metadata.
type EntryKey = [string, CacheNamespace, string];

/** An entry record on its way into the file, with KV's own expiry. */
interface RecordWrite {
  entryKey: EntryKey;
  record: EntryRecord;
  kvOptions: { expireIn: number } | undefined;
}

/** A small `set` waiting for its group's commit. */
interface QueuedWrite extends RecordWrite {
  done: PromiseWithResolvers<void>;
}

interface EntryRecord {
  /** Expiry in epoch ms, null for never. */
  e: number | null;
  /** Approximate bytes (key plus JSON). */
  s: number;
  /** The JSON, UTF-8 encoded, when it fits in one value. */
  d?: Uint8Array;
  /** Chunked value: write id (so readers never mix two writes) and chunk count. */
  c?: { id: string; n: number };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The warning printed when the cache file is unusable. */
function unusableMessage(path: string, reason: string): string {
  const line = `Cache file ${path} ${reason}; continuing without the persistent cache ` +
    "(run `tunedl cache clear` to reset it).";
  return line.replace(/\s*\n\s*/g, " ");
}

/**
 * Opens (creating if needed) the cache file at path. Returns null after one
 * warning when the file is damaged, not a cache, locked or not writable, so the
 * run goes on with in-memory caches only.
 */
export async function openPersistentCache(
  path: string,
  options: OpenPersistentCacheOptions = {},
): Promise<PersistentCache | null> {
  const warn = options.warn ?? (() => {});
  const refuse = (reason: string): null => {
    warn(unusableMessage(path, reason));
    return null;
  };
  if (path !== ":memory:") {
    const check = await checkCacheFile(path, {
      busyTimeoutMs: options.busyTimeoutMs,
      cleanClose: await takeCleanClose(path),
    });
    if (!check.ok) {
      switch (check.problem) {
        case "not_database":
          return refuse("is not a tunedl cache (not an SQLite database)");
        case "damaged":
          return refuse(`is damaged (${check.detail})`);
        case "locked":
          return refuse("is locked by another program");
        default:
          return refuse(`cannot be read (${check.detail})`);
      }
    }
    try {
      await Deno.mkdir(dirname(path), { recursive: true });
    } catch (error) {
      return refuse(`cannot be created (${errorText(error)})`);
    }
  }
  let kv: Deno.Kv;
  try {
    // Two runs creating the file at once race on switching it to WAL mode.
    kv = await retryBusy(() => Deno.openKv(path));
  } catch (error) {
    return refuse(`cannot be opened (${errorText(error)})`);
  }
  try {
    const schema = await retryBusy(() => kv.get<number>(["m", "schema"]));
    if (schema.value !== null && schema.value !== SCHEMA_VERSION) {
      kv.close();
      return refuse(`was written by another tunedl version (format ${schema.value})`);
    }
    // A write up front finds a read-only file or disk now rather than mid-run.
    const now = (options.now ?? Date.now)();
    await retryBusy(() =>
      kv.atomic()
        .set(["m", "schema"], SCHEMA_VERSION)
        .set(["m", "opened_at"], now)
        .commit()
    );
  } catch (error) {
    kv.close();
    return refuse(`cannot be written (${errorText(error)})`);
  }
  return new KvPersistentCache(kv, path, options);
}

/** Deletes a cache file and its SQLite side files; returns the paths removed. */
export async function removeCacheFile(path: string): Promise<string[]> {
  const removed: string[] = [];
  const sideFiles = [`${path}-wal`, `${path}-shm`, `${path}-journal`, cleanCloseFile(path)];
  for (const candidate of [path, ...sideFiles]) {
    try {
      await Deno.remove(candidate);
      removed.push(candidate);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return removed;
}

/** Whether a KV error is SQLite's "another connection holds the lock". */
function isBusyError(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /database is locked|database is busy|SQLITE_BUSY/i.test(text);
}

/**
 * Runs a KV operation, retrying while another process holds SQLite's write
 * lock: Deno KV reports that as an error instead of waiting, so two tunedl runs
 * on one file would otherwise fail each other's writes.
 */
async function retryBusy<T>(operation: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (let attempt = 0;; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isBusyError(error) || Date.now() >= deadline) throw error;
      const delay = Math.min(100, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0].trim();
}

function checkNamespace(namespace: string): CacheNamespace {
  if (!(CACHE_NAMESPACES as readonly string[]).includes(namespace)) {
    throw new RangeError(`unknown cache namespace "${namespace}"`);
  }
  return namespace as CacheNamespace;
}

async function storedKey(key: string): Promise<string> {
  const bytes = encoder.encode(key);
  if (bytes.length <= MAX_KEY_BYTES) return key;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `#sha256:${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function emptyRecord<T>(make: () => T): Record<CacheNamespace, T> {
  return Object.fromEntries(CACHE_NAMESPACES.map((ns) => [ns, make()])) as Record<
    CacheNamespace,
    T
  >;
}

class KvPersistentCache implements PersistentCache {
  readonly path: string;
  readonly #kv: Deno.Kv;
  readonly #now: () => number;
  readonly #flushEvery: number;
  #pending = emptyRecord(() => ({ hits: 0, misses: 0 }));
  #pendingTotal = 0;
  #closed = false;
  readonly #writeWindowMs: number;
  /** Small sets not yet committed, by entry key (a later set of a key replaces an earlier one). */
  #queued = new Map<string, QueuedWrite>();
  /** The sets of the commit under way, readable until it lands. */
  #committing = new Map<string, QueuedWrite>();
  /** The group commit under way (or waiting for its window), if any. */
  #writing: Promise<void> | undefined;
  /** Reads waiting for the end of this turn of the event loop (see `#readRecord`). */
  #reads: { entryKey: EntryKey; done: PromiseWithResolvers<Deno.KvEntryMaybe<EntryRecord>> }[] = [];
  /** Sets under way (from the call to their commit). */
  readonly #setting = new Set<Promise<void>>();
  #closing = false;
  /** Ends the window of the group waiting for one, so it is written now. */
  #endWindow: (() => void) | undefined;

  constructor(kv: Deno.Kv, path: string, options: OpenPersistentCacheOptions) {
    this.#kv = kv;
    this.path = path;
    this.#now = options.now ?? Date.now;
    this.#flushEvery = Math.max(1, options.statsFlushEvery ?? 100);
    this.#writeWindowMs = Math.max(0, options.writeWindowMs ?? 10);
  }

  async get<T>(namespace: CacheNamespace, key: string): Promise<T | undefined> {
    return (await this.getEntry<T>(namespace, key))?.value;
  }

  async getEntry<T>(
    namespace: CacheNamespace,
    key: string,
  ): Promise<PersistentEntry<T> | undefined> {
    this.#open();
    const entryKey = await this.#entryKey(namespace, key);
    const found = this.#queuedValue<T>(entryKey) ?? await this.#read<T>(entryKey);
    await this.#count(namespace, found !== undefined ? { hits: 1 } : { misses: 1 });
    return found;
  }

  async getEntries<T>(
    namespace: CacheNamespace,
    keys: readonly string[],
  ): Promise<Array<PersistentEntry<T> | undefined>> {
    this.#open();
    const entryKeys = await Promise.all(keys.map((key) => this.#entryKey(namespace, key)));
    const reads: Promise<Array<PersistentEntry<T> | undefined>>[] = [];
    for (let first = 0; first < entryKeys.length; first += KEYS_PER_READ) {
      const batch = entryKeys.slice(first, first + KEYS_PER_READ);
      reads.push(
        retryBusy(() => this.#kv.getMany<EntryRecord[]>(batch)).then((records) =>
          Promise.all(records.map((record) => this.#valueOf<T>(record)))
        ),
      );
    }
    const found = (await Promise.all(reads)).flat()
      .map((entry, i) => this.#queuedValue<T>(entryKeys[i]) ?? entry);
    const hits = found.filter((entry) => entry !== undefined).length;
    await this.#count(namespace, { hits, misses: found.length - hits });
    return found;
  }

  set(
    namespace: CacheNamespace,
    key: string,
    value: unknown,
    options: PersistentSetOptions = {},
  ): Promise<void> {
    try {
      this.#open();
    } catch (error) {
      return Promise.reject(error);
    }
    // Tracked from the start: `close` must not slip in before the set reaches the queue.
    const setting = this.#set(namespace, key, value, options);
    this.#setting.add(setting);
    const untrack = () => this.#setting.delete(setting);
    setting.then(untrack, untrack);
    return setting;
  }

  async #set(
    namespace: CacheNamespace,
    key: string,
    value: unknown,
    options: PersistentSetOptions,
  ): Promise<void> {
    const entryKey = await this.#entryKey(namespace, key);
    const expiry = this.#expiry(options);
    if (expiry === "remove") {
      await this.#drainWrites();
      return await this.#remove(entryKey);
    }
    const { expiresAt, kvOptions } = expiry;
    const bytes = encodeValue(namespace, key, value);
    const size = encoder.encode(entryKey[2]).length + bytes.length;
    const record: EntryRecord = { e: expiresAt, s: size };
    if (bytes.length <= CHUNK_BYTES) {
      record.d = bytes;
      return await this.#queue({ entryKey, record, kvOptions });
    }
    // Queued small sets of this key must not land after this one.
    await this.#drainWrites();
    // A big value takes several commits. Its chunks stay unreachable until the entry record
    // that names their write id is committed, so a reader sees the old value or the new one.
    record.c = { id: crypto.randomUUID(), n: Math.ceil(bytes.length / CHUNK_BYTES) };
    await this.#writeChunks(entryKey, record.c, bytes, kvOptions);
    for (let attempt = 0; attempt < 20; attempt++) {
      const old = await retryBusy(() => this.#kv.get<EntryRecord>(entryKey));
      const op = this.#kv.atomic().check(old).set(entryKey, record, kvOptions);
      if ((await retryBusy(() => op.commit())).ok) {
        if (old.value?.c) await this.#deleteChunks(entryKey, old.value.c);
        return;
      }
    }
    if (record.c) await this.#deleteChunks(entryKey, record.c);
    throw new TunedlError(`could not write cache entry ${namespace}/${key} to ${this.path}`, {
      hint: "Another tunedl process kept changing it; try again.",
      retryable: true,
    });
  }

  async setMany(
    namespace: CacheNamespace,
    entries: ReadonlyArray<readonly [key: string, value: unknown]>,
    options: PersistentSetOptions = {},
  ): Promise<void> {
    this.#open();
    const expiry = this.#expiry(options);
    await this.#drainWrites();
    const small: RecordWrite[] = [];
    for (const [key, value] of entries) {
      const entryKey = await this.#entryKey(namespace, key);
      if (expiry === "remove") {
        await this.#remove(entryKey);
        continue;
      }
      const bytes = encodeValue(namespace, key, value);
      if (bytes.length > CHUNK_BYTES) {
        await this.set(namespace, key, value, options);
        continue;
      }
      const size = encoder.encode(entryKey[2]).length + bytes.length;
      small.push({
        entryKey,
        record: { e: expiry.expiresAt, s: size, d: bytes },
        kvOptions: expiry.kvOptions,
      });
    }
    if (expiry === "remove") return;
    for (let first = 0; first < small.length; first += SET_BATCH) {
      await this.#commitRecords(small.slice(first, first + SET_BATCH));
    }
  }

  /** Writes entry records in one commit, checked against what they replace; retried on a race. */
  async #commitRecords(batch: readonly RecordWrite[]): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const olds: Deno.KvEntryMaybe<EntryRecord>[] = [];
      for (let first = 0; first < batch.length; first += CHUNKS_PER_BATCH) {
        const keys = batch.slice(first, first + CHUNKS_PER_BATCH).map((entry) => entry.entryKey);
        olds.push(...await retryBusy(() => this.#kv.getMany<EntryRecord[]>(keys)));
      }
      const op = this.#kv.atomic();
      batch.forEach(({ entryKey, record, kvOptions }, i) =>
        op.check(olds[i]).set(entryKey, record, kvOptions)
      );
      if ((await retryBusy(() => op.commit())).ok) {
        for (const [i, old] of olds.entries()) {
          if (old.value?.c) await this.#deleteChunks(batch[i].entryKey, old.value.c);
        }
        return;
      }
    }
    const [namespace, key] = [batch[0].entryKey[1], batch[0].entryKey[2]];
    throw new TunedlError(
      `could not write ${batch.length} cache entries (${namespace}/${key}, ...) to ${this.path}`,
      { hint: "Another tunedl process kept changing them; try again.", retryable: true },
    );
  }

  /** When a value set now expires, or "remove" for a time to live of 0 (pure but for the clock). */
  #expiry(
    options: PersistentSetOptions,
  ): { expiresAt: number | null; kvOptions: { expireIn: number } | undefined } | "remove" {
    const ttlMs = options.ttlMs;
    if (ttlMs !== undefined && (typeof ttlMs !== "number" || Number.isNaN(ttlMs) || ttlMs < 0)) {
      throw new RangeError(`ttlMs must be a non-negative number of milliseconds, got ${ttlMs}`);
    }
    if (ttlMs === 0) return "remove";
    const expiresAt = ttlMs === undefined || ttlMs === Infinity ? null : this.#now() + ttlMs;
    // KV's own expiry is lazy and runs on the real clock: it only reclaims space;
    // `e` decides what is served.
    const kvOptions = expiresAt === null ? undefined : { expireIn: Math.max(1, Math.ceil(ttlMs!)) };
    return { expiresAt, kvOptions };
  }

  async delete(namespace: CacheNamespace, key: string): Promise<void> {
    this.#open();
    await this.#drainWrites();
    await this.#remove(await this.#entryKey(namespace, key));
  }

  async clear(namespace?: CacheNamespace): Promise<number> {
    this.#open();
    await this.#drainWrites();
    const suffix = namespace === undefined ? [] : [checkNamespace(namespace)];
    let entries = 0;
    for (const prefix of [["e", ...suffix], ["k", ...suffix]]) {
      while (true) {
        // Take a page, delete it, look again: nothing is listed past a deletion.
        const page = await retryBusy(() =>
          Array.fromAsync(this.#kv.list({ prefix }, { limit: DELETE_BATCH }), (item) => item.key)
        );
        if (page.length === 0) break;
        if (prefix[0] === "e") entries += page.length;
        await this.#deleteKeys(page);
      }
    }
    return entries;
  }

  async count(namespace: CacheNamespace): Promise<number> {
    return (await this.#size(checkNamespace(namespace))).entries;
  }

  async sizes(): Promise<Record<CacheNamespace, NamespaceSize>> {
    const result = emptyRecord<NamespaceSize>(() => ({ entries: 0, bytes: 0 }));
    for (const ns of CACHE_NAMESPACES) result[ns] = await this.#size(ns);
    return result;
  }

  async stats(): Promise<Record<CacheNamespace, NamespaceStats>> {
    this.#open();
    const result = emptyRecord<NamespaceStats>(() => ({ hits: 0, misses: 0, hitRate: 0 }));
    for (const ns of CACHE_NAMESPACES) {
      const [hits, misses] = await retryBusy(() =>
        this.#kv.getMany<[Deno.KvU64, Deno.KvU64]>([["s", ns, "hits"], ["s", ns, "misses"]])
      );
      const h = Number(hits.value?.value ?? 0n) + this.#pending[ns].hits;
      const m = Number(misses.value?.value ?? 0n) + this.#pending[ns].misses;
      result[ns] = { hits: h, misses: m, hitRate: hitRateOf(h, m) };
    }
    return result;
  }

  async resetStats(): Promise<void> {
    this.#open();
    this.#pending = emptyRecord(() => ({ hits: 0, misses: 0 }));
    this.#pendingTotal = 0;
    const op = this.#kv.atomic();
    for (const ns of CACHE_NAMESPACES) op.delete(["s", ns, "hits"]).delete(["s", ns, "misses"]);
    await retryBusy(() => op.commit());
  }

  async flushStats(): Promise<void> {
    this.#open();
    if (this.#pendingTotal === 0) return;
    // Take the counts before awaiting so lookups during the commit are not lost
    // or written twice.
    const taken = this.#pending;
    this.#pending = emptyRecord(() => ({ hits: 0, misses: 0 }));
    this.#pendingTotal = 0;
    // `sum` adds inside the database, so two processes flushing at once both count.
    const op = this.#kv.atomic();
    for (const ns of CACHE_NAMESPACES) {
      const { hits, misses } = taken[ns];
      if (hits > 0) op.sum(["s", ns, "hits"], BigInt(hits));
      if (misses > 0) op.sum(["s", ns, "misses"], BigInt(misses));
    }
    try {
      await retryBusy(() => op.commit());
    } catch (error) {
      for (const ns of CACHE_NAMESPACES) {
        this.#pending[ns].hits += taken[ns].hits;
        this.#pending[ns].misses += taken[ns].misses;
        this.#pendingTotal += taken[ns].hits + taken[ns].misses;
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closing = true;
    let clean = false;
    try {
      while (this.#setting.size > 0) {
        this.#endWindow?.();
        await Promise.allSettled([...this.#setting, this.#writing]);
      }
      await this.#drainWrites();
      // Reads queued in this turn are answered before the file closes.
      await this.#startReads();
      await this.flushStats();
      clean = true;
    } finally {
      this.#closed = true;
      this.#kv.close();
    }
    // Closed by SQLite at once (its log folded into the file): the next open may skip the check.
    if (clean && this.path !== ":memory:") await recordCleanClose(this.path);
  }

  /**
   * Queues a small set for the next group commit. Each commit costs the main thread about as
   * much as a read and SQLite a sync to disk; a download sets four or five entries per track
   * (search, match, lyrics), from many tracks at once, so one commit carries the sets of a
   * window of `writeWindowMs`, and the sets made while it is written go in the next one.
   */
  #queue(write: RecordWrite): Promise<void> {
    const id = JSON.stringify(write.entryKey);
    const earlier = this.#queued.get(id);
    const done = earlier?.done ?? Promise.withResolvers<void>();
    this.#queued.delete(id);
    this.#queued.set(id, { ...write, done });
    this.#writing ??= this.#writeGroups();
    return done.promise;
  }

  /** Commits queued sets, a group at a time, until none is left. */
  async #writeGroups(): Promise<void> {
    await new Promise<void>((resolve) => {
      // Closing: nothing more will join the group.
      const timer = setTimeout(resolve, this.#closing ? 0 : this.#writeWindowMs);
      this.#endWindow = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#endWindow = undefined;
    try {
      while (this.#queued.size > 0) {
        const group = [...this.#queued.values()];
        this.#committing = this.#queued;
        this.#queued = new Map();
        for (let first = 0; first < group.length; first += SET_BATCH) {
          const batch = group.slice(first, first + SET_BATCH);
          try {
            await this.#commitRecords(batch);
            for (const write of batch) write.done.resolve();
          } catch (error) {
            for (const write of batch) write.done.reject(error);
          }
        }
      }
    } finally {
      this.#committing = new Map();
      this.#writing = undefined;
    }
  }

  /** Waits until every queued set is committed (or has failed). */
  async #drainWrites(): Promise<void> {
    while (this.#writing !== undefined) {
      this.#endWindow?.();
      await this.#writing;
    }
  }

  /** A queued set's value for a key, so a read sees the writes made before it. */
  #queuedValue<T>(entryKey: EntryKey): PersistentEntry<T> | undefined {
    const id = JSON.stringify(entryKey);
    const queued = this.#queued.get(id) ?? this.#committing.get(id);
    if (queued?.record.d === undefined) return undefined;
    const { e: expiresAt, d } = queued.record;
    if (expiresAt !== null && this.#now() >= expiresAt) return undefined;
    return { value: JSON.parse(decoder.decode(d)) as T, expiresAt };
  }

  #open(): void {
    if (this.#closed) throw new TunedlError(`the persistent cache ${this.path} is closed`);
  }

  async #entryKey(namespace: CacheNamespace, key: string): Promise<EntryKey> {
    return ["e", checkNamespace(namespace), await storedKey(key)];
  }

  async #count(
    namespace: CacheNamespace,
    lookups: { hits?: number; misses?: number },
  ): Promise<void> {
    const hits = lookups.hits ?? 0;
    const misses = lookups.misses ?? 0;
    this.#pending[namespace].hits += hits;
    this.#pending[namespace].misses += misses;
    this.#pendingTotal += hits + misses;
    if (this.#pendingTotal >= this.#flushEvery) await this.flushStats();
  }

  async #read<T>(entryKey: EntryKey): Promise<PersistentEntry<T> | undefined> {
    return await this.#valueOf<T>(await this.#readRecord(entryKey));
  }

  /**
   * Reads an entry record together with the other reads of this turn of the event loop: a
   * plan read from the cache asks for hundreds of entries at once (an artist's albums, a
   * playlist's tracks), and every KV call costs the main thread about as much as one of ten keys.
   */
  #readRecord(entryKey: EntryKey): Promise<Deno.KvEntryMaybe<EntryRecord>> {
    const done = Promise.withResolvers<Deno.KvEntryMaybe<EntryRecord>>();
    this.#reads.push({ entryKey, done });
    if (this.#reads.length === 1) setTimeout(() => this.#startReads(), 0);
    return done.promise;
  }

  /** Starts the queued reads, ten keys a call; returns when all have settled. */
  #startReads(): Promise<unknown> {
    const queued = this.#reads;
    this.#reads = [];
    const calls: Promise<void>[] = [];
    for (let first = 0; first < queued.length; first += KEYS_PER_READ) {
      const batch = queued.slice(first, first + KEYS_PER_READ);
      calls.push(
        retryBusy(() => this.#kv.getMany<EntryRecord[]>(batch.map((read) => read.entryKey))).then(
          (records) => batch.forEach((read, i) => read.done.resolve(records[i])),
          (error) => batch.forEach((read) => read.done.reject(error)),
        ),
      );
    }
    return Promise.all(calls);
  }

  /** The live value an entry record holds (reading its chunks), or undefined. */
  async #valueOf<T>(
    record: Deno.KvEntryMaybe<EntryRecord>,
  ): Promise<PersistentEntry<T> | undefined> {
    if (record.value === null) return undefined;
    const entryKey = record.key as EntryKey;
    const { e: expiresAt } = record.value;
    if (expiresAt !== null && this.#now() >= expiresAt) {
      await this.#dropIfUnchanged(record);
      return undefined;
    }
    let bytes: Uint8Array | undefined = record.value.d;
    if (record.value.c) {
      const { id, n } = record.value.c;
      const chunks: Deno.KvEntryMaybe<Uint8Array>[] = [];
      for (let first = 0; first < n; first += CHUNKS_PER_BATCH) {
        const keys = Array.from(
          { length: Math.min(CHUNKS_PER_BATCH, n - first) },
          (_, i) => chunkKey(entryKey, id, first + i),
        );
        chunks.push(...await retryBusy(() => this.#kv.getMany<Uint8Array[]>(keys)));
      }
      if (chunks.some((chunk) => chunk.value === null)) {
        // Missing chunks: a writer replaced it meanwhile, or KV expired the
        // chunks first. Either way it is not this record's value.
        await this.#dropIfUnchanged(record);
        return undefined;
      }
      bytes = concat(chunks.map((chunk) => chunk.value!));
    }
    if (bytes === undefined) return undefined;
    try {
      return { value: JSON.parse(decoder.decode(bytes)) as T, expiresAt };
    } catch {
      await this.#dropIfUnchanged(record);
      return undefined;
    }
  }

  /** Deletes an entry (and its chunks) unless another writer replaced it since it was read. */
  async #dropIfUnchanged(record: Deno.KvEntry<EntryRecord>): Promise<void> {
    const op = this.#kv.atomic().check(record).delete(record.key);
    const { ok } = await retryBusy(() => op.commit());
    if (ok && record.value.c) await this.#deleteChunks(record.key as EntryKey, record.value.c);
  }

  async #remove(entryKey: EntryKey): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const old = await retryBusy(() => this.#kv.get<EntryRecord>(entryKey));
      if (old.value === null) return;
      const op = this.#kv.atomic().check(old).delete(entryKey);
      if ((await retryBusy(() => op.commit())).ok) {
        if (old.value.c) await this.#deleteChunks(entryKey, old.value.c);
        return;
      }
    }
  }

  async #writeChunks(
    entryKey: EntryKey,
    chunks: { id: string; n: number },
    bytes: Uint8Array,
    kvOptions: { expireIn: number } | undefined,
  ): Promise<void> {
    for (let first = 0; first < chunks.n; first += CHUNKS_PER_BATCH) {
      const op = this.#kv.atomic();
      for (let i = first; i < Math.min(chunks.n, first + CHUNKS_PER_BATCH); i++) {
        const chunk = bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
        op.set(chunkKey(entryKey, chunks.id, i), chunk, kvOptions);
      }
      await retryBusy(() => op.commit());
    }
  }

  /** Deletes the chunks of a value no entry record names any more. */
  async #deleteChunks(entryKey: EntryKey, chunks: { id: string; n: number }): Promise<void> {
    const keys = Array.from({ length: chunks.n }, (_, i) => chunkKey(entryKey, chunks.id, i));
    for (let first = 0; first < keys.length; first += DELETE_BATCH) {
      await this.#deleteKeys(keys.slice(first, first + DELETE_BATCH));
    }
  }

  async #deleteKeys(keys: Deno.KvKey[]): Promise<void> {
    if (keys.length === 0) return;
    const op = this.#kv.atomic();
    for (const key of keys) op.delete(key);
    await retryBusy(() => op.commit());
  }

  async #size(namespace: CacheNamespace): Promise<NamespaceSize> {
    this.#open();
    const now = this.#now();
    let entries = 0;
    let bytes = 0;
    let cursor: string | undefined;
    do {
      const after = cursor;
      const { page, next } = await retryBusy(async () => {
        const iterator = this.#kv.list<EntryRecord>({ prefix: ["e", namespace] }, {
          limit: LIST_PAGE,
          cursor: after,
        });
        const page = await Array.fromAsync(iterator);
        return { page, next: iterator.cursor };
      });
      for (const item of page) {
        if (item.value.e !== null && now >= item.value.e) continue;
        entries++;
        bytes += item.value.s;
      }
      cursor = page.length === LIST_PAGE ? next : undefined;
    } while (cursor !== undefined);
    return { entries, bytes };
  }
}

function encodeValue(namespace: CacheNamespace, key: string, value: unknown): Uint8Array {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new CacheValueError(
      `cache value for ${namespace}/${key} is not JSON data (${errorText(error)})`,
      { cause: error },
    );
  }
  if (json === undefined) {
    throw new CacheValueError(`cache value for ${namespace}/${key} is not JSON data`);
  }
  const bytes = encoder.encode(json);
  if (bytes.length > MAX_PERSISTENT_VALUE_BYTES) {
    throw new CacheValueError(
      `cache value for ${namespace}/${key} is ${bytes.length} bytes; ` +
        `the persistent cache stores at most ${MAX_PERSISTENT_VALUE_BYTES} bytes per value.`,
      { hint: "Cache it in smaller pieces (for example one entry per page)." },
    );
  }
  return bytes;
}

function chunkKey(entryKey: EntryKey, id: string, index: number): Deno.KvKey {
  return ["k", entryKey[1], entryKey[2], id, index];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
