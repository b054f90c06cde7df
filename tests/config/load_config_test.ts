import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../src/errors/mod.ts";
import { InvalidConfigError, loadConfig } from "../../src/config/mod.ts";

async function thrownBy(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConfigError, `is a ConfigError: ${error}`);
    return error;
  }
  assert.fail("expected an error, got none");
}

Deno.test("loadConfig reads a file and reports its absolute folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "config.yaml");
    await Deno.writeTextFile(
      file,
      `version: "1.2"\nsongs:\n  - https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU\n`,
    );
    const loaded = await loadConfig(file, { env: { SPOTIFY_CLIENT_ID: "id" } });
    assert.equal(loaded.file, file);
    assert.equal(loaded.dir, dir);
    assert.equal(loaded.config.songs.length, 1);
    assert.equal(loaded.config.download.client_id, "id");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing file names the path and suggests config.example.yaml", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "nope.yaml");
    const error = await thrownBy(loadConfig(file));
    assert.equal(error.message, `config file not found: ${file}`);
    assert.match(error.hint ?? "", /config\.example\.yaml/);
    assert.equal(error.exitCode, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a folder instead of a file is a clear error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const error = await thrownBy(loadConfig(dir));
    assert.equal(error.message, `${dir} is a folder, not a config file`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadConfig uses the given reader and names the file in errors", async () => {
  const reads: string[] = [];
  const readTextFile = (path: string) => {
    reads.push(path);
    return Promise.resolve(`version: "1.2"\ndownload:\n  threads: many\n`);
  };
  const error = await thrownBy(loadConfig("/etc/tunedl/config.yaml", { readTextFile }));
  assert.ok(error instanceof InvalidConfigError);
  assert.deepEqual(reads, ["/etc/tunedl/config.yaml"]);
  assert.match(error.message, /^\/etc\/tunedl\/config\.yaml:3:12: download\.threads: /);
});

Deno.test("permission denied on a folder is the folder error (how Windows refuses to read one)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "config.yaml");
    await Deno.writeTextFile(file, `version: "1.2"\n`);
    // Windows' ERROR_ACCESS_DENIED for reading a folder, simulated: Linux says IsADirectory.
    const readTextFile = () =>
      Promise.reject(new Deno.errors.PermissionDenied("Access is denied."));
    const table: {
      path: string;
      isFolder?: (path: string) => Promise<boolean>;
      message: string;
    }[] = [
      { path: dir, message: `${dir} is a folder, not a config file` },
      { path: file, message: `cannot read config file ${file}: permission denied` },
      {
        path: dir,
        isFolder: () => Promise.reject(new Deno.errors.PermissionDenied("no stat either")),
        message: `cannot read config file ${dir}: permission denied`,
      },
    ];
    for (const row of table) {
      const error = await thrownBy(loadConfig(row.path, { readTextFile, isFolder: row.isFolder }));
      assert.equal(error.message, row.message);
      assert.ok(error.cause instanceof Deno.errors.PermissionDenied);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
