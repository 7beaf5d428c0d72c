import type { IncomingMessage, ServerResponse } from 'node:http';
import { FootfallError } from '../errors.js';
import { VERSION } from '../version.js';
import { clientAlias } from './client-alias.js';
import { sendError, sendJson } from './http-reply.js';
import { expectedRoutes } from './expected-routes.js';
import type { Leniency } from './ga4-lenient.js';
import { readBody } from './read-body.js';
import { parseRoutesInput } from './routes-file.js';
import type { RetentionStats } from './retention.js';
import type { AsyncStore, StoreTraits } from './store/store.js';
import { parseDurationMs, parseTimeBound } from './time-range.js';
import type { DeclaredRoute, EndpointsReport, TimeRange, TimeSeriesQuery } from './types.js';

export interface ApiContext {
  readonly store: AsyncStore;
  readonly nowMs: () => number;
  readonly startedMs: number;
  readonly storage: StoreTraits['kind'];
  /** Hits received again since the collector started, and not stored. */
  readonly duplicateHits: () => number;
  /** Values cut, parameters and events dropped, timestamps rewritten by GA4 collect since the collector started. */
  readonly leniency: () => Leniency;
  /** Expect hits on declared health checks too (see expected-routes.ts). */
  readonly keepHealthRoutes: boolean;
  /** Retention's figures, undefined when every raw hit is kept. */
  readonly retention: () => RetentionStats | undefined;
  /** An answer that waits on the store longer than this is a 503 (FOOTFALL_ERR_STORE_TIMEOUT). @default 30000 */
  readonly storeTimeoutMs?: number;
}

const MAX_ROUTES_BODY_BYTES = 1_048_576;
const MAX_HITS_LIMIT = 1000;
/** Bucket widths the timeseries picks from, so a range has at most ~300 points. */
const BUCKETS_MS = [60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000, 604_800_000];
const DEFAULT_SPAN_MS = 30 * 86_400_000;

/** The query API under `/api/`: usage per endpoint, recent hits, time series, the route inventory. */
export async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, context: ApiContext): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const limitMs = context.storeTimeoutMs ?? 30_000;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FootfallError('FOOTFALL_ERR_STORE_TIMEOUT', String(limitMs))), limitMs);
      timer.unref();
    });
    // The late answer, if it ever comes, finds the response sent and is dropped (sendJson checks).
    await Promise.race([answer(req, res, url, context), timedOut]);
  } catch (error) {
    // The store failed (a database that went away): retryable, and said as such.
    if (res.headersSent) return void res.destroy();
    sendError(res, 503, `the store could not answer (${error instanceof Error ? error.message : String(error)}); try again later`, undefined, { 'retry-after': '5' });
  } finally {
    clearTimeout(timer);
  }
}

async function answer(req: IncomingMessage, res: ServerResponse, url: URL, context: ApiContext): Promise<void> {
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  switch (route) {
    case 'GET /api/endpoints':
      return withRange(res, url, context, async (range) => sendJson(res, 200, await endpointsReport(context, range)));
    case 'GET /api/hits':
      return sendHits(res, url, context);
    case 'GET /api/timeseries':
      return withRange(res, url, context, (range) => sendTimeseries(res, url, range, context));
    case 'GET /api/routes':
      return sendJson(res, 200, { routes: await context.store.routes() });
    case 'POST /api/routes':
      return receiveRoutes(req, res, context);
    case 'GET /api/status':
      return sendStatus(res, context);
    default:
      return notFound(res, url.pathname);
  }
}

const ROUTES: Readonly<Record<string, string>> = {
  '/api/endpoints': 'GET',
  '/api/hits': 'GET',
  '/api/timeseries': 'GET',
  '/api/routes': 'GET, POST',
  '/api/status': 'GET',
};

function notFound(res: ServerResponse, path: string): void {
  const allowed = ROUTES[path];
  if (allowed !== undefined) return sendError(res, 405, `${path} takes ${allowed}`, undefined, { allow: allowed });
  sendError(res, 404, `no such API: ${path}; the API has ${Object.keys(ROUTES).join(', ')}`);
}

async function withRange(res: ServerResponse, url: URL, context: ApiContext, then: (range: TimeRange) => Promise<void>): Promise<void> {
  const range: { sinceMs?: number; untilMs?: number } = {};
  for (const name of ['since', 'until'] as const) {
    const text = url.searchParams.get(name);
    if (text === null || text === '') continue;
    const bound = parseTimeBound(text, context.nowMs());
    if ('error' in bound) return sendError(res, 400, `?${name}= ${bound.error}`);
    range[name === 'since' ? 'sinceMs' : 'untilMs'] = bound.ms;
  }
  if (range.sinceMs !== undefined && range.untilMs !== undefined && range.untilMs <= range.sinceMs) {
    return sendError(res, 400, '?until= must be later than ?since=');
  }
  await then(range);
}

