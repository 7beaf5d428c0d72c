import type { Clock, TimerHandle } from '../delivery/clock.js';
import { runSoon } from '../delivery/clock.js';
import type { AsyncStore, Store } from './store/store.js';
import { DAY_MS } from './store/time-grains.js';

/** Raw hits deleted per transaction: a few milliseconds of write lock, then ingestion has its turn. */
export const PRUNE_CHUNK_ROWS = 5000;
/** How often the collector prunes after the prune at start. */
export const DEFAULT_PRUNE_EVERY_MS = 3_600_000;

export interface RetentionOptions {
  readonly store: Store | AsyncStore;
  /** Raw hits older than this many days (by the clock) are pruned. */
  readonly retainDays: number;
  /** The collector's clock: "now" and the timer between prunes. */
  readonly clock: Clock;
  readonly pruneEveryMs?: number;
  readonly chunkRows?: number;
  /** A prune that failed (e.g. the file is locked by another writer for longer than busy_timeout); it is tried again next time. */
  readonly onError?: (error: unknown) => void;
}

/** What retention has done since the collector started. */
export interface RetentionStats {
  readonly retainDays: number;
  /** Raw hits deleted since start. */
  readonly prunedHits: number;
  /** When the last prune finished (clock ms), or null before the first. */
  readonly lastPruneMs: number | null;
}

export interface Retention {
  /** Prunes now (the same run the timer makes); resolves when no hit older than the cut is left. Joins a run already going. */
  pruneNow(): Promise<void>;
  stats(): RetentionStats;
  /** Cancels the timer and stops after the chunk in progress. Idempotent. */
  close(): Promise<void>;
}

/**
 * Retention in the background: a prune at start, then one every `pruneEveryMs` on the
 * collector's clock. A prune cuts at `now − retainDays` (floored to the hour by the store) and
 * deletes in chunks of `chunkRows`, yielding to the event loop between chunks (setImmediate,
 * after pending I/O), so requests that arrive meanwhile are stored between two chunks.
 */
export function startRetention(options: RetentionOptions): Retention {
  const { store, clock, retainDays } = options;
  const everyMs = options.pruneEveryMs ?? DEFAULT_PRUNE_EVERY_MS;
  const chunkRows = options.chunkRows ?? PRUNE_CHUNK_ROWS;
  let prunedHits = 0;
  let lastPruneMs: number | null = null;
  let running: Promise<void> | undefined;
  let timer: TimerHandle | undefined;
  let closed = false;

  const run = async (): Promise<void> => {
    const beforeMs = clock.now() - retainDays * DAY_MS;
    for (;;) {
      if (closed) return;
      const { deleted, done } = await store.pruneRawHits(beforeMs, chunkRows);
      prunedHits += deleted;
      if (done) break;
      await new Promise<void>((resolve) => runSoon(resolve));
    }
    lastPruneMs = clock.now();
  };
  const pruneNow = (): Promise<void> => {
    running ??= run()
      .catch((error: unknown) => {
        try {
          options.onError?.(error);
        } catch {
          // A broken error sink must not break retention.
        }
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const schedule = (): void => {
    if (closed) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      void pruneNow().then(schedule);
    }, everyMs);
  };
  void pruneNow().then(schedule);

  return {
    pruneNow,
    stats: () => ({ retainDays, prunedHits, lastPruneMs }),
    async close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
