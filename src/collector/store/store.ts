import type { DeclaredRoute, EndpointsReport, IncomingHit, StoredHit, TimeRange, TimeSeries, TimeSeriesQuery } from '../types.js';

/**
 * Where the collector keeps hits: a SQLite file (WAL) or SQLite in memory. All calls are
 * synchronous (better-sqlite3); `insert` writes one transaction, so a request's hits are
 * stored whole or not at all.
 */
export interface Store {
  /**
   * Stores hits received at `receivedMs` in one transaction, each (client, hit id) once: a hit
   * whose id its client already stored, earlier or in the same call, adds nothing. Throws only
   * on a storage failure.
   */
  insert(hits: readonly IncomingHit[], receivedMs: number): InsertResult;
  /** Replaces the declared route inventory (deduplicated). */
  setRoutes(routes: readonly DeclaredRoute[]): void;
  routes(): DeclaredRoute[];
  /**
   * Per-endpoint usage in the range, most hits first, and the declared routes with no hits:
   * against `declared` when given, else the stored inventory. With an inventory, stored routes
   * are reported under the declared template they match (see endpoint-groups.ts).
   */
  endpoints(range: TimeRange, declared?: readonly DeclaredRoute[]): EndpointsReport;
  /**
   * The most recent hits, newest first: by arrival (the order they were stored), or with
   * `{ byTime: true }` by the time of the request (a batch delivered late sorts in its place).
   */
  recentHits(limit: number, order?: { byTime?: boolean }): StoredHit[];
  /** When the first and the last stored hits happened (epoch ms), pruned ones included (from the rollups); undefined with no hits. */
  timeSpan(): { readonly firstMs: number; readonly lastMs: number } | undefined;
  /** Hits per bucket per endpoint, named as `endpoints(range, declared)` names them (stored inventory when not given). */
  timeseries(query: TimeSeriesQuery, declared?: readonly DeclaredRoute[]): TimeSeries[];
  /** Raw hits stored (after pruning: only those since `rawSinceMs()`, and later ones). */
  count(): number;
  /**
   * Retention: deletes up to `maxRows` raw hits that happened before `beforeMs` (floored to a
   * whole hour), oldest first, in one transaction, and moves `rawSinceMs()` forward to it when it
   * deleted any. The
   * rollups stay whole, so every answer made of whole hours is unchanged. Call again until
   * `done`, yielding in between, to prune any amount without holding writes up for long.
   */
  pruneRawHits(beforeMs: number, maxRows: number): PruneResult;
  /**
   * From when raw hits are complete (epoch ms, a whole hour), or undefined when none were
   * ever deleted by `pruneRawHits`. Before it, figures come from the hourly rollups: whole hours only; the recent
   * hits list and buckets narrower than an hour have nothing there.
   */
  rawSinceMs(): number | undefined;
  close(): void;
}

/**
 * The same store, asynchronous: what a store over the network (PostgreSQL, issue 16) can
 * offer, and what the collector will use for both. Each method means what `Store`'s does.
 */
export type AsyncStore = { readonly [K in keyof Store]: (...args: Parameters<Store[K]>) => Promise<ReturnType<Store[K]>> };

/** A SQLite store seen as an AsyncStore (its answers, settled at once). */
export function asAsyncStore(store: Store): AsyncStore {
  const wrap = <K extends keyof Store>(name: K) => (...args: Parameters<Store[K]>) => {
    try {
      return Promise.resolve((store[name] as (...a: Parameters<Store[K]>) => ReturnType<Store[K]>)(...args));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  };
  return {
    insert: wrap('insert'),
    setRoutes: wrap('setRoutes'),
    routes: wrap('routes'),
    endpoints: wrap('endpoints'),
    recentHits: wrap('recentHits'),
    timeSpan: wrap('timeSpan'),
    timeseries: wrap('timeseries'),
    count: wrap('count'),
    pruneRawHits: wrap('pruneRawHits'),
    rawSinceMs: wrap('rawSinceMs'),
    close: wrap('close'),
  };
}

/** What one `insert` did. */
export interface InsertResult {
  /** Hits stored (the others were duplicates). */
  readonly stored: number;
  /** Indexes into the hits given of those not stored: their (client, hit id) was stored already, ascending. */
  readonly duplicates: readonly number[];
}

/** What one `pruneRawHits` call did. */
export interface PruneResult {
  /** Raw hits deleted. */
  readonly deleted: number;
  /** Fewer than `maxRows` were left to delete: none before `beforeMs` remain. */
  readonly done: boolean;
}

export interface StoreOptions {
  /** SQLite file path, or `:memory:`. @default './footfall.db' */
  file?: string;
}
