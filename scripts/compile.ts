/**
 * Builds the single-file tunedl binaries (`deno task compile`): one `deno compile` per target
 * into dist/tunedl-<target>[.exe], with the permission and unstable flags of deno.json's `cli`
 * task, so a downloaded binary behaves exactly like `deno task cli`.
 *
 * Usage: deno task compile [--target <target>] [--checksums] [--timeout <seconds>]
 *
 * What is embedded besides the module graph of main.ts:
 * - The subcommands are loaded with string-literal `import("./x_command.ts")`, which
 *   `deno compile` follows on its own; a computed import() would need an --include here.
 * - npm packages in the graph are embedded whole, but taglib-wasm looks for its Wasm as
 *   `taglib-web.wasm` beside the main module when it runs compiled. When main.ts's graph holds
 *   taglib-wasm, the file is copied from the package next to main.ts for the build, passed with
 *   `--include`, and removed again (see runtimeAssets). Checked locally with DENORT_BIN=deno
 *   (the "Embedded Files" listing); starting such a binary needs Deno's real base runtime.
 * - No data file is read at run time from the source tree today; one that is must be added to
 *   extraIncludes below.
 *
 * `deno compile` downloads a base runtime per target from dl.deno.land on first use (cached in
 * $DENO_DIR/dl). Offline, or behind a firewall, that fails; this script reports it in one line,
 * and gives up on a build that runs longer than --timeout instead of hanging. Setting DENORT_BIN
 * to a local denort binary of the same Deno version (one target at a time) avoids the download.
 */
import { createHash } from "node:crypto";
import { VERSION } from "../src/cli/version.ts";
import {
  ConfigError,
  DependencyError,
  NetworkError,
  toTunedlError,
  type TunedlError,
  UsageError,
} from "../src/errors/mod.ts";
import { type DenoJson, readDenoJson, runtimeFlags } from "./runtime_flags.ts";

/** Every platform a release ships a binary for. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** One of TARGETS. */
export type Target = typeof TARGETS[number];

/** Files read at run time that no import reaches; paths relative to the project root. */
const extraIncludes: readonly string[] = [];

/** The entry point every binary starts from. */
const entry = "main.ts";

