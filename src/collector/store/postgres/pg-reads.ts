import type { PoolClient } from 'pg';
import { matchInventory } from '../../route-match.js';
import type { DeclaredRoute, EndpointsReport, TimeRange, TimeSeries, TimeSeriesQuery } from '../../types.js';
import { sharedGroups } from '../count-clients.js';
import { CHUNK_BITS, createClientChunks } from '../client-chunks.js';
import type { ClientCounts } from '../count-clients.js';
import { groupEndpoints } from '../endpoint-groups.js';
import { addDurations, addTotals, mergeTallies, summarise, tallyOf } from '../endpoints-query.js';
import type { Row, Tally } from '../endpoints-query.js';
import { IS_PAGE_VIEW_SQL } from '../page-views.js';
import { RAW_SINCE } from '../prune-raw-hits.js';
import { FOLDED_BEFORE } from '../fold-days.js';
import type { FoldSplit, RangePlan, Span } from '../time-grains.js';
import { HOURS_PER_DAY, HOUR_MS, blockMasks, hourSpans, planRange, splitAtFold } from '../time-grains.js';
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

/** A connection checked out of the pool, or the pool itself (a query on whichever connection is free). */
export type Queryable = Pick<PoolClient, 'query'>;

/** Rows as arrays, in column order, like better-sqlite3's `.raw()`. */
export async function rows(client: Queryable, text: string, values: readonly unknown[]): Promise<Row[]> {
  const result = await client.query<Row>({ text, values: [...values], rowMode: 'array' });
  return result.rows;
}

/**
 * `endpoints(range)` on PostgreSQL, planned as on SQLite (planRange, splitAtFold): whole hours
 * from the hourly rollups, the partial hours at either end from raw hits; durations and clients
 * of the folded whole days from the daily rollups, of every other whole hour from the hourly
 * ones (the clients of whole days not folded from day_clients); endpoints grouped and summed by the same code (endpoint-groups, endpoints-query). Call
 * inside one read transaction: the fold mark and the rollups it splits come from one snapshot.
 */
export async function pgEndpoints(client: PoolClient, range: TimeRange, declared: readonly DeclaredRoute[]): Promise<EndpointsReport> {
  const plan = planRange(range);
  const split = splitAtFold(plan.days, await readFoldedBeforeDay(client));
  const tallies = new Map<number, Tally>();
  const tally = (endpointId: unknown): Tally => tallyOf(tallies, Number(endpointId));
  // One connection runs one query at a time: the parts are read one after the other.
  if (plan.hours !== null) {
    addTotals(await rows(client, 'SELECT endpoint_id, sum(hits), sum(server_errors), sum(client_errors), sum(known_status), min(first_ms), max(last_ms) FROM hourly_all WHERE hour >= $1::bigint AND hour < $2::bigint GROUP BY endpoint_id', plan.hours), tally);
  }
  for (const span of plan.raw) {
    addTotals(await rows(client, `SELECT endpoint_id, count(*), count(CASE WHEN status >= 500 THEN 1 END), count(CASE WHEN status >= 400 AND status < 500 THEN 1 END), count(status), min(time_ms), max(time_ms)
      FROM hits WHERE time_ms >= $1 AND time_ms < $2 AND ${IS_PAGE_VIEW_SQL} GROUP BY endpoint_id`, wholeMs(span)), tally);
  }
  for (const row of await durationRows(client, plan, split)) addDurations(row, tally);
  const names = await endpointNames(client);
  const inventory = declared.length === 0 ? undefined : matchInventory(declared);
  const groups = groupEndpoints(new Map([...tallies].map(([id, t]) => [id, t.hits])), names, inventory);
  const clients = await countClients(client, plan, split, groups.groupOf);
  const declaredCount = new Set(declared.map((route) => `${route.method.toUpperCase()} ${route.route}`)).size;
  const report = summarise(range, mergeTallies(tallies, groups), clients, groups, inventory, declaredCount);
  const sinceMs = await readRawSince(client);
  return sinceMs === undefined ? report : { ...report, rawDetail: { sinceMs, partial: plan.raw.some(([from]) => from < sinceMs) } };
}

