import type { Clock } from './clock.js';

/**
 * When the background work runs. The tracker never decides that itself: production runs a
 * slice soon after the current I/O (setImmediate) and the flush interval on the injected
 * clock; footfall/testing runs both at once, inside `track()`, through the same code.
 */
export interface Scheduler {
  /** Runs `fn` soon, after pending I/O. */
  soon(fn: () => void): void;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export function createEventLoopScheduler(clock: Clock): Scheduler {
  return {
    soon: (fn) => void setImmediate(fn),
    after(ms, fn) {
      const handle = clock.setTimeout(fn, ms);
      return () => clock.clearTimeout(handle);
    },
  };
}
