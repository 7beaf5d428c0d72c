import type { PoolClient, QueryResult } from 'pg';
import { FOLDED_BEFORE, RECENT_DAYS } from '../fold-days.js';
import type { KeyedRow } from '../rollup-rows.js';
import { DAYS_PER_BLOCK, DAY_MS, HOURS_PER_DAY, sqlFloorDiv } from '../time-grains.js';

/** The first key of the writes' transaction-level advisory lock (the second is hashtext(schema)): "ff" "fl" in ASCII. */
export const FOLD_LOCK_KEY = 0x6666_666c;
/** The first key of the lock a write takes, without waiting, before it waits to fold: "ff" "fo". */
export const FOLDER_KEY = 0x6666_666f;

/** What a write transaction holds of the fold: the mark it read under the lock, and whether it may fold. */
export interface FoldTicket {
  /** The first day not folded (-Infinity when none was); it cannot move before the transaction ends. */
  readonly foldedBeforeDay: number;
  /** Holds the lock exclusively: no other write runs until this transaction ends. */
  readonly exclusive: boolean;
}

/** What a fold did: the mark after it, and the rows of the folded days deleted from day_clients. */
export interface Fold {
  readonly foldedBeforeDay: number;
  readonly droppedDayClients: number;
}

/** The day-grain upserts of a write (its late rows), as statement texts. */
export interface DayStatements {
  readonly statements: readonly string[];
}

/**
 * Folding the hourly rollups into the daily ones on PostgreSQL, with fold-days.ts's meaning
 * (days before the day of `receivedMs` minus RECENT_DAYS; a late hit for a folded day is added
 * to both), safe with several collectors writing one schema at once. Every write transaction
 * first takes a transaction-level advisory lock keyed by the schema: shared when it only writes
 * hits, exclusive when it may fold. So a fold waits until every write in flight has committed
 * (its hourly rows are then visible to the fold's READ COMMITTED statements, and none is written
 * meanwhile), the mark a writer reads cannot move before it commits (its late rows go to the daily
 * rollups exactly when the day is folded), and two folds never run at once. The lock is the
 * first thing a transaction takes, so a writer waiting for it holds no row lock another waits for.
 * Only one write at a time waits to fold: it first takes a second lock without waiting, and a
 * write that does not get it writes shared and leaves the fold to that one or to a later write
 * (so when a day turns, the writes of every collector do not line up one by one behind it).
 */
export interface PgFolder {
  /** Opens the transaction (BEGIN, sent with the first lock statement) and takes the lock (exclusive when `receivedMs` would fold a day not known to be folded) and reads the mark. */
  lock(client: PoolClient, receivedMs: number): Promise<FoldTicket>;
  /**
   * Adds a batch's late rows (days already folded) to the daily rollups. The clients of the other
   * days reach `day_clients` through the pending rollups (see MERGE_PENDING). Returns the
   * statements to run (SQL text, see intArray).
   */
  addDays(durations: Iterable<KeyedRow>, clients: Iterable<KeyedRow>, ticket: FoldTicket): DayStatements;
  /**
   * Folds every day before the day of `receivedMs` minus RECENT_DAYS, if not done yet (merging
   * the pending rollups first: the fold reads the hourly ones); returns the mark after it and how
   * many rows of the folded days it deleted from `day_clients` (dead rows for a VACUUM).
   */
  foldUpTo(client: PoolClient, receivedMs: number, ticket: FoldTicket): Promise<Fold>;
  /** Whether `foldUpTo` would fold anything for this ticket (else it returns the ticket's mark). */
  folds(receivedMs: number, ticket: FoldTicket): boolean;
  /** After commit: the mark this collector knows (only ever a committed value, so never ahead of the stored one). */
  remember(foldedBeforeDay: number): void;
  /**
   * For a write that would not fold (its day is folded up to already, as far as this collector
   * knows): a ticket on the mark it knows, without a round trip. The write's transaction must
   * begin with `assumedLockSql` (the shared lock, and the check that the mark it assumed still
   * holds for its hits); the check fails it with FOLD_MARK_MOVED otherwise.
   */
  assume(receivedMs: number): FoldTicket | undefined;
  /** A write on an assumed mark met FOLD_MARK_MOVED: the next ones take the lock and read the mark. */
  forget(): void;
}

/**
 * The SQLSTATE a write on an assumed mark fails with when another collector folded past it (the
 * write would have put a folded day's rows in the pending rollups only); the write is then tried
 * again with the mark read under the lock. Class FF: Footfall's own (migration 5).
 */
export const FOLD_MARK_MOVED = 'FF001';

