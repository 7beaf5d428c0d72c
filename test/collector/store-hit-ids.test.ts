import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type BetterSqlite3 from 'better-sqlite3';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import { asAsyncStore } from '../../src/collector/store/store.js';
import type { IncomingHit } from '../../src/collector/types.js';
import { splitIndexes, createWriteQueue } from '../../src/collector/write-queue.js';
import { expectedEndpoints, expectedTimeseries } from '../helpers/store-oracle.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 2 November 2026, 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 2);
const dir = mkdtempSync(join(tmpdir(), 'footfall-store-hit-ids-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function hit(timeMs: number, fields: Partial<IncomingHit> = {}): IncomingHit {
  return { timeMs, protocol: 'ga4', method: 'GET', route: '/v1/users/:id', client: 'c1', eventName: 'page_view', status: 200, durationMs: 12, ...fields };
}

/** Every row of every table the hits feed, to show a duplicate changed none of them. */
function tables(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const names = ['hits', 'hourly', 'hourly_durations', 'hourly_clients', 'daily_durations', 'client_days', 'clients', 'store_state'];
    return Object.fromEntries(names.map((name) => [name, db.prepare(`SELECT * FROM ${name}`).raw().all()]));
  } finally {
    db.close();
  }
}

describe('SQLite store: hit ids', () => {
  it('stores a (client, hit id) once within one insert, and says which hits were duplicates', () => {
    const store = createSqliteStore({ file: ':memory:' });
    const hits = [hit(D0, { hitId: 'a-1' }), hit(D0 + 1, { hitId: 'a-2' }), hit(D0 + 2, { hitId: 'a-1', status: 500 }), hit(D0 + 3, { hitId: 'a-1' })];
    assert.deepEqual(store.insert(hits, D0), { stored: 2, duplicates: [2, 3] });
    assert.equal(store.count(), 2);
    // The first to arrive is the one kept: no 500 was stored.
    assert.deepEqual(store.endpoints({}), expectedEndpoints([hits[0], hits[1]] as IncomingHit[], {}));
    assert.deepEqual(store.recentHits(5).map((h) => [h.hitId, h.status]), [['a-2', 200], ['a-1', 200]]);
    store.close();
  });

  it('a hit id stored by an earlier insert adds nothing: no raw row, no rollup row, no fold of its own', () => {
    const file = join(dir, 'across.db');
    const store = createSqliteStore({ file });
    const first = [hit(D0 + 10 * HOUR, { hitId: 'x-1', client: 'a' }), hit(D0 + 11 * HOUR + 5, { hitId: 'x-2', client: 'b', durationMs: 900 })];
    assert.deepEqual(store.insert(first, D0 + DAY), { stored: 2, duplicates: [] });
    const report = store.endpoints({});
    const series = store.timeseries({ bucketMs: HOUR });
    const before = tables(file);
    // The same two again, later by the collector's clock, one of them claiming another route and status.
    const again = [first[0] as IncomingHit, { ...(first[1] as IncomingHit), route: '/elsewhere', status: 503, durationMs: 1 }];
    assert.deepEqual(store.insert(again, D0 + DAY + 1), { stored: 0, duplicates: [0, 1] });
    assert.deepEqual(tables(file), before);
    assert.deepEqual(store.endpoints({}), report);
    assert.deepEqual(store.endpoints({ sinceMs: D0 + 10 * HOUR + 1, untilMs: D0 + 11 * HOUR + 6 }), expectedEndpoints(first, { sinceMs: D0 + 10 * HOUR + 1, untilMs: D0 + 11 * HOUR + 6 }));
    assert.deepEqual(store.timeseries({ bucketMs: HOUR }), series);
    assert.deepEqual(series, expectedTimeseries(first, { bucketMs: HOUR }));
    store.close();
  });

  it('a late duplicate of a folded day changes neither the daily rollups nor the hourly ones', () => {
    const file = join(dir, 'folded.db');
    const store = createSqliteStore({ file });
    const old = hit(D0 + 3 * HOUR, { hitId: 'f-1', durationMs: 40 });
    store.insert([old], D0 + 10 * DAY); // folds the day of `old`
    const before = tables(file);
    assert.equal((before.daily_durations ?? []).length, 1);
    assert.equal((before.client_days ?? []).length, 1);
    assert.deepEqual(store.insert([old], D0 + 10 * DAY + 1), { stored: 0, duplicates: [0] });
    assert.deepEqual(tables(file), before);
    store.close();
  });

  it('the same hit id from another client is another hit: both are stored', () => {
    const store = createSqliteStore({ file: ':memory:' });
    const hits = [hit(D0, { hitId: 'same-1', client: 'a' }), hit(D0 + 1, { hitId: 'same-1', client: 'b' })];
    assert.deepEqual(store.insert(hits, D0), { stored: 2, duplicates: [] });
    assert.deepEqual(store.insert([hit(D0 + 2, { hitId: 'same-1', client: 'c' })], D0), { stored: 1, duplicates: [] });
    assert.equal(store.endpoints({}).clients, 3);
    assert.equal(store.count(), 3);
    store.close();
  });

  it('hits without an id are never merged, however alike', () => {
    const store = createSqliteStore({ file: ':memory:' });
    const twin = hit(D0);
    assert.deepEqual(store.insert([twin, twin, twin], D0), { stored: 3, duplicates: [] });
    assert.deepEqual(store.insert([twin], D0), { stored: 1, duplicates: [] });
    assert.equal(store.endpoints({}).hits, 4);
    assert.deepEqual(store.recentHits(1).map((h) => 'hitId' in h), [false]);
    store.close();
  });

  it('a failed insert stores none of its hit ids: sent again, they are new', () => {
    const store = createSqliteStore({ file: ':memory:' });
    const broken = { ...hit(D0 + 2), eventName: null } as unknown as IncomingHit; // violates NOT NULL
    assert.throws(() => store.insert([hit(D0, { hitId: 'r-1' }), broken], D0));
    assert.deepEqual(store.insert([hit(D0, { hitId: 'r-1' })], D0), { stored: 1, duplicates: [] });
    store.close();
  });
});

