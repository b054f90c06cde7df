/**
 * Ctrl-C while `tunedl plan` is still reading Spotify: one line says it was interrupted,
 * exit 130, no "error: Cancelled ..."; with --json stdout still holds one JSON document; in a
 * terminal the spinner line is gone.
 */
import assert from "node:assert/strict";
import xterm from "@xterm/headless";
import { cleanEnv, makeTempWorkspace, tunedlCommand } from "../fakes/cli_runner.ts";
import {
  interruptWhilePlanning,
  silentSpotify,
  silentSpotifyEnv,
} from "../fakes/silent_spotify.ts";

/** Starts `tunedl plan` against a Spotify that never answers, presses Ctrl-C once it asked. */
function interruptedPlan(extraArgs: string[]) {
  return interruptWhilePlanning(
    ["plan", ...extraArgs],
    'version: "1.2"\n' + "songs:\n  - https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU\n",
  );
}

/** One line about the interruption, and none of the error's or the download's wording. */
function assertOneInterruptedLine(stderr: string): void {
  assert.equal(stderr.split("\n").filter((line) => /interrupted/i.test(line)).length, 1, stderr);
  assert.match(stderr, /^Interrupted while planning: no plan was made\.$/m);
  assert.doesNotMatch(stderr, /error:|Cancelled|Stopping/, stderr);
}

Deno.test({
  name: "plan: Ctrl-C while planning says so once and exits 130",
  // A SIGINT sent to the child: Windows has none.
  ignore: Deno.build.os === "windows",
  async fn() {
    const run = await interruptedPlan([]);
    assert.equal(run.code, 130, run.stderr);
    assertOneInterruptedLine(run.stderr);
    // No plan, not even part of one.
    assert.equal(run.stdout, "");
  },
});

Deno.test({
  name: "plan --json: Ctrl-C while planning leaves one JSON document saying so",
  ignore: Deno.build.os === "windows",
  async fn() {
    const run = await interruptedPlan(["--json"]);
    assert.equal(run.code, 130, run.stderr);
    assertOneInterruptedLine(run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      ok: false,
      error: { code: "cancelled", message: "interrupted while planning" },
    });
  },
});

/** Whether util-linux `script` can give the child a terminal (Linux only; macOS's differs). */
function hasScript(): boolean {
  if (Deno.build.os !== "linux") return false;
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** What a terminal shows after `text` is written to it, one string per row. */
async function screenOf(text: string): Promise<string[]> {
  const rows = 10;
  const term = new xterm.Terminal({ cols: 80, rows, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(text, resolve));
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    lines.push(term.buffer.active.getLine(row)?.translateToString(true) ?? "");
  }
  term.dispose();
  return lines;
}

Deno.test({
  name: "plan in a terminal: Ctrl-C while planning clears the spinner line",
  ignore: !hasScript(),
  async fn() {
    const spotify = silentSpotify();
    await using work = await makeTempWorkspace({ prefix: "tunedl-plan-pty-" });
    try {
      const config = await work.writeConfig(
        'version: "1.2"\nsongs:\n  - https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU\n',
      );
      const { program, args } = await tunedlCommand(["plan", "--config", config]);
      const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
      // `script` runs tunedl on a terminal of its own; a ^C typed there is a real Ctrl-C.
      const child = new Deno.Command("script", {
        args: ["-qfec", [program, ...args].map(quote).join(" "), "/dev/null"],
        cwd: work.dir,
        env: cleanEnv({ ...silentSpotifyEnv(spotify, work.cacheDir), TERM: "xterm-256color" }),
        clearEnv: true,
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const reader = child.stdout.getReader();
      const decoder = new TextDecoder();
      let text = "";
      const readMore = async () => {
        const { value, done } = await reader.read();
        if (!done) text += decoder.decode(value, { stream: true });
        return !done;
      };
      await spotify.requested;
      // Ctrl-C once the spinner is on screen.
      while (!text.includes("Planning") && await readMore());
      assert.match(text, /Planning/);
      const keyboard = child.stdin.getWriter();
      await keyboard.write(new Uint8Array([0x03]));
      while (await readMore());
      const status = await child.status;
      await keyboard.close().catch(() => {});
      assert.equal(status.code, 130, text);
      const screen = (await screenOf(text)).filter((line) => line.trim() !== "");
      assert.deepEqual(screen, ["Interrupted while planning: no plan was made."], text);
    } finally {
      await spotify.close();
    }
  },
});
