import { runSoon, type Clock } from './clock.js';

/**
 * When the background work runs. The tracker never decides that itself: both come from the
 * injected clock — a slice soon after the current I/O (`clock.soon`, Node's own setImmediate by
 * default) and the flush interval (`clock.setTimeout`); footfall/testing runs both at once, inside `track()`, through the same code.
 */
export interface Scheduler {
  /** Runs `fn` soon, after pending I/O. */
  soon(fn: () => void): void;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export function createEventLoopScheduler(clock: Clock): Scheduler {
  return {
    soon: clock.soon === undefined ? runSoon : (fn) => clock.soon?.(fn),
    after(ms, fn) {
      const handle = clock.setTimeout(fn, ms);
      return () => clock.clearTimeout(handle);
    },
  };
}
