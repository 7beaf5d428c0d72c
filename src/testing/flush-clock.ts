import type { Clock, TimerHandle } from '../delivery/clock.js';

/**
 * The flush interval the test tracker gives its tracker. No other timer of the tracker is
 * ever armed for this long (retry waits, breaker cool-downs and close deadlines are far
 * shorter), so a timer of exactly this length is the flush timer.
 */
export const FLUSH_TIMER_MS = 2_147_483_647;

export interface FlushClock extends Clock {
  /** Runs the tracker's flush timer now, synchronously, if one is armed. */
  runFlush(): void;
}

/**
 * The test tracker's clock: time and every timer come from `base`, except the tracker's flush
 * timer, which is kept here and run by `runFlush()` right after each `track()`. That makes
 * the tracker build, encode and hand each hit to its transport before `track()` returns,
 * through the same code path as production (where the timer fires after `flushIntervalMs`).
 */
export function createFlushClock(base: Clock): FlushClock {
  let flush: { handle: TimerHandle; fn: () => void } | undefined;
  return {
    now: () => base.now(),
    setTimeout(fn, ms) {
      if (ms !== FLUSH_TIMER_MS) return base.setTimeout(fn, ms);
      const handle: TimerHandle = { id: Symbol('footfall.testFlush') };
      flush = { handle, fn };
      return handle;
    },
    clearTimeout(handle) {
      if (flush !== undefined && flush.handle === handle) flush = undefined;
      else base.clearTimeout(handle);
    },
    runFlush() {
      const armed = flush;
      flush = undefined;
      armed?.fn();
    },
  };
}
