import type BetterSqlite3 from 'better-sqlite3';
import type { DeclaredRoute, TimeSeries, TimeSeriesQuery } from '../types.js';
import { compareRoutes, matchInventory } from '../route-match.js';
import { reportedAs } from './endpoint-groups.js';
import type { Span } from './time-grains.js';
import { IS_PAGE_VIEW_SQL } from './page-views.js';
import { HOUR_MS, planRange } from './time-grains.js';

export type TimeseriesQuery = (query: TimeSeriesQuery, declared: readonly DeclaredRoute[]) => TimeSeries[];

type Row = unknown[];
/** endpoint id -> bucket start -> hits */
export type Counts = Map<number, Map<number, number>>;

/**
 * Hits per endpoint per bucket (bucket start = floor(time / bucketMs) * bucketMs). When the
 * bucket is a whole number of hours every hour falls in one bucket, so whole hours come from
 * the hourly rollup and only the partial hours at the ends from raw hits; other widths count
 * raw hits through the time index.
 */
export function createTimeseriesQuery(db: BetterSqlite3.Database): TimeseriesQuery {
  const bucketed = 'time_ms - ((time_ms % @bucketMs) + @bucketMs) % @bucketMs';
  const q = {
    raw: db.prepare(`SELECT endpoint_id, ${bucketed}, count(*) FROM hits WHERE time_ms >= @from AND time_ms < @to AND ${IS_PAGE_VIEW_SQL} GROUP BY 1, 2`).raw(),
    rawSome: db.prepare(`SELECT endpoint_id, ${bucketed}, count(*) FROM hits WHERE time_ms >= @from AND time_ms < @to AND ${IS_PAGE_VIEW_SQL}
      AND endpoint_id IN (SELECT value FROM json_each(@endpointIds)) GROUP BY 1, 2`).raw(),
    hourly: db.prepare('SELECT endpoint_id, hour, hits FROM hourly WHERE hour >= @from AND hour < @to').raw(),
    hourlySome: db.prepare('SELECT endpoint_id, hour, hits FROM hourly WHERE hour >= @from AND hour < @to AND endpoint_id IN (SELECT value FROM json_each(@endpointIds))').raw(),
    endpoints: db.prepare('SELECT id, method, route FROM endpoints').raw(),
  };
  // One read transaction, so the hourly rollup and the raw edges come from one snapshot.
  return db.transaction((query: TimeSeriesQuery, declared: readonly DeclaredRoute[]) => {
    const names = reportedNames(q.endpoints.all() as Row[], declared);
    const only = seriesFilter(names, query);
    const counts: Counts = new Map();
    for (const { span, hourly } of seriesReads(query)) {
      const params = { from: span[0], to: span[1], bucketMs: query.bucketMs };
      const [all, some] = hourly ? [q.hourly, q.hourlySome] : [q.raw, q.rawSome];
      addSeriesRows(counts, (only === undefined ? all.all(params) : some.all({ ...params, endpointIds: JSON.stringify(only) })) as Row[], hourly, query.bucketMs);
    }
    return toSeries(counts, names);
  });
}

/** The endpoints one route (and method) of `query` covers, or undefined for all. */
export function seriesFilter(names: ReadonlyMap<number, { method: string; route: string }>, query: TimeSeriesQuery): number[] | undefined {
  if (query.route === undefined) return undefined;
  return [...names].filter(([, name]) => name.route === query.route && (query.method === undefined || name.method === query.method)).map(([id]) => id);
}

/**
 * What to read for `query`: with buckets of whole hours, the whole hours from the hourly rollup
 * (`hourly`, hour numbers) and the partial hours at the ends from raw hits; otherwise every raw
 * hit of the range, bucketed in SQL.
 */
export function seriesReads(query: TimeSeriesQuery): { readonly span: Span; readonly hourly: boolean }[] {
  const plan = planRange(query);
  if (query.bucketMs % HOUR_MS === 0) {
    return [...(plan.hours === null ? [] : [{ span: plan.hours, hourly: true }]), ...plan.raw.map((span) => ({ span, hourly: false }))];
  }
  return plan.untilMs > plan.sinceMs ? [{ span: [plan.sinceMs, plan.untilMs], hourly: false }] : [];
}

/** Rows of (endpoint id, bucket start — or hour number when `hourly` —, hits) into `counts`. */
export function addSeriesRows(counts: Counts, rows: readonly Row[], hourly: boolean, bucketMs: number): void {
  for (const [endpointId, start, hits] of rows) {
    const bucketStartMs = hourly ? Math.floor((Number(start) * HOUR_MS) / bucketMs) * bucketMs : Number(start);
    add(counts, Number(endpointId), bucketStartMs, Number(hits));
  }
}

/**
 * Each endpoint's name in the series: with an inventory, the row `endpoints()` reports it
 * under (its declared template, or the :id fallback; the `(undeclared)` fold is not applied).
 */
export function reportedNames(rows: readonly Row[], declared: readonly DeclaredRoute[]): Map<number, { method: string; route: string }> {
  const inventory = declared.length === 0 ? undefined : matchInventory(declared);
  return new Map(rows.map(([id, method, route]) => {
    const name = { method: String(method), route: String(route) };
    const row = inventory === undefined ? name : reportedAs(name, inventory);
    return [Number(id), { method: row.method, route: row.route }];
  }));
}

export function add(counts: Counts, endpointId: number, bucketStartMs: number, hits: number): void {
  let buckets = counts.get(endpointId);
  if (buckets === undefined) counts.set(endpointId, (buckets = new Map()));
  buckets.set(bucketStartMs, (buckets.get(bucketStartMs) ?? 0) + hits);
}

/** One series per name: endpoints reported under one name (a template's raw paths) are added up. */
export function toSeries(counts: Counts, names: ReadonlyMap<number, { method: string; route: string }>): TimeSeries[] {
  const merged = new Map<string, { method: string; route: string; buckets: Map<number, number> }>();
  for (const [endpointId, buckets] of counts) {
    const name = names.get(endpointId);
    if (name === undefined) continue;
    const key = `${name.method} ${name.route}`;
    const into = merged.get(key) ?? { ...name, buckets: new Map<number, number>() };
    for (const [start, hits] of buckets) into.buckets.set(start, (into.buckets.get(start) ?? 0) + hits);
    merged.set(key, into);
  }
  const series: (TimeSeries & { total: number })[] = [];
  for (const { method, route, buckets } of merged.values()) {
    const points = [...buckets].sort((a, b) => a[0] - b[0]);
    series.push({ method, route, points, total: points.reduce((sum, [, hits]) => sum + hits, 0) });
  }
  series.sort((a, b) => b.total - a.total || compareRoutes(a, b));
  return series.map(({ method, route, points }) => ({ method, route, points }));
}
