import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type BetterSqlite3 from 'better-sqlite3';
import { bucketValueMs, durationBucket, histogramPercentile } from '../../src/collector/store/duration-buckets.js';
import { RECENT_DAYS } from '../../src/collector/store/fold-days.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { IncomingHit } from '../../src/collector/types.js';
import { expectedEndpoints, expectedTimeseries } from '../helpers/store-oracle.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 2 November 2026, 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 2);
const dir = mkdtempSync(join(tmpdir(), 'footfall-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function hit(timeMs: number, fields: { [K in keyof IncomingHit]?: IncomingHit[K] | undefined } = {}): IncomingHit {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { timeMs, protocol: 'ga4', method: 'GET', route: '/v1/users/:id', client: 'c1', eventName: 'page_view', ...defined };
}

describe('duration histogram', () => {
  it('stands for every duration from 1 µs to 11 days within 2.7 %, and for 0 as 0', () => {
    let worst = 0;
    for (let d = 0.001; d < 1e9; d *= 1.0123) worst = Math.max(worst, Math.abs(bucketValueMs(durationBucket(d) ?? Number.NaN) / d - 1));
    assert.ok(worst <= 0.027, `worst relative error ${worst}`);
    assert.ok(worst > 0.015, `the test should probe bucket edges, worst was ${worst}`);
    assert.equal(bucketValueMs(durationBucket(0) ?? Number.NaN), 0);
    assert.deepEqual([undefined, Number.NaN, -1, Infinity].map((d) => durationBucket(d)), [null, null, null, null]);
  });

  it('takes the nearest-rank percentile of the buckets, null when empty', () => {
    const b = (ms: number) => durationBucket(ms) ?? Number.NaN;
    const histogram = new Map([[b(10), 50], [b(100), 45], [b(1000), 5]]);
    assert.deepEqual([0.5, 0.95, 0.96, 1].map((p) => histogramPercentile(histogram, p)), [bucketValueMs(b(10)), bucketValueMs(b(100)), bucketValueMs(b(1000)), bucketValueMs(b(1000))]);
    assert.equal(histogramPercentile(new Map(), 0.5), null);
  });
});

describe('SQLite store: endpoints()', () => {
  it('adds up hits, distinct clients across hours, days and edges, 4xx/5xx, error rate and first/last seen', () => {
    const store = createSqliteStore({ file: ':memory:' });
    const hits = [
      hit(D0 + 10 * HOUR + 5, { client: 'a', status: 200 }),
      hit(D0 + 10 * HOUR + 9, { client: 'a', status: 404 }),
      hit(D0 + 11 * HOUR, { client: 'b', status: 500 }),
      hit(D0 + 2 * DAY + 3 * HOUR, { client: 'a', status: 503 }),
      hit(D0 + 2 * DAY + 4 * HOUR, { client: 'c' }), // no status: not in the error rate
      hit(D0 + 3 * DAY, { client: 'd', method: 'POST', status: 201 }),
    ];
    store.insert(hits, D0 + 3 * DAY);
    const report = store.endpoints({});
    assert.equal(report.hits, 6);
    assert.equal(report.clients, 4);
    assert.deepEqual(report.endpoints.map((e) => [e.method, e.hits, e.clients, e.serverErrors, e.clientErrors, e.errorRate, e.firstSeenMs, e.lastSeenMs]), [
      ['GET', 5, 3, 2, 1, 2 / 4, D0 + 10 * HOUR + 5, D0 + 2 * DAY + 4 * HOUR],
      ['POST', 1, 1, 0, 0, 0, D0 + 3 * DAY, D0 + 3 * DAY],
    ]);
    // Mid-hour edges: only the raw hits inside count, and first/last are within the range.
    const mid = store.endpoints({ sinceMs: D0 + 10 * HOUR + 6, untilMs: D0 + 2 * DAY + 3 * HOUR + 1 });
    assert.deepEqual(mid.endpoints.map((e) => [e.method, e.hits, e.clients, e.firstSeenMs, e.lastSeenMs]), [['GET', 3, 2, D0 + 10 * HOUR + 9, D0 + 2 * DAY + 3 * HOUR]]);
    assert.deepEqual(store.endpoints({ sinceMs: D0 + 20 * DAY }), { range: { sinceMs: D0 + 20 * DAY }, endpoints: [], unused: [], clients: 0, hits: 0, declared: 0 });
    store.close();
  });

  it('reports p50/p95 of a known distribution within the documented 2.7 %, and null without durations', () => {
    const store = createSqliteStore({ file: ':memory:' });
    // Durations 1..1000 ms over 3 days: exact nearest-rank p50 = 500, p95 = 950.
    store.insert(Array.from({ length: 1000 }, (_, i) => hit(D0 + i * 259_200, { durationMs: ((i * 7) % 1000) + 1, client: `c${i % 13}` })), D0 + 3 * DAY);
    store.insert([hit(D0, { route: '/none' })], D0 + 3 * DAY);
    const [timed, untimed] = store.endpoints({ sinceMs: D0 - HOUR / 2 }).endpoints;
    assert.ok(timed !== undefined && untimed !== undefined);
    assert.ok(Math.abs((timed.p50Ms ?? 0) / 500 - 1) <= 0.027, `p50 ${timed.p50Ms}`);
    assert.ok(Math.abs((timed.p95Ms ?? 0) / 950 - 1) <= 0.027, `p95 ${timed.p95Ms}`);
    assert.deepEqual([untimed.route, untimed.p50Ms, untimed.p95Ms], ['/none', null, null]);
    store.close();
  });

  it('matches a brute-force count for ranges cut mid-hour, mid-day and open, before and after days are folded', () => {
    const store = createSqliteStore({ file: ':memory:' });
    const hits: IncomingHit[] = [];
    for (let i = 0; i < 600; i++) {
      hits.push(hit(D0 + ((i * 7_919_993) % (12 * DAY)), { client: `c${(i * 31) % 40}`, route: `/r${i % 3}`, status: [200, 404, 500, undefined][i % 4], durationMs: i % 5 === 0 ? undefined : (i % 97) + 0.5 }));
    }
    const ranges = [{}, { sinceMs: D0 + 2 * DAY + 1234 }, { untilMs: D0 + 5 * DAY + 7 * HOUR + 59_999 }, { sinceMs: D0 + 26 * HOUR + 1, untilMs: D0 + 9 * DAY - 1 }, { sinceMs: D0 + 3 * HOUR + 10, untilMs: D0 + 3 * HOUR + 20 * 60_000 }];
    store.insert(hits.slice(0, 300), D0 + DAY); // nothing old enough to fold yet
    for (const range of ranges) assert.deepEqual(store.endpoints(range), expectedEndpoints(hits.slice(0, 300), range), JSON.stringify(range));
    store.insert(hits.slice(300), D0 + 13 * DAY); // folds every day before the 11th
    const late = hit(D0 + 2 * DAY + 5 * HOUR, { client: 'late', route: '/r1', durationMs: 3000, status: 500 });
    store.insert([late], D0 + 13 * DAY); // a late hit for a folded day
    for (const range of ranges) assert.deepEqual(store.endpoints(range), expectedEndpoints([...hits, late], range), JSON.stringify(range));
    store.close();
  });

  it('marks declared routes (same shape, a method or ALL) and lists the unused ones by route, then method', () => {
    const store = createSqliteStore({ file: ':memory:' });
    store.setRoutes([
      { method: 'get', route: '/v1/users/:id' },
      { method: 'GET', route: '/v1/users/:id' },
      { method: 'DELETE', route: '/v1/users/:id' },
      { method: 'ALL', route: '/health' },
      { method: 'ALL', route: '/admin' },
      { method: 'POST', route: '/a' },
    ]);
    assert.deepEqual(store.routes(), [
      { method: 'POST', route: '/a' },
      { method: 'ALL', route: '/admin' },
      { method: 'ALL', route: '/health' },
      { method: 'DELETE', route: '/v1/users/:id' },
      { method: 'GET', route: '/v1/users/:id' },
    ]);
    store.insert([hit(D0), hit(D0 + 1, { method: 'HEAD', route: '/health' }), hit(D0 + 2, { route: '/undeclared' })], D0);
    const report = store.endpoints({});
    assert.equal(report.declared, 5);
    assert.deepEqual(report.endpoints.map((e) => [e.method, e.route, e.declared]), [
      ['HEAD', '/health', true],
      ['GET', '/undeclared', false],
      ['GET', '/v1/users/:id', true],
    ]);
    assert.deepEqual(report.unused, [{ method: 'POST', route: '/a' }, { method: 'ALL', route: '/admin' }, { method: 'DELETE', route: '/v1/users/:id' }]);
    // Parameter names do not count: an OpenAPI /v1/users/{userId} (stored as :userId) is the recorded
    // /v1/users/:id, and the row is named as the inventory names it (issue 13).
    store.setRoutes([{ method: 'GET', route: '/v1/users/:userId' }, { method: 'DELETE', route: '/v1/users/:userId' }]);
    assert.deepEqual([store.endpoints({}).endpoints.find((e) => e.route === '/v1/users/:userId')?.declared, store.endpoints({}).unused], [true, [{ method: 'DELETE', route: '/v1/users/:userId' }]]);
    store.setRoutes([{ method: 'GET', route: '/x' }]);
    assert.deepEqual([store.endpoints({}).declared, store.endpoints({}).unused], [1, [{ method: 'GET', route: '/x' }]]);
    store.close();
  });
});

describe('SQLite store: writes', () => {
  it('stores a batch whole or not at all, and ids learned in a failed batch are not reused wrongly', () => {
    const store = createSqliteStore({ file: ':memory:' });
    const broken = { ...hit(D0 + 2), eventName: null } as unknown as IncomingHit; // violates NOT NULL
    assert.throws(() => store.insert([hit(D0, { route: '/ghost', client: 'ghost' }), hit(D0 + 1), broken], D0));
    assert.equal(store.count(), 0);
    assert.deepEqual(store.endpoints({}).endpoints, []);
    assert.deepEqual(store.recentHits(10), []);
    assert.deepEqual(store.timeseries({ bucketMs: HOUR }), []);
    // The rolled-back endpoint and client ids are free again: new names take them, old names get new ones.
    store.insert([hit(D0, { route: '/real', client: 'real' })], D0);
    store.insert([hit(D0 + 1, { route: '/ghost', client: 'ghost' }), hit(D0 + 2, { route: '/ghost', client: 'ghost' })], D0);
    assert.deepEqual(store.endpoints({}).endpoints.map((e) => [e.route, e.hits, e.clients]), [['/ghost', 2, 1], ['/real', 1, 1]]);
    assert.deepEqual(store.recentHits(3).map((h) => [h.route, h.client]), [['/ghost', 'ghost'], ['/ghost', 'ghost'], ['/real', 'real']]);
    store.close();
  });

  it('rolls back the rollups too when the failure comes last, and remembers nothing of the failed batch', () => {
    const file = join(dir, 'late-failure.db');
    const store = createSqliteStore({ file });
    const other = new Database(file);
    // The fold's last statement (moving the fold mark) is refused, after every rollup row was written.
    other.exec("CREATE TRIGGER refuse_fold BEFORE INSERT ON store_state BEGIN SELECT RAISE(ABORT, 'refused for the test'); END");
    const hits = [hit(D0, { client: 'a', durationMs: 5 }), hit(D0 + HOUR, { client: 'b', route: '/new', durationMs: 7 })];
    assert.throws(() => store.insert(hits, D0 + 5 * DAY), /refused for the test/);
    assert.equal(store.count(), 0);
    for (const table of ['hourly', 'hourly_durations', 'hourly_clients', 'daily_durations', 'client_days', 'endpoints', 'clients']) {
      assert.equal(other.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), 0, table);
    }
    other.exec('DROP TRIGGER refuse_fold');
    other.close();
    store.insert(hits, D0 + 5 * DAY);
    assert.deepEqual(store.endpoints({}), expectedEndpoints(hits, {}));
    assert.deepEqual(store.endpoints({ sinceMs: D0 + 1 }), expectedEndpoints(hits, { sinceMs: D0 + 1 }));
    store.close();
  });

  it('returns recent hits newest first with absent fields left out', () => {
    const store = createSqliteStore({ file: ':memory:' });
    const full = hit(D0 + 5, { status: 201, durationMs: 12.5, userId: 'u1', title: 'GET /v1/users/:id', host: 'api.example.com' });
    store.insert([hit(D0 + 10), full], D0 + 100);
    store.insert([hit(D0, { protocol: 'ua', method: 'POST', route: '/b', client: 'c2', eventName: 'pageview' })], D0 + 200);
    assert.deepEqual(store.recentHits(10), [
      { id: 3, timeMs: D0, receivedMs: D0 + 200, protocol: 'ua', method: 'POST', route: '/b', client: 'c2', eventName: 'pageview' },
      { id: 2, receivedMs: D0 + 100, ...full },
      { id: 1, receivedMs: D0 + 100, ...hit(D0 + 10) },
    ]);
    assert.deepEqual(store.recentHits(1).map((h) => h.id), [3]);
    assert.equal(store.count(), 3);
    store.close();
  });

  it('counts per bucket per endpoint, from raw hits and from the hourly rollup, with route and method filters', () => {
    const store = createSqliteStore({ file: ':memory:' });
    const hits = Array.from({ length: 400 }, (_, i) => hit(D0 + ((i * 1_234_567) % (3 * DAY)), { route: `/r${i % 2}`, method: i % 3 === 0 ? 'POST' : 'GET' }));
    store.insert(hits, D0 + 3 * DAY);
    const queries = [
      { bucketMs: 60_000, sinceMs: D0 + 5 * HOUR + 17, untilMs: D0 + 9 * HOUR },
      { bucketMs: HOUR, sinceMs: D0 + 30 * 60_000 },
      { bucketMs: 2 * HOUR, sinceMs: D0 + 7 * HOUR + 1, untilMs: D0 + 2 * DAY + 59 * 60_000, route: '/r1' },
      { bucketMs: DAY, route: '/r0', method: 'POST' },
      { bucketMs: 5000, route: '/nothing' },
    ];
    for (const query of queries) assert.deepEqual(store.timeseries(query), expectedTimeseries(hits, query), JSON.stringify(query));
    const [first] = store.timeseries({ bucketMs: DAY });
    assert.deepEqual(first?.points.map(([start]) => start), [D0, D0 + DAY, D0 + 2 * DAY]);
    store.close();
  });

  it('folds days older than the recent ones into the daily rollups as the collector clock moves on', () => {
    const file = join(dir, 'fold.db');
    const store = createSqliteStore({ file });
    store.insert(Array.from({ length: 10 * 24 }, (_, i) => hit(D0 + i * HOUR, { durationMs: i, client: `c${i % 5}` })), D0 + 10 * DAY);
    store.close();
    const db = new Database(file, { readonly: true });
    const value = (sql: string) => db.prepare(sql).pluck().get();
    assert.equal(value("SELECT value FROM store_state WHERE key = 'folded_before_day'"), D0 / DAY + 10 - RECENT_DAYS);
    assert.equal(value('SELECT max(day) FROM daily_durations'), D0 / DAY + 10 - RECENT_DAYS - 1);
    assert.equal(value('SELECT count(*) FROM client_days'), 5);
    db.close();
  });
});

describe('SQLite store: files', () => {
  it('keeps hits and routes in a WAL file across reopening', () => {
    const file = join(dir, 'reopen.db');
    const first = createSqliteStore({ file });
    first.insert([hit(D0, { status: 500, durationMs: 40 }), hit(D0 + DAY, { client: 'c2' })], D0 + DAY);
    first.setRoutes([{ method: 'GET', route: '/unused' }]);
    const before = first.endpoints({});
    first.close();
    first.close(); // idempotent
    const again = createSqliteStore({ file });
    assert.equal(again.count(), 2);
    assert.deepEqual(again.endpoints({}), before);
    assert.equal(before.unused.length, 1);
    assert.deepEqual(again.recentHits(1).map((h) => h.client), ['c2']);
    again.close();
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('refuses calls after close with an error instead of touching a closed handle', () => {
    const store = createSqliteStore({ file: ':memory:' });
    store.close();
    assert.throws(() => store.count(), /not open/);
  });
});
