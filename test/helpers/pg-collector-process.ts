// A collector on PostgreSQL in a process of its own, started through the library (for what the
// CLI has no flag for: a short connect timeout). Prints each log line, then `listening <url>`.
// Environment: FOOTFALL_TEST_DB_URL, FOOTFALL_TEST_DB_SCHEMA, FOOTFALL_TEST_CONNECT_TIMEOUT_MS,
// FOOTFALL_TEST_STORE_TIMEOUT_MS.
import { startCollector } from '../../src/collector/server.js';
import { createPostgresStore } from '../../src/collector/store/postgres/postgres-store.js';

const store = await createPostgresStore({
  url: process.env.FOOTFALL_TEST_DB_URL ?? '',
  schema: process.env.FOOTFALL_TEST_DB_SCHEMA ?? 'public',
  connectTimeoutMs: Number(process.env.FOOTFALL_TEST_CONNECT_TIMEOUT_MS ?? 10_000),
});
const collector = await startCollector({ port: 0, store, storeTimeoutMs: Number(process.env.FOOTFALL_TEST_STORE_TIMEOUT_MS ?? 30_000), log: (line) => process.stdout.write(`${line}\n`) });
process.stdout.write(`listening ${collector.url}\n`);
