import type { HourlyRow, KeyedRow } from './rollup-rows.js';
import { HOUR_MS, HOURS_PER_DAY } from './time-grains.js';

/** The rollup rows of one (hour, endpoint) of a batch: its `hourly` sums, its duration buckets, its clients. */
export interface HourGroup {
  readonly hourly: HourlyRow;
  /** Bucket to its count; undefined until a hit with a duration comes. */
  durations: Map<number, KeyedRow> | undefined;
  readonly clients: Set<number>;
}

/**
 * A batch of hits summed per rollup row in memory (both stores' write paths), so the rollups
 * take one row per key, not one per hit: keyed by the numbers themselves (hour, then endpoint
 * id, then bucket or client id) in maps of maps, so a hit costs a few integer lookups and no key
 * string; a client is a Set member rather than an object.
 */
export interface HourGroups {
  /** hour → endpoint id → group */
  readonly byHour: Map<number, Map<number, HourGroup>>;
  add(timeMs: number, endpointId: number, clientId: number, status: number | undefined, bucket: number | null): void;
  /** The duration and client rows of the hours of days before `beforeDay` (late hits for folded days), as fold-days.ts takes them. */
  lateRows(beforeDay: number): { durations: KeyedRow[]; clients: KeyedRow[] };
  /** (hour, endpoint, client) rows in the batch. */
  readonly clientRows: number;
}

export function createHourGroups(): HourGroups {
  const byHour = new Map<number, Map<number, HourGroup>>();
  let lastHour = Number.NaN;
  let lastEndpoints: Map<number, HourGroup> | undefined;
  let clientRows = 0;
  return {
    byHour,
    get clientRows() {
      return clientRows;
    },
    add(timeMs, endpointId, clientId, status, bucket) {
      const hour = Math.floor(timeMs / HOUR_MS);
      // Hits of a log come in time order: the hour's map is usually the last one used.
      let endpoints = hour === lastHour ? lastEndpoints : byHour.get(hour);
      if (endpoints === undefined) byHour.set(hour, (endpoints = new Map()));
      lastHour = hour;
      lastEndpoints = endpoints;
      let group = endpoints.get(endpointId);
      if (group === undefined) {
        group = { hourly: { hour, endpointId, hits: 0, serverErrors: 0, clientErrors: 0, knownStatus: 0, firstMs: timeMs, lastMs: timeMs }, durations: undefined, clients: new Set() };
        endpoints.set(endpointId, group);
      }
      const row = group.hourly;
      row.hits++;
      if (status !== undefined) {
        row.knownStatus++;
        if (status >= 500) row.serverErrors++;
        else if (status >= 400) row.clientErrors++;
      }
      if (timeMs < row.firstMs) row.firstMs = timeMs;
      if (timeMs > row.lastMs) row.lastMs = timeMs;
      if (bucket !== null) {
        const durations = (group.durations ??= new Map());
        const counted = durations.get(bucket);
        if (counted === undefined) durations.set(bucket, { hour, endpointId, item: bucket, count: 1 });
        else counted.count++;
      }
      const { clients } = group;
      if (!clients.has(clientId)) {
        clients.add(clientId);
        clientRows++;
      }
    },
    lateRows(beforeDay) {
      const durations: KeyedRow[] = [];
      const clients: KeyedRow[] = [];
      for (const [hour, endpoints] of byHour) {
        if (!(Math.floor(hour / HOURS_PER_DAY) < beforeDay)) continue;
        for (const [endpointId, group] of endpoints) {
          if (group.durations !== undefined) durations.push(...group.durations.values());
          for (const clientId of group.clients) clients.push({ hour, endpointId, item: clientId, count: 1 });
        }
      }
      return { durations, clients };
    },
  };
}

/**
 * The (hour, endpoint, client) rows of `hourly_clients` known to be stored (learned after a
 * commit only), so a batch does not write them again; past `maxRows` the memory starts over.
 */
export interface KnownClientHours {
  has(hour: number, endpointId: number, clientId: number): boolean;
  /** The batch committed: its client rows are stored. */
  remember(groups: HourGroups): void;
}

export function createKnownClientHours(maxRows: number): KnownClientHours {
  let known = new Map<number, Map<number, Set<number>>>();
  let size = 0;
  return {
    has: (hour, endpointId, clientId) => known.get(hour)?.get(endpointId)?.has(clientId) === true,
    remember(groups) {
      if (size + groups.clientRows > maxRows) {
        known = new Map();
        size = 0;
      }
      for (const [hour, endpoints] of groups.byHour) {
        let knownEndpoints = known.get(hour);
        if (knownEndpoints === undefined) known.set(hour, (knownEndpoints = new Map()));
        for (const [endpointId, group] of endpoints) {
          const clients = knownEndpoints.get(endpointId);
          if (clients === undefined) {
            knownEndpoints.set(endpointId, group.clients);
            size += group.clients.size;
            continue;
          }
          for (const clientId of group.clients) {
            if (clients.has(clientId)) continue;
            clients.add(clientId);
            size++;
          }
        }
      }
    },
  };
}
