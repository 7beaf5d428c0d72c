import type { Batcher } from './batcher.js';
import type { Books } from './books.js';
import type { Scheduler } from './scheduler.js';
import type { Job, Sender } from './sender.js';

/**
 * The loop that moves hits from the batcher to the sender, one slice per turn of the event
 * loop: a slice when a batch's worth is queued, everything when the flush interval comes or a
 * flush asks, and no new slice while `maxJobs` jobs are busy (during an outage the hits
 * wait unbuilt, cheap, in the ring). A job waiting out its backoff after a failed attempt is
 * not busy (`backingOff`): under flakiness most unsettled jobs do, for 0.25–2 s, and counting
 * them left the wire idle while hits piled up to `queue_full`. The queue's bounds (hits and
 * bytes, which count those jobs) still bound what is held. Each job's outcome goes to the books.
 */
export interface Drain {
  /** A hit was queued. */
  queued(): void;
  /** Sends everything, partial batches too, until the returned function is called. */
  sendAll(): () => void;
  /** Resolves when no job is unsettled. */
  idle(): Promise<void>;
  /** A job began waiting out a backoff: it no longer holds a place among the busy ones. */
  freed(): void;
  /** Stops the interval (at close). */
  stop(): void;
}

export function createDrain({ batcher, sender, books, scheduler, flushIntervalMs, maxJobs, batchSize, backingOff = () => 0 }: {
  batcher: Batcher;
  sender: Sender;
  books: Books;
  scheduler: Scheduler;
  /** Undefined: no interval; partial batches wait for a flush. */
  flushIntervalMs: number | undefined;
  maxJobs: number;
  batchSize: number;
  /** Unsettled jobs waiting out a backoff, which `maxJobs` does not count. */
  backingOff?: () => number;
}): Drain {
  let scheduled = false;
  let intervalArmed = false;
  let cancelInterval: (() => void) | undefined;
  let intervalDue = false;
  let sendingAll = 0;
  let unsettled = 0;
  let idleWaiters: (() => void)[] = [];

  const soon = () => {
    if (scheduled) return;
    scheduled = true;
    scheduler.soon(run);
  };
  const armInterval = () => {
    if (intervalArmed || intervalDue || batcher.queued === 0 || flushIntervalMs === undefined) return;
    intervalArmed = true;
    const cancel = scheduler.after(flushIntervalMs, () => {
      intervalArmed = false;
      cancelInterval = undefined;
      intervalDue = true;
      soon();
    });
    if (intervalArmed) cancelInterval = cancel;
  };
  const mode = () => (sendingAll > 0 || intervalDue ? 'all' : 'full');
  const run = () => {
    scheduled = false;
    const busy = sender.jobs - backingOff();
    if (busy >= maxJobs) return; // a settling or backing-off job calls us again
    const current = mode();
    if (batcher.hasWork(current)) {
      const slice = batcher.take(current, maxJobs - busy);
      if (slice.invalid > 0) books.drop('invalid', [], [], slice.invalid);
      if (slice.stale.length > 0) books.drop('stale', slice.stale, []);
      for (const job of slice.jobs) start(job);
    }
    if (batcher.hasWork(current)) return soon();
    // Only a drain that sent everything ends the interval's turn: hits held for company
    // never wait longer than flushIntervalMs.
    if (current === 'all') intervalDue = false;
    armInterval();
  };
  const start = (job: Job) => {
    unsettled++;
    void sender.send(job).then((outcome) => {
      books.settle(job, outcome);
      if (--unsettled === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
      if (batcher.hasWork(mode())) soon();
    });
  };

  return {
    queued() {
      if (batcher.unbuilt >= batchSize) soon();
      else armInterval();
    },
    sendAll() {
      sendingAll++;
      soon();
      let released = false;
      return () => {
        if (!released) sendingAll--;
        released = true;
      };
    },
    freed() {
      if (!scheduled && batcher.hasWork(mode())) soon();
    },
    idle: () => (unsettled === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    stop() {
      cancelInterval?.();
      cancelInterval = undefined;
      intervalArmed = false;
    },
  };
}
