import type BetterSqlite3 from 'better-sqlite3';
import type { FoldSplit, RangePlan, Span } from './time-grains.js';
import { IS_PAGE_VIEW_SQL } from './page-views.js';
import { blockMasks, hourSpans } from './time-grains.js';

export interface ClientCounts {
  /** endpoint id -> distinct clients */
  readonly perEndpoint: ReadonlyMap<number, number>;
  /** Distinct clients over all endpoints. */
  readonly total: number;
}

/**
 * Counts per endpoint, or per group when `groupOf` maps endpoint ids to group ids (a client of
 * two endpoints of one group counts once); endpoints not in `groupOf` are their own group.
 */
export type CountClients = (plan: RangePlan, split: FoldSplit, groupOf?: ReadonlyMap<number, number>) => ClientCounts;

/** Hourly spans one report may read: up to two hour edges outside whole days and the unfolded days. */
const HOUR_SPANS = 3;
const EMPTY: Span = [0, 0];

/**
 * Distinct clients per endpoint and overall, counted inside SQLite: the (endpoint, client)
 * pairs of the folded days (client_days masks), of the other whole hours (hourly_clients) and
 * of the raw edges are deduplicated by UNION into one materialized set, which is counted
 * twice. Only 1 + endpoints rows come back, plus the pairs of the endpoints that share a
 * report row with others (raw paths under one template: their clients are counted once per
 * row, here; a join on a JSON mapping instead had no index and took seconds).
 */
export function createCountClients(db: BetterSqlite3.Database): CountClients {
  const hours = Array.from({ length: HOUR_SPANS }, (_, i) => `SELECT endpoint_id, client_id FROM hourly_clients WHERE hour >= @h${i}from AND hour < @h${i}to`);
  const pairs = `pairs AS MATERIALIZED (
      SELECT endpoint_id, client_id FROM client_days WHERE block >= @firstBlock AND block <= @lastBlock
        AND (days & CASE block WHEN @firstBlock THEN @firstMask WHEN @lastBlock THEN @lastMask ELSE 4294967295 END) != 0
      UNION ${hours.join(' UNION ')}
      UNION SELECT endpoint_id, client_id FROM hits WHERE time_ms >= @r0from AND time_ms < @r0to AND ${IS_PAGE_VIEW_SQL}
      UNION SELECT endpoint_id, client_id FROM hits WHERE time_ms >= @r1from AND time_ms < @r1to AND ${IS_PAGE_VIEW_SQL}
    )`;
  // Rows tagged 0: clients per endpoint; 1: clients overall; 2: the (endpoint, client) pairs of
  // the endpoints given in @ids (those grouped with others), for the groups to be counted here.
  const statement = db.prepare(`WITH ${pairs}
    SELECT 0, endpoint_id, count(*) FROM pairs GROUP BY endpoint_id
    UNION ALL SELECT 1, NULL, count(DISTINCT client_id) FROM pairs
    UNION ALL SELECT 2, endpoint_id, client_id FROM pairs WHERE endpoint_id IN (SELECT value FROM json_each(@ids))`).raw();
  return (plan, split, groupOf) => {
    const params: Record<string, number | string> = { firstBlock: 1, lastBlock: 0, firstMask: 0, lastMask: 0 };
    if (split.daily !== null) {
      const { first, last } = blockMasks(split.daily);
      Object.assign(params, { firstBlock: first.block, lastBlock: last.block, firstMask: first.mask, lastMask: last.mask });
    }
    spans(params, 'h', hourSpans(plan, split), HOUR_SPANS);
    spans(params, 'r', plan.raw, 2);
    const shared = sharedGroups(groupOf);
    params.ids = JSON.stringify([...shared.keys()]);
    return tally(statement.all(params) as unknown[][], shared);
  };
}

/** Endpoint id -> group id, for the endpoints whose group has other endpoints too. */
export function sharedGroups(groupOf: ReadonlyMap<number, number> | undefined): Map<number, number> {
  const shared = new Map<number, number>();
  if (groupOf === undefined) return shared;
  const grouped = new Set<number>();
  for (const [id, group] of groupOf) if (id !== group) grouped.add(group);
  for (const [id, group] of groupOf) if (grouped.has(group)) shared.set(id, group);
  return shared;
}

export function tally(rows: readonly unknown[][], shared: ReadonlyMap<number, number>): ClientCounts {
  const perEndpoint = new Map<number, number>();
  const clientsOf = new Map<number, Set<unknown>>();
  let total = 0;
  for (const [tag, endpointId, value] of rows) {
    if (tag === 1) total = Number(value);
    else if (tag === 0) perEndpoint.set(Number(endpointId), Number(value));
    else {
      const group = shared.get(Number(endpointId)) ?? Number(endpointId);
      const clients = clientsOf.get(group) ?? new Set();
      clients.add(value);
      clientsOf.set(group, clients);
    }
  }
  for (const id of shared.keys()) perEndpoint.delete(id);
  for (const [group, clients] of clientsOf) perEndpoint.set(group, clients.size);
  return { perEndpoint, total };
}

function spans(params: Record<string, number | string>, prefix: string, given: readonly Span[], slots: number): void {
  if (given.length > slots) throw new Error(`internal: ${given.length} spans for ${slots} slots`);
  for (let i = 0; i < slots; i++) {
    const [from, to] = given[i] ?? EMPTY;
    params[`${prefix}${i}from`] = from;
    params[`${prefix}${i}to`] = to;
  }
}
