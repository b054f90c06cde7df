import assert from "node:assert/strict";
import {
  ageInDays,
  compareYtdlpVersions,
  parseFfmpegEncoders,
  parseFfmpegVersion,
  parseYtdlpVersion,
  probeTools,
} from "../../src/audio/mod.ts";
import type { ProcessRunner, RunResult, ToolCheck } from "../../src/audio/mod.ts";

Deno.test("parseYtdlpVersion reads release and nightly versions", () => {
  assert.deepEqual(parseYtdlpVersion("2023.03.04\n"), {
    version: "2023.03.04",
    released: new Date(Date.UTC(2023, 2, 4)),
  });
  assert.equal(parseYtdlpVersion("2025.11.12.232840")?.version, "2025.11.12.232840");
  assert.equal(parseYtdlpVersion("yt-dlp: command not found"), undefined);
  assert.equal(parseYtdlpVersion("2023.13.01"), undefined);
});

Deno.test("ageInDays and compareYtdlpVersions", () => {
  assert.equal(ageInDays(new Date(Date.UTC(2023, 2, 4)), new Date(Date.UTC(2023, 5, 2, 12))), 90);
  assert.equal(ageInDays(new Date(Date.UTC(2030, 0, 1)), new Date(Date.UTC(2023, 0, 1))), 0);
  assert.ok(compareYtdlpVersions("2023.03.04", "2025.11.12") < 0);
  assert.ok(compareYtdlpVersions("2025.11.12.1", "2025.11.12") > 0);
  assert.equal(compareYtdlpVersions("2025.11.12", "2025.11.12"), 0);
});

Deno.test("parseFfmpegVersion and parseFfmpegEncoders", () => {
  assert.equal(
    parseFfmpegVersion(
      "ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers",
    ),
    "5.1.9-0+deb12u1",
  );
  assert.equal(parseFfmpegVersion("ffprobe version n7.1 Copyright"), "n7.1");
  const encoders = parseFfmpegEncoders(
    "Encoders:\n V..... = Video\n A..... = Audio\n ------\n" +
      " A....D libmp3lame           libmp3lame MP3 (MPEG audio layer 3) (codec mp3)\n" +
      " A..... aac                  AAC (Advanced Audio Coding)\n",
  );
  assert.deepEqual([...encoders].sort(), ["aac", "libmp3lame"]);
});

/** A fake machine: which files exist and what each program prints. */
function fakeMachine(outputs: Record<string, string | Error>): {
  run: ProcessRunner;
  isExecutable: (path: string) => boolean;
} {
  const run: ProcessRunner = (program, args) => {
    const key = `${program} ${args.join(" ")}`;
    const output = outputs[key];
    if (output instanceof Error) return Promise.reject(output);
    const result: RunResult = {
      code: output === undefined ? 1 : 0,
      success: output !== undefined,
      signal: null,
      stdout: output ?? "",
      stderr: output === undefined ? `unexpected call: ${key}` : "",
      stdoutTruncated: false,
      stderrTruncated: false,
    };
    return Promise.resolve(result);
  };
  const programs = new Set(Object.keys(outputs).map((key) => key.split(" ")[0]));
  return { run, isExecutable: (path) => programs.has(path) };
}

const ALL_ENCODERS = ["libmp3lame", "aac", "flac", "libopus", "libvorbis"]
  .map((name) => ` A..... ${name}  x`).join("\n");

function byName(checks: ToolCheck[]): Record<string, ToolCheck> {
  return Object.fromEntries(checks.map((check) => [check.name, check]));
}

