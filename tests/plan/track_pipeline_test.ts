import assert from "node:assert/strict";
import {
  CancelledError,
  NetworkError,
  ServiceUnreachableError,
  type TunedlError,
} from "../../src/errors/mod.ts";
import { headStartTrackDetails, type TrackDetailsReader } from "../../src/plan/mod.ts";

/** A catalog whose batch read fails with `failure` (or succeeds without one). */
function catalogFailingWith(failure: unknown): TrackDetailsReader {
  return {
    fullTrack: () => Promise.reject(new Error("not used")),
    artistGenres: () => Promise.reject(new Error("not used")),
    prefetch: () => failure === undefined ? Promise.resolve() : Promise.reject(failure),
  };
}

const CASES: {
  label: string;
  failure?: unknown;
  aborted?: boolean;
  /** The error the head start ends with, or undefined when the run goes on. */
  rejects?: (error: unknown) => boolean;
  warnings: number;
}[] = [
  { label: "the batch read works", warnings: 0 },
  {
    label: "a network failure: a warning, each track reads its own",
    failure: new NetworkError("timed out"),
    warnings: 1,
  },
  {
    label: "a failure every track would meet stops the run",
    failure: new ServiceUnreachableError("Spotify is not answering"),
    rejects: (error) => error instanceof ServiceUnreachableError,
    warnings: 0,
  },
  {
    label: "no expected failure (a bug) is not swallowed",
    failure: new TypeError("x is undefined"),
    rejects: (error) => error instanceof TypeError,
    warnings: 0,
  },
  {
    label: "after Ctrl-C the cancellation goes on up",
    failure: new CancelledError("cancelled"),
    aborted: true,
    rejects: (error) => error instanceof CancelledError,
    warnings: 0,
  },
];

for (const row of CASES) {
  Deno.test(`headStartTrackDetails: ${row.label}`, async () => {
    const warnings: string[] = [];
    const controller = new AbortController();
    if (row.aborted) controller.abort();
    const run = headStartTrackDetails([], {
      settings: {} as never,
      catalog: catalogFailingWith(row.failure),
      caches: {} as never,
    }, { signal: controller.signal, warn: (message) => warnings.push(message) });
    if (row.rejects) await assert.rejects(run, row.rejects);
    else await run;
    assert.equal(warnings.length, row.warnings, warnings.join("\n"));
    if (row.warnings > 0) {
      assert.equal(
        warnings[0],
        `could not read track details ahead (${(row.failure as TunedlError).message}); ` +
          "reading them track by track",
      );
    }
  });
}
