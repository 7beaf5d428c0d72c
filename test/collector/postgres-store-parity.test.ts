// The same answers as SQLite: the same generated hits go to a SQLite store in memory and to a
// PostgreSQL store, and every answer is compared (and, without an inventory, to the
// brute-force model too).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPostgresStore } from '../../src/collector/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { AsyncStore, InsertResult } from '../../src/collector/store/store.js';
import { asAsyncStore } from '../../src/collector/store/store.js';
import type { DeclaredRoute, IncomingHit, StoredHit, TimeRange } from '../../src/collector/types.js';
import { PG_URL, dropSchema, testSchema } from '../helpers/postgres.js';
import { expectedEndpoints, expectedTimeseries, uniqueHits } from '../helpers/store-oracle.js';
import { createRandom as random } from '../../src/collector/random.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 2 November 2026, 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 2);
const DAYS = 6;


const ROUTES = ['/v1/users/:id', '/v1/users/42', '/v1/users/77', '/v1/orders/:orderId', '/v1/orders/9/items', '/v1/things', '/health', '(unmatched)', '/repos/octo/hello/pulls/12'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'DELETE'];
const STATUSES = [undefined, 200, 200, 201, 204, 301, 400, 404, 429, 500, 503];
const EVENTS = ['page_view', 'page_view', 'page_view', 'page_view', 'pageview', 'scroll'];

/** Batches of hits as collectors receive them: times over DAYS days, arriving in order with some late ones, ids repeated within and across batches. */
function generate(seed: number): { hits: IncomingHit[]; receivedMs: number }[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const batches: { hits: IncomingHit[]; receivedMs: number }[] = [];
  const sent: IncomingHit[] = [];
  for (let b = 0; b < 120; b++) {
    const receivedMs = D0 + Math.floor((b / 120) * DAYS * DAY) + 1000;
    const hits: IncomingHit[] = [];
    const size = 1 + Math.floor(next() * 40);
    for (let i = 0; i < size; i++) {
      const repeat = sent.length > 0 && next() < 0.08;
      if (repeat) {
        // A resent hit: the same (client, hit id), maybe another time (a retry after a timeout).
        hits.push(pick(sent));
        continue;
      }
      const late = next() < 0.1;
      const timeMs = Math.max(D0, receivedMs - Math.floor(next() * (late ? 3 * DAY : 2 * HOUR)));
      const duration = next() < 0.2 ? undefined : next() < 0.05 ? 0 : Math.round(next() ** 3 * 5000 * 1000) / 1000;
      const hit: IncomingHit = {
        timeMs,
        protocol: next() < 0.2 ? 'ua' : 'ga4',
        method: pick(METHODS),
        route: pick(ROUTES),
        client: `c${Math.floor(next() ** 2 * 40)}`,
        eventName: pick(EVENTS),
        ...(pick(STATUSES) === undefined ? {} : { status: pick(STATUSES.slice(1)) as number }),
        ...(duration === undefined ? {} : { durationMs: duration }),
        ...(next() < 0.85 ? { hitId: `h${b}-${i}-${Math.floor(next() * 1e6)}` } : {}),
        ...(next() < 0.5 ? { title: 'Title', host: 'api.example.com' } : {}),
        ...(next() < 0.3 ? { userId: `u${Math.floor(next() * 5)}` } : {}),
      };
      hits.push(hit);
      sent.push(hit);
      if (next() < 0.05) hits.push(hit); // the same hit twice in one batch
    }
    batches.push({ hits, receivedMs });
  }
  return batches;
}

const DECLARED: DeclaredRoute[] = [
  { method: 'GET', route: '/v1/users/:userId' },
  { method: 'ALL', route: '/v1/orders/:id' },
  { method: 'POST', route: '/v1/things' },
  { method: 'GET', route: '/never/called' },
];

const RANGES: TimeRange[] = [
  {},
  { sinceMs: D0 + DAY, untilMs: D0 + 3 * DAY },
  { sinceMs: D0 + 10 * HOUR + 123_456, untilMs: D0 + 4 * DAY + 7 * HOUR + 999 },
  { sinceMs: D0 + 2 * DAY + 5 * HOUR, untilMs: D0 + 2 * DAY + 6 * HOUR },
  { sinceMs: D0 + 2 * DAY + 5 * HOUR + 60_000, untilMs: D0 + 2 * DAY + 5 * HOUR + 1_800_000 },
  { sinceMs: D0 + 6 * HOUR, untilMs: D0 + 2 * DAY + 5 * HOUR + 45 * 60_000 },
  { sinceMs: D0 + DAY + 20 * 60_000, untilMs: D0 + 4 * DAY + 50 * 60_000 },
  { sinceMs: D0 + 3 * DAY + 1 },
  { untilMs: D0 + 2 * DAY - 1 },
  { sinceMs: D0 + 30 * DAY },
  { sinceMs: D0 + 10 * HOUR + 0.5, untilMs: D0 + 2 * DAY + 3 * HOUR + 0.25 },
  { sinceMs: -1e16, untilMs: D0 + DAY + 1 },
];