/** Whether a write failed because the fold mark it assumed moved (see FOLD_MARK_MOVED). */
export function isFoldMarkMoved(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === FOLD_MARK_MOVED;
}

/**
 * The start of a write's transaction on an assumed ticket: BEGIN, the shared fold lock, and the
 * check that the stored mark is at most the day the ticket's rows were sorted by (the greater of
 * the mark assumed and the batch's first day: a mark past that would make some of its rows late).
 */
export function assumedLockSql(ticket: FoldTicket, firstDay: number): string {
  const bound = Math.max(ticket.foldedBeforeDay, firstDay);
  const known = Number.isFinite(bound) ? bound : NO_MARK;
  if (!Number.isSafeInteger(known)) throw new TypeError(`a fold mark must be a whole number, got ${String(known)}`);
  return `BEGIN; ${lockStatement('shared')}; SELECT footfall_fold_mark_at_most(${known})`;
}

/** The mark of a store that never folded, as SQL compares it (MERGE_PENDING's coalesce too). */
export const NO_MARK = -2147483648;

const BLOCK = (day: string) => sqlFloorDiv(day, DAYS_PER_BLOCK);
const DAY_OF_HOUR = sqlFloorDiv('hour', HOURS_PER_DAY);

/** The fold lock of a write transaction (the first thing it takes), shared or exclusive. */
function lockStatement(mode: 'shared' | 'exclusive'): string {
  return `SELECT pg_advisory_xact_lock${mode === 'shared' ? '_shared' : ''}(${FOLD_LOCK_KEY}, hashtext(current_schema()))`;
}

// The lock, then the mark: two statements in one simple query, the second with its own snapshot, taken once the lock is held.
const lockSql = (mode: 'shared' | 'exclusive') => `${lockStatement(mode)};
   SELECT value FROM store_state WHERE key = '${FOLDED_BEFORE}'`;

const FOLD_DURATIONS = `INSERT INTO daily_durations (day, endpoint_id, bucket, count)
  SELECT ${DAY_OF_HOUR}, endpoint_id, bucket, sum(count) FROM hourly_durations WHERE hour >= $1::bigint AND hour < $2::bigint GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (day, endpoint_id, bucket) DO UPDATE SET count = daily_durations.count + excluded.count`;

// One row per day of an (endpoint, client) in a block (day_clients holds each once): their bits OR-ed.
// The folded days' rows then leave day_clients, which only ever holds the days not folded.
const FOLD_CLIENTS = `INSERT INTO client_days (block, endpoint_id, client_id, days)
  SELECT ${BLOCK('day')}, endpoint_id, client_id, bit_or(1::bigint << (day - ${DAYS_PER_BLOCK} * ${BLOCK('day')}))
  FROM day_clients WHERE day < $1::bigint
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (block, endpoint_id, client_id) DO UPDATE SET days = client_days.days | excluded.days`;
const DROP_FOLDED = 'DELETE FROM day_clients WHERE day < $1::bigint';

/** The first key of the lock one merge of the pending rollups holds (the second is hashtext(schema)): "ff" "mg". */
export const MERGE_KEY = 0x6666_6d67;

// The merge's statements, over `moved` (the pending rows a merge deleted) or the rows given.
const UPSERT_HOURLY = `INSERT INTO hourly (hour, endpoint_id, hits, server_errors, client_errors, known_status, first_ms, last_ms)
    SELECT hour, endpoint_id, sum(hits), sum(server_errors), sum(client_errors), sum(known_status), min(first_ms), max(last_ms) FROM moved GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (hour, endpoint_id) DO UPDATE SET hits = hourly.hits + excluded.hits, server_errors = hourly.server_errors + excluded.server_errors,
      client_errors = hourly.client_errors + excluded.client_errors, known_status = hourly.known_status + excluded.known_status,
      first_ms = least(hourly.first_ms, excluded.first_ms), last_ms = greatest(hourly.last_ms, excluded.last_ms)`;
const UPSERT_DURATIONS = (rows: string) => `INSERT INTO hourly_durations (hour, endpoint_id, bucket, count) SELECT hour, endpoint_id, bucket, sum(count) FROM ${rows} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (hour, endpoint_id, bucket) DO UPDATE SET count = hourly_durations.count + excluded.count`;
// The client rows (`rows`: hour, endpoint_id, client_id) into hourly_clients, and those of the days not folded into day_clients (see MERGE_PENDING).
const INSERT_CLIENTS = (rows: string) => `hourly_rows AS (INSERT INTO hourly_clients (hour, endpoint_id, client_id) SELECT DISTINCT hour, endpoint_id, client_id FROM ${rows} ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING)
    INSERT INTO day_clients (day, endpoint_id, client_id)
    SELECT DISTINCT ${DAY_OF_HOUR}, endpoint_id, client_id FROM ${rows}
    WHERE ${DAY_OF_HOUR} >= coalesce((SELECT value FROM store_state WHERE key = '${FOLDED_BEFORE}'), ${NO_MARK})
    ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING`;

