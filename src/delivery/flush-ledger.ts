/**
 * What `flush()` waits for. Every hit is counted under the epoch it was tracked in (a new
 * epoch starts at each flush); a job counts under the epoch of its oldest hit. `flush()` cuts
 * the current epoch and waits until nothing of it or before is pending: exactly the work that
 * existed when it was called, whatever came later.
 */
export interface FlushLedger {
  /** The epoch new hits belong to. */
  readonly epoch: number;
  add(epoch: number, count: number): void;
  remove(epoch: number, count: number): void;
  /** True when something of the current epoch is pending (a flush made now would wait for more than the last one). */
  readonly currentBusy: boolean;
  /** Ends the current epoch; returns it. */
  cut(): number;
  /** Resolves once no count of `epoch` or before is left. */
  settled(epoch: number): Promise<void>;
}

export function createFlushLedger(): FlushLedger {
  let epoch = 0;
  // The current epoch's count is a plain number: track() adds to it on every hit.
  let current = 0;
  const older = new Map<number, number>();
  let waiters: { epoch: number; resolve: () => void }[] = [];
  const busyThrough = (target: number) => {
    if (target >= epoch && current > 0) return true;
    for (const key of older.keys()) if (key <= target) return true;
    return false;
  };
  const release = () => {
    if (waiters.length === 0) return;
    const ready = waiters.filter((waiter) => !busyThrough(waiter.epoch));
    if (ready.length === 0) return;
    waiters = waiters.filter((waiter) => busyThrough(waiter.epoch));
    for (const waiter of ready) waiter.resolve();
  };
  return {
    get epoch() {
      return epoch;
    },
    add(at, count) {
      if (count <= 0) return;
      if (at === epoch) current += count;
      else older.set(at, (older.get(at) ?? 0) + count);
    },
    remove(at, count) {
      if (count <= 0) return;
      if (at === epoch) {
        current -= count;
        if (current <= 0) {
          current = 0;
          release();
        }
        return;
      }
      const left = (older.get(at) ?? 0) - count;
      if (left > 0) return void older.set(at, left);
      older.delete(at);
      release();
    },
    get currentBusy() {
      return current > 0;
    },
    cut() {
      if (current > 0) older.set(epoch, current);
      current = 0;
      return epoch++;
    },
    settled(target) {
      if (!busyThrough(target)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ epoch: target, resolve }));
    },
  };
}
