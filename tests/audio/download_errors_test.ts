import assert from "node:assert/strict";
import { DependencyError, NetworkError, NotFoundError, TunedlError } from "../../src/errors/mod.ts";
import {
  classifyYtdlpStderr,
  cleanYtdlpLine,
  downloadErrorFromStderr,
  DownloaderSetupError,
  DownloadFailedError,
  DownloadNetworkError,
  SignInRequiredError,
  SourceUnavailableError,
} from "../../src/audio/mod.ts";

type ErrorClass = abstract new (...args: never[]) => TunedlError;

interface Case {
  name: string;
  stderr: string;
  code: string;
  errorClass: ErrorClass;
  base: ErrorClass;
  retryable: boolean;
}

const REPORT = "; please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , " +
  "filling out the appropriate issue template. Confirm you are on the latest version using  yt-dlp -U";

const cases: Case[] = [
  {
    name: "removed video",
    stderr: "ERROR: [youtube] dQw4w9WgXcQ: Video unavailable",
    code: "unavailable",
    errorClass: SourceUnavailableError,
    base: NotFoundError,
    retryable: false,
  },
  {
    name: "terminated account",
    stderr: "ERROR: [youtube] abcdefghijk: Video unavailable. This video is no longer available " +
      "because the YouTube account associated with this video has been terminated.",
    code: "unavailable",
    errorClass: SourceUnavailableError,
    base: NotFoundError,
    retryable: false,
  },
  {
    name: "HTTP 404 from a direct link",
    stderr: "WARNING: [generic] Falling back on generic information extractor\n" +
      "ERROR: [generic] None: Unable to download webpage: HTTP Error 404: Not Found " +
      "(caused by <HTTPError 404: 'Not Found'>)" + REPORT,
    code: "unavailable",
    errorClass: SourceUnavailableError,
    base: NotFoundError,
    retryable: false,
  },
  {
    name: "private video",
    stderr: "ERROR: [youtube] abcdefghijk: Private video. Sign in if you've been granted access " +
      "to this video. Use --cookies-from-browser or --cookies for the authentication.",
    code: "private",
    errorClass: SourceUnavailableError,
    base: NotFoundError,
    retryable: false,
  },
  {
    name: "members-only video",
    stderr: "ERROR: [youtube] abcdefghijk: Join this channel to get access to members-only " +
      "content like this video, and other exclusive perks.",
    code: "private",
    errorClass: SourceUnavailableError,
    base: NotFoundError,
    retryable: false,
  },
  {
    name: "age gate",
    stderr: "ERROR: [youtube] abcdefghijk: Sign in to confirm your age. This video may be " +
      "inappropriate for some users. Use --cookies-from-browser or --cookies for the authentication.",
    code: "age_restricted",
    errorClass: SignInRequiredError,
    base: TunedlError,
    retryable: false,
  },
  {
    name: "region block by the uploader",
    stderr:
      "ERROR: [youtube] abcdefghijk: Video unavailable. The uploader has not made this video " +
      "available in your country",
    code: "region_blocked",
    errorClass: SourceUnavailableError,
    base: NotFoundError,
    retryable: false,
  },
  {
    name: "region block on copyright grounds",
    stderr: "ERROR: [youtube] abcdefghijk: Video unavailable. This video contains content from " +
      "SME, who has blocked it in your country on copyright grounds",
    code: "region_blocked",
    errorClass: SourceUnavailableError,
    base: NotFoundError,
    retryable: false,
  },
  {
    name: "bot check with curly apostrophe",
    stderr: "ERROR: [youtube] abcdefghijk: Sign in to confirm you’re not a bot. Use " +
      "--cookies-from-browser or --cookies for the authentication. See  " +
      "https://github.com/yt-dlp/yt-dlp/wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp  for how to " +
      "manually pass cookies. Also see  https://github.com/yt-dlp/yt-dlp/wiki/Extractors#exporting-youtube-cookies  " +
      "for tips on effectively exporting YouTube cookies",
    code: "sign_in_required",
    errorClass: SignInRequiredError,
    base: TunedlError,
    retryable: false,
  },
  {
    name: "bot check with straight apostrophe",
    stderr:
      "ERROR: [youtube] abcdefghijk: Sign in to confirm you're not a bot. This helps protect our community.",
    code: "sign_in_required",
    errorClass: SignInRequiredError,
    base: TunedlError,
    retryable: false,
  },
  {
    name: "no JavaScript runtime, then no formats",
    stderr:
      "WARNING: [youtube] No supported JavaScript runtime could be found. Only deno is enabled " +
      "by default; to use another runtime add  --js-runtimes RUNTIME[:PATH]  to your command/config. " +
      "YouTube extraction without a JS runtime has been deprecated, and some formats may be missing. " +
      "See  https://github.com/yt-dlp/yt-dlp/wiki/EJS  for details on installing one\n" +
      "WARNING: [youtube] abcdefghijk: Some web client https formats have been skipped as they are " +
      "missing a url. YouTube is forcing SABR streaming for this client.\n" +
      "ERROR: [youtube] abcdefghijk: Requested format is not available. Use --list-formats for a " +
      "list of available formats",
    code: "js_runtime_missing",
    errorClass: DownloaderSetupError,
    base: DependencyError,
    retryable: false,
  },
  {
    name: "challenge solving failed, only images",
    stderr:
      "WARNING: [youtube] abcdefghijk: n challenge solving failed: Some formats may be missing. " +
      "Ensure you have a supported JavaScript runtime and challenge solver script distribution installed.\n" +
      "ERROR: [youtube] abcdefghijk: Only images are available for download. use --list-formats to see them",
    code: "js_runtime_missing",
    errorClass: DownloaderSetupError,
    base: DependencyError,
    retryable: false,
  },
  {
    name: "JS runtime warning but the video is simply gone",
    stderr: "WARNING: [youtube] No supported JavaScript runtime could be found.\n" +
      "ERROR: [youtube] abcdefghijk: Video unavailable",
    code: "unavailable",
    errorClass: SourceUnavailableError,
    base: NotFoundError,
    retryable: false,
  },
  {
    name: "HTTP 403 on the media URL (old yt-dlp)",
    stderr: "ERROR: unable to download video data: HTTP Error 403: Forbidden",
    code: "ytdlp_outdated",
    errorClass: DownloaderSetupError,
    base: DependencyError,
    retryable: false,
  },
  {
    name: "unsupported URL",
    stderr: "WARNING: [generic] Falling back on generic information extractor\n" +
      "ERROR: Unsupported URL: https://music.youtube.com/watch?v=abcdefghijk",
    code: "ytdlp_outdated",
    errorClass: DownloaderSetupError,
    base: DependencyError,
    retryable: false,
  },
  {
    name: "extractor broken",
    stderr: "ERROR: [youtube] abcdefghijk: Failed to extract any player response" + REPORT,
    code: "ytdlp_outdated",
    errorClass: DownloaderSetupError,
    base: DependencyError,
    retryable: false,
  },
  {
    name: "signature extraction",
    stderr:
      "WARNING: [youtube] abcdefghijk: Signature extraction failed: Some formats may be missing\n" +
      "ERROR: [youtube] abcdefghijk: Unable to extract uploader id" + REPORT,
    code: "ytdlp_outdated",
    errorClass: DownloaderSetupError,
    base: DependencyError,
    retryable: false,
  },
  {
    name: "option unknown to an old yt-dlp",
    stderr:
      "Usage: yt-dlp [OPTIONS] URL [URL...]\n\nyt-dlp: error: no such option: --progress-template",
    code: "ytdlp_outdated",
    errorClass: DownloaderSetupError,
    base: DependencyError,
    retryable: false,
  },
  {
    name: "ffmpeg missing for post-processing",
    stderr: "ERROR: Postprocessing: ffprobe and ffmpeg not found. Please install or provide the " +
      "path using --ffmpeg-location",
    code: "ffmpeg_missing",
    errorClass: DownloaderSetupError,
    base: DependencyError,
    retryable: false,
  },
  {
    name: "rate limited",
    stderr: "ERROR: [youtube] abcdefghijk: Unable to download API page: HTTP Error 429: Too Many " +
      "Requests (caused by <HTTPError 429: 'Too Many Requests'>)",
    code: "rate_limited",
    errorClass: DownloadNetworkError,
    base: NetworkError,
    retryable: true,
  },
  {
    name: "DNS failure",
    stderr:
      "ERROR: [youtube] abcdefghijk: Unable to download API page: <urlopen error [Errno -3] " +
      "Temporary failure in name resolution> (caused by URLError(gaierror(-3, 'Temporary failure " +
      "in name resolution')))",
    code: "network",
    errorClass: DownloadNetworkError,
    base: NetworkError,
    retryable: true,
  },
  {
    name: "connection refused",
    stderr: "ERROR: [generic] None: Unable to download webpage: <urlopen error [Errno 111] " +
      "Connection refused> (caused by URLError(ConnectionRefusedError(111, 'Connection refused')))",
    code: "network",
    errorClass: DownloadNetworkError,
    base: NetworkError,
    retryable: true,
  },
  {
    name: "read timeout",
    stderr: "[download] Got error: The read operation timed out. Retrying (1/10)...\n" +
      "ERROR: The read operation timed out",
    code: "network",
    errorClass: DownloadNetworkError,
    base: NetworkError,
    retryable: true,
  },
  {
    name: "server error",
    stderr: "ERROR: unable to download video data: HTTP Error 503: Service Unavailable",
    code: "network",
    errorClass: DownloadNetworkError,
    base: NetworkError,
    retryable: true,
  },
  {
    name: "incomplete read",
    stderr: "ERROR: content too short (expected 3551734 bytes and served 1212416)\n" +
      "ERROR: IncompleteRead(1212416 bytes read, 2339318 more expected)",
    code: "network",
    errorClass: DownloadNetworkError,
    base: NetworkError,
    retryable: true,
  },
  {
    // yt-dlp 2023.03 when the server drops the connection mid-download (seen on loopback).
    name: "connection dropped mid-download",
    stderr: "[download]  10.0% of   97.66KiB at  188.19KiB/s ETA 00:00\n" +
      "ERROR: [download] Got error: Downloaded 10000 bytes, expected 100000 bytes. Giving up " +
      "after 10 retries",
    code: "network",
    errorClass: DownloadNetworkError,
    base: NetworkError,
    retryable: true,
  },
  {
    name: "connection broken",
    stderr: "ERROR: [download] Got error: ('Connection broken: IncompleteRead(0 bytes read)', " +
      "IncompleteRead(0 bytes read))",
    code: "network",
    errorClass: DownloadNetworkError,
    base: NetworkError,
    retryable: true,
  },
  {
    name: "unknown failure keeps the last line",
    stderr:
      "[info] abcdefghijk: Downloading 1 format(s): 251\nERROR: Something new and strange happened",
    code: "download_failed",
    errorClass: DownloadFailedError,
    base: TunedlError,
    retryable: false,
  },
];