Deno.test("probeTools: an old yt-dlp warns with upgrade advice; no runtime needed yet", async () => {
  const machine = fakeMachine({
    "/usr/bin/yt-dlp --version": "2023.03.04\n",
    "/usr/bin/ffmpeg -hide_banner -version": "ffmpeg version 5.1.9-0+deb12u1 Copyright",
    "/usr/bin/ffmpeg -hide_banner -encoders": ALL_ENCODERS,
    "/usr/bin/ffprobe -hide_banner -version": "ffprobe version 5.1.9-0+deb12u1 Copyright",
  });
  const checks = await probeTools({
    env: { PATH: "/usr/bin" },
    ...machine,
    os: "linux",
    now: new Date(Date.UTC(2025, 0, 1)),
  });
  assert.deepEqual(checks.map((check) => check.name), [
    "yt-dlp",
    "js-runtime",
    "ffmpeg",
    "ffprobe",
  ]);
  const c = byName(checks);
  assert.equal(c["yt-dlp"].status, "warn");
  assert.equal(c["yt-dlp"].ok, true);
  assert.equal(c["yt-dlp"].version, "2023.03.04");
  assert.equal(c["yt-dlp"].ageDays, 669);
  assert.match(c["yt-dlp"].fix ?? "", /yt-dlp -U/);
  assert.match(c["yt-dlp"].fix ?? "", /pip/);
  assert.equal(c["js-runtime"].status, "warn");
  assert.equal(c["js-runtime"].ok, true);
  assert.equal(c.ffmpeg.status, "ok");
  assert.equal(c.ffmpeg.version, "5.1.9-0+deb12u1");
  assert.equal(c.ffprobe.status, "ok");
});

Deno.test("probeTools: a new yt-dlp without deno is an error; with only node a warning", async () => {
  const base = {
    "/opt/yt-dlp --version": "2025.11.12\n",
    "/usr/bin/ffmpeg -hide_banner -version": "ffmpeg version 7.1 Copyright",
    "/usr/bin/ffmpeg -hide_banner -encoders": ALL_ENCODERS,
    "/usr/bin/ffprobe -hide_banner -version": "ffprobe version 7.1 Copyright",
  };
  const now = new Date(Date.UTC(2025, 11, 1));
  const none = fakeMachine(base);
  const noRuntime = byName(
    await probeTools({
      env: { PATH: "/usr/bin", TUNEDL_YTDLP: "/opt/yt-dlp" },
      ...none,
      os: "linux",
      now,
    }),
  );
  assert.equal(noRuntime["yt-dlp"].status, "ok");
  assert.equal(noRuntime["yt-dlp"].ageDays, 19);
  assert.equal(noRuntime["js-runtime"].status, "error");
  assert.equal(noRuntime["js-runtime"].ok, false);
  assert.match(noRuntime["js-runtime"].fix ?? "", /Deno/);

  const node = fakeMachine({ ...base, "/usr/bin/node --version": "v22.11.0\n" });
  const withNode = byName(
    await probeTools({
      env: { PATH: "/usr/bin" },
      ytdlpPath: "/opt/yt-dlp",
      ...node,
      os: "linux",
      now,
    }),
  );
  assert.equal(withNode["js-runtime"].status, "warn");
  assert.equal(withNode["js-runtime"].version, "22.11.0");
  assert.match(withNode["js-runtime"].fix ?? "", /--js-runtimes/);

  const deno = fakeMachine({
    ...base,
    "/home/u/.deno/bin/deno --version": "deno 2.9.6 (stable)\n",
  });
  const withDeno = byName(
    await probeTools({
      env: { PATH: "/usr/bin:/home/u/.deno/bin" },
      ytdlpPath: "/opt/yt-dlp",
      ...deno,
      os: "linux",
      now,
    }),
  );
  assert.equal(withDeno["js-runtime"].status, "ok");
  assert.equal(withDeno["js-runtime"].path, "/home/u/.deno/bin/deno");
  assert.equal(withDeno["js-runtime"].version, "2.9.6");
});

