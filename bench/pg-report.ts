// bench/pg-report: issue 16's "footfall report --since 30d over 10 000 000 hits in PostgreSQL:
// < 1 s". Loads BENCH_PG_HITS (default 10 000 000) hits over the 30 days before now (bench/
// store-hits' generator: 40 endpoints, here 5 000 clients) into a fresh PostgreSQL schema through
// the store's own `insert` (batches of 5 000, 4 concurrent writers, receivedMs the batch's last
// hit, so days are folded as the load moves forward), then times the 30-day `endpoints` report
// at the store level and `footfall report --since 30d --db URL --db-schema S --format json` as a
// child process (when the built CLI has --db-schema), medians of several after a warm-up. Writes
// the `pg-report` section of docs/benchmarks.md and drops the schema.
// Run: `npm run bench:pg-report` (PostgreSQL at FOOTFALL_PG_URL or postgres://postgres@127.0.0.1:5432/test).
// BENCH_PG_KEEP=1 keeps the schema (its name is printed); BENCH_PG_SCHEMA=name times an existing one, no load.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createPostgresStore } from '../src/collector/store/postgres/postgres-store.js';
import type { AsyncStore } from '../src/collector/store/store.js';
import { machine, writeSection } from './report.js';
import { median } from './measure.js';
import { ENDPOINTS, makeStoreHits } from './store-hits.js';
import { PG_URL, pgQuery, pgVersion } from './pg-admin.js';

const HITS = Number(process.env.BENCH_PG_HITS ?? 10_000_000);
const CLIENTS = 5000;
const BATCH = 5000;
const WRITERS = 4;
const DAYS = 30;
const RUNS = 5;
const DAY_MS = 86_400_000;
const CLI = 'dist/cli/main.js';

const reuse = process.env.BENCH_PG_SCHEMA;
const schema = reuse ?? `ffbench_${randomBytes(4).toString('hex')}`;
const keep = reuse !== undefined || process.env.BENCH_PG_KEEP === '1';

/** The hits of the 30 days before `nowMs`, in time order, in batches of BATCH through WRITERS concurrent inserts. */
async function load(store: AsyncStore, nowMs: number): Promise<number> {
  const spanMs = DAYS * DAY_MS;
  const next = makeStoreHits(nowMs - spanMs, (spanMs - 1000) / HITS, CLIENTS);
  let left = HITS;
  let done = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, async () => {
    while (left > 0) {
      const batch = next(Math.min(BATCH, left));
      left -= batch.length;
      await store.insert(batch, batch[batch.length - 1]?.timeMs ?? nowMs);
      done += batch.length;
      if (done % 1_000_000 < BATCH) console.log(`loaded ${done.toLocaleString('en')} hits, ${Math.round(done / ((performance.now() - started) / 1000)).toLocaleString('en')} hits/s`);
    }
  }));
  return performance.now() - started;
}

async function timeStore(store: AsyncStore): Promise<{ ms: number; report: Awaited<ReturnType<AsyncStore['endpoints']>> }> {
  const times: number[] = [];
  let report = await store.endpoints({ sinceMs: Date.now() - DAYS * DAY_MS });
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    report = await store.endpoints({ sinceMs: Date.now() - DAYS * DAY_MS });
    times.push(performance.now() - t0);
  }
  return { ms: median(times), report };
}

/** The built CLI's report, if it has --db-schema (the lead's wiring): the median wall time of a child process. */
function timeCli(expectedHits: number): { ms: number } | { skipped: string } {
  const help = spawnSync(process.execPath, [CLI, 'report', '--help'], { encoding: 'utf8' });
  if (!`${help.stdout}${help.stderr}`.includes('--db-schema')) return { skipped: `${CLI} report has no --db-schema flag (the CLI wiring of the PostgreSQL store is not in this build)` };
  const args = [CLI, 'report', '--since', '30d', '--db', PG_URL, '--db-schema', schema, '--format', 'json'];
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (i > 0) times.push(performance.now() - t0);
    // The range starts at the run's own now - 30 days: the oldest minutes' hits fall out as the bench goes on.
    const hits = (JSON.parse(out) as { hits?: number }).hits;
    if (typeof hits !== 'number' || hits < expectedHits * 0.99) throw new Error(`the CLI counted ${hits} hits, the store ${expectedHits}`);
  }
  return { ms: median(times) };
}