for (const c of cases) {
  Deno.test(`yt-dlp failure: ${c.name} -> ${c.code}`, () => {
    const url = "https://www.youtube.com/watch?v=abcdefghijk";
    const error = downloadErrorFromStderr(url, c.stderr, 1);
    assert.ok(
      error instanceof c.errorClass,
      `${error.constructor.name} is not ${c.errorClass.name}`,
    );
    assert.ok(error instanceof c.base);
    assert.equal(error.code, c.code);
    assert.equal(error.retryable, c.retryable);
    assert.ok(error.message.includes(url), error.message);
    assert.ok(error.hint && error.hint.length > 10, "has advice");
    assert.equal(error.message.includes("\n"), false, "one line");
    assert.equal(classifyYtdlpStderr(c.stderr).code, c.code);
  });
}

Deno.test("unknown failures quote yt-dlp's last error line without boilerplate", () => {
  const error = downloadErrorFromStderr(
    "https://example.test/v",
    "ERROR: [youtube] x: Something new" + REPORT,
    1,
  );
  assert.equal(error.code, "download_failed");
  assert.ok(error.message.endsWith(": [youtube] x: Something new"), error.message);
  assert.deepEqual(error.detail, {
    url: "https://example.test/v",
    ytdlp: "[youtube] x: Something new",
  });
});

Deno.test("empty stderr still gives a download_failed error with the exit code", () => {
  const error = downloadErrorFromStderr("https://example.test/v", "", 2);
  assert.equal(error.code, "download_failed");
  assert.ok(error.message.includes("exit 2"));
});

Deno.test("cleanYtdlpLine strips prefixes and the report-this-issue tail", () => {
  assert.equal(
    cleanYtdlpLine("ERROR: [youtube] x: Failed to extract any player response" + REPORT),
    "[youtube] x: Failed to extract any player response",
  );
  assert.equal(cleanYtdlpLine("WARNING:  two  spaces"), "two spaces");
});
