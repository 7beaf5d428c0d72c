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

export type CountClients = (plan: RangePlan, split: FoldSplit) => ClientCounts;

/** Hourly spans one report may read: up to two hour edges outside whole days and the unfolded days. */
const HOUR_SPANS = 3;
const EMPTY: Span = [0, 0];

/**
 * Distinct clients per endpoint and overall, counted inside SQLite: the (endpoint, client)
 * pairs of the folded days (client_days masks), of the other whole hours (hourly_clients) and
 * of the raw edges are deduplicated by UNION into one materialized set, which is counted
 * twice. Only 1 + endpoints rows come back, not a row per pair.
 */
export function createCountClients(db: BetterSqlite3.Database): CountClients {
  const hours = Array.from({ length: HOUR_SPANS }, (_, i) => `SELECT endpoint_id, client_id FROM hourly_clients WHERE hour >= @h${i}from AND hour < @h${i}to`);
  const statement = db.prepare(`WITH pairs AS MATERIALIZED (
      SELECT endpoint_id, client_id FROM client_days WHERE block >= @firstBlock AND block <= @lastBlock
        AND (days & CASE block WHEN @firstBlock THEN @firstMask WHEN @lastBlock THEN @lastMask ELSE 4294967295 END) != 0
      UNION ${hours.join(' UNION ')}
      UNION SELECT endpoint_id, client_id FROM hits WHERE time_ms >= @r0from AND time_ms < @r0to AND ${IS_PAGE_VIEW_SQL}
      UNION SELECT endpoint_id, client_id FROM hits WHERE time_ms >= @r1from AND time_ms < @r1to AND ${IS_PAGE_VIEW_SQL}
    )
    SELECT endpoint_id, count(*) FROM pairs GROUP BY endpoint_id
    UNION ALL SELECT NULL, count(DISTINCT client_id) FROM pairs`).raw();
  return (plan, split) => {
    const params: Record<string, number> = { firstBlock: 1, lastBlock: 0, firstMask: 0, lastMask: 0 };
    if (split.daily !== null) {
      const { first, last } = blockMasks(split.daily);
      Object.assign(params, { firstBlock: first.block, lastBlock: last.block, firstMask: first.mask, lastMask: last.mask });
    }
    spans(params, 'h', hourSpans(plan, split), HOUR_SPANS);
    spans(params, 'r', plan.raw, 2);
    const perEndpoint = new Map<number, number>();
    let total = 0;
    for (const [endpointId, count] of statement.all(params) as unknown[][]) {
      if (endpointId === null) total = Number(count);
      else perEndpoint.set(Number(endpointId), Number(count));
    }
    return { perEndpoint, total };
  };
}

function spans(params: Record<string, number>, prefix: string, given: readonly Span[], slots: number): void {
  if (given.length > slots) throw new Error(`internal: ${given.length} spans for ${slots} slots`);
  for (let i = 0; i < slots; i++) {
    const [from, to] = given[i] ?? EMPTY;
    params[`${prefix}${i}from`] = from;
    params[`${prefix}${i}to`] = to;
  }
}