/** The file name of a target's binary, e.g. tunedl-x86_64-pc-windows-msvc.exe. */
export function binaryName(target: Target): string {
  return `tunedl-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** Options of compileArgs. */
export interface CompileArgsOptions {
  /** Extra files to embed, relative to the project root. */
  includes?: readonly string[];
  /** Where binaries go, relative to the project root; dist unless told. */
  outDir?: string;
}

/** The arguments after `deno` that compile main.ts for one target. */
export function compileArgs(
  denoJson: DenoJson,
  target: Target,
  options: CompileArgsOptions = {},
): string[] {
  const includes = [...extraIncludes, ...(options.includes ?? [])];
  return [
    "compile",
    ...runtimeFlags(denoJson),
    ...includes.flatMap((path) => ["--include", path]),
    "--target",
    target,
    "--output",
    `${options.outDir ?? "dist"}/${binaryName(target)}`,
    entry,
  ];
}

/** What the command line asked for. */
export interface CompileOptions {
  targets: Target[];
  checksums: boolean;
  /** Longest a single target's build may take before it is stopped. */
  timeoutSeconds: number;
}

const usage =
  "Usage: deno task compile [--target <target>|host] [--checksums] [--timeout <seconds>]";

/** Parses the script's arguments; throws UsageError on anything unknown. */
export function parseCompileOptions(
  argv: readonly string[],
  context: { hostTarget?: string } = {},
): CompileOptions {
  const hostTarget = context.hostTarget ?? Deno.build.target;
  const options: CompileOptions = { targets: [...TARGETS], checksums: false, timeoutSeconds: 600 };
  for (let index = 0; index < argv.length; index++) {
    const [name, inline] = argv[index].split(/=(.*)/s, 2);
    const value = () => {
      const next = inline ?? argv[++index];
      if (next === undefined) throw new UsageError(`${name} needs a value`, { hint: usage });
      return next;
    };
    if (name === "--checksums") {
      options.checksums = true;
    } else if (name === "--target") {
      // "host": the machine's own target, for building the binary that this machine tests.
      const given = value();
      const target = given === "host" ? hostTarget : given;
      if (!(TARGETS as readonly string[]).includes(target)) {
        throw new UsageError(`unknown target "${target}"`, {
          hint: `Targets: ${TARGETS.join(", ")}`,
        });
      }
      options.targets = [target as Target];
    } else if (name === "--timeout") {
      const seconds = Number(value());
      if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new UsageError(`--timeout must be a positive number of seconds`, { hint: usage });
      }
      options.timeoutSeconds = seconds;
    } else {
      throw new UsageError(`unknown option "${argv[index]}"`, { hint: usage });
    }
  }
  return options;
}

/** The error for a failed `deno compile` run, told apart by what it printed on stderr. */
export function compileFailure(stderr: string, target: Target): TunedlError {
  // deno prints ANSI colours even into a pipe.
  const text = stderr.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");
  const url = text.match(/https:\/\/\S*denort-\S+?\.zip/)?.[0];
  if (url !== undefined && /Setting up base binary|error sending request|download/i.test(text)) {
    // The innermost cause is the most specific line ("dns error: failed to lookup ...").
    const causedBy = text.split("Caused by:")[1]?.split("Stack backtrace:")[0] ?? "";
    const causes = [...causedBy.matchAll(/^\s*\d+: (.+)$/gm)].map((match) => match[1].trim());
    const reason = causes.at(-1) ?? "the download failed";
    return new NetworkError(
      `could not download Deno's base runtime for ${target} from ${url}: ${reason}`,
      {
        hint: "deno compile needs dl.deno.land once per target (then cached in $DENO_DIR/dl); " +
          "run it with network access, or set DENORT_BIN to a local denort binary.",
      },
    );
  }
  const firstError = text.split("\n").find((line) => line.startsWith("error:"))
    ?.replace(/^error:\s*/, "").trim();
  return new DependencyError(
    `deno compile failed for ${target}: ${firstError ?? "see the output above"}`,
    { hint: "Fix the error above; `deno check main.ts` shows type errors the same way." },
  );
}

/** Runs `deno compile` for one target, stopping it after timeoutSeconds. */
async function compileTarget(
  args: readonly string[],
  options: { root: URL; target: Target; timeoutSeconds: number },
): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: options.root,
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGTERM");
  }, options.timeoutSeconds * 1000);
  const [stderr, status] = await Promise.all([new Response(child.stderr).text(), child.status]);
  clearTimeout(timer);
  if (timedOut) {
    await removeTemporaryOutputs(new URL("dist/", options.root), binaryName(options.target));
    throw new NetworkError(
      `deno compile for ${options.target} did not finish within ${options.timeoutSeconds} s`,
      {
        hint: "It is most likely stuck downloading the base runtime from dl.deno.land; " +
          "check network access or raise --timeout.",
      },
    );
  }
  const failure = status.success ? undefined : compileFailure(stderr, options.target);
  // A failed download is said in one line; otherwise deno's own output (progress, embedded
  // files, or type errors) is what the reader needs.
  if (!(failure instanceof NetworkError)) {
    await Deno.stderr.write(new TextEncoder().encode(stderr));
  }
  if (failure) throw failure;
}

/** Removes the `<name>.tmp-<random>` files a stopped `deno compile` leaves behind. */
async function removeTemporaryOutputs(dir: URL, name: string): Promise<void> {
  for await (const file of Deno.readDir(dir)) {
    if (file.name.startsWith(`${name}.tmp-`)) await Deno.remove(new URL(file.name, dir));
  }
}

/** A file copied next to main.ts so that a library finds it when run compiled. */
export interface RuntimeAsset {
  /** Absolute path of the file to copy. */
  source: string;
  /** Path relative to the project root, passed to --include. */
  embedAs: string;
}

