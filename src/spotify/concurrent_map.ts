/** Bounded parallel map: the shape of "read these N things, a few at a time". */

/** Options of `mapWithConcurrency`. */
export interface ConcurrentMapOptions {
  /** Most calls of `work` running at once (at least 1). */
  limit: number;
}

/**
 * Maps `items` through `work` with at most `limit` calls running at once and
 * keeps the input order. On the first failure no new calls start; the error
 * is rethrown once the running ones have settled.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  options: ConcurrentMapOptions,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.limit), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure.error;
  return results;
}