/** Duration histogram rows (endpoint, bucket, count): folded days daily, other whole hours hourly, the edges raw. */
async function durationRows(client: PoolClient, plan: RangePlan, split: FoldSplit): Promise<Row[]> {
  const found: Row[] = [];
  if (split.daily !== null) found.push(...await rows(client, 'SELECT endpoint_id, bucket, sum(count) FROM daily_durations WHERE day >= $1::bigint AND day < $2::bigint GROUP BY endpoint_id, bucket', split.daily));
  for (const span of hourSpans(plan, split)) {
    found.push(...await rows(client, 'SELECT endpoint_id, bucket, sum(count) FROM hourly_durations_all WHERE hour >= $1::bigint AND hour < $2::bigint GROUP BY endpoint_id, bucket', span));
  }
  for (const span of plan.raw) {
    found.push(...await rows(client, `SELECT endpoint_id, dur_bucket, count(*) FROM hits WHERE time_ms >= $1 AND time_ms < $2 AND dur_bucket IS NOT NULL AND ${IS_PAGE_VIEW_SQL} GROUP BY endpoint_id, dur_bucket`, wholeMs(span)));
  }
  return found;
}

async function endpointNames(client: PoolClient): Promise<Map<number, DeclaredRoute>> {
  return new Map((await rows(client, 'SELECT id, method, route FROM endpoints', [])).map(([id, method, route]) => [Number(id), { method: String(method), route: String(route) }]));
}

/** Hour edges one report may read outside whole days (planRange: one at each end). */
const EDGE_SPANS = 2;

/**
 * Distinct clients per endpoint and overall, as SQLite counts them (count-clients): the
 * (endpoint, client) pairs of the folded days (client_days masks), of the whole days not folded
 * (day_clients, where SQLite reads their hours), of the hour edges outside whole days and of the
 * raw edges; endpoints that share a report row counted as one (their group's id).
 *
 * PostgreSQL does not deduplicate the pairs: bench/pg-report's 873 000 rows into 200 000 pairs
 * took a hash of 34 MB and most of the report's time (410-800 ms of that query). It sends each
 * report key's client ids instead, one row per (key, chunk of 2^16 ids) holding the low two bytes
 * of each (base64: 4 bytes as int4send in hex cost 20-70 ms more to send and decode), and
 * client-chunks.ts counts them in bitsets as the rows arrive: 230-260 ms for the same answer
 * (measured side by side). A row holds at most 2^16 ids times the spans they repeat over, and is
 * not kept once counted.
 */
async function countClients(client: PoolClient, plan: RangePlan, split: FoldSplit, groupOf: ReadonlyMap<number, number>): Promise<ClientCounts> {
  if (plan.raw.length > 2 || plan.edgeHours.length > EDGE_SPANS) throw new Error(`internal: ${plan.raw.length} raw and ${plan.edgeHours.length} edge spans`);
  const masks = split.daily === null ? { first: { block: 1, mask: 0 }, last: { block: 0, mask: 0 } } : blockMasks(split.daily);
  const recentDays = split.hourly === null ? EMPTY : [split.hourly[0] / HOURS_PER_DAY, split.hourly[1] / HOURS_PER_DAY];
  const params: unknown[] = [masks.first.block, masks.last.block, masks.first.mask, masks.last.mask, ...recentDays];
  const edges = Array.from({ length: EDGE_SPANS }, (_, i) => {
    params.push(...(plan.edgeHours[i] ?? EMPTY));
    return `SELECT endpoint_id, client_id FROM hourly_clients_all WHERE hour >= $${params.length - 1}::bigint AND hour < $${params.length}::bigint`;
  });
  const raw = [0, 1].map((i) => {
    params.push(...wholeMs(plan.raw[i] ?? EMPTY));
    return `SELECT endpoint_id, client_id FROM hits WHERE time_ms >= $${params.length - 1} AND time_ms < $${params.length} AND ${IS_PAGE_VIEW_SQL}`;
  });
  const shared = sharedGroups(groupOf);
  let key = 'pairs.endpoint_id';
  let join = '';
  if (shared.size > 0) {
    params.push([...shared.keys()], [...shared.values()]);
    key = 'coalesce(grouped.report_key, pairs.endpoint_id)';
    join = ` LEFT JOIN unnest($${params.length - 1}::int[], $${params.length}::int[]) AS grouped (endpoint_id, report_key) USING (endpoint_id)`;
  }
  const chunks = createClientChunks();
  await streamRows<ChunkRow>(client, `SELECT ${key} AS report_key, pairs.client_id >> ${CHUNK_BITS} AS chunk,
      encode(string_agg(substring(int4send(pairs.client_id) from 3), ''::bytea), 'base64') AS lows FROM (
      SELECT endpoint_id, client_id FROM client_days WHERE block >= $1::bigint AND block <= $2::bigint
        AND (days & CASE block WHEN $1::bigint THEN $3::bigint WHEN $2::bigint THEN $4::bigint ELSE 4294967295 END) <> 0
      UNION ALL SELECT endpoint_id, client_id FROM day_clients_all WHERE day >= $5::bigint AND day < $6::bigint
      UNION ALL ${[...edges, ...raw].join(' UNION ALL ')}
    ) AS pairs${join} GROUP BY 1, 2`, params, (row) => {
    chunks.add(row.report_key, row.chunk, Buffer.from(row.lows, 'base64'));
  });
  return chunks.counts();
}

