/**
 * Time, injected: the tracker never calls Date.now or setTimeout itself, so tests drive it
 * with a manual clock instead of sleeping. The system clock's timers are unref'd: analytics
 * never keeps a process alive.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Runs `fn` soon, after pending I/O: when the tracker builds and sends a full batch. Optional
   * in a clock of your own; without it, the `setImmediate` Node had when Footfall was loaded.
   */
  soon?(fn: () => void): void;
}

/**
 * Node's own setImmediate, kept when this module loads: fake timers installed later (Jest's,
 * sinon's) replace the global, and would otherwise hold every batch until the test advanced
 * them — the tracker's time comes from its clock, never from whatever the global is now.
 */
const nodeSetImmediate = setImmediate;
export const runSoon = (fn: () => void): void => void nodeSetImmediate(fn);

export type TimerHandle = { readonly id: unknown };

export const systemClock: Clock = {
  now: () => Date.now(),
  soon: runSoon,
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return { id: timer };
  },
  clearTimeout(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};

/** A clock that moves only when told to: `advance(ms)` runs the timers that come due, in order. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  /** Timers not yet run. */
  readonly pending: number;
}

export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let now = startMs;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const earliestDue = (limit: number): number | undefined => {
    let found: number | undefined;
    let foundAt = Infinity;
    for (const [id, timer] of timers) {
      if (timer.at <= limit && timer.at < foundAt) {
        found = id;
        foundAt = timer.at;
      }
    }
    return found;
  };
  return {
    now: () => now,
    // Real I/O goes on while the test holds time still: a full batch is sent at once.
    soon: runSoon,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return { id };
    },
    clearTimeout(handle) {
      timers.delete(handle.id as number);
    },
    advance(ms) {
      const target = now + ms;
      for (let id = earliestDue(target); id !== undefined; id = earliestDue(target)) {
        const timer = timers.get(id);
        timers.delete(id);
        if (timer === undefined) continue;
        now = Math.max(now, timer.at);
        timer.fn();
      }
      now = target;
    },
    get pending() {
      return timers.size;
    },
  };
}
