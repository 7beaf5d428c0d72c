import type BetterSqlite3 from 'better-sqlite3';
import type { InventoryMatch } from '../route-match.js';
import { compareRoutes, matchInventory } from '../route-match.js';
import type { DeclaredRoute, EndpointSummary, EndpointsReport, TimeRange } from '../types.js';
import { histogramPercentile } from './duration-buckets.js';
import type { ClientCounts } from './count-clients.js';
import { createCountClients } from './count-clients.js';
import type { EndpointGroups } from './endpoint-groups.js';
import { groupEndpoints } from './endpoint-groups.js';
import { createDayFolder } from './fold-days.js';
import { readRawSince } from './prune-raw-hits.js';
import { IS_PAGE_VIEW_SQL } from './page-views.js';
import type { FoldSplit, RangePlan } from './time-grains.js';
import { hourSpans, planRange, splitAtFold } from './time-grains.js';
import type { UsageCounts } from './rollup-rows.js';

export type EndpointsQuery = (range: TimeRange, declared: readonly DeclaredRoute[]) => EndpointsReport;

/** What one endpoint adds up to over the parts of a range. */
export interface Tally extends UsageCounts {
  readonly histogram: Map<number, number>;
}

export type Row = unknown[];

/**
 * `endpoints(range)`: whole hours from the rollups, the partial hours at either end from raw
 * hits (see planRange), each endpoint's parts summed and its duration histograms merged here.
 * Durations and clients read whole days from the daily rollups (up to the fold mark, see
 * fold-days) and every other hour from the hourly ones; distinct clients are counted in
 * SQLite (count-clients).
 */
export function createEndpointsQuery(db: BetterSqlite3.Database): EndpointsQuery {
  const q = prepareReads(db);
  const folder = createDayFolder(db);
  const countClients = createCountClients(db);
  const rawSince = readRawSince(db);
  // One read transaction: the fold mark and the rollups it partitions come from one snapshot.
  return db.transaction((range: TimeRange, declared: readonly DeclaredRoute[]) => {
    const plan = planRange(range);
    const split = splitAtFold(plan.days, folder.foldedBeforeDay());
    const tallies = new Map<number, Tally>();
    const tally = (endpointId: unknown): Tally => tallyOf(tallies, Number(endpointId));
    if (plan.hours !== null) addTotals(q.hourlyTotals.all(plan.hours[0], plan.hours[1]) as Row[], tally);
    for (const [from, to] of plan.raw) addTotals(q.rawTotals.all(from, to) as Row[], tally);
    for (const row of durationRows(q, plan, split)) addDurations(row, tally);
    const inventory = declared.length === 0 ? undefined : matchInventory(declared);
    const groups = groupEndpoints(new Map([...tallies].map(([id, t]) => [id, t.hits])), endpointNames(q), inventory);
    const report = summarise(range, mergeTallies(tallies, groups), countClients(plan, split, groups.groupOf), groups, inventory, new Set(declared.map((route) => `${route.method.toUpperCase()} ${route.route}`)).size);
    const sinceMs = rawSince();
    return sinceMs === undefined ? report : { ...report, rawDetail: { sinceMs, partial: plan.raw.some(([from]) => from < sinceMs) } };
  });
}

function prepareReads(db: BetterSqlite3.Database) {
  const totals = 'endpoint_id, count(*), count(CASE WHEN status >= 500 THEN 1 END), count(CASE WHEN status >= 400 AND status < 500 THEN 1 END), count(status), min(time_ms), max(time_ms)';
  return {
    hourlyTotals: db.prepare('SELECT endpoint_id, sum(hits), sum(server_errors), sum(client_errors), sum(known_status), min(first_ms), max(last_ms) FROM hourly WHERE hour >= ? AND hour < ? GROUP BY endpoint_id').raw(),
    rawTotals: db.prepare(`SELECT ${totals} FROM hits WHERE time_ms >= ? AND time_ms < ? AND ${IS_PAGE_VIEW_SQL} GROUP BY endpoint_id`).raw(),
    dailyDurations: db.prepare('SELECT endpoint_id, bucket, sum(count) FROM daily_durations WHERE day >= ? AND day < ? GROUP BY endpoint_id, bucket').raw(),
    hourlyDurations: db.prepare('SELECT endpoint_id, bucket, sum(count) FROM hourly_durations WHERE hour >= ? AND hour < ? GROUP BY endpoint_id, bucket').raw(),
    rawDurations: db.prepare(`SELECT endpoint_id, dur_bucket, count(*) FROM hits WHERE time_ms >= ? AND time_ms < ? AND dur_bucket IS NOT NULL AND ${IS_PAGE_VIEW_SQL} GROUP BY endpoint_id, dur_bucket`).raw(),
    endpointNames: db.prepare('SELECT id, method, route FROM endpoints').raw(),
  };
}

