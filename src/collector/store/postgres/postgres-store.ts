import type { Pool, PoolClient } from 'pg';
import { FootfallError, isFootfallError } from '../../../errors.js';
import { booleanOption, integerOption, optionKeys, refuseUnknownKeys } from '../../../option-checks.js';
import { compareRoutes } from '../../route-match.js';
import type { DeclaredRoute } from '../../types.js';
import { TIME_SPAN_SQL, recentHitsSql, toStoredHit } from '../stored-hit-row.js';
import { RAW_SINCE, pruneCut } from '../prune-raw-hits.js';
import type { AsyncStore, InsertResult, PruneResult } from '../store.js';
import { markAsync } from '../store.js';
import { storableHits } from '../storable-text.js';
import { connectError } from './connect-errors.js';
import { checkVersion, migrate } from './migrations.js';
import { createPgInsert, isHitConflict } from './pg-insert.js';
import { isFoldMarkMoved, mergePending } from './pg-fold.js';
import { pgCount, pgEndpoints, pgTimeseries, readRawSince, rows, type Queryable } from './pg-reads.js';
import { parsePostgresTarget } from './postgres-target.js';
import type { PostgresTarget } from './postgres-target.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/db` (the password is never shown in messages). */
  url: string;
  /** The PostgreSQL schema that holds the store's tables, created if missing. @default 'public' */
  schema?: string;
  /** How long opening a connection may take before the store reports the database unreachable. @default 10000 */
  connectTimeoutMs?: number;
  /** Connections in the pool. @default 10 */
  maxConnections?: number;
  /**
   * Read only (`footfall report`): nothing is created or migrated, the schema must already
   * hold a store at this version, and every transaction is read-only. @default false
   */
  readOnly?: boolean;
  /**
   * Rollup rows a write appends to the pending tables are moved into the rollups by a merge in
   * the background (pg-fold.ts, MERGE_PENDING) once this many have been appended since the last
   * merge, or once 5 s have passed with any appended; reports read the pending rows too, so this
   * changes no answer. 1 merges after every write. @default 20000
   */
  pendingRowsPerMerge?: number;
}

const KNOWN = optionKeys<PostgresStoreOptions>({ url: true, schema: true, connectTimeoutMs: true, maxConnections: true, readOnly: true, pendingRowsPerMerge: true });

/** With fewer rows appended than pendingRowsPerMerge, a merge still runs when the last one is this old. */
const MERGE_INTERVAL_MS = 5_000;

/** A write that lost a deadlock or a serialization race is tried again, whole, up to this many times. */
const WRITE_ATTEMPTS = 3;
const RETRYABLE = new Set(['40P01', '40001']);
/**
 * Inserts the collector keeps in flight at once (at most the pool's size): two lets one write's
 * statements overlap the other's commit. Paired runs of bench/pg-collector (one collector,
 * 100 000 hits, a loaded 2-core machine), when writes still upserted the rollups: 2 vs 1 in
 * flight 23 588 / 23 563, 27 063 / 24 453, 26 562 / 24 784 hits/s; 4 and 8 were no better. With
 * the rollups appended (pg-insert.ts), 2, 4 and 8 were within the noise (200 000 hits, loaded).
 */
const WRITES_IN_FLIGHT = 2;

/** work_mem of a read transaction (a report): see `read` in storeOn. */
const READ_WORK_MEM = '32MB';

/**
 * What a read transaction (a report) sets after BEGIN. No JIT: the report's queries cost more
 * than jit_above_cost (100 000) at a few million hits, and a backend's first JIT loads LLVM:
 * planning the client count on a new connection took 76-79 ms with JIT on and 11-12 with it off
 * (bench/pg-report's schema, 10 M hits), and each query JIT-compiled took 30-50 ms more before it
 * ran. Every `footfall report` is a new connection. set_config, not SET: PostgreSQL 10 has no jit.
 */
const READ_SETTINGS = `SET LOCAL work_mem = '${READ_WORK_MEM}'; SELECT set_config('jit', 'off', true) WHERE current_setting('jit', true) IS NOT NULL`;