/**
 * Moves the pending rollups (rows appended by writes, see pg-insert.ts) into the hourly ones and
 * `day_clients`, summed per key, in one transaction: each pending row is deleted and added once
 * (DELETE ... RETURNING locks it; a concurrent merge skips it), readers see it in the pending
 * tables before the commit and in the rollups after (the `*_all` views read both). `day_clients`
 * takes the rows of days from the fold mark on (it holds only the days not folded; the late rows
 * of folded days went to the daily rollups when written). Sorted by key, so that two merges, or a
 * merge and a fold, lock rows in one order. Run under the fold lock, shared (a merge) or
 * exclusive (a fold merges first).
 */
export const MERGE_PENDING = [
  // The rows of this version's writes: one per (hour, endpoint) of a write, buckets and clients in arrays (migration 6).
  `WITH moved AS (DELETE FROM pending_groups RETURNING *),
    sums AS (${UPSERT_HOURLY}),
    durations AS (${UPSERT_DURATIONS('moved CROSS JOIN LATERAL unnest(moved.buckets, moved.bucket_counts) AS d (bucket, count)')}),
    clients AS (SELECT moved.hour, moved.endpoint_id, c.client_id FROM moved CROSS JOIN LATERAL unnest(moved.client_ids) AS c (client_id)),
    ${INSERT_CLIENTS('clients')}`,
  // The rows of collectors of an earlier version (migration 4's tables), still running during an upgrade.
  `WITH moved AS (DELETE FROM pending_hourly RETURNING *) ${UPSERT_HOURLY}`,
  `WITH moved AS (DELETE FROM pending_durations RETURNING *) ${UPSERT_DURATIONS('moved')}`,
  `WITH moved AS (DELETE FROM pending_clients RETURNING *), ${INSERT_CLIENTS('moved')}`,
].join(';\n');

/**
 * One merge in a transaction of its own, unless another collector's merge is running (then
 * nothing: that one moves the rows, or the next). BEGIN goes with the fold lock (shared, taken
 * first, as by every write) and the merge lock, tried without waiting.
 */
export async function mergePending(client: PoolClient): Promise<boolean> {
  const results = (await client.query(`BEGIN; ${lockStatement('shared')}; SELECT pg_try_advisory_xact_lock(${MERGE_KEY}, hashtext(current_schema())) AS merging`)) as unknown as QueryResult<{ merging: boolean }>[];
  const merging = results[results.length - 1]?.rows[0]?.merging === true;
  await client.query(merging ? `${MERGE_PENDING};\nCOMMIT` : 'COMMIT');
  return merging;
}

