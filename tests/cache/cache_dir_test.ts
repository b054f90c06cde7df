import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors/mod.ts";
import { cachePaths, defaultCacheDir, type HostOs } from "../../src/cache/mod.ts";

const dirCases: Array<{
  name: string;
  os: HostOs;
  env: Record<string, string | undefined>;
  home?: string;
  expect: string;
}> = [
  {
    name: "linux override wins",
    os: "linux",
    env: { TUNEDL_CACHE_DIR: "/srv/tunedl-cache", XDG_CACHE_HOME: "/x" },
    home: "/home/ann",
    expect: "/srv/tunedl-cache",
  },
  {
    name: "linux XDG_CACHE_HOME",
    os: "linux",
    env: { XDG_CACHE_HOME: "/var/cache/ann/" },
    home: "/home/ann",
    expect: "/var/cache/ann/tunedl",
  },
  {
    name: "linux empty XDG falls back to ~/.cache",
    os: "linux",
    env: { XDG_CACHE_HOME: "" },
    home: "/home/ann",
    expect: "/home/ann/.cache/tunedl",
  },
  {
    name: "linux relative XDG is ignored (XDG spec)",
    os: "linux",
    env: { XDG_CACHE_HOME: "cache" },
    home: "/home/ann",
    expect: "/home/ann/.cache/tunedl",
  },
  {
    name: "linux root home",
    os: "linux",
    env: {},
    home: "/",
    expect: "/.cache/tunedl",
  },
  {
    name: "darwin",
    os: "darwin",
    env: { XDG_CACHE_HOME: "/ignored" },
    home: "/Users/ann",
    expect: "/Users/ann/Library/Caches/tunedl",
  },
  {
    name: "darwin override",
    os: "darwin",
    env: { TUNEDL_CACHE_DIR: "/Volumes/music/.tunedl" },
    home: "/Users/ann",
    expect: "/Volumes/music/.tunedl",
  },
  {
    name: "windows LOCALAPPDATA",
    os: "windows",
    env: { LOCALAPPDATA: "C:\\Users\\ann\\AppData\\Local", USERPROFILE: "C:\\Users\\other" },
    home: "C:\\Users\\ann",
    expect: "C:\\Users\\ann\\AppData\\Local\\tunedl",
  },
  {
    name: "windows USERPROFILE fallback",
    os: "windows",
    env: { USERPROFILE: "D:\\Profiles\\ann\\" },
    home: "C:\\Users\\ann",
    expect: "D:\\Profiles\\ann\\AppData\\Local\\tunedl",
  },
  {
    name: "windows home fallback",
    os: "windows",
    env: {},
    home: "C:\\Users\\ann",
    expect: "C:\\Users\\ann\\AppData\\Local\\tunedl",
  },
  {
    name: "windows override",
    os: "windows",
    env: { TUNEDL_CACHE_DIR: "E:\\cache", LOCALAPPDATA: "C:\\x" },
    expect: "E:\\cache",
  },
];

for (const row of dirCases) {
  Deno.test(`defaultCacheDir: ${row.name}`, () => {
    assert.equal(defaultCacheDir({ os: row.os, env: row.env, home: row.home }), row.expect);
  });
}

for (const os of ["linux", "darwin", "windows"] as const) {
  Deno.test(`defaultCacheDir: ${os} without a home is a ConfigError naming TUNEDL_CACHE_DIR`, () => {
    assert.throws(
      () => defaultCacheDir({ os, env: {} }),
      (error: unknown) => error instanceof ConfigError && /TUNEDL_CACHE_DIR/.test(error.hint ?? ""),
    );
  });
}

const pathCases: Array<{
  name: string;
  dir: string;
  cacheFile?: string;
  os?: HostOs;
  expect: { kvFile: string };
}> = [
  {
    name: "linux defaults",
    dir: "/home/ann/.cache/tunedl",
    expect: {
      kvFile: "/home/ann/.cache/tunedl/cache.kv",
    },
  },
  {
    name: "macOS defaults, a trailing separator is not doubled",
    dir: "/Users/ann/Library/Caches/tunedl/",
    os: "darwin",
    expect: {
      kvFile: "/Users/ann/Library/Caches/tunedl/cache.kv",
    },
  },
  {
    name: "absolute cache_file kept",
    dir: "/cache",
    cacheFile: "/data/tunedl.kv",
    expect: { kvFile: "/data/tunedl.kv" },
  },
  {
    name: "windows style guessed from the folder",
    dir: "C:\\Users\\ann\\AppData\\Local\\tunedl",
    expect: {
      kvFile: "C:\\Users\\ann\\AppData\\Local\\tunedl\\cache.kv",
    },
  },
  {
    name: "windows absolute cache_file",
    dir: "C:\\cache",
    cacheFile: "D:\\music\\cache.kv",
    os: "windows",
    expect: {
      kvFile: "D:\\music\\cache.kv",
    },
  },
];

for (const row of pathCases) {
  Deno.test(`cachePaths: ${row.name}`, () => {
    const paths = cachePaths(row.dir, { cacheFile: row.cacheFile, os: row.os });
    assert.deepEqual(paths, { dir: row.dir, ...row.expect });
  });
}