const nowMs = Date.now();
const store = await createPostgresStore({ url: PG_URL, schema, maxConnections: WRITERS });
let loadMs: number | undefined;
try {
  if (reuse === undefined) loadMs = await load(store, nowMs);
  // What autovacuum does on a server where it runs (it is off on the test server): statistics for
  // the planner, and the visibility map that lets the rollups' primary keys answer index-only.
  const [{ autovacuum }] = await pgQuery<{ autovacuum: string }>("SELECT current_setting('autovacuum') AS autovacuum") as [{ autovacuum: string }];
  const vacuumStarted = performance.now();
  // Every table of the schema, as autovacuum covers them all (a list written here once left out
  // day_clients, a table added later, and the report read its dead rows).
  const tables = await pgQuery<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [schema]);
  await pgQuery(`VACUUM ANALYZE ${tables.map((table) => `${schema}.${table.name}`).join(', ')}`);
  const vacuumMs = performance.now() - vacuumStarted;
  const [{ n }] = await pgQuery<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.hits`) as [{ n: string }];
  const sizes = await pgQuery<{ name: string; n: string }>(`SELECT 'hourly_clients' AS name, count(*) AS n FROM ${schema}.hourly_clients UNION ALL SELECT 'client_days', count(*) FROM ${schema}.client_days UNION ALL SELECT 'day_clients', count(*) FROM ${schema}.day_clients
    UNION ALL SELECT 'hourly', count(*) FROM ${schema}.hourly UNION ALL SELECT 'folded_before_day', max(value) FROM ${schema}.store_state WHERE key = 'folded_before_day'`);
  const [{ size }] = await pgQuery<{ size: string }>(`SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS size FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = '${schema}' AND c.relkind = 'r'`) as [{ size: string }];
  const stored = Number(n);
  const atStore = await timeStore(store);
  const cli = timeCli(atStore.report.hits);
  const version = await pgVersion();
  const fmt = (value: number) => Math.round(value).toLocaleString('en');
  const table = Object.fromEntries(sizes.map((row) => [row.name, Number(row.n)]));
  const cliLine = 'ms' in cli ? `| \`footfall report --since 30d --db URL --db-schema S --format json\` (child process, Node start included) | ${fmt(cli.ms)} ms |` : `| \`footfall report\` | not timed: ${cli.skipped} |`;
  const body = [
    '## bench/pg-report: the 30-day report over 10 000 000 hits in PostgreSQL (issue 16)',
    '',
    `Command: \`npm run bench:pg-report\`. ${machine()}, PostgreSQL ${version} on the same machine (default settings). ${fmt(stored)} hits over the 30 days before the run (bench/store-hits: ${ENDPOINTS} endpoints, ${fmt(CLIENTS)} clients, skewed), loaded into a fresh schema through the store's own \`insert\`: batches of ${fmt(BATCH)}, ${WRITERS} concurrent writers, each batch received at its last hit's time, so days were folded into the daily rollups as the load moved on (${reuse === undefined ? `load ${fmt((loadMs ?? 0) / 1000)} s, ${fmt(stored / ((loadMs ?? 1) / 1000))} hits/s` : 'an existing schema, load not timed'}; ${size} on disk), then \`VACUUM ANALYZE\` of its tables (${fmt(vacuumMs / 1000)} s), as autovacuum would do (autovacuum is ${autovacuum} on this server). Rows: ${fmt(table.hourly ?? 0)} \`hourly\`, ${fmt(table.hourly_clients ?? 0)} \`hourly_clients\`, ${fmt(table.client_days ?? 0)} \`client_days\`, ${fmt(table.day_clients ?? 0)} \`day_clients\`; days before ${new Date((table.folded_before_day ?? 0) * DAY_MS).toISOString().slice(0, 10)} folded. Medians of ${RUNS} after one warm-up.`,
    '',
    '| 30-day report (`--since 30d`, open end) | time |',
    '|---|--:|',
    `| store level: \`endpoints({ sinceMs: now - 30 days })\` | ${fmt(atStore.ms)} ms |`,
    cliLine,
    '',
    `The report: ${atStore.report.endpoints.length} endpoints, ${fmt(atStore.report.clients)} clients, ${fmt(atStore.report.hits)} hits. Issue 16's goal is under 1 s.`,
  ].join('\n');
  if (stored >= 1_000_000) writeSection('pg-report', body);
  else console.log('(fewer than 1 000 000 hits: docs/benchmarks.md left as it is)');
  console.log(body);
} finally {
  await store.close();
  if (keep) console.log(`schema kept: ${schema}`);
  else await pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
