// bench/pg-store: the PostgreSQL store (issue 16) beside the
// SQLite store, at the store's own interface: 200 000 hits (bench/store's: 40 endpoints, 2 000
// clients, 30 days) inserted as 8 000 batches of 25 (one GA4 request each) by 16 concurrent
// writers (the "16 connections of 25-event batches", without HTTP), then the 30-day
// report (`endpoints`) timed. Each store in its own fresh place: a temp SQLite file (WAL), a
// PostgreSQL schema of its own (dropped after). Writes the `pg-store` section of docs/benchmarks.md.
// Run: `npm run bench:pg-store` (PostgreSQL at FOOTFALL_PG_URL or postgres://postgres@127.0.0.1:5432/test).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStore } from '../src/collector/store/postgres/postgres-store.js';
import { createSqliteStore } from '../src/collector/store/sqlite-store.js';
import { asAsyncStore, type AsyncStore } from '../src/collector/store/store.js';
import { machine, writeSection } from './report.js';
import { median } from './measure.js';
import { makeStoreHits } from './store-hits.js';
import { PG_URL, pgQuery, pgVersion } from './pg-admin.js';

const HITS = Number(process.env.BENCH_PG_HITS ?? 200_000);
/** Hits per insert: one GA4 request's 25, and the 500 the collector's write queue makes of concurrent requests. */
const BATCHES = [25, 500] as const;
const WRITERS = 16;
const DAYS = 30;
const ROUNDS = 3;
const NOW = Date.UTC(2026, 10, 30, 15, 37, 12);
const SPAN_MS = DAYS * 86_400_000;

interface Result {
  readonly hitsPerS: number;
  readonly reportMs: number;
}

/** Inserts the hits with WRITERS concurrent writers, each a batch at a time; then times the 30-day report. */
async function run(store: AsyncStore, batchSize: number): Promise<Result> {
  const next = makeStoreHits(NOW - SPAN_MS, SPAN_MS / HITS);
  const batches = Array.from({ length: HITS / batchSize }, () => next(batchSize));
  let at = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, async () => {
    while (at < batches.length) {
      const batch = batches[at++] ?? [];
      await store.insert(batch, batch[batch.length - 1]?.timeMs ?? NOW);
    }
  }));
  const insertMs = performance.now() - started;
  if ((await store.count()) !== HITS) throw new Error(`stored ${await store.count()} of ${HITS}`);
  const reportTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await store.endpoints({ sinceMs: NOW - SPAN_MS, untilMs: NOW });
    reportTimes.push(performance.now() - t0);
  }
  return { hitsPerS: HITS / (insertMs / 1000), reportMs: median(reportTimes.slice(1)) };
}

async function sqliteRound(batchSize: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-pg-bench-'));
  const store = asAsyncStore(createSqliteStore({ file: join(dir, 'bench.db') }));
  try {
    return await run(store, batchSize);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresRound(batchSize: number): Promise<Result> {
  const schema = `ffbench_${randomBytes(4).toString('hex')}`;
  const store = await createPostgresStore({ url: PG_URL, schema, maxConnections: WRITERS });
  try {
    return await run(store, batchSize);
  } finally {
    await store.close();
    await pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

const results = new Map<string, { sqlite: Result[]; postgres: Result[] }>(BATCHES.map((size) => [String(size), { sqlite: [], postgres: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const size of BATCHES) {
    const entry = results.get(String(size));
    if (entry === undefined) continue;
    entry.sqlite.push(await sqliteRound(size));
    entry.postgres.push(await postgresRound(size));
    console.log(`round ${round + 1}, batches of ${size}: sqlite ${Math.round(entry.sqlite.at(-1)?.hitsPerS ?? 0)} hits/s, postgres ${Math.round(entry.postgres.at(-1)?.hitsPerS ?? 0)} hits/s`);
  }
}
const figure = (list: Result[], key: keyof Result) => median(list.map((result) => result[key]));
const version = await pgVersion();
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const rows = BATCHES.flatMap((size) => {
  const entry = results.get(String(size));
  if (entry === undefined) return [];
  const base = figure(entry.sqlite, 'hitsPerS');
  const pgRate = figure(entry.postgres, 'hitsPerS');
  return [
    `| ${size} | SQLite file (WAL), one writer at a time | ${fmt(base)} | 1.00× | ${figure(entry.sqlite, 'reportMs').toFixed(1)} ms |`,
    `| ${size} | PostgreSQL, ${WRITERS} connections | ${fmt(pgRate)} | ${(pgRate / base).toFixed(2)}× | ${figure(entry.postgres, 'reportMs').toFixed(1)} ms |`,
  ];
});
const pgAt500 = figure(results.get('500')?.postgres ?? [], 'hitsPerS');
const body = [
  '## bench/pg-store: the PostgreSQL store beside SQLite (issue 16, store level)',
  '',
  `Command: \`npm run bench:pg-store\`. ${machine()}, PostgreSQL ${version} on the same machine. ${fmt(HITS)} hits (bench/store's: 40 endpoints, 2 000 clients, 30 days) inserted by ${WRITERS} concurrent writers through each store's \`insert\`, in batches of 25 (one GA4 request) and of 500 (what the collector's write queue makes of concurrent requests); no HTTP, the stores alone. Then the 30-day \`endpoints\` report (median of 4 after one warm-up). ${ROUNDS} interleaved rounds, medians; each run a fresh SQLite file (WAL) and a fresh PostgreSQL schema.`,
  '',
  '| hits an insert | store | hits/s inserted | ratio | 30-day report |',
  '|--:|---|--:|--:|--:|',
  ...rows,
  '',
  `Issue 16's goal is 50 000 hits/s into PostgreSQL through the collector (16 connections of 25-event batches over HTTP, which its write queue gathers into larger writes): the store alone takes ${fmt(pgAt500)} hits/s in batches of 500 here (${pgAt500 >= 50_000 ? 'above' : 'below'} it before any HTTP cost).`,
].join('\n');
writeSection('pg-store', body);
console.log(body);
