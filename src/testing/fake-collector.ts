import type { Clock } from '../delivery/clock.js';
import type { FaultOptions } from '../collector/faults.js';
import type { IngestRequest } from '../collector/options.js';
import { startCollector, type Collector, type CollectorStats } from '../collector/server.js';
import { createSqliteStore } from '../collector/store/sqlite-store.js';
import { asAsyncStore } from '../collector/store/store.js';
import type { StoredHit } from '../collector/types.js';
import { FootfallError, describeValue } from '../errors.js';

/** How the fake collector misbehaves (see docs/collector.md, "Faults"), plus its clock. */
export interface FakeCollectorOptions extends FaultOptions {
  /** Drives hangs and delays: with a manual clock, a hang lasts until you `advance()` it. @default the system clock */
  clock?: Clock;
  /** When set, GA4 hits with another `api_secret` are refused with 403. @default any secret */
  apiSecret?: string;
}

export interface FakeCollector {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `${url}/mp/collect`: give it to `ga4({ endpoint })`. */
  readonly endpoint: string;
  /** Hits stored so far, oldest first (what the collector accepted; a hit id once per client). */
  readonly hits: readonly StoredHit[];
  /** Every ingest request whose answer is over, refused ones included, in the order they ended. */
  readonly requests: readonly IngestRequest[];
  stats(): CollectorStats;
  /** The real collector underneath (its store, its query API at `url`). */
  readonly collector: Collector;
  /** Stops it, cutting held requests. Idempotent. */
  close(): Promise<void>;
}

/** The fault draws' seed unless one is given: the same requests meet the same fates on every run. */
export const FAKE_COLLECTOR_SEED = 1;

/**
 * Footfall's real collector in-process on 127.0.0.1, a free port, SQLite in memory, printing
 * nothing: for testing how an app behaves when analytics fails (`failRate`), hangs
 * (`hangRate`, `hangMs`; with `hangStores` the hits are stored before the hold, so a retry
 * is a duplicate, stored once by hit id), is slow (`delayMs`) or throttles (`status: 429`,
 * `retryAfterS`). Needs better-sqlite3 (an optional dependency of footfall).
 */
export async function startFakeCollector(options: FakeCollectorOptions = {}): Promise<FakeCollector> {
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  const requests: IngestRequest[] = [];
  // Its own synchronous handle on the in-memory store, so `hits` can be read without awaiting.
  const memory = createSqliteStore({ file: ':memory:' });
  let collector: Collector;
  try {
    collector = await startCollector({
      seed: FAKE_COLLECTOR_SEED,
      ...options,
      host: '127.0.0.1',
      port: 0,
      store: asAsyncStore(memory, { kind: 'memory' }),
      output: 'none',
      onRequest: (request) => requests.push(request),
    });
  } catch (error) {
    memory.close();
    throw error;
  }
  return {
    url: collector.url,
    endpoint: `${collector.url}/mp/collect`,
    get hits() {
      return memory.recentHits(Math.max(1, memory.count())).reverse();
    },
    get requests() {
      return [...requests];
    },
    stats: () => collector.stats(),
    collector,
    close: () => collector.close(),
  };
}