Deno.test("probeTools: missing and broken tools are errors with fixes", async () => {
  const machine = fakeMachine({
    "/usr/bin/yt-dlp --version": new Error("Program not found"),
    "/usr/bin/ffmpeg -hide_banner -version": "ffmpeg version 6.0 Copyright",
    "/usr/bin/ffmpeg -hide_banner -encoders": " A..... aac  x\n A..... flac x\n",
  });
  const c = byName(
    await probeTools({ env: { PATH: "/usr/bin" }, ...machine, os: "linux", format: "mp3" }),
  );
  assert.equal(c["yt-dlp"].status, "error");
  assert.match(c["yt-dlp"].detail, /does not run: Program not found/);
  assert.equal(c.ffmpeg.status, "error", "mp3 was asked for and libmp3lame is missing");
  assert.match(c.ffmpeg.detail, /mp3 \(libmp3lame\)/);
  assert.equal(c.ffprobe.status, "error");
  assert.match(c.ffprobe.detail, /not found/);

  const nothing = byName(await probeTools({ env: { PATH: "" }, ...fakeMachine({}), os: "linux" }));
  assert.equal(nothing["yt-dlp"].status, "error");
  assert.match(nothing["yt-dlp"].fix ?? "", /pip install/);
  assert.equal(nothing.ffmpeg.status, "error");
});

Deno.test("probeTools: ffmpeg without libvorbis gets the OS's advice (ffmpeg-full on macOS)", async () => {
  const noVorbis = ["libmp3lame", "aac", "flac", "libopus"].map((name) => ` A..... ${name}  x`)
    .join("\n");
  const table: [typeof Deno.build.os, string, string][] = [
    ["darwin", "/opt/homebrew/bin", "`brew install ffmpeg-full`"],
    ["linux", "/usr/bin", "`sudo apt install ffmpeg`"],
    ["windows", "C:\\ffmpeg\\bin", "`winget install ffmpeg`"],
  ];
  for (const [os, bin, advice] of table) {
    const sep = os === "windows" ? "\\" : "/";
    const exe = os === "windows" ? ".exe" : "";
    const ffmpeg = `${bin}${sep}ffmpeg${exe}`;
    const machine = fakeMachine({
      [`${ffmpeg} -hide_banner -version`]: "ffmpeg version 8.0.1 Copyright",
      [`${ffmpeg} -hide_banner -encoders`]: noVorbis,
    });
    const env = { PATH: bin, PATHEXT: ".EXE" };
    const c = byName(await probeTools({ env, ...machine, os, format: "ogg" }));
    assert.equal(c.ffmpeg.status, "error", `${os}: ogg was asked for`);
    assert.match(c.ffmpeg.detail, /cannot encode ogg \(libvorbis\)/);
    assert.ok(c.ffmpeg.fix?.includes(advice), `${os}: ${c.ffmpeg.fix}`);
    if (os === "darwin") {
      assert.ok(c.ffmpeg.fix?.includes('TUNEDL_FFMPEG="$(brew --prefix ffmpeg-full)/bin/ffmpeg"'));
    }

    // Without ffmpeg at all, macOS is told about ffmpeg-full for ogg right away.
    const none = byName(
      await probeTools({ env: { PATH: "" }, ...fakeMachine({}), os, format: "ogg" }),
    );
    assert.equal(none.ffmpeg.status, "error");
    assert.equal(
      none.ffmpeg.fix?.includes("ffmpeg-full"),
      os === "darwin",
      `${os}: ${none.ffmpeg.fix}`,
    );
  }
});

Deno.test("probeTools: with a yt-dlp too old to use one, deno is not called its runtime", async () => {
  const machine = fakeMachine({
    "/usr/bin/yt-dlp --version": "2025.06.30\n",
    "/usr/bin/deno --version": "deno 2.5.0 (stable)\n",
    "/usr/bin/ffmpeg -hide_banner -version": "ffmpeg version 7.1 Copyright",
    "/usr/bin/ffmpeg -hide_banner -encoders": ALL_ENCODERS,
    "/usr/bin/ffprobe -hide_banner -version": "ffprobe version 7.1 Copyright",
  });
  const old = byName(
    await probeTools({ env: { PATH: "/usr/bin" }, ...machine, os: "linux", now: new Date() }),
  );
  assert.equal(old["js-runtime"].status, "ok");
  assert.doesNotMatch(old["js-runtime"].detail, /default JavaScript runtime/);
  assert.match(old["js-runtime"].detail, /yt-dlp 2025\.06\.30 does not use one/);
});
