// The collector's write queue over an asynchronous store (PostgreSQL's shape): batches that
// grow while the store is busy, a bound on inserts in flight and on hits per insert, and a
// database that is unreachable failing a batch at once instead of request by request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { AsyncStore, InsertResult } from '../../src/collector/store/store.js';
import { asAsyncStore } from '../../src/collector/store/store.js';
import type { IncomingHit } from '../../src/collector/types.js';
import { createWriteQueue } from '../../src/collector/write-queue.js';
import { FootfallError } from '../../src/errors.js';

const T0 = Date.UTC(2026, 10, 2, 10);

function hits(count: number, tag: string): IncomingHit[] {
  return Array.from({ length: count }, (_, i) => ({ timeMs: T0, protocol: 'ga4', method: 'GET', route: '/r', client: 'c', eventName: 'page_view', hitId: `${tag}-${i}` }));
}

/** A real SQLite store whose inserts wait for the test to release them, one by one: a busy database. */
function gatedStore(): { store: AsyncStore; sizes: number[]; inFlight: () => number; releaseOne: () => void; settled: () => Promise<void> } {
  const real = asAsyncStore(createSqliteStore({ file: ':memory:' }));
  const sizes: number[] = [];
  const gates: (() => void)[] = [];
  let waiting = 0;
  const store: AsyncStore = {
    ...real,
    insert: async (batch, receivedMs): Promise<InsertResult> => {
      sizes.push(batch.length);
      waiting++;
      await new Promise<void>((resolve) => gates.push(resolve));
      waiting--;
      return real.insert(batch, receivedMs);
    },
  };
  return {
    store,
    sizes,
    inFlight: () => waiting,
    releaseOne: () => gates.shift()?.(),
    settled: () => new Promise((resolve) => setImmediate(() => setImmediate(resolve))),
  };
}

describe('write queue over an asynchronous store', () => {
  it('keeps at most maxInFlight inserts going, and what waits meanwhile goes in one insert', async () => {
    const gated = gatedStore();
    const queue = createWriteQueue(gated.store, { maxInFlight: 2 });
    const first = Array.from({ length: 5 }, (_, i) => queue.write(hits(2, `a${i}`), T0));
    await gated.settled();
    const second = Array.from({ length: 3 }, (_, i) => queue.write(hits(2, `b${i}`), T0));
    await gated.settled();
    const third = Array.from({ length: 4 }, (_, i) => queue.write(hits(2, `c${i}`), T0));
    await gated.settled();
    assert.deepEqual(gated.sizes, [10, 6], 'two inserts in flight, the third batch waits');
    assert.equal(gated.inFlight(), 2);
    gated.releaseOne();
    await Promise.all(first);
    await gated.settled();
    assert.deepEqual(gated.sizes, [10, 6, 8], 'the four waiting requests went in one insert');
    gated.releaseOne();
    gated.releaseOne();
    const results = await Promise.all([...second, ...third]);
    assert.ok(results.every((result) => result.duplicates.length === 0));
    assert.equal(await gated.store.count(), 24);
  });

  it('cuts a batch at maxHitsPerWrite, never splitting a request', async () => {
    const sizes: number[] = [];
    const real = asAsyncStore(createSqliteStore({ file: ':memory:' }));
    const store: AsyncStore = { ...real, insert: (batch, receivedMs) => (sizes.push(batch.length), real.insert(batch, receivedMs)) };
    const queue = createWriteQueue(store, { maxHitsPerWrite: 5000 });
    await Promise.all([queue.write(hits(3000, 'a'), T0), queue.write(hits(1000, 'b'), T0), queue.write(hits(3000, 'c'), T0), queue.write(hits(6000, 'd'), T0)]);
    assert.deepEqual(sizes, [4000, 3000, 6000]);
    assert.equal(await real.count(), 13_000);
  });

  it('fails every request of a batch at once when the database is unreachable (no request-by-request retry)', async () => {
    let inserts = 0;
    const real = asAsyncStore(createSqliteStore({ file: ':memory:' }));
    const down = new FootfallError('FOOTFALL_ERR_DATABASE_UNREACHABLE', 'postgres://u@db:5432/x', 'ECONNREFUSED');
    const store: AsyncStore = { ...real, insert: () => (inserts++, Promise.reject(down)) };
    const queue = createWriteQueue(store);
    const results = await Promise.allSettled([queue.write(hits(1, 'a'), T0), queue.write(hits(1, 'b'), T0), queue.write(hits(1, 'c'), T0)]);
    assert.equal(inserts, 1);
    assert.deepEqual(results.map((result) => result.status === 'rejected' && result.reason === down), [true, true, true]);
  });

  it('tries each request alone after another failure, so only the bad one fails', async () => {
    let inserts = 0;
    const real = asAsyncStore(createSqliteStore({ file: ':memory:' }));
    const store: AsyncStore = {
      ...real,
      insert: (batch, receivedMs) => {
        inserts++;
        return batch.some((hit) => hit.hitId === 'bad-0') ? Promise.reject(new Error('constraint')) : real.insert(batch, receivedMs);
      },
    };
    const queue = createWriteQueue(store);
    const results = await Promise.allSettled([queue.write(hits(2, 'a'), T0), queue.write(hits(1, 'bad'), T0), queue.write(hits(2, 'c'), T0)]);
    assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(inserts, 4);
    assert.equal(await real.count(), 4);
  });
});
