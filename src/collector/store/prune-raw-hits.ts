import type BetterSqlite3 from 'better-sqlite3';
import type { PruneResult } from './store.js';
import { HOUR_MS } from './time-grains.js';

/** The store_state key of the time raw hits are complete from (epoch ms, a whole hour). */
export const RAW_SINCE = 'raw_since_ms';

export type PruneRawHits = (beforeMs: number, maxRows: number) => PruneResult;

/**
 * Retention: deletes up to `maxRows` raw hits that happened before `beforeMs` (floored to a
 * whole hour, so every hour is either whole in the raw hits or read from the rollups only),
 * oldest first through the time index, in one IMMEDIATE transaction that also moves
 * `store_state.raw_since_ms` forward when it deleted any: from then on, raw detail before that
 * mark is incomplete (a prune that found nothing to delete leaves the mark as it was). Only raw rows go: the hourly and daily rollups (hits, statuses, first and
 * last seen, duration histograms, clients per hour and per day) are never touched, so every
 * answer made of whole hours stays the same. The caller repeats until `done`, yielding
 * between calls, so a large delete never holds the write lock for long.
 */
export function createPruneRawHits(db: BetterSqlite3.Database): PruneRawHits {
  const q = {
    read: db.prepare('SELECT value FROM store_state WHERE key = ?').pluck(),
    write: db.prepare('INSERT INTO store_state (key, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = max(value, excluded.value)'),
    // Bounded by the time index: the oldest rows first, at most @limit of them.
    prune: db.prepare('DELETE FROM hits WHERE id IN (SELECT id FROM hits WHERE time_ms < @before ORDER BY time_ms LIMIT @limit)'),
  };
  const prune = db.transaction((beforeMs: number, maxRows: number): PruneResult => {
    const { changes } = q.prune.run({ before: beforeMs, limit: maxRows });
    // Only a delete makes raw detail incomplete: a prune that found nothing leaves the mark where it was.
    if (changes > 0) q.write.run(RAW_SINCE, beforeMs);
    return { deleted: changes, done: changes < maxRows };
  });
  return (beforeMs, maxRows) => prune.immediate(pruneCut(beforeMs, maxRows), maxRows);
}

/** `pruneRawHits`'s arguments checked, for both stores, and its cut: `beforeMs` floored to a whole hour. */
export function pruneCut(beforeMs: number, maxRows: number): number {
  if (!Number.isFinite(beforeMs)) throw new RangeError(`pruneRawHits: beforeMs must be a finite epoch ms, got ${beforeMs}`);
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError(`pruneRawHits: maxRows must be a whole number of at least 1, got ${maxRows}`);
  return Math.floor(beforeMs / HOUR_MS) * HOUR_MS;
}

/** When raw hits are complete from (epoch ms), or undefined when none were ever pruned. */
export function readRawSince(db: BetterSqlite3.Database): () => number | undefined {
  const read = db.prepare('SELECT value FROM store_state WHERE key = ?').pluck();
  return () => {
    const value = read.get(RAW_SINCE) as number | undefined;
    return value === undefined ? undefined : Number(value);
  };
}