/** Usage in the range against the stored inventory, health checks left out unless kept. */
async function endpointsReport(context: ApiContext, range: TimeRange): Promise<EndpointsReport> {
  const { store } = context;
  return store.endpoints(range, expectedRoutes(await store.routes(), context.keepHealthRoutes));
}

async function sendStatus(res: ServerResponse, context: ApiContext): Promise<void> {
  const { store } = context;
  const [span, hits, routes, rawSinceMs] = await Promise.all([store.timeSpan(), store.count(), store.routes(), store.rawSinceMs()]);
  const retention = context.retention();
  sendJson(res, 200, {
    version: VERSION, hits, duplicateHits: context.duplicateHits(), startedMs: context.startedMs, storage: context.storage, declared: routes.length,
    nowMs: context.nowMs(), firstHitMs: span?.firstMs ?? null, lastHitMs: span?.lastMs ?? null, ...context.leniency(),
    // `hits` counts raw rows: after pruning, those since rawSinceMs (older figures come from the hourly rollups).
    retainDays: retention?.retainDays ?? null, rawSinceMs: rawSinceMs ?? null, prunedHits: retention?.prunedHits ?? 0, lastPruneMs: retention?.lastPruneMs ?? null,
  });
}

async function sendHits(res: ServerResponse, url: URL, context: ApiContext): Promise<void> {
  const text = url.searchParams.get('limit');
  const limit = text === null ? 100 : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HITS_LIMIT) {
    return sendError(res, 400, `?limit= must be a whole number from 1 to ${MAX_HITS_LIMIT}, got ${JSON.stringify(text)}`);
  }
  const hits = (await context.store.recentHits(limit, { byTime: true })).map((hit) => ({ ...hit, clientAlias: clientAlias(hit.client) }));
  sendJson(res, 200, { hits });
}

async function sendTimeseries(res: ServerResponse, url: URL, range: TimeRange, context: ApiContext): Promise<void> {
  const text = url.searchParams.get('bucket');
  let bucketMs: number | undefined;
  if (text !== null && text !== '') {
    bucketMs = parseDurationMs(text) ?? (/^\d+$/.test(text) ? Number(text) : undefined);
    if (bucketMs === undefined || bucketMs < 1000) return sendError(res, 400, `?bucket= must be a width like 1m, 5m, 1h or 1d (at least 1s), got ${JSON.stringify(text)}`);
  }
  const untilMs = range.untilMs ?? context.nowMs();
  // An open `since` means the last 30 days: a series over all time would scan every stored hit.
  const sinceMs = range.sinceMs ?? untilMs - DEFAULT_SPAN_MS;
  const span = untilMs - sinceMs;
  const chosen = bucketMs ?? BUCKETS_MS.find((width) => span / width <= 300) ?? BUCKETS_MS[BUCKETS_MS.length - 1] ?? 86_400_000;
  if (span / chosen > 10_000) return sendError(res, 400, `?bucket= ${text ?? ''} gives over 10 000 points for this range; pick a wider bucket or a shorter range`);
  const query: { -readonly [K in keyof TimeSeriesQuery]: TimeSeriesQuery[K] } = { ...range, sinceMs, bucketMs: chosen };
  const route = url.searchParams.get('route');
  if (route !== null && route !== '') query.route = route;
  const method = url.searchParams.get('method');
  if (method !== null && method !== '') query.method = method.toUpperCase();
  const seriesOf = async () => context.store.timeseries(query, expectedRoutes(await context.store.routes(), context.keepHealthRoutes));
  const [series, rawSinceMs] = await Promise.all([seriesOf(), context.store.rawSinceMs()]);
  // Before rawSinceMs only whole hours are known: a bucket narrower than an hour, or a range end inside an hour, counts nothing there.
  const partial = rawSinceMs !== undefined && sinceMs < rawSinceMs && (chosen % 3_600_000 !== 0 || sinceMs % 3_600_000 !== 0 || (untilMs < rawSinceMs && untilMs % 3_600_000 !== 0));
  sendJson(res, 200, rawSinceMs === undefined ? { bucketMs: chosen, series } : { bucketMs: chosen, series, rawDetail: { sinceMs: rawSinceMs, partial } });
}

async function receiveRoutes(req: IncomingMessage, res: ServerResponse, context: ApiContext): Promise<void> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return sendError(res, 415, `POST /api/routes takes application/json, got ${JSON.stringify(type)}: send what listRoutes(app) returns`);
  }
  const read = await readBody(req, MAX_ROUTES_BODY_BYTES);
  if (!read.ok) return sendError(res, read.status, read.error, undefined, { connection: 'close' });
  let value: unknown;
  try {
    value = JSON.parse(read.body.toString('utf8'));
  } catch (error) {
    return sendError(res, 400, `body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  let routes: DeclaredRoute[];
  try {
    routes = parseRoutesInput(value, 'POST /api/routes');
  } catch (error) {
    return sendError(res, 400, error instanceof Error ? error.message : String(error));
  }
  await context.store.setRoutes(routes);
  sendJson(res, 200, { routes: routes.length });
}
