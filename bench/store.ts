// bench/store: the collector's SQLite store on its own. Fills a temp file with 1 000 000
// hits (40 endpoints, 2 000 clients, 30 days, realistic statuses and durations), timing
// insert() in batches of 25 (one GA4 request) and, in a second file, batches of 500 (what the
// collector's write queue makes of concurrent requests); then times the reports. Writes the
// `store` section of docs/benchmarks.md.
// Run: `npm run bench:store`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../src/collector/store/sqlite-store.js';
import type { Store } from '../src/collector/store/store.js';
import { runCli } from '../src/cli/run.js';
import { machine, writeSection } from './report.js';
import { makeStoreHits } from './store-hits.js';

const HITS = 1_000_000;
const DAYS = 30;
const RUNS = 7;
const NOW = Date.UTC(2026, 10, 30, 15, 37, 12);
const SPAN_MS = DAYS * 86_400_000;



const CHUNK = 100_000;

/**
 * Fills `store` with `total` hits in batches of `batch`, timing insert() alone. Returns hits/s
 * overall and the median of the 100 000-hit chunks (less swayed by other work on the machine).
 */
function fill(store: Store, total: number, batch: number): { overall: number; median: number } {
  const next = makeStoreHits(NOW - SPAN_MS, SPAN_MS / HITS);
  const chunkNs: number[] = [];
  let ns = 0;
  for (let done = 0; done < total; done += batch) {
    const hits = next(Math.min(batch, total - done));
    const start = process.hrtime.bigint();
    store.insert(hits, hits[hits.length - 1]?.timeMs ?? NOW);
    ns += Number(process.hrtime.bigint() - start);
    if ((done + batch) % CHUNK === 0) chunkNs.push(ns - chunkNs.reduce((a, b) => a + b, 0));
  }
  const sorted = chunkNs.sort((a, b) => a - b);
  return { overall: total / (ns / 1e9), median: CHUNK / ((sorted[Math.floor(sorted.length / 2)] ?? Number.NaN) / 1e9) };
}

const rate = (hitsPerS: number): string => Math.round(hitsPerS).toLocaleString('en');

function medianMs(run: () => unknown): number {
  run();
  const samples = Array.from({ length: RUNS }, () => {
    const start = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - start) / 1e6;
  }).sort((a, b) => a - b);
  return samples[Math.floor(RUNS / 2)] ?? Number.NaN;
}

const dir = mkdtempSync(join(tmpdir(), 'footfall-bench-store-'));
try {
  const file25 = join(dir, 'batches-25.db');
  const store = createSqliteStore({ file: file25 });
  const rate25 = fill(store, HITS, 25);
  const other = createSqliteStore({ file: join(dir, 'batches-500.db') });
  const rate500 = fill(other, HITS, 500);
  other.close();
  const hourStart = Math.floor((NOW - 86_400_000) / 3_600_000) * 3_600_000 + 1_234_567;
  const queries: [string, () => unknown][] = [
    ['`endpoints({ sinceMs: now - 30d })`', () => store.endpoints({ sinceMs: NOW - SPAN_MS })],
    ['`endpoints({})` (all time)', () => store.endpoints({})],
    ['`endpoints()` over 1 hour, not on hour boundaries', () => store.endpoints({ sinceMs: hourStart, untilMs: hourStart + 3_600_000 })],
    ['`timeseries({ bucketMs: 1h, sinceMs: now - 30d })`', () => store.timeseries({ bucketMs: 3_600_000, sinceMs: NOW - SPAN_MS })],
    ['`timeseries({ bucketMs: 5m, sinceMs: now - 24h })`', () => store.timeseries({ bucketMs: 300_000, sinceMs: NOW - 86_400_000 })],
    ['`recentHits(100)`', () => store.recentHits(100)],
    ['`count()`', () => store.count()],
  ];
  const timings: [string, number][] = queries.map(([name, run]) => [name, medianMs(run)]);
  const report = store.endpoints({ sinceMs: NOW - SPAN_MS });
  store.close();
  // The whole `footfall report` as a user runs it (open the file, query, format), in-process.
  const io = { stdout: () => undefined, stderr: (text: string) => void process.stderr.write(text), env: {} };
  const reportMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    if ((await runCli(['report', '--db', file25, '--since', '30d'], io)) !== 0) throw new Error('footfall report failed');
    reportMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  timings.push(['`footfall report --since 30d` (open the file, query, format a table)', reportMs.sort((a, b) => a - b)[1] ?? Number.NaN]);
  const sizeMb = statSync(file25).size / 2 ** 20;
  const thirtyDays = timings[0]?.[1] ?? Number.NaN;
  const cliMs = timings[timings.length - 1]?.[1] ?? Number.NaN;
  const body = [
    '## bench/store: the SQLite store',
    '',
    `Command: \`npm run bench:store\`. ${machine()}. ${HITS.toLocaleString('en')} hits (${report.endpoints.length} endpoints, ${report.clients.toLocaleString('en')} clients, ${DAYS} days in time order, skewed like real traffic, 5.2 % 4xx and 0.8 % 5xx, durations spread around a per-endpoint median of 4 to 183 ms) inserted into a temp file (WAL, synchronous=NORMAL). Only insert() is timed, not building the hits; the time includes folding each day into the daily rollups as the clock passes it (30 folds). Query times are the median of ${RUNS} runs after one warm-up.`,
    '',
    '| insert | hits/s overall | hits/s, median of 10 chunks of 100 000 |',
    '|---|---|---|',
    `| batches of 25 (one GA4 request each, one transaction each) | ${rate(rate25.overall)} | ${rate(rate25.median)} |`,
    `| batches of 500 (what the write queue makes of concurrent requests) | ${rate(rate500.overall)} | ${rate(rate500.median)} |`,
    '',
    '| query over 1 000 000 hits | median |',
    '|---|---|',
    ...timings.map(([name, ms]) => `| ${name} | ${ms.toFixed(1)} ms |`),
    '',
    `File size after close: ${sizeMb.toFixed(0)} MiB. Goals: a report over 30 days under 1 s: **${thirtyDays < 1000 && cliMs < 1000 ? 'met' : 'NOT met'}** (${thirtyDays.toFixed(0)} ms for the query, ${cliMs.toFixed(0)} ms for the whole command); insert at least 100 000 hits/s in batches of 500 (median chunk): **${rate500.median >= 100_000 ? 'met' : 'NOT met'}**. Run to run, on this shared 2-core machine, the insert rates move by ±20 %.`,
  ].join('\n');
  writeSection('store', body);
  console.log(body);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
