import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { folderUrl } from "../../src/audio/taglib_engine.ts";

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