/**
 * The collector's store on PostgreSQL (node-postgres, a Pool), for several collectors sharing
 * one database: the same tables as SQLite's store (raw hits, endpoint and client dictionaries,
 * hourly and daily rollups, plus day_clients), answers computed by the same planning and
 * grouping code, so they are equal to SQLite's for the same hits. Opening creates the schema and
 * applies migrations under an advisory lock; days are folded under another (pg-fold.ts). See
 * docs/collector-storage.md ("PostgreSQL store").
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<AsyncStore> {
  if (typeof options !== 'object' || options === null) throw new FootfallError('FOOTFALL_ERR_INVALID_DATABASE_URL', String(options));
  refuseUnknownKeys(options, KNOWN, 'createPostgresStore()');
  const target = parsePostgresTarget(options.url, options.schema);
  const connectTimeoutMs = integerOption('connectTimeoutMs', options.connectTimeoutMs, 10_000, 1, 'a whole number above 0');
  const maxConnections = integerOption('maxConnections', options.maxConnections, 10, 1, 'a whole number above 0');
  const readOnly = booleanOption('readOnly', options.readOnly, false);
  const pendingRowsPerMerge = integerOption('pendingRowsPerMerge', options.pendingRowsPerMerge, 20_000, 1, 'a whole number above 0');
  const Pool = await loadPool(target);
  const settings = `-c search_path=${target.schema}${readOnly ? ' -c default_transaction_read_only=on' : ''}`;
  const pool = new Pool({ connectionString: target.url, options: settings, connectionTimeoutMillis: connectTimeoutMs, max: maxConnections });
  // An idle connection that breaks is dropped by the pool; the next query reports the failure.
  pool.on('error', () => undefined);
  // A connection that breaks while checked out emits 'error' on its client too: with no listener
  // that would end the process; the query in progress rejects with it, which is what counts.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    const client = await pool.connect();
    try {
      await (readOnly ? checkVersion(client, target) : migrate(client, target));
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectError(error, target);
  }
  return storeOn(pool, target, Math.min(WRITES_IN_FLIGHT, maxConnections), pendingRowsPerMerge);
}

async function loadPool(target: PostgresTarget): Promise<typeof Pool> {
  try {
    const pg = (await import('pg')).default;
    return pg.Pool;
  } catch (error) {
    throw new FootfallError('FOOTFALL_ERR_STORE_UNAVAILABLE', target.label, `the pg package (8.x) could not be loaded, install it with \`npm i pg@8\` (${error instanceof Error ? error.message : String(error)})`);
  }
}

function storeOn(pool: Pool, target: PostgresTarget, writesInFlight: number, pendingRowsPerMerge: number): AsyncStore {
  const insertHits = createPgInsert();
  let closed: Promise<void> | undefined;
  let appended = 0;
  let lastMergeMs = Date.now();
  let merging: Promise<void> | undefined;
  // `begin` null: the work opens and commits the transaction itself (the insert, to save round
  // trips). Not undefined: a default parameter takes undefined for "not given", which made every
  // insert send BEGIN before its own and COMMIT after it (two round trips and two warnings more).
  const transaction = async <T>(begin: string | null, work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      if (begin !== null) await client.query(begin);
      const result = await work(client);
      if (begin !== null) await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      broken = isFootfallError(connectError(error, target));
      throw error;
    } finally {
      // A connection that failed is dropped, not handed to the next query.
      client.release(broken);
    }
  };
  // Reads that must agree with each other (rollups, raw edges, the retention mark) share one
  // snapshot. work_mem: the client count's aggregate holds every report key's client ids (two
  // bytes each), 3.5-3.9 MB at bench/pg-report's 10 M hits, just under the default 4 MB, past
  // which PostgreSQL spills to disk (as the earlier pair count did: 566-706 ms against 501-599
  // with 32 MB, alternated). At 10 M hits 4 MB and 32 MB ran alike (3 alternated pairs).
  const read = <T>(work: (client: PoolClient) => Promise<T>) => transaction(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${READ_SETTINGS}`, work);
  const write = async <T>(work: (client: PoolClient) => Promise<T>, begin: string | null = 'BEGIN'): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(begin, work);
      } catch (error) {
        if (attempt >= WRITE_ATTEMPTS || !RETRYABLE.has(String((error as { code?: unknown }).code))) throw error;
      }
    }
  };
  // One merge at a time, in the background: a request never waits for one. A merge that fails
  // moves nothing (reports still read the pending rows); the next write tries again (not at
  // once: with the database away that would be a loop of failing merges).
  const maybeMerge = (rows: number): void => {
    appended += rows;
    if (merging !== undefined || closed !== undefined || appended === 0) return;
    if (appended < pendingRowsPerMerge && Date.now() - lastMergeMs < MERGE_INTERVAL_MS) return;
    const moving = appended;
    appended = 0;
    lastMergeMs = Date.now();
    merging = transaction(null, mergePending).then(
      async (merged) => {
        await vacuumPending(merged);
        return true;
      },
      () => {
        appended += moving;
        return false;
      },
    ).then((succeeded) => {
      merging = undefined;
      // Rows appended while this merge ran: the next merge starts now if they are enough.
      if (succeeded) maybeMerge(0);
    });
  };
  // A merge deletes every pending row it moves: without a VACUUM the tables keep the dead rows
  // (autovacuum comes a minute later at best, or never) and every report scans them through the
  // *_all views: 1.9 M dead rows in pending_clients made the 30-day report 50 % slower in
  // bench/pg-report. VACUUM frees their pages for the next appends; it cannot run in a transaction.
  // A VACUUM that fails (the database away) is left to the next one, or to autovacuum.
  const vacuum = (tables: string): Promise<void> => pool.query(`VACUUM ${tables}`).then(() => undefined, () => undefined);
  const vacuumPending = async (merged: boolean): Promise<void> => {
    if (merged) await vacuum('pending_groups, pending_hourly, pending_durations, pending_clients');
  };
  // So for the two tables a fold rewrites and every report scans whole: it deletes the folded
  // days' rows from day_clients (which holds only the days not folded) and ORs their bits into
  // client_days, a new version of most of the current block's rows. Unvacuumed, bench/pg-report's
  // 10 M hits (27 folds) left day_clients 3.2 M dead rows beside 228 000 live ones (144 MB), and
  // client_days at 65 MB for 19 MB of rows. Once a day, by the collector that folded.
  let vacuumingDays: Promise<void> | undefined;
  const vacuumFolded = (): void => {
    vacuumingDays ??= vacuum('day_clients, client_days').finally(() => {
      vacuumingDays = undefined;
    });
  };
  const routesIn = async (client: Queryable): Promise<DeclaredRoute[]> =>
    (await rows(client, 'SELECT method, route FROM routes', [])).map(([method, route]) => ({ method: String(method), route: String(route) })).sort(compareRoutes);
  return markAsync(mapErrors({
    insert: async (hits, receivedMs): Promise<InsertResult> => {
      const storable = storableHits(hits);
      // Unchecked first (pg-insert.ts); a batch with a hit stored already is written again,
      // checked; one whose assumed fold mark had moved, again with the mark read (pg-fold.ts).
      const attempt = (checked: boolean) => write((client) => insertHits(client, storable, receivedMs, checked), null);
      const written = await attempt(false).catch((error: unknown) => {
        if (isFoldMarkMoved(error)) return attempt(false);
        throw error;
      }).catch((error: unknown) => {
        if (isHitConflict(error)) return attempt(true);
        throw error;
      });
      written.committed();
      if (written.droppedDayClients > 0 && closed === undefined) vacuumFolded();
      maybeMerge(written.pendingRows);
      return written.result;
    },
    setRoutes: (declared) => write(async (client) => {
      await client.query('DELETE FROM routes');
      if (declared.length === 0) return;
      await client.query('INSERT INTO routes (method, route) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
        [declared.map((route) => route.method.toUpperCase()), declared.map((route) => route.route)]);
    }),
    routes: () => routesIn(pool),
    endpoints: (range, declared) => read(async (client) => pgEndpoints(client, range, declared ?? await routesIn(client))),
    timeseries: (query, declared) => read(async (client) => pgTimeseries(client, query, declared ?? await routesIn(client))),
    recentHits: async (limit, order) => {
      const by = order?.byTime === true ? 'h.time_ms DESC, h.id DESC' : 'h.id DESC';
      const { rows: found } = await pool.query<unknown[]>({
        text: recentHitsSql(by, '$1'),
        values: [limit],
        rowMode: 'array',
      });
      return found.map(toStoredHit);
    },
    timeSpan: async () => {
      const { rows: [row] } = await pool.query<unknown[]>({
        text: TIME_SPAN_SQL,
        rowMode: 'array',
      });
      const [first, last] = row ?? [];
      return first === null || first === undefined ? undefined : { firstMs: Number(first), lastMs: Number(last) };
    },
    count: () => read(pgCount),
    pruneRawHits: async (beforeMs, maxRows): Promise<PruneResult> => {
      const before = pruneCut(beforeMs, maxRows);
      return write(async (client) => {
        // Oldest first through the time index; rows another collector is pruning right now are skipped.
        const { rowCount } = await client.query('DELETE FROM hits WHERE id IN (SELECT id FROM hits WHERE time_ms < $1 ORDER BY time_ms, id LIMIT $2 FOR UPDATE SKIP LOCKED)', [before, maxRows]);
        const deleted = rowCount ?? 0;
        if (deleted > 0) {
          await client.query('INSERT INTO store_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = greatest(store_state.value, excluded.value)', [RAW_SINCE, before]);
        }
        return { deleted, done: deleted < maxRows };
      });
    },
    rawSinceMs: () => readRawSince(pool),
    close: () => (closed ??= (async () => {
      // A merge in flight finishes (no new one starts once closing); what it leaves pending is read as pending. So does a VACUUM after a fold.
      await merging;
      await vacuumingDays;
      await pool.end();
    })()),
  }, target), { writesInFlight, kind: 'postgresql' });
}

/** The store's methods with a lost or refused connection reported as Footfall's error (URL without password), others as they were. */
function mapErrors(store: AsyncStore, target: PostgresTarget): AsyncStore {
  const mapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    mapped[name] = (...args: unknown[]) => method(...args).catch((error: unknown) => {
      throw connectError(error, target);
    });
  }
  return mapped as unknown as AsyncStore;
}
