import type { Clock } from '../delivery/clock.js';
import { systemClock } from '../delivery/clock.js';
import { FootfallError, describeSecret, describeValue } from '../errors.js';
import { booleanOption, boundedIntegerOption, functionOption, integerOption, oneOfOption, optionKeys, rateOption, refuseUnknownKeys } from '../option-checks.js';
import type { FaultOptions, ResolvedFaults } from './faults.js';
import { DEFAULT_PRUNE_EVERY_MS } from './retention.js';
import { resolveFaults } from './faults.js';
import type { AsyncStore, Store } from './store/store.js';
import { STORE_METHODS } from './store/store.js';
import type { DeclaredRoute } from './types.js';

/** Options of `startCollector` (and the flags of `footfall collector`). */
export interface CollectorOptions extends FaultOptions {
  /** Address to listen on. Anything but loopback needs `token` or `insecure`. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @default 8787 */
  port?: number;
  /** Bearer token required by the dashboard's data and the query API (`/api/*`). @default none */
  token?: string;
  /** Allow a non-loopback `host` without a token. @default false */
  insecure?: boolean;
  /** When set, GA4 hits carrying another `api_secret` are refused with 403. @default any secret */
  apiSecret?: string;
  /** SQLite file. @default './footfall.db' */
  dbFile?: string;
  /** Keep hits in memory (SQLite `:memory:`), not in a file. @default false */
  memory?: boolean;
  /**
   * A store to use instead of opening one (it is closed with the collector): an asynchronous one
   * such as `await createPostgresStore({ url })`, or a synchronous one (`createSqliteStore`).
   */
  store?: Store | AsyncStore;
  /** Declared routes to list unused ones against (replaces the stored inventory). */
  routes?: readonly DeclaredRoute[];
  /** Expect hits on declared health checks (`/health`, `/v1/healthz`...), which the adapters do not record by default. @default false */
  keepHealthRoutes?: boolean;
  /** How each hit is printed: a readable line, a JSON line, or nothing. @default 'text' */
  output?: 'text' | 'json' | 'none';
  /** Where lines are printed. @default process.stdout */
  log?: (line: string) => void;
  /**
   * Retention: raw hits older than this many days are pruned in the background (at start, then
   * every `pruneEveryMs`); the hourly and daily rollups keep their counts. A whole number from 1
   * to 36500. @default keep every raw hit
   */
  retainDays?: number;
  /** How often retention prunes, with `retainDays` (from 1 s to 1 day). @default 3_600_000 (hourly) */
  pruneEveryMs?: number;
  /**
   * How long a write to the store, or a query API read, may take before the request is answered
   * 503 (FOOTFALL_ERR_STORE_TIMEOUT): a database cut off without a reset never holds requests
   * longer. Real time, not `clock`'s. From 100 ms to 1 hour. @default 30_000
   */
  storeTimeoutMs?: number;
  /** Time, injected in tests. @default the system clock */
  clock?: Clock;
  /** Called once per ingest request when its answer is over, refusals and faults included (footfall/testing's `requests`). Errors in it are ignored. @default none */
  onRequest?: (request: IngestRequest) => void;
}

/** One ingest request as `onRequest` sees it. */
export interface IngestRequest {
  readonly method: string;
  /** `/mp/collect`, `/mp/batch`, `/collect`, `/batch` or a debug path; no query (it may hold a secret). */
  readonly path: string;
  /** The status answered; 0 when the client went away first (e.g. during a hang). */
  readonly status: number;
  /** When it arrived, epoch ms on the collector's clock. */
  readonly receivedMs: number;
  /** Hits of it not stored because their hit id was stored already (0 for a refusal). */
  readonly duplicates: number;
}

export interface ResolvedCollectorOptions {
  host: string;
  port: number;
  token?: string;
  apiSecret?: string;
  dbFile: string;
  store?: Store | AsyncStore;
  routes?: readonly DeclaredRoute[];
  keepHealthRoutes: boolean;
  output: 'text' | 'json' | 'none';
  log: (line: string) => void;
  clock: Clock;
  retainDays?: number;
  pruneEveryMs: number;
  storeTimeoutMs: number;
  faults: ResolvedFaults;
  onRequest?: (request: IngestRequest) => void;
}

/** The most `retainDays` takes: a hundred years. */
export const MAX_RETAIN_DAYS = 36_500;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

const COLLECTOR_KEYS = optionKeys<CollectorOptions>({
  host: true, port: true, token: true, insecure: true, apiSecret: true, dbFile: true, memory: true, store: true, routes: true, keepHealthRoutes: true, output: true, log: true, clock: true, onRequest: true, retainDays: true, pruneEveryMs: true, storeTimeoutMs: true,
  failRate: true, hangRate: true, hangMs: true, hangStores: true, delayMs: true, status: true, retryAfterS: true, seed: true,
});

