/** `tunedl cache stats | clear [spotify|search|lyrics|library] | path`. */
import {
  CACHE_NAMESPACES,
  type CacheNamespace,
  openPersistentCache,
  removeCacheFile,
} from "../cache/mod.ts";
import type { LoadedConfig } from "../config/mod.ts";
import { isTunedlError, TunedlError, UsageError } from "../errors/mod.ts";
import { plansDir } from "../plan/mod.ts";
import { formatBytes, pathExistsSync } from "../util/mod.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { parserFlags, usageText } from "./command_spec.ts";
import { commandSpec } from "./command_specs.ts";
import { loadConfigFor } from "./config_source.ts";
import type { CliIo } from "./io.ts";
import { runReporting, writeJson } from "./json_output.ts";
import { cachePathsFor } from "./run_context.ts";

/** What `cache clear <name>` removes: search results go with the match decisions made from them. */
const CLEAR_TARGETS: Record<string, CacheNamespace[]> = {
  spotify: ["spotify"],
  search: ["search", "match"],
  lyrics: ["lyrics"],
  library: ["library"],
};

const CACHE = commandSpec("cache");

export const cacheCommand: Command = {
  summary: CACHE.summary,
  usage: usageText(CACHE),
  run(argv, io) {
    const { flags, positionals } = parseCommandArgs("cache", argv, {
      flags: parserFlags(CACHE),
      maxPositionals: 2,
    });
    const json = flags.json === true;
    return runReporting(io, json, async () => {
      const [action, target] = positionals;
      if (action !== "path" && action !== "stats" && action !== "clear") {
        throw new UsageError(
          action
            ? `tunedl cache: unknown action "${action}"`
            : "tunedl cache: an action is required",
          {
            hint:
              "Use: tunedl cache stats | tunedl cache clear [spotify|search|lyrics|library] | " +
              "tunedl cache path",
          },
        );
      }
      const loaded = await optionalConfig(flags, io);
      const paths = cachePathsFor(loaded, io);
      switch (action) {
        case "path":
          if (json) {
            writeJson(io, {
              ok: true,
              dir: paths.dir,
              file: paths.kvFile,
              plans: plansDir(paths.dir),
            });
          } else io.out(`${paths.kvFile}\n`);
          return 0;
        case "stats":
          return await stats(paths.kvFile, io, json);
        case "clear":
          return await clear(paths.kvFile, target, io, json);
      }
    });
  },
};

/** The config when one is given or present; the cache works without one. */
async function optionalConfig(
  flags: Record<string, unknown>,
  io: CliIo,
): Promise<LoadedConfig | null> {
  if (
    typeof flags.config !== "string" && !io.env.TUNEDL_CONFIG &&
    !pathExistsSync(`${io.cwd}/config.yaml`)
  ) {
    return null;
  }
  return await loadConfigFor(flags, io, { quiet: true });
}

async function openOrFail(file: string) {
  const problems: string[] = [];
  const cache = await openPersistentCache(file, { warn: (m) => problems.push(m) });
  if (!cache) {
    throw new TunedlError(problems[0] ?? `cannot open the cache file ${file}`, {
      hint: "Run `tunedl cache clear` to delete it; the next run builds a new one.",
    });
  }
  return cache;
}

async function stats(file: string, io: CliIo, json: boolean): Promise<number> {
  if (!pathExistsSync(file)) {
    if (json) writeJson(io, { ok: true, file, exists: false, caches: [] });
    else io.out(`No cache yet at ${file}\n`);
    return 0;
  }
  const cache = await openOrFail(file);
  try {
    const [sizes, counters] = await Promise.all([cache.sizes(), cache.stats()]);
    const rows = CACHE_NAMESPACES.filter((ns) => ns !== "meta").map((ns) => ({
      name: ns,
      entries: sizes[ns].entries,
      bytes: sizes[ns].bytes,
      hits: counters[ns].hits,
      misses: counters[ns].misses,
      hitRate: counters[ns].hitRate,
    }));
    if (json) {
      writeJson(io, { ok: true, file, exists: true, caches: rows });
      return 0;
    }
    const lines = [`Cache ${file}`, "  cache      entries        size   lifetime hit rate"];
    for (const row of rows) {
      const lookups = row.hits + row.misses;
      const rate = lookups ? `${(row.hitRate * 100).toFixed(1)}% of ${lookups}` : "-";
      lines.push(
        `  ${row.name.padEnd(9)} ${String(row.entries).padStart(8)} ${
          formatBytes(row.bytes).padStart(11)
        }   ${rate}`,
      );
    }
    io.out(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    await cache.close();
  }
}

async function clear(
  file: string,
  target: string | undefined,
  io: CliIo,
  json: boolean,
): Promise<number> {
  if (target === undefined) {
    const removed = await removeCacheFile(file);
    if (json) writeJson(io, { ok: true, file, removed });
    else io.out(removed.length ? `Deleted ${file}\n` : `No cache at ${file}\n`);
    return 0;
  }
  const namespaces = CLEAR_TARGETS[target];
  if (!namespaces) {
    throw new UsageError(`tunedl cache clear: unknown cache "${target}"`, {
      hint: "Use spotify, search or library, or nothing to delete the whole cache.",
    });
  }
  if (!pathExistsSync(file)) {
    if (json) writeJson(io, { ok: true, file, cleared: target, entries: 0 });
    else io.out(`No cache at ${file}\n`);
    return 0;
  }
  let cache;
  try {
    cache = await openOrFail(file);
  } catch (error) {
    if (!isTunedlError(error)) throw error;
    throw new TunedlError(`${error.message}`, {
      hint: "The file is damaged: run `tunedl cache clear` (without a name) to delete it.",
    });
  }
  try {
    let entries = 0;
    for (const ns of namespaces) entries += await cache.clear(ns);
    if (json) writeJson(io, { ok: true, file, cleared: target, entries });
    else io.out(`Cleared the ${target} cache (${entries} entries)\n`);
    return 0;
  } finally {
    await cache.close();
  }
}
