// Retention in the store: raw hits before a cut go, the rollups stay, and every answer made of
// whole hours is the same after pruning as before (and as the brute-force oracle's).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { Store } from '../../src/collector/store/store.js';
import type { EndpointsReport, IncomingHit, TimeRange, TimeSeriesQuery } from '../../src/collector/types.js';
import { expectedEndpoints, expectedTimeseries } from '../helpers/store-oracle.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 2 November 2026, 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 2);
/** The collector's "now": ten days and a half-hour past 07:00 after D0, so the cut is not on an hour. */
const NOW = D0 + 10 * DAY + 7 * HOUR + 30 * MINUTE;
const RETAIN_DAYS = 3;
/** The cut, floored to the hour by the store. */
const RAW_SINCE = D0 + 7 * DAY + 7 * HOUR;

const dir = mkdtempSync(join(tmpdir(), 'footfall-retention-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ROUTES = [['GET', '/v1/users/:id'], ['GET', '/v1/orders'], ['POST', '/v1/orders'], ['DELETE', '/v1/carts/:id'], ['GET', '/v1/rare']] as const;

/** About 4 000 page views over ten days (a seeded walk: clients, statuses, durations vary), and some scroll events. */
function tenDaysOfHits(): { views: IncomingHit[]; events: IncomingHit[] } {
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const views: IncomingHit[] = [];
  const events: IncomingHit[] = [];
  for (let t = D0 + 17_000; t < NOW - 60_000; t += 100_000 + next(300_000)) {
    const [method, route] = ROUTES[Math.min(next(9), ROUTES.length - 1)] ?? ROUTES[0];
    const status = [200, 200, 200, 201, 404, 500, undefined][next(7)];
    const hit: IncomingHit = { timeMs: t, protocol: 'ga4', method, route, client: `c${next(30)}`, eventName: 'page_view' };
    if (status !== undefined) Object.assign(hit, { status });
    if (next(5) > 0) Object.assign(hit, { durationMs: 1 + next(900) });
    views.push(hit);
    if (next(10) === 0) events.push({ ...hit, timeMs: t + 1, eventName: 'scroll' });
  }
  return { views, events };
}

/** Stores hits in time order, in batches received when their last hit happened (days fold as the clock moves). */
function fill(store: Store, hits: readonly IncomingHit[]): void {
  const sorted = [...hits].sort((a, b) => a.timeMs - b.timeMs);
  for (let i = 0; i < sorted.length; i += 100) {
    const batch = sorted.slice(i, i + 100);
    store.insert(batch, (batch[batch.length - 1] as IncomingHit).timeMs);
  }
}

/** Prunes everything before `beforeMs` in chunks of `chunkRows`; returns what each call deleted. */
function pruneAll(store: Store, beforeMs: number, chunkRows: number, between: () => void = () => undefined): number[] {
  const deleted: number[] = [];
  for (;;) {
    const result = store.pruneRawHits(beforeMs, chunkRows);
    deleted.push(result.deleted);
    if (result.done) return deleted;
    between();
  }
}

/** Ranges on whole hours: old days only, across the cut, recent only, open. */
const WHOLE_HOUR_RANGES: readonly TimeRange[] = [
  {},
  { sinceMs: D0, untilMs: D0 + 10 * DAY },
  { sinceMs: D0 + DAY + 3 * HOUR, untilMs: D0 + 8 * DAY + 5 * HOUR },
  { sinceMs: D0 + 2 * DAY, untilMs: D0 + 4 * DAY },
  { sinceMs: D0 + 2 * DAY + 5 * HOUR, untilMs: D0 + 2 * DAY + 9 * HOUR },
  { sinceMs: D0 + 6 * DAY + 22 * HOUR },
  { untilMs: D0 + 5 * DAY + 13 * HOUR },
];
/** Cut inside hours, but only after the cut: raw hits there are kept. */
const RECENT_RANGES: readonly TimeRange[] = [
  { sinceMs: D0 + 8 * DAY + 10 * MINUTE, untilMs: D0 + 9 * DAY + 17 * MINUTE },
  { sinceMs: RAW_SINCE, untilMs: NOW - 7 * MINUTE },
  { sinceMs: D0 + 9 * DAY + 5 * HOUR + 1, untilMs: D0 + 9 * DAY + 5 * HOUR + 40 * MINUTE },
];
const SERIES: readonly TimeSeriesQuery[] = [
  { bucketMs: HOUR },
  { sinceMs: D0, untilMs: NOW + HOUR, bucketMs: 6 * HOUR },
  { sinceMs: D0 + DAY, untilMs: D0 + 9 * DAY, bucketMs: DAY },
  { sinceMs: D0 + 2 * DAY + 3 * HOUR, untilMs: D0 + 8 * DAY, bucketMs: HOUR, route: '/v1/orders', method: 'POST' },
  { sinceMs: RAW_SINCE, untilMs: NOW, bucketMs: 5 * MINUTE },
];

function withoutRawDetail(report: EndpointsReport): EndpointsReport {
  const { rawDetail, ...rest } = report;
  void rawDetail;
  return rest;
}

describe('SQLite store: retention (pruneRawHits)', () => {
  const { views, events } = tenDaysOfHits();
  const file = join(dir, 'ten-days.db');
  const store = createSqliteStore({ file });
  fill(store, [...views, ...events]);
  const ranges = [...WHOLE_HOUR_RANGES, ...RECENT_RANGES];
  const before = {
    endpoints: ranges.map((range) => store.endpoints(range)),
    series: SERIES.map((query) => store.timeseries(query)),
    span: store.timeSpan(),
    count: store.count(),
  };

  it('the data spans ten days and the answers before pruning are the oracle\'s (page views only)', () => {
    assert.ok(views.length > 3000, `${views.length} page views`);
    assert.equal(before.count, views.length + events.length);
    assert.equal(store.rawSinceMs(), undefined, 'nothing pruned yet');
    ranges.forEach((range, i) => assert.deepEqual(before.endpoints[i], expectedEndpoints(views, range), JSON.stringify(range)));
    SERIES.forEach((query, i) => assert.deepEqual(before.series[i], expectedTimeseries(views, query), JSON.stringify(query)));
  });

  it('deletes in chunks of at most maxRows, the oldest first, until only the last three days of raw hits are left', () => {
    const cutMs = NOW - RETAIN_DAYS * DAY;
    const old = [...views, ...events].filter((hit) => hit.timeMs < RAW_SINCE).length;
    assert.ok(old > 2000, `${old} old hits`);
    const deleted = pruneAll(store, cutMs, 500);
    assert.ok(deleted.every((n) => n <= 500), `chunks ${deleted.join(',')}`);
    assert.equal(deleted.length, Math.floor(old / 500) + 1, 'a full chunk means more may be left; the last one is short');
    assert.equal(deleted.reduce((a, b) => a + b, 0), old);
    assert.equal(store.count(), before.count - old);
    assert.equal(store.rawSinceMs(), RAW_SINCE, 'the cut floored to its hour');
    const oldest = store.recentHits(100_000, { byTime: true }).at(-1);
    assert.ok(oldest !== undefined && oldest.timeMs >= RAW_SINCE && oldest.timeMs < RAW_SINCE + HOUR, `oldest raw hit ${oldest?.timeMs}`);
    assert.deepEqual(store.pruneRawHits(cutMs, 500), { deleted: 0, done: true }, 'a second prune finds nothing');
    assert.deepEqual(store.pruneRawHits(cutMs + 5 * MINUTE, 500), { deleted: 0, done: true }, 'nothing before 07:05 either');
    assert.equal(store.rawSinceMs(), RAW_SINCE, 'the mark moves only when a prune deletes');
  });

  it('answers every range on whole hours as before, consumers and percentiles included, and says from when raw detail exists', () => {
    for (const [i, range] of ranges.entries()) {
      const report = store.endpoints(range);
      assert.deepEqual(report.rawDetail, { sinceMs: RAW_SINCE, partial: false }, JSON.stringify(range));
      assert.deepEqual(withoutRawDetail(report), before.endpoints[i], JSON.stringify(range));
      assert.deepEqual(withoutRawDetail(report), expectedEndpoints(views, range), JSON.stringify(range));
    }
    SERIES.forEach((query, i) => assert.deepEqual(store.timeseries(query), before.series[i], JSON.stringify(query)));
    assert.deepEqual(store.timeSpan(), before.span, 'the first hit is still known, from the hourly rollup');
  });

  it('a range cut inside an hour before the cut is marked partial: those minutes had raw hits only', () => {
    const range = { sinceMs: D0 + 5 * DAY + 3 * HOUR + 20 * MINUTE, untilMs: D0 + 9 * DAY };
    const report = store.endpoints(range);
    assert.deepEqual(report.rawDetail, { sinceMs: RAW_SINCE, partial: true });
    const expected = expectedEndpoints(views, range);
    const lost = views.filter((hit) => hit.timeMs >= range.sinceMs && hit.timeMs < D0 + 5 * DAY + 4 * HOUR).length;
    assert.ok(lost > 0, 'the test needs hits in the lost minutes');
    assert.equal(report.hits, expected.hits - lost, 'the whole hours are all there; only the minutes before 04:00 are missing');
  });

  it('keeps all of it in the file: reopened, the answers and the raw-since mark are the same', () => {
    const counted = store.count();
    store.close();
    const reopened = createSqliteStore({ file });
    try {
      assert.equal(reopened.count(), counted);
      assert.equal(reopened.rawSinceMs(), RAW_SINCE);
      ranges.forEach((range, i) => assert.deepEqual(withoutRawDetail(reopened.endpoints(range)), before.endpoints[i], JSON.stringify(range)));
      SERIES.forEach((query, i) => assert.deepEqual(reopened.timeseries(query), before.series[i], JSON.stringify(query)));
    } finally {
      reopened.close();
    }
  });
});

describe('SQLite store: retention and writes', () => {
  it('stores hits between two chunks of a prune, and those new hits are neither pruned nor lost', () => {
    const store = createSqliteStore({ file: join(dir, 'interleaved.db') });
    try {
      const old = Array.from({ length: 1000 }, (_, i): IncomingHit => ({ timeMs: D0 + i * MINUTE, protocol: 'ga4', method: 'GET', route: '/v1/old', client: `c${i % 7}`, eventName: 'page_view', hitId: `old-${i}` }));
      fill(store, old);
      let fresh = 0;
      const deleted = pruneAll(store, D0 + 2 * DAY, 100, () => {
        store.insert([{ timeMs: D0 + 3 * DAY + fresh * MINUTE, protocol: 'ga4', method: 'GET', route: '/v1/new', client: 'n', eventName: 'page_view', hitId: `new-${fresh}` }], D0 + 3 * DAY);
        fresh++;
      });
      assert.equal(deleted.length, 11, `chunks ${deleted.join(',')}`);
      assert.equal(fresh, 10, 'a write went in after each full chunk');
      assert.equal(store.count(), fresh, 'only the new hits are raw');
      const report = store.endpoints({});
      assert.deepEqual(report.endpoints.map((e) => [e.route, e.hits, e.clients]), [['/v1/old', 1000, 7], ['/v1/new', fresh, 1]]);
    } finally {
      store.close();
    }
  });

  it('refuses a cut that is not a time and a chunk that is not a whole number; marks raw detail incomplete only once it deleted', () => {
    const store = createSqliteStore({ file: ':memory:' });
    try {
      assert.throws(() => store.pruneRawHits(Number.NaN, 10), /beforeMs/);
      assert.throws(() => store.pruneRawHits(D0, 0), /maxRows/);
      assert.throws(() => store.pruneRawHits(D0, 1.5), /maxRows/);
      assert.equal(store.rawSinceMs(), undefined);
      store.insert([{ timeMs: D0 + DAY, protocol: 'ga4', method: 'GET', route: '/a', client: 'c', eventName: 'page_view' }], D0 + DAY);
      assert.deepEqual(store.pruneRawHits(D0 + DAY, 10), { deleted: 0, done: true });
      assert.equal(store.rawSinceMs(), undefined, 'nothing before the cut: raw detail is still whole');
      assert.deepEqual(store.pruneRawHits(D0 + DAY + HOUR - 1, 10), { deleted: 0, done: true }, 'the cut is floored to its hour');
      assert.deepEqual(store.pruneRawHits(D0 + DAY + HOUR, 10), { deleted: 1, done: true });
      assert.equal(store.rawSinceMs(), D0 + DAY + HOUR);
    } finally {
      store.close();
    }
  });
});
