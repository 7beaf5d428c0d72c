import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { FootfallError, isFootfallError } from '../../errors.js';
import type { DeclaredRoute } from '../types.js';
import { TIME_SPAN_SQL, recentHitsSql, toStoredHit } from './stored-hit-row.js';
import { compareRoutes } from '../route-match.js';
import { createEndpointsQuery } from './endpoints-query.js';
import { createInsertHits } from './insert-hits.js';
import { storableHits } from './storable-text.js';
import { foreignTables, notAStore, sniffFile } from './identify-file.js';
import { createPruneRawHits, readRawSince } from './prune-raw-hits.js';
import { migrate, userVersion } from './schema.js';
import type { Store, StoreOptions } from './store.js';
import { createTimeseriesQuery } from './timeseries-query.js';

/** How long a write waits for another connection's lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The collector's store on SQLite (better-sqlite3 12, loaded only when a store is opened, so
 * the rest of Footfall works without the native module). A file is opened in WAL mode with
 * synchronous=NORMAL: a commit survives a crash of the process; a power loss may lose the
 * last commits, never corrupt the file. See docs/collector-storage.md for the schema.
 */
export function createSqliteStore(options: StoreOptions = {}, load: LoadModule = defaultLoad): Store {
  return createStoreOn(open(options.file ?? './footfall.db', load));
}

/** The Store on a database already open and migrated (read-only ones too: see open-for-reading.ts). */
export function createStoreOn(db: BetterSqlite3.Database): Store {
  const insert = createInsertHits(db);
  const endpoints = createEndpointsQuery(db);
  const timeseries = createTimeseriesQuery(db);
  const pruneRawHits = createPruneRawHits(db);
  const rawSinceMs = readRawSince(db);
  const recent = (order: string) => db.prepare(recentHitsSql(order, '?')).raw();
  const q = {
    routes: db.prepare('SELECT method, route FROM routes').raw(),
    clearRoutes: db.prepare('DELETE FROM routes'),
    addRoute: db.prepare('INSERT OR IGNORE INTO routes (method, route) VALUES (?, ?)'),
    recent: recent('h.id DESC'),
    recentByTime: recent('h.time_ms DESC, h.id DESC'),
    span: db.prepare(TIME_SPAN_SQL).raw(),
    count: db.prepare('SELECT count(*) FROM hits').pluck(),
  };
  const routes = (): DeclaredRoute[] => (q.routes.all() as unknown[][]).map(([method, route]) => ({ method: String(method), route: String(route) })).sort(compareRoutes);
  const setRoutes = db.transaction((declared: readonly DeclaredRoute[]) => {
    q.clearRoutes.run();
    for (const route of declared) q.addRoute.run(route.method.toUpperCase(), route.route);
  });
  return {
    insert: (hits, receivedMs) => insert(storableHits(hits), receivedMs),
    setRoutes: (declared) => void setRoutes(declared),
    routes,
    endpoints: (range, declared) => endpoints(range, declared ?? routes()),
    recentHits: (limit, order) => ((order?.byTime === true ? q.recentByTime : q.recent).all(limit) as unknown[][]).map(toStoredHit),
    timeSpan: () => {
      const [first, last] = (q.span.get() as unknown[] | undefined) ?? [];
      return first === null || first === undefined ? undefined : { firstMs: Number(first), lastMs: Number(last) };
    },
    timeseries: (query, declared) => timeseries(query, declared ?? routes()),
    count: () => Number(q.count.get()),
    pruneRawHits,
    rawSinceMs,
    close: () => {
      if (db.open) db.close();
    },
  };
}

/** How better-sqlite3 is loaded: `require` from this file; tests give another copy of the package. */
export type LoadModule = (id: 'better-sqlite3') => unknown;

const defaultLoad: LoadModule = (id) => createRequire(import.meta.url)(id);

/**
 * Opens a better-sqlite3 database made by `make`, turning the driver's own failures into
 * Footfall's errors: not installed (an optional peer), installed but never built, or the file
 * cannot be opened. Both the collector's store and the read-only one open through here.
 */
export function openWithDriver(file: string, make: (Database: typeof BetterSqlite3) => BetterSqlite3.Database, load: LoadModule = defaultLoad): BetterSqlite3.Database {
  try {
    return make(load('better-sqlite3') as typeof BetterSqlite3);
  } catch (error) {
    throw storeError(file, error);
  }
}

function open(file: string, load: LoadModule): BetterSqlite3.Database {
  const onDisk = file !== ':memory:' && file !== '';
  const found = onDisk && existsSync(file) ? sniffFile(file) : undefined;
  if (found !== undefined && found !== 'empty') throw notAStore(file, found);
  let db: BetterSqlite3.Database | undefined;
  try {
    db = openWithDriver(file, (Database) => new Database(file, { timeout: BUSY_TIMEOUT_MS }), load);
    // Judged before anything is written (WAL mode, migrations): another app's file stays as it was.
    const { foreign } = foreignTables(db, userVersion(db));
    if (foreign !== undefined) throw notAStore(file, foreign);
    if (file !== ':memory:' && file !== '') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrate(db, file);
    return db;
  } catch (error) {
    if (db?.open === true) db.close();
    if (isFootfallError(error)) throw error;
    throw storeError(file, error);
  }
}

/** The addon's own failures: never built (`ignore-scripts`), or built for another Node. */
const UNBUILT = /Could not locate the bindings file|better_sqlite3\.node|NODE_MODULE_VERSION|was compiled against a different Node\.js version/;

function storeError(file: string, error: unknown): FootfallError {
  const message = error instanceof Error ? error.message : String(error);
  if (isMissing(error)) return new FootfallError('FOOTFALL_ERR_SQLITE_MISSING', 'the better-sqlite3 package (12.x)', JSON.stringify(firstLine(message)));
  if (UNBUILT.test(message)) {
    const expected = `build/Release/better_sqlite3.node built for Node ${process.versions.node} (NODE_MODULE_VERSION ${process.versions.modules})`;
    return new FootfallError('FOOTFALL_ERR_SQLITE_NOT_BUILT', expected, JSON.stringify(firstLine(message)));
  }
  return new FootfallError('FOOTFALL_ERR_STORE_UNAVAILABLE', JSON.stringify(file), message);
}

/** better-sqlite3 itself is not installed (not one of its own dependencies missing). */
function isMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes("'better-sqlite3'");
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
