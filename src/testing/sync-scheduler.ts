import type { Scheduler } from '../delivery/scheduler.js';

/**
 * The test tracker's scheduler: background work runs at once, inside the call that asked for
 * it (`track()`), through the production drain. Work asked for while work runs is queued and
 * run right after, so it never recurses.
 */
export function createSyncScheduler(): Scheduler {
  const queue: (() => void)[] = [];
  let running = false;
  const run = (fn: () => void) => {
    queue.push(fn);
    if (running) return;
    running = true;
    try {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) next();
    } finally {
      running = false;
    }
  };
  return {
    soon: run,
    after(_ms, fn) {
      let cancelled = false;
      run(() => {
        if (!cancelled) fn();
      });
      return () => {
        cancelled = true;
      };
    },
  };
}
