/**
 * Completion scripts: bash loads them (`bash -n`, then completion runs through
 * the generated function, as `complete -F` calls it) and they offer every
 * command, every flag of each command and the values of settings; every
 * script names every command and flag; `--help` comes from the same definitions.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type CliIo, runCli } from "../../src/cli/mod.ts";
import { usageText } from "../../src/cli/command_spec.ts";
import { COMMAND_SPECS, COMPLETION_SHELLS } from "../../src/cli/command_specs.ts";
import { completionScript } from "../../src/cli/completions.ts";

function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    env: {},
    cwd: "/nonexistent-tunedl-cwd",
    os: "linux" as const,
  };
  return io;
}

const NAMES = COMMAND_SPECS.map((spec) => spec.name);
const hasBash = Deno.build.os !== "windows";

async function bash(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command("bash", {
    args: ["-c", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Completes `words` (the last one being typed) with the script's function; one reply per line. */
async function complete(file: string, words: string[]): Promise<string[]> {
  const quoted = words.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
  const run = await bash(
    `source '${file}' && COMP_WORDS=(${quoted}) && COMP_CWORD=${words.length - 1} && ` +
      `_tunedl && printf '%s\\n' "\${COMPREPLY[@]}"`,
  );
  assert.equal(run.code, 0, run.stderr);
  return run.stdout.split("\n").filter((line) => line !== "");
}

