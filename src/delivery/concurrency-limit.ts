/**
 * How many attempts may be in flight, adapted as TCP adapts its window (AIMD, the shape of
 * Netflix's concurrency-limits `AIMDLimit`): each healthy answer while the limit is in use
 * adds one, up to `max`; each sign of overload (a timeout, 429, 503) takes 10 % off, down to
 * one. Pure: the caller reports what each attempt met.
 */
export interface ConcurrencyLimit {
  /** Attempts allowed in flight now. */
  readonly limit: number;
  readonly inFlight: number;
  /** Takes a slot when one is free. */
  tryAcquire(): boolean;
  /** Gives a slot back with what its attempt said about the destination's load. */
  release(sample: LoadSample): void;
}

export type LoadSample = 'healthy' | 'overloaded' | 'neutral';

const BACKOFF_RATIO = 0.9;

export function createConcurrencyLimit({ initial, max }: { initial: number; max: number }): ConcurrencyLimit {
  let limit = Math.max(1, Math.min(initial, max));
  let inFlight = 0;
  return {
    get limit() {
      return Math.floor(limit);
    },
    get inFlight() {
      return inFlight;
    },
    tryAcquire() {
      if (inFlight >= Math.floor(limit)) return false;
      inFlight++;
      return true;
    },
    release(sample) {
      // Grow only while the limit is what holds us back: half of it or more in use.
      if (sample === 'healthy' && inFlight * 2 >= limit) limit = Math.min(max, limit + 1);
      else if (sample === 'overloaded') limit = Math.max(1, limit * BACKOFF_RATIO);
      inFlight--;
    },
  };
}
