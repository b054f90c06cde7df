/**
 * Runs a snippet in a separate `deno eval --unstable-kv` process. Cache tests
 * that may crash Deno (KV panics on damaged files) or that need two processes
 * on one file use it, so a crash kills the child and not the test runner.
 */

/** URL of src/cache/mod.ts for `import` lines inside snippets. */
export const cacheModUrl = new URL("../../src/cache/mod.ts", import.meta.url).href;

/** The project root, used as the child's working folder (for deno.json). */
const projectRoot = new URL("../../", import.meta.url);

/** Exit code and output of a finished child. */
export interface ChildResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs code to completion in a child Deno process. */
export async function runDenoSnippet(code: string): Promise<ChildResult> {
  const output = await snippetCommand(code, { stdout: "piped" }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Starts code in a child Deno process and returns it (stdout piped, stderr piped). */
export function spawnDenoSnippet(code: string): Deno.ChildProcess {
  return snippetCommand(code, { stdout: "piped" }).spawn();
}

function snippetCommand(code: string, options: { stdout: "piped" }): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", "--unstable-kv", code],
    cwd: projectRoot,
    stdin: "null",
    stdout: options.stdout,
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
}

/** Reads a child's stdout until a line equal to marker appears; returns everything read. */
export async function readUntilLine(
  stream: ReadableStream<Uint8Array>,
  marker: string,
): Promise<{ text: string; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.split("\n").includes(marker)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return { text, reader };
}
