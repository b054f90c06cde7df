/**
 * Typed download failures and the classifier that reads yt-dlp's stderr. The
 * codes are stable, so the plan executor can decide per code: try the next
 * search candidate, retry later, or stop and tell the user to fix a tool.
 */
import {
  DependencyError,
  NetworkError,
  NotFoundError,
  TunedlError,
  type TunedlErrorOptions,
} from "../errors/mod.ts";

/** Why a download failed; also the error's `code`. */
export type DownloadFailureCode =
  | "unavailable"
  | "private"
  | "age_restricted"
  | "region_blocked"
  | "sign_in_required"
  | "js_runtime_missing"
  | "ytdlp_outdated"
  | "ffmpeg_missing"
  | "rate_limited"
  | "network"
  | "killed"
  | "download_failed";

/** The video cannot be had from this source (removed, private, blocked here); another match may work. */
export class SourceUnavailableError extends NotFoundError {
  override code: DownloadFailureCode;
  constructor(
    code: "unavailable" | "private" | "region_blocked",
    message: string,
    options: TunedlErrorOptions = {},
  ) {
    super(message, options);
    this.code = code;
  }
}

/** YouTube wants a signed-in session (age gate, bot check): a cookies file helps. */
export class SignInRequiredError extends TunedlError {
  override code: DownloadFailureCode;
  constructor(
    code: "age_restricted" | "sign_in_required",
    message: string,
    options: TunedlErrorOptions = {},
  ) {
    super(message, options);
    this.code = code;
  }
}

/** yt-dlp is too old, lacks a JavaScript runtime, or cannot find ffmpeg. */
export class DownloaderSetupError extends DependencyError {
  override code: DownloadFailureCode;
  constructor(
    code: "js_runtime_missing" | "ytdlp_outdated" | "ffmpeg_missing",
    message: string,
    options: TunedlErrorOptions = {},
  ) {
    super(message, options);
    this.code = code;
  }
}

/** Network trouble or throttling while downloading; worth retrying later. */
export class DownloadNetworkError extends NetworkError {
  override code: DownloadFailureCode;
  constructor(code: "network" | "rate_limited", message: string, options: TunedlErrorOptions = {}) {
    super(message, options);
    this.code = code;
  }
}

/** yt-dlp failed for a reason tunedl does not recognise; the message carries its last line. */
export class DownloadFailedError extends TunedlError {
  override code: DownloadFailureCode = "download_failed";
  constructor(message: string, options: TunedlErrorOptions = {}) {
    super(message, options);
  }
}

