// One suite of store tests run against both stores (SQLite through asAsyncStore, PostgreSQL):
// the brute-force model comparisons, hit ids, page views and retention, each on each store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AsyncStore } from '../../src/collector/store/store.js';
import type { IncomingHit } from '../../src/collector/types.js';
import { expectedEndpoints, expectedTimeseries } from '../helpers/store-oracle.js';
import { bothStores } from '../helpers/stores.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 2 November 2026, 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 2);

const STORES = bothStores();

function hit(timeMs: number, fields: { [K in keyof IncomingHit]?: IncomingHit[K] | undefined } = {}): IncomingHit {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { timeMs, protocol: 'ga4', method: 'GET', route: '/v1/users/:id', client: 'c1', eventName: 'page_view', ...defined };
}

async function using(open: () => Promise<AsyncStore>, work: (store: AsyncStore) => Promise<void>): Promise<void> {
  const store = await open();
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

for (const [kind, open] of Object.entries(STORES)) {
  describe(`store contract (${kind}): the brute-force model`, () => {
    it('matches a brute-force count for ranges cut mid-hour, mid-day and open, before and after days age (and a late hit)', () => using(open, async (store) => {
      const hits: IncomingHit[] = [];
      for (let i = 0; i < 600; i++) {
        hits.push(hit(D0 + ((i * 7_919_993) % (12 * DAY)), { client: `c${(i * 31) % 40}`, route: `/r${i % 3}`, status: [200, 404, 500, undefined][i % 4], durationMs: i % 5 === 0 ? undefined : (i % 97) + 0.5 }));
      }
      const ranges = [{}, { sinceMs: D0 + 2 * DAY + 1234 }, { untilMs: D0 + 5 * DAY + 7 * HOUR + 59_999 }, { sinceMs: D0 + 26 * HOUR + 1, untilMs: D0 + 9 * DAY - 1 }, { sinceMs: D0 + 3 * HOUR + 10, untilMs: D0 + 3 * HOUR + 20 * 60_000 }];
      await store.insert(hits.slice(0, 300), D0 + DAY);
      for (const range of ranges) assert.deepEqual(await store.endpoints(range), expectedEndpoints(hits.slice(0, 300), range), JSON.stringify(range));
      await store.insert(hits.slice(300), D0 + 13 * DAY);
      const late = hit(D0 + 2 * DAY + 5 * HOUR, { client: 'late', route: '/r1', durationMs: 3000, status: 500 });
      await store.insert([late], D0 + 13 * DAY);
      for (const range of ranges) assert.deepEqual(await store.endpoints(range), expectedEndpoints([...hits, late], range), JSON.stringify(range));
      for (const bucketMs of [HOUR, DAY, 20 * 60_000]) {
        for (const range of ranges) assert.deepEqual(await store.timeseries({ bucketMs, ...range }), expectedTimeseries([...hits, late], { bucketMs, ...range }), `${bucketMs} ${JSON.stringify(range)}`);
      }
    }));
  });

  describe(`store contract (${kind}): folded days and blocks of 32 days`, () => {
    it('matches the model over 70 days folded in steps, late hits after each fold, ranges cut inside folded days and on and across block edges', () => using(open, async (store) => {
      const block0 = Math.ceil(D0 / (32 * DAY)) * 32 * DAY; // the first block edge after D0
      const start = block0 - 20 * DAY;
      const hits: IncomingHit[] = [];
      for (let i = 0; i < 1400; i++) {
        // Client c<day>-<n>: most are seen on one day only, so a day's mask bit missing or extra changes a count.
        const day = (i * 37) % 70;
        hits.push(hit(start + day * DAY + ((i * 7_777_777) % DAY), { client: `c${day % 9}-${i % 5}`, route: `/r${i % 4}`, durationMs: (day % 6) * 40 + (i % 13), status: i % 11 === 0 ? 503 : 200 }));
      }
      const inserted: IncomingHit[] = [];
      const ranges = [
        {}, { sinceMs: block0 }, { untilMs: block0 }, { sinceMs: block0 - DAY, untilMs: block0 + DAY },
        { sinceMs: block0, untilMs: block0 + 32 * DAY }, { sinceMs: block0 - 19 * DAY + 5 * HOUR + 1, untilMs: block0 + 33 * DAY + 13 * HOUR },
        { sinceMs: block0 + 3 * DAY + 30 * 60_000, untilMs: block0 + 4 * DAY - 1 }, { sinceMs: block0 + 31 * DAY, untilMs: block0 + 32 * DAY },
        { sinceMs: block0 + 31 * DAY + HOUR, untilMs: block0 + 45 * DAY + 2 * HOUR + 5 }, { sinceMs: start + 60 * DAY + 11 * HOUR },
        { sinceMs: start + 66 * DAY, untilMs: start + 69 * DAY + 6 * HOUR },
      ];
      // Arrive in three waves, each folding the days before it (less two); each wave also brings hits for days folded already.
      for (const [fromDay, toDay] of [[0, 25], [25, 50], [50, 70]] as const) {
        const wave = hits.filter((h) => h.timeMs >= start + fromDay * DAY && h.timeMs < start + toDay * DAY);
        await store.insert(wave, start + toDay * DAY + HOUR);
        inserted.push(...wave);
        const late = [hit(start + (fromDay + 2) * DAY + 3 * HOUR, { client: `late${fromDay}`, route: '/r1', durationMs: 4000 }), hit(block0 + 31 * DAY + 23 * HOUR, { client: 'edge', route: '/r2', durationMs: 1 })];
        await store.insert(late, start + toDay * DAY + 2 * HOUR);
        inserted.push(...late);
        for (const range of ranges) assert.deepEqual(await store.endpoints(range), expectedEndpoints(inserted, range), `after day ${toDay}: ${JSON.stringify(range)}`);
      }
    }));
  });

  describe(`store contract (${kind}): hit ids`, () => {
    it('stores a (client, hit id) once within one insert, the first to arrive, and says which hits were duplicates', () => using(open, async (store) => {
      const hits = [hit(D0, { hitId: 'a-1' }), hit(D0 + 1, { hitId: 'a-2' }), hit(D0 + 2, { hitId: 'a-1', status: 500 }), hit(D0 + 3, { hitId: 'a-1' })];
      assert.deepEqual(await store.insert(hits, D0), { stored: 2, duplicates: [2, 3] });
      assert.equal(await store.count(), 2);
      assert.deepEqual(await store.endpoints({}), expectedEndpoints([hits[0], hits[1]] as IncomingHit[], {}));
      assert.deepEqual((await store.recentHits(5)).map((h) => [h.hitId, h.status]), [['a-2', undefined], ['a-1', undefined]]);
    }));

    it('a hit id stored by an earlier insert adds nothing, even claiming another route and status', () => using(open, async (store) => {
      const first = [hit(D0 + 10 * HOUR, { hitId: 'x-1', client: 'a' }), hit(D0 + 11 * HOUR + 5, { hitId: 'x-2', client: 'b', durationMs: 900 })];
      assert.deepEqual(await store.insert(first, D0 + DAY), { stored: 2, duplicates: [] });
      const report = await store.endpoints({});
      const series = await store.timeseries({ bucketMs: HOUR });
      const again = [first[0] as IncomingHit, { ...(first[1] as IncomingHit), route: '/elsewhere', status: 503, durationMs: 1 }];
      assert.deepEqual(await store.insert(again, D0 + DAY + 1), { stored: 0, duplicates: [0, 1] });
      assert.deepEqual(await store.endpoints({}), report);
      const range = { sinceMs: D0 + 10 * HOUR + 1, untilMs: D0 + 11 * HOUR + 6 };
      assert.deepEqual(await store.endpoints(range), expectedEndpoints(first, range));
      assert.deepEqual(await store.timeseries({ bucketMs: HOUR }), series);
      assert.deepEqual(series, expectedTimeseries(first, { bucketMs: HOUR }));
      assert.equal(await store.count(), 2);
    }));

    it('the same hit id from another client is another hit; hits without an id are never merged', () => using(open, async (store) => {
      assert.deepEqual(await store.insert([hit(D0, { hitId: 'same-1', client: 'a' }), hit(D0 + 1, { hitId: 'same-1', client: 'b' })], D0), { stored: 2, duplicates: [] });
      assert.deepEqual(await store.insert([hit(D0 + 2, { hitId: 'same-1', client: 'c' })], D0), { stored: 1, duplicates: [] });
      const twin = hit(D0, { client: 'd' });
      assert.deepEqual(await store.insert([twin, twin, twin], D0), { stored: 3, duplicates: [] });
      assert.equal((await store.endpoints({})).clients, 4);
      assert.equal((await store.endpoints({})).hits, 6);
      assert.deepEqual((await store.recentHits(1)).map((h) => 'hitId' in h), [false]);
    }));

    it('a failed insert stores none of its hits: sent again, they are new', () => using(open, async (store) => {
      const broken = { ...hit(D0 + 2), eventName: null } as unknown as IncomingHit; // violates NOT NULL
      await assert.rejects(store.insert([hit(D0, { hitId: 'r-1', route: '/ghost', client: 'ghost' }), broken], D0));
      assert.equal(await store.count(), 0);
      assert.deepEqual(await store.insert([hit(D0, { hitId: 'r-1', route: '/ghost', client: 'ghost' })], D0), { stored: 1, duplicates: [] });
      assert.deepEqual((await store.endpoints({})).endpoints.map((e) => [e.route, e.hits, e.clients]), [['/ghost', 1, 1]]);
    }));
  });

  describe(`store contract (${kind}): only page views are calls`, () => {
    it('other events are stored and listed, but count in no total, client, duration or time series', () => using(open, async (store) => {
      const times = [D0 + 10, D0 + HOUR + 10, D0 + 2 * HOUR + 10];
      const page = (timeMs: number, eventName: string, client = 'c1', durationMs = 10) => ({ ...hit(timeMs, { client, eventName, durationMs }), route: '/docs' });
      const hits = times.flatMap((t) => [page(t, 'page_view'), page(t + 1, 'scroll', 'only-scrolls', 5000), page(t + 2, 'file_download')]);
      hits.push(page(D0 + 20, 'pageview', 'c2'), page(D0 + 30, 'event', 'ua-events'));
      assert.equal((await store.insert(hits, D0 + 3 * HOUR)).stored, hits.length);
      assert.equal(await store.count(), hits.length);
      assert.deepEqual((await store.recentHits(100)).map((h) => h.eventName).sort(), [...hits.map((h) => h.eventName)].sort());
      for (const range of [{}, { sinceMs: D0 + 5, untilMs: D0 + 2 * HOUR + 20 }]) {
        const report = await store.endpoints(range);
        assert.deepEqual(report.endpoints.map((e) => [e.route, e.hits, e.clients, e.p95Ms !== null && e.p95Ms < 100]), [['/docs', 4, 2, true]], JSON.stringify(range));
        assert.equal(report.clients, 2);
        const series = await store.timeseries({ bucketMs: HOUR, ...range });
        assert.equal(series.flatMap((s) => s.points.map(([, count]) => count)).reduce((a, b) => a + b, 0), 4, JSON.stringify(range));
      }
    }));
  });

  describe(`store contract (${kind}): retention`, () => {
    it('prunes the oldest first in chunks, keeps whole-hour answers, marks partial ranges, and keeps hits written between chunks', () => using(open, async (store) => {
      const hits = Array.from({ length: 500 }, (_, i) => hit(D0 + ((i * 2_345_677) % (10 * DAY)), { client: `c${i % 23}`, route: `/r${i % 4}`, durationMs: (i % 50) + 1, status: i % 9 === 0 ? 500 : 200 }));
      await store.insert(hits, D0 + 10 * DAY);
      const whole = [{}, { sinceMs: D0 + DAY, untilMs: D0 + 8 * DAY }, { sinceMs: D0 + 5 * HOUR }];
      for (const range of whole) assert.deepEqual(await store.endpoints(range), expectedEndpoints(hits, range), JSON.stringify(range));
      const cut = D0 + 7 * DAY + 30 * 60_000; // floored to D0 + 7 days
      const first = await store.pruneRawHits(cut, 50);
      assert.deepEqual(first, { deleted: 50, done: false });
      const added = hit(D0 + DAY + 10, { client: 'between', route: '/r0' }); // old, written between two chunks
      await store.insert([added], D0 + 10 * DAY);
      let deleted = 50;
      for (let result = await store.pruneRawHits(cut, 50); ; result = await store.pruneRawHits(cut, 50)) {
        deleted += result.deleted;
        if (result.done) break;
      }
      const old = hits.filter((h) => h.timeMs < D0 + 7 * DAY).length + 1;
      assert.equal(deleted, old, 'every raw hit before the cut, the one written in between too');
      assert.equal(await store.count(), hits.length + 1 - old);
      assert.equal(await store.rawSinceMs(), D0 + 7 * DAY);
      for (const range of whole) {
        assert.deepEqual(await store.endpoints(range), { ...expectedEndpoints([...hits, added], range), rawDetail: { sinceMs: D0 + 7 * DAY, partial: false } }, JSON.stringify(range));
      }
      // Cut inside an hour before the mark: those minutes had raw hits only, so they count nothing now.
      const inside = { sinceMs: D0 + 2 * DAY + 10 * 60_000 };
      const fromNextHour = expectedEndpoints([...hits, added], { sinceMs: D0 + 2 * DAY + HOUR });
      assert.ok(fromNextHour.hits < expectedEndpoints([...hits, added], inside).hits, 'the data has hits in the cut minutes');
      assert.deepEqual(await store.endpoints(inside), { ...fromNextHour, range: inside, rawDetail: { sinceMs: D0 + 7 * DAY, partial: true } });
    }));
  });
}
