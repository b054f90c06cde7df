/**
 * Loads taglib-wasm's two backends and rewrites a file's tags in memory.
 *
 * Why two: in taglib-wasm 1.5 the Emscripten build is plain TagLib (full
 * property semantics, "3/12" track numbers) but drops pictures of Ogg Opus
 * files; the WASI build handles Opus pictures but loses the track total of
 * ID3v2/MP4. So Opus goes through WASI and every other format through
 * Emscripten; both see the same property map.
 *
 * Why explicit Wasm paths: the library's own lookup expects the Wasm beside
 * the main module in a `deno compile` binary. Reading it from the package's
 * folder works both from the npm cache and from the binary's embedded copy of
 * the package (deno compile embeds npm packages whole).
 */
import { type AudioFormat } from "../model/mod.ts";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Picture, TagLib } from "taglib-wasm";

/** Which taglib-wasm build handles a format. */
export type TaglibBackend = "emscripten" | "wasi";

/** The backend that handles every tag field and the cover for a format. */
export function backendFor(format: AudioFormat): TaglibBackend {
  return format === "opus" ? "wasi" : "emscripten";
}

const WASM_FILES: Record<TaglibBackend, string> = {
  emscripten: "taglib-web.wasm",
  wasi: "taglib-wasi.wasm",
};

function withSlash(url: URL): URL {
  return url.href.endsWith("/") ? url : new URL(`${url.href}/`);
}

/** A folder's URL, ending in "/", from a URL or a path (relative to the cwd) of the OS given. */
export function folderUrl(dir: string | URL, options: { os?: typeof Deno.build.os } = {}): URL {
  if (dir instanceof URL) return withSlash(dir);
  // Two letters at least: C:\x and C://x are Windows drives, not URL schemes.
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(dir)) return withSlash(new URL(dir));
  // Follows the OS's path rules (drive letters, backslashes) and escapes "#", "%" and spaces.
  const windows = (options.os ?? Deno.build.os) === "windows";
  return withSlash(pathToFileURL(dir, { windows }));
}

/** Where the Wasm files may be: the given folder, the package, beside the main module. */
function wasmCandidates(backend: TaglibBackend, wasmDir?: string | URL): URL[] {
  const file = WASM_FILES[backend];
  const dirs: URL[] = [];
  if (wasmDir !== undefined) dirs.push(folderUrl(wasmDir));
  try {
    dirs.push(new URL("./", import.meta.resolve("taglib-wasm")));
  } catch {
    // Not resolvable (e.g. a bundle without the import map); try the others.
  }
  try {
    dirs.push(new URL("./", Deno.mainModule));
  } catch {
    // No main module URL.
  }
  return dirs.map((dir) => new URL(file, dir));
}

function pathOf(url: URL): string {
  // fileURLToPath keeps drive letters and UNC servers (\\server\share) on Windows.
  return url.protocol === "file:" ? fileURLToPath(url) : url.href;
}

async function findWasm(backend: TaglibBackend, wasmDir?: string | URL): Promise<URL> {
  const candidates = wasmCandidates(backend, wasmDir);
  for (const candidate of candidates) {
    try {
      const info = await Deno.stat(pathOf(candidate));
      if (info.isFile) return candidate;
    } catch {
      // Try the next place.
    }
  }
  throw new Error(
    `${WASM_FILES[backend]} not found (looked in ${candidates.map(pathOf).join(", ")})`,
  );
}

/** taglib-wasm's module and TagLib's own names of its property keys, loaded once. */
interface TaglibModule {
  TagLib: typeof TagLib;
  wireKeys: Map<string, string>;
}

let taglibModule: Promise<TaglibModule> | undefined;

/**
 * Imported when the first file is tagged: loading the package took about 60 ms of every download
 * command's start, and a re-run with nothing to tag never needs it.
 */
function loadTaglibModule(): Promise<TaglibModule> {
  taglibModule ??= import("taglib-wasm").then(({ TagLib, PROPERTIES }) => ({
    TagLib,
    wireKeys: new Map(
      Object.entries(PROPERTIES).map(([camel, meta]) => [camel, (meta as { key: string }).key]),
    ),
  }));
  // A failed import may succeed on a later try; do not keep the failure.
  taglibModule.catch(() => (taglibModule = undefined));
  return taglibModule;
}

