import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api.js';
import { createDashboard } from './dashboard/serve-dashboard.js';
import { createFaults } from './faults.js';
import { handleIngest, type IngestContext, type IngestTally } from './handle-ingest.js';
import { sendError } from './http-reply.js';
import { INGEST_ROUTES } from './ingest-routes.js';
import type { CollectorOptions, IngestRequest, ResolvedCollectorOptions } from './options.js';
import { resolveCollectorOptions } from './options.js';
import type { Retention, RetentionStats } from './retention.js';
import { startRetention } from './retention.js';
import { sameSecret } from './same-secret.js';
import { addLeniency, noLeniency, type Leniency } from './ga4-lenient.js';
import { formatDuplicates, formatDuplicatesJson, formatHitJson, formatHitLine, formatRefusal } from './print-hit.js';
import { createSqliteStore } from './store/sqlite-store.js';
import type { AsyncStore } from './store/store.js';
import { asAsyncStore, storeTraits } from './store/store.js';
import { createWriteQueue } from './write-queue.js';

/** What a running collector counts: every request ends up in exactly one of these. */
export interface CollectorStats {
  /** Ingest requests stored whole (a request whose hits were all duplicates included). */
  readonly storedRequests: number;
  /** Hits stored: new ones only. */
  readonly storedHits: number;
  /** Hits received again (their client already stored their hit id), and not stored. */
  readonly duplicateHits: number;
  /** Ingest requests refused, by status (faults included). */
  readonly refused: Readonly<Record<number, number>>;
  /** Requests answered with a fault on purpose. */
  readonly faults: number;
  /** What GA4 collect kept leniently, as Google does: values cut, parameters and events dropped, timestamps rewritten. */
  readonly leniency: Readonly<Leniency>;
}