/** A row of the client count: a report key, a chunk of client ids, and the low two bytes of its ids, in base64. */
interface ChunkRow {
  readonly report_key: number;
  readonly chunk: number;
  readonly lows: string;
}

/**
 * Runs a query and hands each row to `onRow` as it arrives, keeping none (pg's Query keeps rows
 * only when it has no 'row' listener). pg is loaded here as the store loads it: lazily, and by
 * then it is loaded.
 */
async function streamRows<T>(client: PoolClient, text: string, values: readonly unknown[], onRow: (row: T) => void): Promise<void> {
  const { Query } = (await import('pg')).default;
  await new Promise<void>((resolve, reject) => {
    const query = new Query({ text, values: [...values] });
    query.on('row', (row: T) => {
      try {
        onRow(row);
      } catch (error) {
        reject(error);
      }
    });
    query.on('error', reject);
    query.on('end', () => resolve());
    client.query(query);
  });
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
      ? `SELECT endpoint_id, hour, hits FROM hourly_all WHERE hour >= $1::bigint AND hour < $2::bigint${filter}`
      : `SELECT endpoint_id, time_ms - ((time_ms % $3::bigint) + $3::bigint) % $3::bigint, count(*) FROM hits
          WHERE time_ms >= $1 AND time_ms < $2 AND ${IS_PAGE_VIEW_SQL}${filter} GROUP BY 1, 2`;
    addSeriesRows(counts, await rows(client, sql, params), hourly, query.bucketMs);
  }
  return toSeries(counts, names);
}

/**
 * The raw hits stored (`count()`), without counting them one by one (2.1-2.3 s over 10 M hits
 * here, and the dashboard asks every 5 s): the page views of the hours from the raw-since mark on
 * from the hourly rollups (every page view stored is in them, and retention deletes only raw
 * rows before the mark, a whole hour), the page views before the mark that are still raw (late
 * ones, or a prune in progress) through the time index, and the other events through their
 * partial index (migration 7). Call inside one read transaction.
 */
export async function pgCount(client: PoolClient): Promise<number> {
  const sinceMs = await readRawSince(client);
  const fromHour = sinceMs === undefined ? null : Math.floor(sinceMs / HOUR_MS);
  const [row] = await rows(client, `SELECT
      (SELECT coalesce(sum(hits), 0) FROM hourly_all WHERE $1::bigint IS NULL OR hour >= $1::bigint)
      + (SELECT count(*) FROM hits WHERE time_ms < $2::bigint AND ${IS_PAGE_VIEW_SQL})
      + (SELECT count(*) FROM hits WHERE NOT (${IS_PAGE_VIEW_SQL}))`, [fromHour, sinceMs ?? NO_RAW_SINCE]);
  return Number(row?.[0] ?? 0);
}

/** Before every hit: the raw page views "before the mark" of a store never pruned are none. */
const NO_RAW_SINCE = Number.MIN_SAFE_INTEGER;

/** The first day not folded into the daily rollups (-Infinity when none was): see pg-fold.ts. */
export async function readFoldedBeforeDay(client: PoolClient): Promise<number> {
  const [row] = await rows(client, 'SELECT value FROM store_state WHERE key = $1', [FOLDED_BEFORE]);
  return row === undefined ? -Infinity : Number(row[0]);
}

/** When raw hits are complete from (epoch ms), or undefined when none were ever pruned. */
export async function readRawSince(client: Queryable): Promise<number | undefined> {
  const [row] = await rows(client, 'SELECT value FROM store_state WHERE key = $1', [RAW_SINCE]);
  return row === undefined ? undefined : Number(row[0]);
}
