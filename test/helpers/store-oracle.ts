// A brute-force model of the store's reports: the same answers computed by filtering an array
// of every hit, for the tests to compare the rollup-based queries against.
import { routeShape } from '../../src/collector/route-match.js';
import { durationBucket, histogramPercentile } from '../../src/collector/store/duration-buckets.js';
import type { DeclaredRoute, EndpointSummary, EndpointsReport, IncomingHit, TimeRange, TimeSeries, TimeSeriesQuery } from '../../src/collector/types.js';

/**
 * What the store keeps of hits given in this order: each (client, hit id) once, the first to
 * arrive; hits without an id all. `duplicates` are the indexes of the others.
 */
export function uniqueHits(hits: readonly IncomingHit[]): { kept: IncomingHit[]; duplicates: number[] } {
  const seen = new Set<string>();
  const kept: IncomingHit[] = [];
  const duplicates: number[] = [];
  hits.forEach((hit, index) => {
    const key = hit.hitId === undefined ? undefined : JSON.stringify([hit.client, hit.hitId]);
    if (key !== undefined && seen.has(key)) return void duplicates.push(index);
    if (key !== undefined) seen.add(key);
    kept.push(hit);
  });
  return { kept, duplicates };
}

export function inRange(hit: IncomingHit, range: TimeRange): boolean {
  return (range.sinceMs === undefined || hit.timeMs >= range.sinceMs) && (range.untilMs === undefined || hit.timeMs < range.untilMs);
}

/** Declared and recorded routes match by shape: parameter names do not count (route-match). */
function sameShape(a: string, b: string): boolean {
  return routeShape(a) === routeShape(b);
}

function byRoute(a: DeclaredRoute, b: DeclaredRoute): number {
  if (a.route !== b.route) return a.route < b.route ? -1 : 1;
  return a.method === b.method ? 0 : a.method < b.method ? -1 : 1;
}

export function expectedEndpoints(hits: readonly IncomingHit[], range: TimeRange, declared: readonly DeclaredRoute[] = []): EndpointsReport {
  const groups = new Map<string, IncomingHit[]>();
  for (const hit of hits.filter((h) => inRange(h, range))) {
    const key = `${hit.method} ${hit.route}`;
    groups.set(key, [...(groups.get(key) ?? []), hit]);
  }
  const endpoints: EndpointSummary[] = [...groups.values()].map((group) => {
    const first = group[0] as IncomingHit;
    const known = group.filter((h) => h.status !== undefined);
    const serverErrors = known.filter((h) => (h.status ?? 0) >= 500).length;
    const histogram = new Map<number, number>();
    for (const hit of group) {
      const bucket = durationBucket(hit.durationMs);
      if (bucket !== null) histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
    }
    return {
      method: first.method,
      route: first.route,
      hits: group.length,
      clients: new Set(group.map((h) => h.client)).size,
      serverErrors,
      clientErrors: known.filter((h) => (h.status ?? 0) >= 400 && (h.status ?? 0) < 500).length,
      errorRate: known.length === 0 ? 0 : serverErrors / known.length,
      p50Ms: histogramPercentile(histogram, 0.5),
      p95Ms: histogramPercentile(histogram, 0.95),
      firstSeenMs: Math.min(...group.map((h) => h.timeMs)),
      lastSeenMs: Math.max(...group.map((h) => h.timeMs)),
      declared: declared.some((d) => sameShape(d.route, first.route) && (d.method === first.method || d.method === 'ALL')),
    };
  });
  endpoints.sort((a, b) => b.hits - a.hits || byRoute(a, b));
  const unused = declared.filter((d) => !endpoints.some((e) => sameShape(e.route, d.route) && (d.method === 'ALL' || d.method === e.method))).sort(byRoute);
  const inside = hits.filter((h) => inRange(h, range));
  return { range, endpoints, unused, clients: new Set(inside.map((h) => h.client)).size, hits: inside.length, declared: declared.length };
}

export function expectedTimeseries(hits: readonly IncomingHit[], query: TimeSeriesQuery): TimeSeries[] {
  const series = new Map<string, { method: string; route: string; buckets: Map<number, number>; total: number }>();
  for (const hit of hits) {
    if (!inRange(hit, query) || (query.route !== undefined && hit.route !== query.route) || (query.method !== undefined && hit.method !== query.method)) continue;
    const key = `${hit.method} ${hit.route}`;
    const entry = series.get(key) ?? { method: hit.method, route: hit.route, buckets: new Map<number, number>(), total: 0 };
    series.set(key, entry);
    const start = Math.floor(hit.timeMs / query.bucketMs) * query.bucketMs;
    entry.buckets.set(start, (entry.buckets.get(start) ?? 0) + 1);
    entry.total++;
  }
  return [...series.values()]
    .sort((a, b) => b.total - a.total || byRoute(a, b))
    .map(({ method, route, buckets }) => ({ method, route, points: [...buckets].sort((a, b) => a[0] - b[0]) }));
}
