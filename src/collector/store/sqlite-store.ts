import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { FootfallError, isFootfallError } from '../../errors.js';
import type { DeclaredRoute, StoredHit } from '../types.js';
import { compareRoutes } from '../route-match.js';
import { createEndpointsQuery } from './endpoints-query.js';
import { createInsertHits } from './insert-hits.js';
import { migrate } from './schema.js';
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
export function createSqliteStore(options: StoreOptions = {}): Store {
  return createStoreOn(open(options.file ?? './footfall.db'));
}

/** The Store on a database already open and migrated (read-only ones too: see open-for-reading.ts). */
export function createStoreOn(db: BetterSqlite3.Database): Store {
  const insert = createInsertHits(db);
  const endpoints = createEndpointsQuery(db);
  const timeseries = createTimeseriesQuery(db);
  const recent = (order: string) => db.prepare(`SELECT h.id, h.time_ms, h.received_ms, h.protocol, e.method, e.route, h.status, h.duration_ms, c.client,
        h.user_id, h.title, h.host, h.event_name, h.hit_id
      FROM hits h JOIN endpoints e ON e.id = h.endpoint_id JOIN clients c ON c.id = h.client_id ORDER BY ${order} LIMIT ?`).raw();
  const q = {
    routes: db.prepare('SELECT method, route FROM routes').raw(),
    clearRoutes: db.prepare('DELETE FROM routes'),
    addRoute: db.prepare('INSERT OR IGNORE INTO routes (method, route) VALUES (?, ?)'),
    recent: recent('h.id DESC'),
    recentByTime: recent('h.time_ms DESC, h.id DESC'),
    span: db.prepare('SELECT min(time_ms), max(time_ms) FROM hits').raw(),
    count: db.prepare('SELECT count(*) FROM hits').pluck(),
  };
  const routes = (): DeclaredRoute[] => (q.routes.all() as unknown[][]).map(([method, route]) => ({ method: String(method), route: String(route) })).sort(compareRoutes);
  const setRoutes = db.transaction((declared: readonly DeclaredRoute[]) => {
    q.clearRoutes.run();
    for (const route of declared) q.addRoute.run(route.method.toUpperCase(), route.route);
  });
  return {
    insert,
    setRoutes: (declared) => void setRoutes(declared),
    routes,
    endpoints: (range) => endpoints(range, routes()),
    recentHits: (limit, order) => ((order?.byTime === true ? q.recentByTime : q.recent).all(limit) as unknown[][]).map(toStoredHit),
    timeSpan: () => {
      const [first, last] = (q.span.get() as unknown[] | undefined) ?? [];
      return first === null || first === undefined ? undefined : { firstMs: Number(first), lastMs: Number(last) };
    },
    timeseries,
    count: () => Number(q.count.get()),
    close: () => {
      if (db.open) db.close();
    },
  };
}

function open(file: string): BetterSqlite3.Database {
  let db: BetterSqlite3.Database | undefined;
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    if (file !== ':memory:' && file !== '') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrate(db, file);
    return db;
  } catch (error) {
    if (db?.open === true) db.close();
    if (isFootfallError(error)) throw error;
    throw new FootfallError('FOOTFALL_ERR_STORE_UNAVAILABLE', JSON.stringify(file), error instanceof Error ? error.message : String(error));
  }
}

/** A `hits` row (in the recent query's column order) as a StoredHit, without absent fields. */
function toStoredHit(row: unknown[]): StoredHit {
  const [id, timeMs, receivedMs, protocol, method, route, status, durationMs, client, userId, title, host, eventName, hitId] = row;
  const hit: { -readonly [K in keyof StoredHit]: StoredHit[K] } = {
    id: Number(id),
    timeMs: Number(timeMs),
    receivedMs: Number(receivedMs),
    protocol: protocol === 'ua' ? 'ua' : 'ga4',
    method: String(method),
    route: String(route),
    client: String(client),
    eventName: String(eventName),
  };
  if (status !== null) hit.status = Number(status);
  if (durationMs !== null) hit.durationMs = Number(durationMs);
  if (userId !== null) hit.userId = String(userId);
  if (title !== null) hit.title = String(title);
  if (host !== null) hit.host = String(host);
  if (hitId !== null) hit.hitId = String(hitId);
  return hit;
}