/** Validates every option once, at start; throws FOOTFALL_ERR_INVALID_OPTION naming the option (FOOTFALL_ERR_UNKNOWN_OPTION for a key that is none). */
export function resolveCollectorOptions(options: CollectorOptions = {}): ResolvedCollectorOptions {
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  refuseUnknownKeys(options, COLLECTOR_KEYS, 'startCollector()');
  const host = stringOption('host', options.host, '127.0.0.1');
  const token = secretOption('token', options.token);
  if (!LOOPBACK.test(host) && token === undefined && !booleanOption('insecure', options.insecure, false)) {
    throw new FootfallError('FOOTFALL_ERR_UNSAFE_LISTEN', host);
  }
  const resolved: ResolvedCollectorOptions = {
    host,
    port: boundedIntegerOption('port', options.port, 8787, 0, 65535),
    dbFile: dbFileOption(options),
    keepHealthRoutes: booleanOption('keepHealthRoutes', options.keepHealthRoutes, false),
    output: oneOfOption('output', options.output, ['text', 'json', 'none'] as const, 'text'),
    log: functionOption('log', options.log) ?? ((line: string) => void process.stdout.write(`${line}\n`)),
    clock: options.clock ?? systemClock,
    pruneEveryMs: boundedIntegerOption('pruneEveryMs', options.pruneEveryMs, DEFAULT_PRUNE_EVERY_MS, 1000, 86_400_000, 'a whole number of milliseconds from 1000 to 86400000'),
    storeTimeoutMs: boundedIntegerOption('storeTimeoutMs', options.storeTimeoutMs, 30_000, 100, 3_600_000, 'a whole number of milliseconds from 100 to 3600000'),
    faults: resolveFaults(checkFaults(options)),
  };
  if (token !== undefined) resolved.token = token;
  const apiSecret = secretOption('apiSecret', options.apiSecret);
  if (apiSecret !== undefined) resolved.apiSecret = apiSecret;
  if (options.retainDays !== undefined) resolved.retainDays = boundedIntegerOption('retainDays', options.retainDays, 0, 1, MAX_RETAIN_DAYS, `a whole number of days from 1 to ${MAX_RETAIN_DAYS}`);
  if (options.store !== undefined) resolved.store = storeOption(options.store);
  if (options.routes !== undefined) resolved.routes = options.routes;
  const onRequest = functionOption('onRequest', options.onRequest);
  if (onRequest !== undefined) resolved.onRequest = onRequest;
  return resolved;
}

function storeOption(store: unknown): Store | AsyncStore {
  const missing = typeof store === 'object' && store !== null ? STORE_METHODS.filter((name) => typeof (store as Record<string, unknown>)[name] !== 'function') : STORE_METHODS;
  if (missing.length === 0) return store as Store | AsyncStore;
  throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'store', `a store (createSqliteStore(), await createPostgresStore(), or an object with ${STORE_METHODS.join(', ')})`, `${describeValue(store)}${typeof store === 'object' && store !== null ? ` without ${missing.join(', ')}` : ''}`);
}

function checkFaults(options: FaultOptions): FaultOptions {
  const checked: FaultOptions = {};
  if (options.failRate !== undefined) checked.failRate = rateOption('failRate', options.failRate, 0);
  if (options.hangRate !== undefined) checked.hangRate = rateOption('hangRate', options.hangRate, 0);
  if (options.hangMs !== undefined) checked.hangMs = integerOption('hangMs', options.hangMs, 0, 0);
  if (options.hangStores !== undefined) checked.hangStores = booleanOption('hangStores', options.hangStores, false);
  if (options.delayMs !== undefined) checked.delayMs = integerOption('delayMs', options.delayMs, 0, 0);
  if (options.retryAfterS !== undefined) checked.retryAfterS = integerOption('retryAfterS', options.retryAfterS, 0, 0);
  if (options.seed !== undefined) checked.seed = integerOption('seed', options.seed, 0, 0);
  if (options.status !== undefined) {
    const status = options.status;
    if (!(Number.isInteger(status) && status >= 400 && status <= 599)) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'status', 'an HTTP error status from 400 to 599', describeValue(status));
    checked.status = status;
  }
  return checked;
}


/** `:memory:` with `memory: true`, which leaves no room for a file. */
function dbFileOption(options: CollectorOptions): string {
  if (!booleanOption('memory', options.memory, false)) return stringOption('dbFile', options.dbFile, './footfall.db');
  if (options.dbFile !== undefined) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'dbFile', 'left out with `memory: true` (hits are then kept in memory only)', describeValue(options.dbFile));
  return ':memory:';
}

function stringOption(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value.length > 0) return value;
  throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', name, 'a non-empty string', describeValue(value));
}

/** A secret is checked without ever being shown. */
function secretOption(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0 && !/\s/.test(value)) return value;
  throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', name, 'a non-empty string without whitespace', describeSecret(value));
}