describe('write queue: requests merged into one transaction', () => {
  it('maps duplicates back to each request: a hit id of an earlier request in the same transaction makes the later one a duplicate', async () => {
    let inserts = 0;
    const real = createSqliteStore({ file: ':memory:' });
    const store = { ...real, insert: (hits: readonly IncomingHit[], receivedMs: number) => (inserts++, real.insert(hits, receivedMs)) };
    real.insert([hit(D0, { hitId: 'q-0' })], D0);
    inserts = 0;
    const queue = createWriteQueue(asAsyncStore(store));
    const [a, b, c] = await Promise.all([
      queue.write([hit(D0, { hitId: 'q-1' }), hit(D0, { hitId: 'q-0' })], D0),
      queue.write([], D0),
      queue.write([hit(D0, { hitId: 'q-2' }), hit(D0, { hitId: 'q-1' }), hit(D0), hit(D0, { hitId: 'q-1', client: 'other' })], D0),
    ]);
    assert.equal(inserts, 1, 'one transaction for the three requests');
    assert.deepEqual([a, b, c], [{ duplicates: [1] }, { duplicates: [] }, { duplicates: [1] }]);
    assert.equal(real.count(), 1 + 4);
    real.close();
  });

  it('when the merged transaction fails, each request is stored alone and keeps its own duplicates', async () => {
    const store = createSqliteStore({ file: ':memory:' });
    const queue = createWriteQueue(asAsyncStore(store));
    const broken = { ...hit(D0), eventName: null } as unknown as IncomingHit;
    const results = await Promise.allSettled([
      queue.write([hit(D0, { hitId: 'w-1' }), hit(D0, { hitId: 'w-1' })], D0),
      queue.write([hit(D0, { hitId: 'w-2' }), broken], D0),
      queue.write([hit(D0, { hitId: 'w-1' }), hit(D0, { hitId: 'w-2' })], D0),
    ]);
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed')), [{ duplicates: [1] }, 'failed', { duplicates: [0] }]);
    // w-2 of the failed request was rolled back, so the third request stored it.
    assert.deepEqual(store.recentHits(10).map((h) => h.hitId), ['w-2', 'w-1']);
    store.close();
  });

  it('splitIndexes maps indexes of a concatenation to each part, empty parts included', () => {
    assert.deepEqual(splitIndexes([0, 2, 3, 5, 6], [3, 0, 3, 1]), [[0, 2], [], [0, 2], [0]]);
    assert.deepEqual(splitIndexes([], [2, 2]), [[], []]);
  });
});