/** The npm packages in main.ts's module graph, as name -> local folder (from `deno info`). */
async function npmPackagesOf(root: URL): Promise<Map<string, string>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const message = new TextDecoder().decode(output.stderr).trim().split("\n")[0];
    throw new DependencyError(`deno info ${entry} failed: ${message}`, {
      hint: "Fix the module graph first: `deno check main.ts`.",
    });
  }
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    npmPackages?: Record<string, { name: string; localPath?: string }>;
  };
  const packages = new Map<string, string>();
  for (const npmPackage of Object.values(info.npmPackages ?? {})) {
    if (npmPackage.localPath) packages.set(npmPackage.name, npmPackage.localPath);
  }
  return packages;
}

/** Files that npm packages in main.ts's graph need beside the main module once compiled. */
export async function runtimeAssets(root: URL): Promise<RuntimeAsset[]> {
  const packages = await npmPackagesOf(root);
  const assets: RuntimeAsset[] = [];
  const taglib = packages.get("taglib-wasm");
  if (taglib !== undefined) {
    // taglib-wasm reads `new URL("./taglib-web.wasm", Deno.mainModule)` when compiled, and
    // src/audio looks there too for both engines (the WASI one writes Opus tags).
    for (const file of ["taglib-web.wasm", "taglib-wasi.wasm"]) {
      assets.push({ source: `${taglib}/dist/${file}`, embedAs: file });
    }
  }
  return assets;
}

/** Copies assets into the project root unless present; returns the copies made, to remove. */
async function stageAssets(assets: readonly RuntimeAsset[], root: URL): Promise<URL[]> {
  const created: URL[] = [];
  for (const asset of assets) {
    const destination = new URL(asset.embedAs, root);
    try {
      await Deno.lstat(destination);
      continue;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    try {
      await Deno.copyFile(asset.source, destination);
    } catch (error) {
      throw new DependencyError(`cannot copy ${asset.source}: ${(error as Error).message}`, {
        cause: error,
        hint: "Run `deno install` so the npm package is in the cache, then compile again.",
      });
    }
    created.push(destination);
  }
  return created;
}

/** The SHA-256 of a file as lowercase hex. */
export async function sha256OfFile(path: string | URL): Promise<string> {
  const hash = createHash("sha256");
  // Reading the stream to its end closes the file.
  const file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/** SHA256SUMS text in the format `sha256sum -c` reads, sorted by file name. */
export function checksumsText(entries: ReadonlyArray<{ name: string; sha256: string }>): string {
  return [...entries]
    .sort((left, right) => left.name < right.name ? -1 : left.name > right.name ? 1 : 0)
    .map((entry) => `${entry.sha256}  ${entry.name}\n`)
    .join("");
}

async function main(argv: readonly string[]): Promise<void> {
  const root = new URL("../", import.meta.url);
  const options = parseCompileOptions(argv);
  const denoJson = await readDenoJson(new URL("deno.json", root));
  if (denoJson.version !== VERSION) {
    throw new ConfigError(
      `deno.json version ${denoJson.version} differs from src/cli/version.ts ${VERSION}`,
      { hint: "Set the same version in both before building a release." },
    );
  }
  const assets = await runtimeAssets(root);
  const dist = new URL("dist/", root);
  await Deno.mkdir(dist, { recursive: true });
  const staged = await stageAssets(assets, root);
  try {
    for (const target of options.targets) {
      const args = compileArgs(denoJson, target, { includes: assets.map((a) => a.embedAs) });
      console.error(`compile: ${binaryName(target)}`);
      await compileTarget(args, { root, target, timeoutSeconds: options.timeoutSeconds });
    }
  } finally {
    for (const path of staged) await Deno.remove(path).catch(() => {});
  }
  if (options.checksums) {
    const entries = [];
    for (const target of options.targets) {
      const name = binaryName(target);
      entries.push({ name, sha256: await sha256OfFile(new URL(name, dist)) });
    }
    await Deno.writeTextFile(new URL("SHA256SUMS", dist), checksumsText(entries));
    console.error("compile: dist/SHA256SUMS");
  }
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    const failure = toTunedlError(error);
    console.error(`error: ${failure.message}`);
    if (failure.hint) console.error(`hint: ${failure.hint}`);
    Deno.exit(failure.exitCode);
  }
}
