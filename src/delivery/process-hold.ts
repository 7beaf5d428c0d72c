import type { Clock } from './clock.js';

/** Longer than any hold: the interval below never fires, it only keeps the event loop alive. */
const NEVER_MS = 2 ** 31 - 1;

/**
 * Keeps the process alive while `work` is pending: a ref'd timer, held only while someone
 * awaits close() or flush(), so a script ending in `await tracker.close()` gets its answer
 * instead of exiting with code 13 ("unsettled top-level await"). Every other timer and
 * socket of the tracker stays unref'd. `capMs` (on the injected clock) bounds the hold, so
 * analytics can never keep a process alive for ever; undefined holds until `work` settles.
 */
export function holdProcessWhile<T>(work: Promise<T>, clock: Clock, capMs?: number): Promise<T> {
  const keepAlive = setInterval(() => undefined, NEVER_MS);
  const cap = capMs === undefined ? undefined : clock.setTimeout(() => clearInterval(keepAlive), capMs);
  const release = () => {
    clearInterval(keepAlive);
    if (cap !== undefined) clock.clearTimeout(cap);
  };
  work.then(release, release);
  return work;
}