export interface Collector {
  /** `http://127.0.0.1:PORT`: point a tracker here with FOOTFALL_ENDPOINT. */
  readonly url: string;
  readonly port: number;
  /** The store, asynchronous whichever it is (SQLite's answers come settled). */
  readonly store: AsyncStore;
  stats(): CollectorStats;
  /** Retention (with `retainDays`): what it pruned; `pruneNow()` prunes at once, as the timer does. Undefined when every raw hit is kept. */
  readonly retention: Pick<Retention, 'pruneNow' | 'stats'> | undefined;
  /** Stops listening, cancels held requests, closes the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts Footfall's collector: GA4 and UA v1 ingestion, fault injection, SQLite storage,
 * the query API and the dashboard, on one port. Options are validated before anything opens.
 * Storage: a SQLite file (`dbFile`), memory, or a store given (`store`: e.g. createPostgresStore).
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const resolved = resolveCollectorOptions(options);
  const store = resolved.store === undefined ? asAsyncStore(createSqliteStore({ file: resolved.dbFile }), { kind: resolved.dbFile === ':memory:' ? 'memory' : 'file' }) : asAsyncStore(resolved.store);
  if (resolved.routes !== undefined) {
    try {
      await store.setRoutes(resolved.routes);
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }
  const counts: Counts = { storedRequests: 0, storedHits: 0, duplicateHits: 0, faults: 0, refused: {}, leniency: noLeniency() };
  const timers = new Set<{ cancel: () => void }>();
  const ingest = ingestContext(resolved, store, counts, timers);
  let retention: Retention | undefined;
  const api = { store, retention: (): RetentionStats | undefined => retention?.stats(), nowMs: () => resolved.clock.now(), startedMs: resolved.clock.now(), storage: storeTraits(store).kind, duplicateHits: () => counts.duplicateHits, leniency: () => ({ ...counts.leniency }), keepHealthRoutes: resolved.keepHealthRoutes };
  const dashboard = createDashboard();
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => sendError(res, 500, `internal error: ${error instanceof Error ? error.message : String(error)}`));
  });
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = parseUrl(req.url);
    if (url === undefined) return sendError(res, 400, 'the request target is not a valid path');
    const ingestRoute = INGEST_ROUTES[url.pathname];
    if (ingestRoute !== undefined) {
      const tally: IngestTally = { duplicates: 0 };
      if (resolved.onRequest !== undefined) reportWhenOver(req, res, { path: url.pathname, receivedMs: resolved.clock.now(), tally }, resolved.onRequest);
      return handleIngest(req, res, url, ingestRoute, ingest, tally);
    }
    if (url.pathname.startsWith('/api/')) {
      if (!authorised(req, resolved.token)) return sendError(res, 401, 'this collector needs a token: send "Authorization: Bearer <token>", or open the dashboard as /#token=<token>', undefined, { 'www-authenticate': 'Bearer' });
      return handleApi(req, res, url, api);
    }
    if (dashboard.handle(req, res)) return;
    sendError(res, 404, `nothing at ${url.pathname}: the collector takes GA4 hits at POST /mp/collect (many consumers at once at POST /mp/batch), UA hits at /collect and /batch, and serves the dashboard at /`);
  };
  try {
    await listen(server, resolved.port, resolved.host);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  if (resolved.retainDays !== undefined) {
    const { output, log } = resolved;
    retention = startRetention({
      store, clock: resolved.clock, retainDays: resolved.retainDays, pruneEveryMs: resolved.pruneEveryMs,
      onError: (error) => {
        const message = `retention: pruning raw hits failed (${error instanceof Error ? error.message : String(error)}); tried again in ${resolved.pruneEveryMs} ms`;
        if (output !== 'none') safeLog(log, output === 'json' ? JSON.stringify({ retentionError: message }) : message);
      },
    });
  }
  const running = retention;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}`,
    port,
    store,
    stats: () => ({ ...counts, refused: { ...counts.refused }, leniency: { ...counts.leniency } }),
    retention: running === undefined ? undefined : { pruneNow: () => running.pruneNow(), stats: () => running.stats() },
    close: () => (closing ??= shutdown(server, timers, store, running)),
  };
}

interface Counts {
  storedRequests: number;
  storedHits: number;
  duplicateHits: number;
  faults: number;
  refused: Record<number, number>;
  leniency: Leniency;
}

function ingestContext(resolved: ResolvedCollectorOptions, store: AsyncStore, counts: Counts, timers: Set<{ cancel: () => void }>): IngestContext {
  const { output, log, clock } = resolved;
  const context: IngestContext = {
    clock,
    faults: createFaults(resolved.faults),
    writes: createWriteQueue(store, { maxInFlight: storeTraits(store).writesInFlight }),
    timers,
    onStored(stored, duplicates, receivedMs, leniency) {
      counts.storedRequests++;
      if (leniency !== undefined) addLeniency(counts.leniency, leniency);
      counts.storedHits += stored.length;
      counts.duplicateHits += duplicates.length;
      if (output === 'none') return;
      for (const hit of stored) safeLog(log, output === 'json' ? formatHitJson(hit, receivedMs) : formatHitLine(hit, receivedMs));
      if (duplicates.length > 0) safeLog(log, output === 'json' ? formatDuplicatesJson(duplicates, receivedMs) : formatDuplicates(duplicates.length, receivedMs));
    },
    onRefused(status, reason, fault) {
      counts.refused[status] = (counts.refused[status] ?? 0) + 1;
      if (fault) counts.faults++;
      if (output === 'text') safeLog(log, formatRefusal(clock.now(), status, reason));
      else if (output === 'json') safeLog(log, JSON.stringify({ refusedMs: clock.now(), status, reason }));
    },
  };
  return resolved.apiSecret === undefined ? context : { ...context, apiSecret: resolved.apiSecret };
}

function reportWhenOver(req: IncomingMessage, res: ServerResponse, seen: { path: string; receivedMs: number; tally: IngestTally }, onRequest: (request: IngestRequest) => void): void {
  res.once('close', () => {
    try {
      const { path, receivedMs, tally } = seen;
      onRequest({ method: req.method ?? 'GET', path, status: res.writableFinished ? res.statusCode : 0, receivedMs, duplicates: tally.duplicates });
    } catch {
      // A broken hook must not break ingestion.
    }
  });
}

function safeLog(log: (line: string) => void, line: string): void {
  try {
    log(line);
  } catch {
    // A broken log sink must not break ingestion.
  }
}

function parseUrl(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  try {
    return new URL(target, 'http://collector.invalid');
  } catch {
    return undefined;
  }
}

function authorised(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  return given !== '' && sameSecret(given, token);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => reject(explainListenError(error, host, port));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

/** A listen error that says what to do; `code` is kept (the demo falls back on EADDRINUSE). */
function explainListenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const hints: Record<string, string> = {
    EADDRINUSE: `port ${port} on ${host} is already in use: stop the other process, or pick another port (--port 0 picks a free one)`,
    EACCES: `port ${port} on ${host} needs privileges: pick a port above 1023`,
    EADDRNOTAVAIL: `${host} is not an address of this machine: use 127.0.0.1, 0.0.0.0 or one of its interfaces`,
  };
  const hint = error.code === undefined ? undefined : hints[error.code];
  if (hint === undefined) return error;
  return Object.assign(new Error(`the collector cannot listen: ${hint}`), { code: error.code });
}

async function shutdown(server: Server, timers: Set<{ cancel: () => void }>, store: AsyncStore, retention: Retention | undefined): Promise<void> {
  for (const timer of [...timers]) timer.cancel();
  // Stops after the chunk in progress, before the store closes under it.
  const retained = retention?.close();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  server.closeAllConnections();
  await closed;
  await retained;
  await store.close();
}