/** yt-dlp was ended by a signal tunedl did not send (a user's kill, the OOM killer); worth a retry. */
export class DownloadKilledError extends TunedlError {
  override code: DownloadFailureCode = "killed";
  constructor(message: string, options: TunedlErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** The error for a yt-dlp run that a signal from outside tunedl ended (pure). */
export function killedDownloadError(url: string, signal: string): DownloadKilledError {
  return new DownloadKilledError(
    `yt-dlp was stopped by ${signal} from outside tunedl while downloading ${url}`,
    {
      detail: { url, signal },
      hint: "tunedl retries the track; if this repeats, see what ends it (memory limits, a " +
        "process watchdog).",
    },
  );
}

/** Any of the typed download failures. */
export type DownloadError =
  | SourceUnavailableError
  | SignInRequiredError
  | DownloaderSetupError
  | DownloadNetworkError
  | DownloadKilledError
  | DownloadFailedError;

interface Rule {
  code: DownloadFailureCode;
  /** Matched against each stderr line, lower-cased. */
  patterns: RegExp[];
  /** Rules that look at warnings too (JS runtime); others only at ERROR lines. */
  anyLine?: boolean;
  /** Only applies when an ERROR line matches one of these as well. */
  whenError?: RegExp[];
}

// Order matters: the specific YouTube refusals come before the generic signs of an old yt-dlp.
const RULES: Rule[] = [
  {
    code: "ytdlp_outdated",
    patterns: [/yt-dlp: error: no such option/, /error: no such option:/],
    anyLine: true,
  },
  {
    code: "ffmpeg_missing",
    patterns: [/ffmpeg not found/, /ffprobe and ffmpeg not found/, /ffmpeg is not installed/],
  },
  {
    code: "sign_in_required",
    patterns: [/confirm you[’'`]?re not a bot/, /confirm that you[’'`]?re not a bot/],
  },
  {
    code: "age_restricted",
    patterns: [
      /sign in to confirm your age/,
      /age[- ]restricted/,
      /inappropriate for some users/,
    ],
  },
  {
    code: "private",
    patterns: [/private video/, /members[- ]only/, /join this channel to get access/],
  },
  {
    code: "region_blocked",
    patterns: [
      /not available in your country/,
      /available in your country/,
      /blocked it in your country/,
      /not available from your location/,
      /geo[- ]?restrict/,
      /in your country on copyright grounds/,
    ],
  },
  {
    code: "unavailable",
    patterns: [
      /video unavailable/,
      /this video is (no longer )?(un)?available/,
      /this video has been removed/,
      /has been terminated/,
      /this live event will begin/,
      /premieres in/,
      /http error 404/,
      /\b404: not found/,
      /does not exist/,
      /video is not available/,
    ],
  },
  {
    code: "js_runtime_missing",
    patterns: [
      /no supported javascript runtime/,
      /javascript runtime/,
      /\bjs runtime/,
      /js challenge/,
      /challenge solv/,
      /--js-runtimes/,
      /remote components? challenge/,
    ],
    anyLine: true,
    whenError: [
      /requested format is not available/,
      /only images are available/,
      /no video formats found/,
      /http error 403/,
      /challenge/,
      /javascript/,
      /signature/,
      /n[ -]?sig/,
    ],
  },
  {
    code: "rate_limited",
    patterns: [/http error 429/, /too many requests/, /rate[- ]limit/],
  },
  {
    code: "ytdlp_outdated",
    patterns: [
      /http error 403/,
      /unsupported url/,
      /please update/,
      /update yt-dlp/,
      /yt-dlp is (too )?old/,
      /outdated/,
      /unable to extract/,
      /failed to extract any player response/,
      /signature extraction failed/,
      /nsig extraction failed/,
      /requested format is not available/,
      /no video formats found/,
    ],
  },
  {
    code: "network",
    patterns: [
      /urlopen error/,
      /connection refused/,
      /connection reset/,
      /connection aborted/,
      /timed out/,
      /temporary failure in name resolution/,
      /name or service not known/,
      /nodename nor servname/,
      /getaddrinfo failed/,
      /network is unreachable/,
      /no route to host/,
      /http error 5\d\d/,
      /incompleteread/,
      /incomplete read/,
      /got server http error/,
      /giving up after \d+ retries/,
      /did not get any data blocks/,
      /remote end closed connection/,
      /content too short/,
      /downloaded \d+ bytes, expected \d+ bytes/,
      /connection broken/,
      /unexpected eof/,
      /eof occurred in violation of protocol/,
      /the read operation timed out/,
      /ssl: /,
      /\bssl\b.*error/,
      /unable to download (webpage|video data|api page)/,
      /transporterror/,
    ],
  },
];

/** The result of reading yt-dlp's stderr: a code and the line that decided it. */
export interface FailureClassification {
  code: DownloadFailureCode;
  line: string;
}

function isErrorLine(line: string): boolean {
  return /^\s*error:/i.test(line);
}

/** Picks the failure code for a failed yt-dlp run from its stderr (pure). */
export function classifyYtdlpStderr(stderr: string): FailureClassification {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  const errorLines = lines.filter(isErrorLine);
  // yt-dlp's own usage errors ("yt-dlp: error: ...") are not "ERROR:" lines.
  const decisive = errorLines.length > 0 ? errorLines : lines;
  const lower = (line: string) => line.toLowerCase();
  for (const rule of RULES) {
    const pool = rule.anyLine ? lines : decisive;
    const hit = pool.find((line) => rule.patterns.some((re) => re.test(lower(line))));
    if (hit === undefined) continue;
    if (rule.whenError) {
      const confirming = decisive.find((line) =>
        rule.whenError!.some((re) => re.test(lower(line)))
      );
      if (confirming === undefined) continue;
      return { code: rule.code, line: hit };
    }
    return { code: rule.code, line: hit };
  }
  const last = errorLines[errorLines.length - 1] ?? lines[lines.length - 1] ?? "";
  return { code: "download_failed", line: last };
}

/** Strips yt-dlp's boilerplate ("ERROR: ", the "please report this issue" tail). */
export function cleanYtdlpLine(line: string): string {
  return line
    .replace(/^\s*(ERROR|WARNING):\s*/i, "")
    .replace(/;?\s*please report this issue on\s.*$/i, "")
    .replace(/\s+/g, " ")
    .trim();
}

const UPDATE_HINT =
  "Update yt-dlp: `yt-dlp -U` (standalone binary), `python3 -m pip install -U 'yt-dlp[default]'` " +
  "(pip), or your distribution's newer package; distro packages are often too old for YouTube.";

/** Turns a failed yt-dlp run into the matching typed error with advice. */
export function downloadErrorFromStderr(
  url: string,
  stderr: string,
  exitCode?: number,
): DownloadError {
  const { code, line } = classifyYtdlpStderr(stderr);
  const said = cleanYtdlpLine(line);
  // The deciding yt-dlp line, for summaries and `--json` output.
  const detail = { url, ytdlp: said };
  const because = said ? `: ${said}` : "";
  switch (code) {
    case "unavailable":
      return new SourceUnavailableError(code, `video unavailable at ${url}${because}`, {
        detail,
        hint: "The video was removed or never existed; tunedl can try another match.",
      });
    case "private":
      return new SourceUnavailableError(code, `video is private or members-only at ${url}`, {
        detail,
        hint: "Only its owner's audience can play it; tunedl can try another match.",
      });
    case "region_blocked":
      return new SourceUnavailableError(code, `video is blocked in your country at ${url}`, {
        detail,
        hint: "Try another match, or download through a network in another region " +
          "(yt-dlp --proxy via download.ytdlp_args).",
      });
    case "age_restricted":
      return new SignInRequiredError(code, `video is age-restricted at ${url}`, {
        detail,
        hint: "Export cookies of a signed-in YouTube account (Netscape cookies.txt) and set " +
          "download.cookies_file.",
      });
    case "sign_in_required":
      return new SignInRequiredError(code, `YouTube asked to sign in (bot check) for ${url}`, {
        detail,
        hint: "Set download.cookies_file to cookies exported from a signed-in browser session, " +
          "slow down (fewer parallel downloads), and update yt-dlp.",
      });
    case "js_runtime_missing":
      return new DownloaderSetupError(code, `yt-dlp needs a JavaScript runtime for ${url}`, {
        detail,
        hint: "Install Deno (https://deno.com; yt-dlp uses it by default) and the yt-dlp-ejs " +
          "scripts (`python3 -m pip install -U 'yt-dlp[default]'`), then run `tunedl doctor`.",
      });
    case "ytdlp_outdated":
      return new DownloaderSetupError(code, `yt-dlp could not handle ${url}${because}`, {
        detail,
        hint: `yt-dlp is probably too old. ${UPDATE_HINT}`,
      });
    case "ffmpeg_missing":
      return new DownloaderSetupError(code, `yt-dlp could not find ffmpeg for ${url}`, {
        detail,
        hint: "Install ffmpeg or set download.ffmpeg_path.",
      });
    case "rate_limited":
      return new DownloadNetworkError(code, `YouTube is rate-limiting downloads (${url})`, {
        detail,
        hint: "Wait a while, lower the number of parallel downloads, or set download.cookies_file.",
      });
    case "network":
      return new DownloadNetworkError(code, `network error while downloading ${url}${because}`, {
        detail,
        hint: "Check the connection; tunedl retries network errors.",
      });
    case "killed":
      return killedDownloadError(url, "a signal");
    case "download_failed":
      return new DownloadFailedError(
        `yt-dlp failed for ${url}${
          because || (exitCode !== undefined ? ` (exit ${exitCode})` : "")
        }`,
        { detail, hint: `Run yt-dlp on the URL by hand to see more. ${UPDATE_HINT}` },
      );
  }
}
