import assert from "node:assert/strict";
import {
  ConversionError,
  DiskFullError,
  DownloaderSetupError,
  MissingEncoderError,
  SignInRequiredError,
} from "../../src/audio/mod.ts";
import { stopsRun } from "../../src/plan/stop_policy.ts";
import {
  AuthError,
  DependencyError,
  NetworkError,
  NotFoundError,
  ServiceUnreachableError,
  StorageError,
  type TunedlError,
} from "../../src/errors/mod.ts";
import { LoginExpiredError } from "../../src/spotify/mod.ts";

const CASES: [label: string, failure: TunedlError, stops: boolean][] = [
  ["Spotify rejects the credentials", new AuthError("Spotify rejected the client id"), true],
  ["the login was revoked", new LoginExpiredError("Log in again"), true],
  ["a program is missing", new DependencyError("Program not found: ffmpeg"), true],
  ["yt-dlp lacks a JavaScript runtime", new DownloaderSetupError("js_runtime_missing", "x"), true],
  ["yt-dlp cannot find ffmpeg", new DownloaderSetupError("ffmpeg_missing", "x"), true],
  ["ffmpeg lacks the format's encoder", new MissingEncoderError("no libvorbis"), true],
  ["ffmpeg fails on one file", new ConversionError("Invalid data found"), false],
  ["yt-dlp cannot handle one URL", new DownloaderSetupError("ytdlp_outdated", "x"), false],
  ["a bot check on one video", new SignInRequiredError("sign_in_required", "x"), false],
  ["a network failure", new NetworkError("timed out"), false],
  ["a service is not answering", new ServiceUnreachableError("YouTube is not answering"), true],
  ["no match", new NotFoundError("No confident match"), false],
  ["the library's disk is full", new DiskFullError("No space left"), true],
  ["the library cannot be written", new StorageError("Permission denied"), true],
];

for (const [label, failure, stops] of CASES) {
  Deno.test(`stopsRun: ${label} -> ${stops ? "stop" : "go on"}`, () => {
    assert.equal(stopsRun(failure), stops);
  });
}
