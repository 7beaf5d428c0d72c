// `footfall/collector`: the collector as a library (ESM only). A leaf: the tracker never imports it.
export { startCollector } from './server.js';
export type { Collector, CollectorStats } from './server.js';
export type { CollectorOptions } from './options.js';
export type { FaultOptions } from './faults.js';
export { createSqliteStore } from './store/sqlite-store.js';
export type { AsyncStore, InsertResult, PruneResult, Store, StoreOptions } from './store/store.js';
export { asAsyncStore } from './store/store.js';
export { createPostgresStore } from './store/postgres/postgres-store.js';
export type { PostgresStoreOptions } from './store/postgres/postgres-store.js';
export { loadRoutesFile, parseRoutesDocument, parseRoutesInput } from './routes-file.js';
export { formatReport } from './report-format.js';
export { parseTimeBound, parseDurationMs } from './time-range.js';
export type { DeclaredRoute, EndpointSummary, EndpointsReport, IncomingHit, RawDetail, StoredHit, TimeRange, TimeSeries, TimeSeriesQuery } from './types.js';