export function createPgFolder(): PgFolder {
  let knownMark = -Infinity;
  // Set by a write whose assumed mark had moved: the next write reads the mark under the lock.
  let stale = false;
  return {
    async lock(client, receivedMs) {
      // BEGIN goes in the same round trip as the first lock statement.
      let exclusive = targetDay(receivedMs) > knownMark;
      let begin = 'BEGIN;';
      if (exclusive) {
        const tried = (await client.query(`${begin} SELECT pg_try_advisory_xact_lock(${FOLDER_KEY}, hashtext(current_schema())) AS folder`)) as unknown as QueryResult<{ folder: boolean }>[];
        exclusive = tried[1]?.rows[0]?.folder === true;
        begin = '';
      }
      const results = (await client.query(`${begin}${lockSql(exclusive ? 'exclusive' : 'shared')}`)) as unknown as QueryResult<{ value: string }>[];
      const value = results[results.length - 1]?.rows[0]?.value;
      const foldedBeforeDay = value === undefined ? -Infinity : Number(value);
      knownMark = Math.max(knownMark, foldedBeforeDay);
      stale = false;
      return { foldedBeforeDay, exclusive };
    },
    addDays(durations, clients, ticket) {
      const mark = ticket.foldedBeforeDay;
      const daily = new Map<string, [day: number, endpointId: number, bucket: number, count: number]>();
      for (const row of durations) {
        const day = Math.floor(row.hour / HOURS_PER_DAY);
        if (day >= mark) continue;
        const key = `${day}:${row.endpointId}:${row.item}`;
        const found = daily.get(key);
        if (found === undefined) daily.set(key, [day, row.endpointId, row.item, row.count]);
        else found[3] += row.count;
      }
      const masks = new Map<string, [block: number, endpointId: number, clientId: number, days: Set<number>]>();
      for (const row of clients) {
        const day = Math.floor(row.hour / HOURS_PER_DAY);
        if (day >= mark) continue;
        const block = Math.floor(day / DAYS_PER_BLOCK);
        const key = `${block}:${row.endpointId}:${row.item}`;
        const found = masks.get(key) ?? [block, row.endpointId, row.item, new Set<number>()];
        found[3].add(day - block * DAYS_PER_BLOCK);
        masks.set(key, found);
      }
      // Sorted by key, as the merges upsert theirs, so concurrent writers lock rows in one order.
      const byKey = (a: readonly number[], b: readonly number[]) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number);
      const dailyRows = [...daily.values()].sort(byKey);
      const statements: string[] = [];
      if (dailyRows.length > 0) {
        statements.push(`INSERT INTO daily_durations (day, endpoint_id, bucket, count) SELECT * FROM unnest(${intArrays(dailyRows, ['int', 'int', 'int', 'bigint'])})
            ON CONFLICT (day, endpoint_id, bucket) DO UPDATE SET count = daily_durations.count + excluded.count`);
      }
      const maskRows = [...masks.values()].map(([block, endpointId, clientId, days]) => [block, endpointId, clientId, [...days].reduce((sum, bit) => sum + 2 ** bit, 0)]).sort(byKey);
      if (maskRows.length > 0) {
        statements.push(`INSERT INTO client_days (block, endpoint_id, client_id, days) SELECT * FROM unnest(${intArrays(maskRows, ['int', 'int', 'int', 'bigint'])})
            ON CONFLICT (block, endpoint_id, client_id) DO UPDATE SET days = client_days.days | excluded.days`);
      }
      return { statements };
    },
    folds,
    async foldUpTo(client, receivedMs, ticket) {
      if (!folds(receivedMs, ticket)) return { foldedBeforeDay: ticket.foldedBeforeDay, droppedDayClients: 0 };
      const target = targetDay(receivedMs);
      const fromHour = Number.isFinite(ticket.foldedBeforeDay) ? ticket.foldedBeforeDay * HOURS_PER_DAY : Number.MIN_SAFE_INTEGER;
      // Exclusive: every write in flight has committed, so every pending row is visible here.
      await client.query(MERGE_PENDING);
      await client.query(FOLD_DURATIONS, [fromHour, target * HOURS_PER_DAY]);
      await client.query(FOLD_CLIENTS, [target]);
      const { rowCount } = await client.query(DROP_FOLDED, [target]);
      await client.query('INSERT INTO store_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [FOLDED_BEFORE, target]);
      return { foldedBeforeDay: target, droppedDayClients: rowCount ?? 0 };
    },
    remember(foldedBeforeDay) {
      knownMark = Math.max(knownMark, foldedBeforeDay);
    },
    assume(receivedMs) {
      if (stale || targetDay(receivedMs) > knownMark) return undefined;
      return { foldedBeforeDay: knownMark, exclusive: false };
    },
    forget() {
      stale = true;
    },
  };
}

/** A write that is not exclusive leaves the fold to the one that is, or to a later write. */
function folds(receivedMs: number, ticket: FoldTicket): boolean {
  return ticket.exclusive && targetDay(receivedMs) > ticket.foldedBeforeDay;
}

/** The first day a write at `receivedMs` leaves unfolded. */
function targetDay(receivedMs: number): number {
  return Math.floor(receivedMs / DAY_MS) - RECENT_DAYS;
}

/** Row tuples as `unnest`'s column arrays, written as SQL array literals (see intArray). */
function intArrays(rows: readonly (readonly number[])[], types: readonly ('int' | 'bigint')[]): string {
  return types.map((type, i) => intArray(rows.map((row) => row[i] as number), type)).join(', ');
}

/**
 * Whole numbers as an SQL array literal ('{1,2,3}'::int[]). The rollup statements are sent as
 * text, with no parameters, so that several of them and COMMIT go in one round trip (the simple
 * query protocol takes several statements, but no parameters). Only safe integers are written:
 * anything else throws, so no text of any other kind can reach the statement.
 */
export function intArray(values: readonly number[], type: 'int' | 'bigint'): string {
  return `'{${wholeNumbers(values, ',')}}'::${type}[]`;
}

/**
 * Rollup values joined by `separator`, for SQL text (intArray) or COPY's text format
 * (pg-insert.ts): only safe integers are written, anything else throws.
 */
export function wholeNumbers(values: readonly number[], separator: string): string {
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new TypeError(`a rollup value must be a whole number, got ${String(value)}`);
  }
  return values.join(separator);
}