const GRAINS = [HOUR, DAY, 6 * HOUR, 15 * 60_000, 7 * 60_000 + 3000];

/** A StoredHit without its id: PostgreSQL's identity skips the values of refused duplicates, so ids are equal in order only. */
function withoutId(hit: StoredHit): Omit<StoredHit, 'id'> {
  return Object.fromEntries(Object.entries(hit).filter(([key]) => key !== 'id')) as Omit<StoredHit, 'id'>;
}

function assertNewestFirst(hits: readonly StoredHit[]): void {
  for (let i = 1; i < hits.length; i++) assert.ok((hits[i - 1] as StoredHit).id > (hits[i] as StoredHit).id, 'ids descend by arrival');
}

describe('PostgreSQL store: the same answers as SQLite', () => {
  const schema = testSchema();
  let pgStore: AsyncStore;
  let sqlite: AsyncStore;
  const batches = generate(16);
  const results: { pg: InsertResult; sqlite: InsertResult }[] = [];

  before(async () => {
    pgStore = await createPostgresStore({ url: PG_URL, schema });
    sqlite = asAsyncStore(createSqliteStore({ file: ':memory:' }));
    for (const { hits, receivedMs } of batches) {
      results.push({ pg: await pgStore.insert(hits, receivedMs), sqlite: await sqlite.insert(hits, receivedMs) });
    }
  });
  after(async () => {
    await pgStore?.close();
    await sqlite?.close();
    await dropSchema(schema);
  });

  it('stores the same hits and refuses the same duplicates (within a call and across calls)', async () => {
    const all = batches.flatMap((b) => b.hits);
    const { duplicates } = uniqueHits(all);
    assert.ok(duplicates.length > 20, `the data should have duplicates, had ${duplicates.length}`);
    assert.ok(results.some((r) => r.sqlite.duplicates.length > 0), 'some call refused a duplicate');
    assert.deepEqual(results.map((r) => r.pg), results.map((r) => r.sqlite));
    assert.equal(await pgStore.count(), all.length - duplicates.length);
    assert.equal(await pgStore.count(), await sqlite.count());
    assert.deepEqual(await pgStore.timeSpan(), await sqlite.timeSpan());
  });

  it('answers endpoints() the same for every range, with and without an inventory, and as the brute-force model', async () => {
    const kept = uniqueHits(batches.flatMap((b) => b.hits)).kept.filter((h) => h.eventName === 'page_view' || h.eventName === 'pageview');
    for (const range of RANGES) {
      const expected = await sqlite.endpoints(range);
      assert.deepEqual(await pgStore.endpoints(range), expected, JSON.stringify(range));
      assert.deepEqual(await pgStore.endpoints(range), expectedEndpoints(kept, range), `model ${JSON.stringify(range)}`);
      assert.deepEqual(await pgStore.endpoints(range, DECLARED), await sqlite.endpoints(range, DECLARED), `declared ${JSON.stringify(range)}`);
    }
    const all = await pgStore.endpoints({});
    assert.ok(all.endpoints.length >= 20 && all.clients > 20 && all.hits > 1000, `data too thin: ${all.endpoints.length} rows, ${all.clients} clients, ${all.hits} hits`);
    assert.ok(all.endpoints.some((e) => e.p95Ms !== null && e.serverErrors > 0 && e.clientErrors > 0));
  });

  it('keeps the declared inventory and answers with it the same', async () => {
    // Lower-case methods are stored upper-case; a route given twice is kept once.
    const given = [...DECLARED, { method: 'get', route: '/v1/things' }, { method: 'get', route: '/v1/users/:userId' }];
    await pgStore.setRoutes(given);
    await sqlite.setRoutes(given);
    assert.equal((await pgStore.routes()).length, DECLARED.length + 1);
    assert.deepEqual(await pgStore.routes(), await sqlite.routes());
    for (const range of RANGES) assert.deepEqual(await pgStore.endpoints(range), await sqlite.endpoints(range), JSON.stringify(range));
    assert.ok((await pgStore.endpoints({})).unused.length > 0, 'an unused declared route');
    await pgStore.setRoutes([]);
    await sqlite.setRoutes([]);
    assert.deepEqual(await pgStore.routes(), []);
  });

  it('answers timeseries() the same for several grains, ranges and filters', async () => {
    const kept = uniqueHits(batches.flatMap((b) => b.hits)).kept.filter((h) => h.eventName === 'page_view' || h.eventName === 'pageview');
    for (const bucketMs of GRAINS) {
      for (const range of RANGES) {
        const query = { ...range, bucketMs };
        assert.deepEqual(await pgStore.timeseries(query), await sqlite.timeseries(query), JSON.stringify(query));
        assert.deepEqual(await pgStore.timeseries(query), expectedTimeseries(kept, query), `model ${JSON.stringify(query)}`);
        assert.deepEqual(await pgStore.timeseries(query, DECLARED), await sqlite.timeseries(query, DECLARED), `declared ${JSON.stringify(query)}`);
      }
    }
    const filtered = [{ route: '/v1/users/:id' }, { route: '/v1/users/:id', method: 'GET' }, { route: '/v1/users/:userId', method: 'GET' }];
    for (const filter of filtered) {
      const query = { bucketMs: HOUR, sinceMs: D0 + 30 * 60_000, ...filter };
      assert.deepEqual(await pgStore.timeseries(query, DECLARED), await sqlite.timeseries(query, DECLARED), JSON.stringify(query));
      assert.deepEqual(await pgStore.timeseries(query), await sqlite.timeseries(query), JSON.stringify(query));
    }
  });

  it('lists the same recent hits, by arrival and by time', async () => {
    for (const order of [undefined, { byTime: true }]) {
      const [pg, lite] = [await pgStore.recentHits(200, order), await sqlite.recentHits(200, order)];
      assert.equal(pg.length, 200);
      assert.deepEqual(pg.map(withoutId), lite.map(withoutId), JSON.stringify(order));
      if (order === undefined) assertNewestFirst(pg);
    }
  });

  it('prunes raw hits the same, and still answers the same after', async () => {
    assert.equal(await pgStore.rawSinceMs(), undefined);
    const beforeMs = D0 + 3 * DAY + 17 * 60_000; // floored to the hour
    let calls = 0;
    for (;;) {
      const [pg, lite] = [await pgStore.pruneRawHits(beforeMs, 97), await sqlite.pruneRawHits(beforeMs, 97)];
      assert.deepEqual(pg, lite, `call ${calls}`);
      // Part way, the same raw hits are left (oldest first went): narrower than an hour, only raw hits count.
      if (calls === 0) assert.deepEqual(await pgStore.timeseries({ bucketMs: 15 * 60_000 }), await sqlite.timeseries({ bucketMs: 15 * 60_000 }));
      calls++;
      if (pg.done) break;
    }
    assert.ok(calls > 3, `pruned in ${calls} calls`);
    assert.equal(await pgStore.rawSinceMs(), D0 + 3 * DAY);
    assert.equal(await pgStore.count(), await sqlite.count());
    assert.deepEqual(await pgStore.timeSpan(), await sqlite.timeSpan());
    for (const range of RANGES) {
      const report = await pgStore.endpoints(range);
      assert.deepEqual(report, await sqlite.endpoints(range), JSON.stringify(range));
      assert.deepEqual(await pgStore.endpoints(range, DECLARED), await sqlite.endpoints(range, DECLARED), JSON.stringify(range));
      assert.equal(report.rawDetail?.sinceMs, D0 + 3 * DAY);
    }
    assert.equal((await pgStore.endpoints(RANGES[2] as TimeRange)).rawDetail?.partial, true);
    for (const bucketMs of GRAINS) assert.deepEqual(await pgStore.timeseries({ bucketMs }), await sqlite.timeseries({ bucketMs }), String(bucketMs));
    assert.deepEqual((await pgStore.recentHits(50, { byTime: true })).map(withoutId), (await sqlite.recentHits(50, { byTime: true })).map(withoutId));
    // Nothing left before the mark: a prune deletes nothing and leaves the mark as it was.
    assert.deepEqual(await pgStore.pruneRawHits(D0 + DAY, 10), { deleted: 0, done: true });
    assert.equal(await pgStore.rawSinceMs(), D0 + 3 * DAY);
    await assert.rejects(pgStore.pruneRawHits(Number.NaN, 10), RangeError);
    await assert.rejects(pgStore.pruneRawHits(D0, 0), RangeError);
  });
});