async function initialize(backend: TaglibBackend, wasmDir?: string | URL): Promise<TagLib> {
  const { TagLib } = await loadTaglibModule();
  const wasm = await findWasm(backend, wasmDir);
  if (backend === "emscripten") {
    const wasmBinary = await Deno.readFile(pathOf(wasm));
    return await TagLib.initialize({ wasmBinary, forceWasmType: "emscripten" });
  }
  return await TagLib.initialize({ wasmUrl: pathOf(wasm), forceWasmType: "wasi" });
}

const engines = new Map<string, Promise<TagLib>>();
let queue: Promise<unknown> = Promise.resolve();

function engine(backend: TaglibBackend, wasmDir?: string | URL): Promise<TagLib> {
  const key = `${backend}|${wasmDir === undefined ? "" : String(wasmDir)}`;
  let loading = engines.get(key);
  if (loading === undefined) {
    loading = initialize(backend, wasmDir);
    // A failed load may succeed later (e.g. after fixing wasmDir); do not cache the failure.
    loading.catch(() => engines.delete(key));
    engines.set(key, loading);
  }
  return loading;
}

/** TagLib's own (upper-case) name of a property key; taglib-wasm reports camelCase names. */
function wireKey(wireKeys: ReadonlyMap<string, string>, key: string): string {
  return (wireKeys.get(key) ?? key).toUpperCase();
}

/** One rewrite of a file's tags. */
export interface TagRewrite {
  /** Properties to store, by TagLib (upper-case) name; others are kept as the file has them. */
  properties: Record<string, string[]>;
  /** TagLib names (upper-case) of properties to remove unless `properties` sets them. */
  removeKeys: ReadonlySet<string>;
  /** Replace all pictures with these; undefined keeps the file's pictures. */
  pictures?: Picture[];
}

/** A file's bytes after a tag rewrite, and the length of its audio as TagLib reads it. */
export interface RewrittenTags {
  bytes: Uint8Array;
  /** Seconds of audio from the stream headers; undefined when TagLib cannot tell. */
  durationSeconds?: number;
}

/** Applies a tag rewrite to an audio file's bytes and returns the new bytes. */
export function rewriteTags(
  bytes: Uint8Array,
  format: AudioFormat,
  change: TagRewrite,
  options: { wasmDir?: string | URL } = {},
): Promise<RewrittenTags> {
  // One file at a time per process: the Wasm instances hold global state.
  const run = queue.then(async () => {
    const backend = backendFor(format);
    const taglib = await engine(backend, options.wasmDir);
    const { wireKeys } = await loadTaglibModule();
    // taglib-wasm copies a Uint8Array before loading it (Emscripten copies it into Wasm memory
    // once more); a whole ArrayBuffer it takes as it is. A song is megabytes: one copy less.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength &&
      bytes.buffer instanceof ArrayBuffer;
    const file = await taglib.open(backend === "emscripten" && whole ? bytes.buffer : bytes);
    try {
      const existing = file.properties();
      const next: Record<string, string[]> = {};
      for (const [key, values] of Object.entries(existing)) {
        if (values === undefined) continue;
        const wire = wireKey(wireKeys, key);
        if (!change.removeKeys.has(wire)) next[wire] = values;
        // WASI merges the map into the file's tags, so removal needs an explicit empty list;
        // Emscripten replaces the whole map and would keep an empty list as an empty frame.
        else if (backend === "wasi") next[wire] = [];
      }
      for (const [key, values] of Object.entries(change.properties)) {
        next[wireKey(wireKeys, key)] = values;
      }
      file.setProperties(next);
      if (change.pictures !== undefined) {
        if (change.pictures.length === 0) file.removePictures();
        else file.setPictures(change.pictures);
      }
      if (!file.save()) throw new Error("TagLib could not save the tags");
      // Emscripten's buffer is a copy out of Wasm memory already; WASI's may be its own state.
      const saved = file.getFileBuffer();
      return {
        bytes: backend === "emscripten" ? saved : saved.slice(),
        durationSeconds: audioSeconds(file),
      };
    } finally {
      file.dispose();
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/** The audio's length TagLib read from the stream headers, in seconds, or undefined. */
function audioSeconds(file: { audioProperties(): unknown }): number | undefined {
  try {
    const props = file.audioProperties() as { duration?: number; durationMs?: number } | null;
    const ms = props?.durationMs ?? (props?.duration !== undefined ? props.duration * 1000 : 0);
    return ms > 0 ? ms / 1000 : undefined;
  } catch {
    return undefined;
  }
}
