import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { folderUrl, rewriteTags } from "../../src/audio/taglib_engine.ts";
import type { AudioFormat } from "../../src/model/mod.ts";

Deno.test("folderUrl turns each OS's folder paths and URLs into folder URLs", () => {
  const table: [string | URL, typeof Deno.build.os, string][] = [
    ["C:\\Users\\me\\tunedl\\wasm", "windows", "file:///C:/Users/me/tunedl/wasm/"],
    ["C:/Users/me/tunedl/wasm/", "windows", "file:///C:/Users/me/tunedl/wasm/"],
    ["D:\\Music #1\\100%", "windows", "file:///D:/Music%20%231/100%25/"],
    ["/opt/tunedl/wasm", "linux", "file:///opt/tunedl/wasm/"],
    ["/Users/me/My Music#2/", "darwin", "file:///Users/me/My%20Music%232/"],
    ["file:///opt/tunedl/wasm", "linux", "file:///opt/tunedl/wasm/"],
    ["file:///C:/tunedl/wasm/", "windows", "file:///C:/tunedl/wasm/"],
    ["https://example.com/wasm", "linux", "https://example.com/wasm/"],
    [new URL("file:///opt/wasm"), "windows", "file:///opt/wasm/"],
  ];
  for (const [dir, os, href] of table) {
    assert.equal(folderUrl(dir, { os }).href, href, `${os}: ${dir}`);
  }
});

Deno.test({
  name: "folderUrl resolves a relative path against the cwd",
  // The expected URL is built with POSIX rules; the Windows rules are in the table above.
  ignore: Deno.build.os === "windows",
  fn() {
    const cwd = pathToFileURL(`${Deno.cwd()}/`);
    assert.equal(folderUrl("wasm/here", { os: Deno.build.os }).href, `${cwd.href}wasm/here/`);
  },
});

/** 0.1 s of tone in a format, made by the real ffmpeg. */
async function tone(format: AudioFormat): Promise<Uint8Array> {
  const codec: Record<AudioFormat, string[]> = {
    mp3: ["-c:a", "libmp3lame", "-f", "mp3"],
    m4a: ["-c:a", "aac", "-f", "ipod"],
    flac: ["-c:a", "flac", "-f", "flac"],
    opus: ["-c:a", "libopus", "-f", "opus"],
    ogg: ["-c:a", "libvorbis", "-f", "ogg"],
  };
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/tone.${format}`;
    const out = await new Deno.Command("ffmpeg", {
      args: ["-v", "error", "-f", "lavfi", "-i", "sine=duration=0.1", ...codec[format], file],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return await Deno.readFile(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("rewriteTags: the bytes it returns are the caller's, whatever the engine does next", async () => {
  // Each backend: the result must not be a view that the next rewrite (or the Wasm memory) changes.
  for (const format of ["mp3", "opus"] as const) {
    const input = await tone(format);
    const original = input.slice();
    const first = await rewriteTags(input, format, {
      properties: { TITLE: ["first"] },
      removeKeys: new Set(),
    });
    const kept = first.bytes.slice();
    await rewriteTags(input, format, { properties: { TITLE: ["second"] }, removeKeys: new Set() });
    assert.deepEqual(first.bytes, kept, `${format}: first result unchanged`);
    assert.deepEqual(input, original, `${format}: input unchanged`);
    assert.notEqual(first.bytes.buffer, input.buffer, `${format}: a new buffer`);
    const text = new TextDecoder("latin1").decode(first.bytes);
    assert.ok(text.includes("first"), `${format}: the title is in the file`);
  }
});
