/**
 * Output to a pipe or file in batches. A download with --log-format json writes about eleven
 * lines per track; one write each cost about 1 ms of the main thread per track on a loaded
 * 2-core machine (each write wakes the reader), time every download slot waits behind.
 */

/** Writes text in batches: at `maxChars`, `flushMs` after the first pending text, or on flush. */
export interface BatchedWriter {
  write(text: string): void;
  /** Writes whatever is pending now. */
  flush(): void;
}

/** Options of {@link batchedWriter}; the defaults are the real timers. */
export interface BatchedWriterOptions {
  /** Pending text that is written at once; default 64 KiB. */
  maxChars?: number;
  /** Longest a line waits; default 50 ms. */
  flushMs?: number;
  /** Schedules the timed flush; default setTimeout, unref'd so it never keeps tunedl alive. */
  schedule?: (run: () => void, ms: number) => void;
}

/** Batches the writes of `write` (see the module comment). */
export function batchedWriter(
  write: (text: string) => void,
  options: BatchedWriterOptions = {},
): BatchedWriter {
  const maxChars = options.maxChars ?? 65536;
  const flushMs = options.flushMs ?? 50;
  const schedule = options.schedule ?? ((run: () => void, ms: number) => {
    Deno.unrefTimer(setTimeout(run, ms));
  });
  let pending: string[] = [];
  let chars = 0;
  let scheduled = false;
  const flush = () => {
    if (chars === 0) return;
    const text = pending.length === 1 ? pending[0] : pending.join("");
    pending = [];
    chars = 0;
    write(text);
  };
  return {
    write(text: string) {
      if (text.length === 0) return;
      pending.push(text);
      chars += text.length;
      if (chars >= maxChars) {
        flush();
        return;
      }
      if (!scheduled) {
        scheduled = true;
        schedule(() => {
          scheduled = false;
          flush();
        }, flushMs);
      }
    },
    flush,
  };
}
