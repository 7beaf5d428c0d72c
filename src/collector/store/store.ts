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
 * The same store, asynchronous: what a store over the network (PostgreSQL) offers, and what
 * the collector, `footfall report` and `footfall import` use for both. Each method means what
 * `Store`'s does.
 */
export type AsyncStore = { readonly [K in keyof Store]: (...args: Parameters<Store[K]>) => Promise<ReturnType<Store[K]>> };

/**
 * Any store seen as an AsyncStore: a synchronous one (SQLite) answers with settled promises
 * and its throws become rejections; an asynchronous one is passed through unchanged.
 */
export function asAsyncStore(store: Store | AsyncStore, traits: Partial<StoreTraits> = {}): AsyncStore {
  if (ASYNC in store) return store as AsyncStore;
  const wrap = <K extends keyof Store>(name: K) => (...args: Parameters<Store[K]>) => {
    try {
      return Promise.resolve((store[name] as (...a: Parameters<Store[K]>) => ReturnType<Store[K]>)(...args));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  };
  return markAsync(Object.fromEntries(STORE_METHODS.map((name) => [name, wrap(name)])) as unknown as AsyncStore, traits);
}

/** Every method of a store, in one list (asAsyncStore wraps them; startCollector checks a given store has them). */
export const STORE_METHODS = ['insert', 'setRoutes', 'routes', 'endpoints', 'recentHits', 'timeSpan', 'timeseries', 'count', 'pruneRawHits', 'rawSinceMs', 'close'] as const satisfies readonly (keyof Store)[];
/** Fails to compile when a method of Store is missing from STORE_METHODS. */
const STORE_METHODS_COMPLETE: [Exclude<keyof Store, (typeof STORE_METHODS)[number]>] extends [never] ? true : never = true;
void STORE_METHODS_COMPLETE;

const ASYNC = Symbol('footfall.asyncStore');

const TRAITS = Symbol('footfall.storeTraits');

/** What a store says of itself to the collector. */
export interface StoreTraits {
  /** Inserts it serves at once: the collector's write queue keeps that many in flight. @default 1 */
  readonly writesInFlight: number;
  /** What `/api/status` reports as `storage` for it. @default 'custom' */
  readonly kind: 'file' | 'memory' | 'postgresql' | 'custom';
}

/** Marks a store whose every method returns a promise (asAsyncStore passes it through), with its traits. */
export function markAsync(store: AsyncStore, traits: Partial<StoreTraits> = {}): AsyncStore {
  return Object.defineProperties(store, { [ASYNC]: { value: true }, [TRAITS]: { value: traits } });
}

/** A store's traits (see markAsync); a store that says nothing is 'custom' and takes one insert at a time. */
export function storeTraits(store: AsyncStore): StoreTraits {
  const traits = (store as { [TRAITS]?: Partial<StoreTraits> })[TRAITS] ?? {};
  return { writesInFlight: traits.writesInFlight ?? 1, kind: traits.kind ?? 'custom' };
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
