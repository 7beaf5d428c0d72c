import type { PoolClient } from 'pg';
import { matchInventory } from '../../route-match.js';
import type { DeclaredRoute, EndpointsReport, TimeRange, TimeSeries, TimeSeriesQuery } from '../../types.js';
import { sharedGroups, tally as tallyClients } from '../count-clients.js';
import type { ClientCounts } from '../count-clients.js';
import { groupEndpoints } from '../endpoint-groups.js';
import { addDurations, addTotals, mergeTallies, summarise, tallyOf } from '../endpoints-query.js';
import type { Row, Tally } from '../endpoints-query.js';
import { IS_PAGE_VIEW_SQL } from '../page-views.js';
import { RAW_SINCE } from '../prune-raw-hits.js';
import type { Span } from '../time-grains.js';
import { planRange } from '../time-grains.js';
import type { Counts } from '../timeseries-query.js';
import { addSeriesRows, reportedNames, seriesFilter, seriesReads, toSeries } from '../timeseries-query.js';

const EMPTY: Span = [0, 0];

/**
 * A raw span in whole ms: `time_ms` is a whole number, so `time_ms >= from` holds exactly when
 * `time_ms >= ceil(from)` (and so for `<`), and a range may have fractions that a bigint
 * parameter refuses. Hour indexes are compared as bigint: an open or far range goes past int4.
 */
function wholeMs([from, to]: Span): Span {
  return [Math.ceil(from), Math.ceil(to)];
}

/** Rows as arrays, in column order, like better-sqlite3's `.raw()`. */
export async function rows(client: PoolClient, text: string, values: readonly unknown[]): Promise<Row[]> {
  const result = await client.query<Row>({ text, values: [...values], rowMode: 'array' });
  return result.rows;
}

/**
 * `endpoints(range)` on PostgreSQL, planned as on SQLite (planRange): whole hours from the
 * hourly rollups, the partial hours at either end from raw hits; endpoints grouped and
 * summed by the same code (endpoint-groups, endpoints-query). This store has no daily
 * rollups: durations and distinct clients of whole days are read from the hourly ones, which
 * the daily ones only sum up, so the answers are the same. Call inside one read transaction.
 */
export async function pgEndpoints(client: PoolClient, range: TimeRange, declared: readonly DeclaredRoute[]): Promise<EndpointsReport> {
  const plan = planRange(range);
  const tallies = new Map<number, Tally>();
  const tally = (endpointId: unknown): Tally => tallyOf(tallies, Number(endpointId));
  // One connection runs one query at a time: the parts are read one after the other.
  const hours = plan.hours ?? EMPTY;
  const parts = async (hourly: string, raw: string): Promise<Row[][]> => {
    const found = [await rows(client, hourly, hours)];
    for (const span of plan.raw) found.push(await rows(client, raw, wholeMs(span)));
    return found;
  };
  const totals = await parts(
    'SELECT endpoint_id, sum(hits), sum(server_errors), sum(client_errors), sum(known_status), min(first_ms), max(last_ms) FROM hourly WHERE hour >= $1::bigint AND hour < $2::bigint GROUP BY endpoint_id',
    `SELECT endpoint_id, count(*), count(CASE WHEN status >= 500 THEN 1 END), count(CASE WHEN status >= 400 AND status < 500 THEN 1 END), count(status), min(time_ms), max(time_ms)
      FROM hits WHERE time_ms >= $1 AND time_ms < $2 AND ${IS_PAGE_VIEW_SQL} GROUP BY endpoint_id`,
  );
  for (const part of totals) addTotals(part, tally);
  const durations = await parts(
    'SELECT endpoint_id, bucket, sum(count) FROM hourly_durations WHERE hour >= $1::bigint AND hour < $2::bigint GROUP BY endpoint_id, bucket',
    `SELECT endpoint_id, dur_bucket, count(*) FROM hits WHERE time_ms >= $1 AND time_ms < $2 AND dur_bucket IS NOT NULL AND ${IS_PAGE_VIEW_SQL} GROUP BY endpoint_id, dur_bucket`,
  );
  for (const part of durations) for (const row of part) addDurations(row, tally);
  const names = await endpointNames(client);
  const inventory = declared.length === 0 ? undefined : matchInventory(declared);
  const groups = groupEndpoints(new Map([...tallies].map(([id, t]) => [id, t.hits])), names, inventory);
  const clients = await countClients(client, hours, plan.raw, groups.groupOf);
  const declaredCount = new Set(declared.map((route) => `${route.method.toUpperCase()} ${route.route}`)).size;
  const report = summarise(range, mergeTallies(tallies, groups), clients, groups, inventory, declaredCount);
  const sinceMs = await readRawSince(client);
  return sinceMs === undefined ? report : { ...report, rawDetail: { sinceMs, partial: plan.raw.some(([from]) => from < sinceMs) } };
}

