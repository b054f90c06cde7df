/**
 * Dead videos heal: when the chosen video turns out to be unavailable (removed, private,
 * blocked here), the track is produced from the next candidate above the threshold in the same
 * run, and the stored match is dropped so the next run does not pick the dead one again. The
 * steps are given as functions, so this holds only the decisions.
 */
import type { ResolvedSource } from "./execution_events.ts";

/** What {@link produceWithFallback} needs from the pipeline. */
export interface FallbackSteps<T> {
  /** Downloads, converts and places the track from one source. */
  produce(source: ResolvedSource): Promise<T>;
  /** The best source above the threshold that is none of `dead` (URLs), or undefined. */
  nextSource(dead: ReadonlySet<string>): Promise<ResolvedSource | undefined>;
  /** Whether a failure means the source can never work (the video is gone or blocked). */
  isDead(error: unknown): boolean;
  /** Whether a failure should make the next run search again instead of reusing the match. */
  dropsMatch(error: unknown): boolean;
  /** Forgets the stored match of the track. */
  forgetMatch(): Promise<void>;
  /** Stores a source that worked as the track's match. */
  rememberMatch(source: ResolvedSource): Promise<void>;
  /** Told before the next candidate is tried. */
  onFallback?(dead: ResolvedSource, next: ResolvedSource, error: unknown): void;
  /** The error thrown when no candidate is left; default the last failure. */
  exhausted?(error: unknown, dead: readonly string[]): unknown;
  /** Candidates tried after the first at most; default 3. */
  maxFallbacks?: number;
}

/** Produces a track from source, falling back to the runner-up candidates while videos are dead. */
export async function produceWithFallback<T>(
  source: ResolvedSource,
  steps: FallbackSteps<T>,
): Promise<T> {
  const dead = new Set<string>();
  const maxFallbacks = steps.maxFallbacks ?? 3;
  let current = source;
  while (true) {
    try {
      const produced = await steps.produce(current);
      if (current !== source) await steps.rememberMatch(current);
      return produced;
    } catch (error) {
      // The user chose an override: never swap it for a search result.
      if (current.provider === "override") throw error;
      if (!steps.isDead(error)) {
        if (steps.dropsMatch(error)) await steps.forgetMatch();
        throw error;
      }
      dead.add(current.url);
      await steps.forgetMatch();
      const next = dead.size > maxFallbacks ? undefined : await steps.nextSource(dead);
      if (next === undefined) throw steps.exhausted?.(error, [...dead]) ?? error;
      steps.onFallback?.(current, next, error);
      current = next;
    }
  }
}