Deno.test({
  name: "completions bash: the script loads and completes commands, flags and values",
  ignore: !hasBash,
  async fn() {
    const io = captureIo();
    assert.equal(await runCli(["completions", "bash"], io), 0, io.stderr);
    const dir = await Deno.makeTempDir({ prefix: "tunedl-completions-" });
    try {
      const file = `${dir}/tunedl.bash`;
      await Deno.writeTextFile(file, io.stdout);
      const syntax = await bash(`bash -n '${file}'`);
      assert.equal(syntax.code, 0, syntax.stderr);
      // Registered for the tunedl command, and a compgen run lists every command.
      const registered = await bash(`source '${file}' && complete -p tunedl`);
      assert.match(registered.stdout, /complete -F _tunedl tunedl/);
      const listed = await bash(
        `source '${file}' && COMP_WORDS=(tunedl '') COMP_CWORD=1 && _tunedl && ` +
          `compgen -W "\${COMPREPLY[*]}" --`,
      );
      assert.deepEqual(
        listed.stdout.trim().split("\n").sort(),
        [...NAMES, "--help", "--version"].sort(),
      );
      assert.deepEqual(await complete(file, ["tunedl", "com"]), ["completions"]);

      for (const spec of COMMAND_SPECS) {
        const flags = spec.flags.flatMap((f) =>
          f.short ? [`--${f.name}`, `-${f.short}`] : [`--${f.name}`]
        );
        assert.deepEqual(
          (await complete(file, ["tunedl", spec.name, "-"])).sort(),
          flags.sort(),
          spec.name,
        );
      }
      assert.deepEqual(await complete(file, ["tunedl", "download", "--format", ""]), [
        "mp3",
        "m4a",
        "flac",
        "opus",
        "ogg",
      ]);
      assert.deepEqual(await complete(file, ["tunedl", "plan", "--overwrite", "me"]), ["metadata"]);
      assert.deepEqual(await complete(file, ["tunedl", "download", "-f", "flac", "--lyrics", ""]), [
        "synced",
        "plain",
        "off",
      ]);
      assert.deepEqual(await complete(file, ["tunedl", "download", "--threads", "4", "l"]), [
        "liked",
      ]);
      assert.deepEqual(await complete(file, ["tunedl", "cache", ""]), ["stats", "clear", "path"]);
      assert.deepEqual(
        await complete(file, ["tunedl", "cache", "--config", "c.yaml", "clear", ""]),
        [
          "spotify",
          "search",
          "lyrics",
          "library",
        ],
      );
      assert.deepEqual(await complete(file, ["tunedl", "cache", "stats", ""]), []);
      assert.deepEqual(await complete(file, ["tunedl", "completions", "f"]), ["fish"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("completions: every script names every command and every flag", async () => {
  for (const shell of COMPLETION_SHELLS) {
    const io = captureIo();
    assert.equal(await runCli(["completions", shell], io), 0, io.stderr);
    assert.equal(io.stdout, completionScript(shell, COMMAND_SPECS));
    for (const spec of COMMAND_SPECS) {
      assert.ok(io.stdout.includes(spec.name), `${shell}: ${spec.name}`);
      for (const flag of spec.flags) {
        assert.ok(io.stdout.includes(flag.name), `${shell}: ${spec.name} --${flag.name}`);
        for (const choice of flag.choices ?? []) {
          assert.ok(io.stdout.includes(choice), `${shell}: ${spec.name} --${flag.name} ${choice}`);
        }
      }
    }
  }
});

Deno.test("completions: a missing or unknown shell is a usage error", async () => {
  for (const args of [["completions"], ["completions", "tcsh"]]) {
    const io = captureIo();
    assert.equal(await runCli(args, io), 2);
    assert.match(io.stderr, /hint: Use one of: bash, zsh, fish, powershell/);
  }
});

Deno.test("every command's --help is made from its definition, and every definition runs", async () => {
  for (const spec of COMMAND_SPECS) {
    const io = captureIo();
    assert.equal(await runCli([spec.name, "--help"], io), 0, `${spec.name}: ${io.stderr}`);
    assert.equal(io.stdout, usageText(spec));
    for (const flag of spec.flags) assert.ok(io.stdout.includes(`--${flag.name}`));
  }
  const top = captureIo();
  await runCli(["--help"], top);
  for (const spec of COMMAND_SPECS) assert.ok(top.stdout.includes(`  ${spec.name}`), spec.name);
});

/** Whether a program is on PATH (the zsh and fish checks run where the shell is installed). */
function installed(program: string): boolean {
  try {
    return new Deno.Command(program, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

async function scriptFile(shell: "zsh" | "fish", dir: string): Promise<string> {
  const io = captureIo();
  assert.equal(await runCli(["completions", shell], io), 0, io.stderr);
  const file = `${dir}/tunedl.${shell}`;
  await Deno.writeTextFile(file, io.stdout);
  return file;
}

async function run(program: string, args: string[]) {
  const output = await new Deno.Command(program, { args, stdout: "piped", stderr: "piped" })
    .output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test({
  name: "completions zsh: the script parses, registers _tunedl and completes in an interactive zsh",
  ignore: !installed("zsh"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tunedl-zsh-" });
    try {
      const file = await scriptFile("zsh", dir);
      const syntax = await run("zsh", ["-n", file]);
      assert.equal(syntax.code, 0, syntax.stderr);
      const loaded = await run("zsh", [
        "-f",
        "-c",
        `autoload -U compinit && compinit -u -d '${dir}/zcompdump' && source '${file}' && ` +
        `print -- $_comps[tunedl]`,
      ]);
      assert.equal(loaded.code, 0, loaded.stderr);
      assert.equal(loaded.stdout.trim(), "_tunedl");

      // Completion as an interactive zsh does it (TAB in a pseudo-terminal).
      const complete = async (line: string) => {
        const result = await new Deno.Command("zsh", {
          args: ["-f", fileURLToPath(new URL("../fakes/zsh_complete.zsh", import.meta.url))],
          env: { ZT_DIR: dir, ZT_SCRIPT: file, ZT_LINE: line },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.ok(result.success, new TextDecoder().decode(result.stderr));
        return new TextDecoder().decode(result.stdout).split("\n").filter(Boolean);
      };
      assert.deepEqual((await complete("tunedl ")).sort(), [...NAMES].sort());
      assert.deepEqual(await complete("tunedl download --format "), [
        "mp3",
        "m4a",
        "flac",
        "opus",
        "ogg",
      ]);
      assert.deepEqual(await complete("tunedl cache "), ["stats", "clear", "path"]);
      assert.deepEqual(await complete("tunedl cache clear "), [
        "spotify",
        "search",
        "lyrics",
        "library",
      ]);
      assert.deepEqual(await complete("tunedl cache stats "), []);
      assert.deepEqual(await complete("tunedl plan --ove"), ["--overwrite"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "completions fish: commands, flags, values and arguments as fish completes them",
  ignore: !installed("fish"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tunedl-fish-" });
    try {
      const file = await scriptFile("fish", dir);
      const syntax = await run("fish", ["--no-execute", file]);
      assert.equal(syntax.code, 0, syntax.stderr);
      const complete = async (line: string) => {
        const result = await run("fish", [
          "--no-config",
          "-c",
          `source '${file}'; complete -C '${line}'`,
        ]);
        assert.equal(result.code, 0, result.stderr);
        return result.stdout.split("\n").filter(Boolean).map((row) => row.split("\t")[0]).sort();
      };
      assert.deepEqual(await complete("tunedl "), [...NAMES].sort());
      for (const spec of COMMAND_SPECS) {
        assert.deepEqual(
          await complete(`tunedl ${spec.name} --`),
          spec.flags.map((f) => `--${f.name}`).sort(),
          spec.name,
        );
      }
      assert.deepEqual(await complete("tunedl plan --overwrite "), [
        "metadata",
        "overwrite",
        "skip",
      ]);
      assert.deepEqual(await complete("tunedl cache clear "), [
        "library",
        "lyrics",
        "search",
        "spotify",
      ]);
      assert.deepEqual(await complete("tunedl download l"), ["liked"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
