// The collector's bound on a store that never answers (a database cut off without a reset):
// the write queue fails a stuck write's requests with FOOTFALL_ERR_STORE_TIMEOUT and frees its
// slot, so later requests are written, and the late settlement of the stuck write changes no
// answer; the query API answers 503 after storeTimeoutMs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { startCollector } from '../../src/collector/server.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import { asAsyncStore, type AsyncStore } from '../../src/collector/store/store.js';
import type { IncomingHit } from '../../src/collector/types.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { isFootfallError } from '../../src/errors.js';
import { createWriteQueue } from '../../src/collector/write-queue.js';
import { settle } from '../helpers/sink.js';

const T0 = Date.UTC(2026, 10, 2);

function hit(hitId: string): IncomingHit {
  return { timeMs: T0, protocol: 'ga4', method: 'GET', route: '/v1/a', client: 'c1', eventName: 'page_view', hitId };
}

/** A store whose first `stuck` inserts hang until `release()`; the rest go to SQLite in memory. */
function stallingStore(stuck: number) {
  const real = asAsyncStore(createSqliteStore({ file: ':memory:' }));
  const held: (() => void)[] = [];
  let calls = 0;
  const store: AsyncStore = {
    ...real,
    insert: (hits, receivedMs) => {
      if (calls++ >= stuck) return real.insert(hits, receivedMs);
      return new Promise((resolve, reject) => held.push(() => void real.insert(hits, receivedMs).then(resolve, reject)));
    },
  };
  return { store, real, release: () => held.splice(0).forEach((go) => go()) };
}

describe('write queue: writeTimeoutMs', () => {
  it('a write that never settles fails its requests after writeTimeoutMs with FOOTFALL_ERR_STORE_TIMEOUT and frees its slot', async () => {
    const clock = createManualClock(T0);
    const { store, real, release } = stallingStore(1);
    const queue = createWriteQueue(store, { maxInFlight: 1, writeTimeoutMs: 5000, clock });
    const first = queue.write([hit('a-1'), hit('a-2')], T0).then((value) => value, (error: unknown) => error);
    await settle(5);
    const second = queue.write([hit('b-1')], T0);
    clock.advance(4999);
    await settle(5);
    let settledEarly = false;
    void first.then(() => (settledEarly = true));
    await settle(5);
    assert.equal(settledEarly, false, 'not before the timeout');
    clock.advance(1);
    const error = await first;
    assert.ok(isFootfallError(error) && error.code === 'FOOTFALL_ERR_STORE_TIMEOUT', String(error));
    assert.match(error.message, /did not answer within 5000 ms/);
    // The slot is free again: the waiting request is written.
    assert.deepEqual(await second, { duplicates: [] });
    // The stuck write completes after all (a late commit): its request was answered already; a retry of it is a duplicate.
    release();
    await settle(10);
    assert.equal(await real.count(), 3);
    assert.deepEqual(await queue.write([hit('a-1'), hit('a-2')], T0), { duplicates: [0, 1] });
    await real.close();
  });

  it('a write that settles in time clears its timer: nothing fails later', async () => {
    const clock = createManualClock(T0);
    const { store, real } = stallingStore(0);
    const queue = createWriteQueue(store, { writeTimeoutMs: 5000, clock });
    assert.deepEqual(await queue.write([hit('c-1')], T0), { duplicates: [] });
    await settle(5);
    assert.equal(clock.pending, 0);
    clock.advance(60_000);
    await real.close();
  });
});

describe('collector: storeTimeoutMs', () => {
  it('the query API answers 503 (FOOTFALL_ERR_STORE_TIMEOUT, Retry-After) when the store does not answer in time, and ingest 503 when a write does not', async () => {
    const real = asAsyncStore(createSqliteStore({ file: ':memory:' }));
    const never = () => new Promise<never>(() => undefined);
    const store: AsyncStore = { ...real, endpoints: never, insert: never };
    const collector = await startCollector({ port: 0, store, output: 'none', storeTimeoutMs: 100 });
    try {
      const api = await request(`${collector.url}/api/endpoints`);
      assert.equal(api.statusCode, 503);
      assert.equal(api.headers['retry-after'], '5');
      assert.match(String(((await api.body.json()) as { error: string }).error), /^the store could not answer \(The hit store did not answer within 100 ms\..*\); try again later$/);
      const body = JSON.stringify({ client_id: '1.2', events: [{ name: 'page_view', params: { api_route: '/v1/a', hit_id: 'timeout-01' } }] });
      const ingest = await request(`${collector.url}/mp/collect?measurement_id=G-X&api_secret=s`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(ingest.statusCode, 503);
      assert.match(String(((await ingest.body.json()) as { error: string }).error), /^the hits could not be stored \(The hit store did not answer within 100 ms\..*\); retry later$/);
    } finally {
      await collector.close();
    }
  });

  it('is checked: a whole number of milliseconds from 100 to 3600000', async () => {
    for (const value of [50, 1.5, '1000', 3_600_001]) {
      await assert.rejects(startCollector({ port: 0, memory: true, storeTimeoutMs: value as number }), (error: unknown) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_OPTION' && /storeTimeoutMs/.test(error.message));
    }
  });
});