async function endpointNames(client: PoolClient): Promise<Map<number, DeclaredRoute>> {
  return new Map((await rows(client, 'SELECT id, method, route FROM endpoints', [])).map(([id, method, route]) => [Number(id), { method: String(method), route: String(route) }]));
}

/**
 * Distinct clients per endpoint and overall, counted in PostgreSQL as SQLite counts them
 * (count-clients): the (endpoint, client) pairs of the whole hours and of the raw edges,
 * deduplicated by UNION, counted per endpoint and overall; the pairs of endpoints that share
 * a report row come back to be counted per row here.
 */
async function countClients(client: PoolClient, hours: Span, raw: readonly Span[], groupOf: ReadonlyMap<number, number>): Promise<ClientCounts> {
  if (raw.length > 2) throw new Error(`internal: ${raw.length} raw spans`);
  const [r0, r1] = [wholeMs(raw[0] ?? EMPTY), wholeMs(raw[1] ?? EMPTY)];
  const shared = sharedGroups(groupOf);
  const result = await rows(client, `WITH pairs AS MATERIALIZED (
      SELECT endpoint_id, client_id FROM hourly_clients WHERE hour >= $1::bigint AND hour < $2::bigint
      UNION SELECT endpoint_id, client_id FROM hits WHERE time_ms >= $3 AND time_ms < $4 AND ${IS_PAGE_VIEW_SQL}
      UNION SELECT endpoint_id, client_id FROM hits WHERE time_ms >= $5 AND time_ms < $6 AND ${IS_PAGE_VIEW_SQL}
    )
    SELECT 0, endpoint_id, count(*) FROM pairs GROUP BY endpoint_id
    UNION ALL SELECT 1, NULL, count(DISTINCT client_id) FROM pairs
    UNION ALL SELECT 2, endpoint_id, client_id FROM pairs WHERE endpoint_id = ANY($7::int[])`, [hours[0], hours[1], r0[0], r0[1], r1[0], r1[1], [...shared.keys()]]);
  return tallyClients(result, shared);
}

/**
 * `timeseries(query)` on PostgreSQL, as on SQLite (timeseries-query): buckets of whole hours
 * from the hourly rollup plus the raw edges, other widths from raw hits; named and merged by
 * the same code. Call inside one read transaction.
 */
export async function pgTimeseries(client: PoolClient, query: TimeSeriesQuery, declared: readonly DeclaredRoute[]): Promise<TimeSeries[]> {
  const names = reportedNames(await rows(client, 'SELECT id, method, route FROM endpoints', []), declared);
  const only = seriesFilter(names, query);
  const counts: Counts = new Map();
  for (const { span, hourly } of seriesReads(query)) {
    const params: unknown[] = hourly ? [span[0], span[1]] : [...wholeMs(span), query.bucketMs];
    if (only !== undefined) params.push(only);
    const filter = only === undefined ? '' : ` AND endpoint_id = ANY($${params.length}::int[])`;
    const sql = hourly
      ? `SELECT endpoint_id, hour, hits FROM hourly WHERE hour >= $1::bigint AND hour < $2::bigint${filter}`
      : `SELECT endpoint_id, time_ms - ((time_ms % $3::bigint) + $3::bigint) % $3::bigint, count(*) FROM hits
          WHERE time_ms >= $1 AND time_ms < $2 AND ${IS_PAGE_VIEW_SQL}${filter} GROUP BY 1, 2`;
    addSeriesRows(counts, await rows(client, sql, params), hourly, query.bucketMs);
  }
  return toSeries(counts, names);
}

/** When raw hits are complete from (epoch ms), or undefined when none were ever pruned. */
export async function readRawSince(client: PoolClient): Promise<number | undefined> {
  const [row] = await rows(client, 'SELECT value FROM store_state WHERE key = $1', [RAW_SINCE]);
  return row === undefined ? undefined : Number(row[0]);
}
