import type BetterSqlite3 from 'better-sqlite3';
import type { KeyedRow } from './rollup-rows.js';
import { DAYS_PER_BLOCK, DAY_MS, HOURS_PER_DAY, sqlFloorDiv } from './time-grains.js';

/**
 * Days of the hourly rollups kept as they are before they are folded into the daily ones:
 * the collector's today and the two days before (GA4 accepts events up to 72 hours old).
 */
export const RECENT_DAYS = 2;

/** The store_state key of the fold mark (both stores). */
export const FOLDED_BEFORE = 'folded_before_day';

/**
 * Durations and client presence are written hourly only (keys that start with the hour, so a
 * commit dirties a few pages at the end of each table). Once a day is RECENT_DAYS old by the
 * collector's clock it is folded, in one statement each, into `daily_durations` and the
 * `client_days` masks, and `store_state.folded_before_day` moves past it. The invariant a
 * reader relies on: days before that mark are complete in the daily rollups, and days from it
 * on are read from the hourly ones. A late hit for a folded day is added to both.
 */
export interface DayFolder {
  /** The first day not yet folded (-Infinity when nothing was). Read it in the same transaction as the rollups. */
  foldedBeforeDay(): number;
  /** Adds the late rows (days already folded) of a batch to the daily rollups. */
  addLate(durations: Iterable<KeyedRow>, clients: Iterable<KeyedRow>, foldedBeforeDay: number): void;
  /** Folds every day before the day of `receivedMs` minus RECENT_DAYS, if not done yet. */
  foldUpTo(receivedMs: number, foldedBeforeDay: number): void;
}

export function createDayFolder(db: BetterSqlite3.Database): DayFolder {
  const block = (day: string) => sqlFloorDiv(day, DAYS_PER_BLOCK);
  const bit = (day: string) => `(1 << (${day} - ${DAYS_PER_BLOCK} * ${block(day)}))`;
  const q = {
    read: db.prepare('SELECT value FROM store_state WHERE key = ?').pluck(),
    write: db.prepare('INSERT INTO store_state (key, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value'),
    addDuration: db.prepare('INSERT INTO daily_durations (day, endpoint_id, bucket, count) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count'),
    addClientDay: db.prepare(`INSERT INTO client_days (block, endpoint_id, client_id, days) VALUES (${block('@day')}, @endpointId, @clientId, ${bit('@day')})
      ON CONFLICT DO UPDATE SET days = days | excluded.days`),
    foldDurations: db.prepare(`INSERT INTO daily_durations (day, endpoint_id, bucket, count)
      SELECT ${sqlFloorDiv('hour', HOURS_PER_DAY)}, endpoint_id, bucket, sum(count) FROM hourly_durations WHERE hour >= ? AND hour < ? GROUP BY 1, 2, 3
      ON CONFLICT DO UPDATE SET count = count + excluded.count`),
    // One row per distinct day of an (endpoint, client) in a block: the sum of their bits is their OR.
    foldClients: db.prepare(`INSERT INTO client_days (block, endpoint_id, client_id, days)
      SELECT ${block('day')}, endpoint_id, client_id, sum(${bit('day')})
      FROM (SELECT DISTINCT ${sqlFloorDiv('hour', HOURS_PER_DAY)} AS day, endpoint_id, client_id FROM hourly_clients WHERE hour >= ? AND hour < ?)
      WHERE true GROUP BY 1, 2, 3
      ON CONFLICT DO UPDATE SET days = days | excluded.days`),
  };
  return {
    foldedBeforeDay: () => {
      const value = q.read.get(FOLDED_BEFORE) as number | undefined;
      return value === undefined ? -Infinity : Number(value);
    },
    addLate(durations, clients, foldedBeforeDay) {
      for (const row of durations) {
        const day = Math.floor(row.hour / HOURS_PER_DAY);
        if (day < foldedBeforeDay) q.addDuration.run(day, row.endpointId, row.item, row.count);
      }
      for (const row of clients) {
        const day = Math.floor(row.hour / HOURS_PER_DAY);
        if (day < foldedBeforeDay) q.addClientDay.run({ day, endpointId: row.endpointId, clientId: row.item });
      }
    },
    foldUpTo(receivedMs, foldedBeforeDay) {
      const target = Math.floor(receivedMs / DAY_MS) - RECENT_DAYS;
      if (!(target > foldedBeforeDay)) return;
      const fromHour = Number.isFinite(foldedBeforeDay) ? foldedBeforeDay * HOURS_PER_DAY : Number.MIN_SAFE_INTEGER;
      q.foldDurations.run(fromHour, target * HOURS_PER_DAY);
      q.foldClients.run(fromHour, target * HOURS_PER_DAY);
      q.write.run(FOLDED_BEFORE, target);
    },
  };
}
