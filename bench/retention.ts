// bench/retention: what `--retain-days 7` does to a store of 1 000 000 hits over 30 days
// (the hits of bench/store: 40 endpoints, 2 000 clients, realistic statuses and durations).
// Fills a temp file, then prunes it with the collector's own retention (chunks of 5 000 rows,
// a turn of the event loop between) on a fixed clock, and prints rows, file size and free
// pages before and after, the longest chunk (how long one transaction holds the write lock),
// whether the 30-day report is the same, and what a day more of hits and its prune do to the
// file (SQLite reuses the freed pages: the file stops growing). Prints Markdown for
// docs/collector-storage.md. Run: `node --import tsx bench/retention.ts`.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { startRetention } from '../src/collector/retention.js';
import { createSqliteStore } from '../src/collector/store/sqlite-store.js';
import type { Store } from '../src/collector/store/store.js';
import type { IncomingHit } from '../src/collector/types.js';
import { createManualClock } from '../src/delivery/clock.js';
import { makeStoreHits } from './store-hits.js';
import { machine } from './report.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const HITS = 1_000_000;
const DAYS = 30;
const RETAIN_DAYS = 7;
const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 15, 37, 12);
const SPAN_MS = DAYS * DAY_MS;
const PER_DAY = Math.round(HITS / DAYS);
const ROLLUPS = ['hourly', 'hourly_durations', 'hourly_clients', 'daily_durations', 'client_days'] as const;


function fill(store: Store, next: (count: number) => IncomingHit[], total: number): void {
  for (let done = 0; done < total; done += 500) {
    const hits = next(Math.min(500, total - done));
    store.insert(hits, hits[hits.length - 1]?.timeMs ?? NOW);
  }
}

interface Size {
  rows: number;
  rawMiB: number;
  rollupRows: number;
  rollupMiB: number;
  fileMiB: number;
  freeMiB: number;
}

/** Rows, and the file after a WAL checkpoint: its size and how much of it is free pages. */
function measure(file: string): Size {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const free = Number(db.pragma('freelist_count', { simple: true })) * pageSize;
    const rows = Number(db.prepare('SELECT count(*) FROM hits').pluck().get());
    const rollupRows = ROLLUPS.reduce((sum, table) => sum + Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()), 0);
    // Pages in use per table and index (SQLite's dbstat): the raw hits with their indexes, the rollups.
    const bytes = (names: readonly string[]) => Number(db.prepare(`SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN (${names.map((n) => `'${n}'`).join(', ')})`).pluck().get());
    return { rows, rawMiB: bytes(['hits', 'hits_time', 'hits_client_hit_id']) / 2 ** 20, rollupRows, rollupMiB: bytes(ROLLUPS) / 2 ** 20, fileMiB: statSync(file).size / 2 ** 20, freeMiB: free / 2 ** 20 };
  } finally {
    db.close();
  }
}

/** Prunes as the collector does, timing each chunk (the write lock is held for one chunk). */
async function prune(store: Store, nowMs: number): Promise<{ ms: number; chunks: number; longestMs: number; deleted: number }> {
  let chunks = 0;
  let longestMs = 0;
  const timed: Store = {
    ...store,
    pruneRawHits: (beforeMs, maxRows) => {
      const start = performance.now();
      const result = store.pruneRawHits(beforeMs, maxRows);
      longestMs = Math.max(longestMs, performance.now() - start);
      chunks++;
      return result;
    },
  };
  const start = performance.now();
  const retention = startRetention({ store: timed, retainDays: RETAIN_DAYS, clock: createManualClock(nowMs), onError: (error) => { throw error; } });
  await retention.pruneNow();
  const ms = performance.now() - start;
  const { prunedHits } = retention.stats();
  await retention.close();
  return { ms, chunks, longestMs, deleted: prunedHits };
}

const dir = mkdtempSync(join(tmpdir(), 'footfall-bench-retention-'));
try {
  const file = join(dir, 'hits.db');
  const store = createSqliteStore({ file });
  const next = makeStoreHits(NOW - SPAN_MS, DAY_MS / (HITS / DAYS));
  fill(store, next, HITS);
  const range = { sinceMs: Math.floor((NOW - SPAN_MS) / 3_600_000) * 3_600_000, untilMs: Math.ceil(NOW / 3_600_000) * 3_600_000 };
  const reportBefore = JSON.stringify(store.endpoints(range));
  const before = measure(file);
  const run = await prune(store, NOW);
  const after = measure(file);
  const { rawDetail, ...reportAfter } = store.endpoints(range);
  const same = JSON.stringify(reportAfter) === reportBefore;
  // A day later: a day more of hits, and its prune. The file reuses the pages freed above.
  fill(store, next, PER_DAY);
  const nextDay = await prune(store, NOW + DAY_MS);
  const dayLater = measure(file);
  store.close();
  const db = new Database(file);
  db.exec('VACUUM');
  db.close();
  const vacuumed = measure(file);
  const mib = (value: number) => `${value.toFixed(1)} MiB`;
  const row = (what: string, size: Size) => `| ${what} | ${size.rows.toLocaleString('en-US')} (${mib(size.rawMiB)}) | ${size.rollupRows.toLocaleString('en-US')} (${mib(size.rollupMiB)}) | ${mib(size.fileMiB)} | ${mib(size.freeMiB)} |`;
  const lines = [
    `Retention, measured by \`node --import tsx bench/retention.ts\` (${machine()}): 1 000 000 hits over 30 days (bench/store's), pruned with \`--retain-days ${RETAIN_DAYS}\`.`,
    '',
    '| | raw hits (with indexes) | rollup rows | file | of which free pages |',
    '|---|--:|--:|--:|--:|',
    row('before pruning', before),
    row(`after pruning (${run.deleted.toLocaleString('en-US')} rows in ${run.chunks} chunks, ${(run.ms / 1000).toFixed(1)} s; longest chunk ${run.longestMs.toFixed(0)} ms)`, after),
    row(`a day later: ${PER_DAY.toLocaleString('en-US')} more hits, pruned again (${nextDay.deleted.toLocaleString('en-US')} rows)`, dayLater),
    row('after `VACUUM` (by hand, collector stopped)', vacuumed),
    '',
    `The 30-day report (whole hours) after pruning is ${same ? 'identical to' : 'NOT the same as'} the one before; raw detail since ${new Date(rawDetail?.sinceMs ?? 0).toISOString()}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
