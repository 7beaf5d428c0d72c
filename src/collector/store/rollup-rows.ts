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
