import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { IncomingHit } from '../../src/collector/types.js';

const HOUR = 3_600_000;
/** Monday 2 November 2026, 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 2);

function hit(timeMs: number, eventName: string, client = 'c1', durationMs = 10): IncomingHit {
  return { timeMs, protocol: 'ga4', method: 'GET', route: '/docs', client, eventName, durationMs };
}

describe('store: only page views are calls', () => {
  it('other events are stored and listed, but count in no total, client, duration or time series — whole hours or raw edges', () => {
    const store = createSqliteStore({ file: ':memory:' });
    try {
      // Whole hours (rollups) and a partial hour at the end of the range (raw hits).
      const times = [D0 + 10, D0 + HOUR + 10, D0 + 2 * HOUR + 10];
      const hits = times.flatMap((t) => [hit(t, 'page_view'), hit(t + 1, 'scroll', 'only-scrolls', 5000), hit(t + 2, 'file_download')]);
      hits.push(hit(D0 + 20, 'pageview', 'c2'), hit(D0 + 30, 'event', 'ua-events'));
      assert.equal(store.insert(hits, D0 + 3 * HOUR).stored, hits.length);
      assert.equal(store.count(), hits.length);
      assert.deepEqual(store.recentHits(100).map((h) => h.eventName).sort(), [...hits.map((h) => h.eventName)].sort());
      for (const range of [{}, { sinceMs: D0 + 5, untilMs: D0 + 2 * HOUR + 20 }]) {
        const report = store.endpoints(range);
        assert.deepEqual(report.endpoints.map((e) => [e.route, e.hits, e.clients, e.p95Ms !== null && e.p95Ms < 100]), [['/docs', 4, 2, true]], JSON.stringify(range));
        assert.equal(report.clients, 2);
        const series = store.timeseries({ bucketMs: HOUR, ...range });
        assert.equal(series.flatMap((s) => s.points.map(([, count]) => count)).reduce((a, b) => a + b, 0), 4, JSON.stringify(range));
      }
    } finally {
      store.close();
    }
  });
});
