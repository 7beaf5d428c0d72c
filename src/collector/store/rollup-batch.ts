import { HOUR_MS } from './time-grains.js';

/** What hits add up to: the rollup rows and the report's tallies count the same things. */
export interface UsageCounts {
  hits: number;
  serverErrors: number;
  clientErrors: number;
  knownStatus: number;
  firstMs: number;
  lastMs: number;
}

/** One (hour, endpoint) row of the `hourly` rollup, summed over a batch. */
export interface HourlyRow extends UsageCounts {
  readonly hour: number;
  readonly endpointId: number;
}

/** An (hour, endpoint, item) rollup row: a duration bucket with its count, or a client (count 1). */
export interface KeyedRow {
  readonly hour: number;
  readonly endpointId: number;
  readonly item: number;
  count: number;
}

/**
 * A batch of hits summed per hourly rollup row in memory, so the rollups take one upsert per
 * row rather than one per hit. Keys are `hour:endpoint[:item]`.
 */
export interface RollupBatch {
  readonly hourly: Map<string, HourlyRow>;
  readonly durations: Map<string, KeyedRow>;
  readonly clients: Map<string, KeyedRow>;
  add(timeMs: number, endpointId: number, clientId: number, status: number | undefined, bucket: number | null): void;
}

export function createRollupBatch(): RollupBatch {
  const batch: RollupBatch = {
    hourly: new Map(),
    durations: new Map(),
    clients: new Map(),
    add(timeMs, endpointId, clientId, status, bucket) {
      const hour = Math.floor(timeMs / HOUR_MS);
      addHourly(batch.hourly, hour, endpointId, timeMs, status);
      if (bucket !== null) bump(batch.durations, hour, endpointId, bucket, true);
      bump(batch.clients, hour, endpointId, clientId, false);
    },
  };
  return batch;
}

function addHourly(hourly: Map<string, HourlyRow>, hour: number, endpointId: number, timeMs: number, status: number | undefined): void {
  const key = `${hour}:${endpointId}`;
  let row = hourly.get(key);
  if (row === undefined) {
    row = { hour, endpointId, hits: 0, serverErrors: 0, clientErrors: 0, knownStatus: 0, firstMs: timeMs, lastMs: timeMs };
    hourly.set(key, row);
  }
  row.hits++;
  if (status !== undefined) {
    row.knownStatus++;
    if (status >= 500) row.serverErrors++;
    else if (status >= 400) row.clientErrors++;
  }
  if (timeMs < row.firstMs) row.firstMs = timeMs;
  if (timeMs > row.lastMs) row.lastMs = timeMs;
}

function bump(map: Map<string, KeyedRow>, hour: number, endpointId: number, item: number, counted: boolean): void {
  const key = `${hour}:${endpointId}:${item}`;
  const row = map.get(key);
  if (row === undefined) map.set(key, { hour, endpointId, item, count: 1 });
  else if (counted) row.count++;
}