type Reads = ReturnType<typeof prepareReads>;

function* durationRows(q: Reads, plan: RangePlan, split: FoldSplit): Generator<Row> {
  if (split.daily !== null) yield* q.dailyDurations.all(split.daily[0], split.daily[1]) as Row[];
  for (const [from, to] of hourSpans(plan, split)) yield* q.hourlyDurations.all(from, to) as Row[];
  for (const [from, to] of plan.raw) yield* q.rawDurations.all(from, to) as Row[];
}

export function tallyOf(tallies: Map<number, Tally>, endpointId: number): Tally {
  let tally = tallies.get(endpointId);
  if (tally === undefined) {
    tally = { hits: 0, serverErrors: 0, clientErrors: 0, knownStatus: 0, firstMs: Infinity, lastMs: -Infinity, histogram: new Map() };
    tallies.set(endpointId, tally);
  }
  return tally;
}

export function addTotals(rows: readonly Row[], tally: (endpointId: unknown) => Tally): void {
  for (const [endpointId, hits, serverErrors, clientErrors, knownStatus, firstMs, lastMs] of rows) {
    const t = tally(endpointId);
    t.hits += Number(hits);
    t.serverErrors += Number(serverErrors);
    t.clientErrors += Number(clientErrors);
    t.knownStatus += Number(knownStatus);
    t.firstMs = Math.min(t.firstMs, Number(firstMs));
    t.lastMs = Math.max(t.lastMs, Number(lastMs));
  }
}

export function addDurations([endpointId, bucket, count]: Row, tally: (endpointId: unknown) => Tally): void {
  const histogram = tally(endpointId).histogram;
  const key = Number(bucket);
  histogram.set(key, (histogram.get(key) ?? 0) + Number(count));
}

function endpointNames(q: Reads): Map<number, DeclaredRoute> {
  return new Map((q.endpointNames.all() as Row[]).map(([id, method, route]) => [Number(id), { method: String(method), route: String(route) }]));
}

/** The tallies of each group's endpoints added up, keyed by group id. */
export function mergeTallies(tallies: ReadonlyMap<number, Tally>, groups: EndpointGroups): Map<number, Tally> {
  const merged = new Map<number, Tally>();
  for (const [endpointId, t] of tallies) {
    const group = groups.groupOf.get(endpointId);
    if (group === undefined) continue;
    const into = tallyOf(merged, group);
    addTotals([[group, t.hits, t.serverErrors, t.clientErrors, t.knownStatus, t.firstMs, t.lastMs]], () => into);
    for (const [bucket, count] of t.histogram) into.histogram.set(bucket, (into.histogram.get(bucket) ?? 0) + count);
  }
  return merged;
}

export function summarise(range: TimeRange, tallies: ReadonlyMap<number, Tally>, clients: ClientCounts, groups: EndpointGroups, inventory: InventoryMatch | undefined, declared: number): EndpointsReport {
  const endpoints: EndpointSummary[] = [];
  let hits = 0;
  for (const [group, t] of tallies) {
    const row = groups.rows.get(group);
    if (row === undefined || t.hits === 0) continue;
    hits += t.hits;
    endpoints.push({
      method: row.method,
      route: row.route,
      hits: t.hits,
      clients: clients.perEndpoint.get(group) ?? 0,
      serverErrors: t.serverErrors,
      clientErrors: t.clientErrors,
      errorRate: t.knownStatus === 0 ? 0 : t.serverErrors / t.knownStatus,
      p50Ms: histogramPercentile(t.histogram, 0.5),
      p95Ms: histogramPercentile(t.histogram, 0.95),
      firstSeenMs: t.firstMs,
      lastSeenMs: t.lastMs,
      declared: row.declared,
    });
  }
  endpoints.sort((a, b) => b.hits - a.hits || compareRoutes(a, b));
  return { range: { ...range }, endpoints, unused: inventory?.unused(endpoints) ?? [], clients: clients.total, hits, declared };
}
