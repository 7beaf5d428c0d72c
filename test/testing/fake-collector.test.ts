import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { createManualClock, type ManualClock } from '../../src/delivery/clock.js';
import type { FailureReport } from '../../src/delivery/events.js';
import { createTracker, type Tracker } from '../../src/delivery/tracker.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { assertNotTracked, assertTracked, startFakeCollector, type FakeCollector } from '../../src/testing/index.js';
import { TEST_KEY } from '../helpers/context.js';
import { assertAccounting, waitFor } from '../helpers/tracker.js';
import { APPS } from './apps.js';

/** A production tracker (undici, real HTTP) sending GA4 to the fake collector, on a manual clock. */
function trackerFor(fake: FakeCollector, failures: FailureReport[] = [], extra: { maxRetryMs?: number; clock?: ManualClock } = {}): Tracker {
  return createTracker({
    destination: ga4({ measurementId: 'G-TEST000000', apiSecret: 'test', endpoint: fake.endpoint }),
    hashKey: TEST_KEY,
    clock: createManualClock(Date.now()),
    flushOnExit: false,
    onFailure: (report) => failures.push(report),
    ...extra,
  });
}

for (const { name, start } of APPS) {
  describe(`startFakeCollector with a real ${name} app`, () => {
    it('stores what the app tracked; assertTracked reads its hits', async () => {
      const fake = await startFakeCollector();
      const tracker = trackerFor(fake);
      const app = await start(tracker);
      try {
        assert.equal(await app.call('GET', '/v1/users/4'), 200);
        assert.equal(await app.call('POST', '/v1/orders'), 201);
        await tracker.flush();
        assert.equal(tracker.stats().sent, 2);
        assertTracked(fake, { method: 'GET', route: '/v1/users/:id', status: 200, count: 1 });
        assertTracked(fake, { method: 'POST', route: '/v1/orders', status: 201 });
        assertNotTracked(fake, { status: 404 });
        assert.deepEqual(fake.hits.map((hit) => hit.eventName), ['page_view', 'page_view']);
        assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`), ['POST /mp/collect 204']);
        assert.throws(() => assertTracked(fake, { route: '/v1/users/:id', status: 500 }), /found 0; 2 hit\(s\) were tracked:\n {2}GET \/v1\/users\/:id -> 200 {2}\(host 127\.0\.0\.1, client \d+\.\d+\)/);
      } finally {
        await app.close();
        await tracker.close();
        await fake.close();
      }
    });

    it('failRate 1: the app answers normally, the tracker onFailure fires (the seed failure_cb), and the books balance', async () => {
      const fake = await startFakeCollector({ failRate: 1 });
      const failures: FailureReport[] = [];
      const tracker = trackerFor(fake, failures, { maxRetryMs: 0 });
      const app = await start(tracker);
      try {
        assert.equal(await app.call('GET', '/v1/users/1'), 200);
        await tracker.flush();
        assert.equal(failures.length, 1);
        assert.equal(failures[0]?.status, 500);
        assert.equal(failures[0]?.lastError, 'http_5xx');
        assert.equal(failures[0]?.hits[0]?.route, '/v1/users/:id');
        const s = tracker.stats();
        assert.deepEqual([s.tracked, s.sent, s.failed, s.pending], [1, 0, 1, 0]);
        assertAccounting(tracker);
        assert.equal(fake.hits.length, 0);
        assert.deepEqual(fake.requests.map((r) => r.status), [500]);
        assert.equal(fake.stats().faults, 1);
      } finally {
        await app.close();
        await tracker.close();
        await fake.close();
      }
    });
  });
}

describe('startFakeCollector', () => {
  it('status 400: not retried, onFailure fires once with the status', async () => {
    const fake = await startFakeCollector({ status: 400 });
    const failures: FailureReport[] = [];
    const tracker = trackerFor(fake, failures);
    try {
      tracker.track({ route: '/a', status: 200 });
      await tracker.flush();
      assert.deepEqual(failures.map((f) => [f.reason, f.status, f.attempts]), [['http_4xx', 400, 1]]);
      assertAccounting(tracker);
    } finally {
      await tracker.close();
      await fake.close();
    }
  });

  it('429 with Retry-After: the tracker waits as long as told, on its own clock', async () => {
    const fake = await startFakeCollector({ status: 429, retryAfterS: 30 });
    const clock = createManualClock(Date.now());
    const tracker = trackerFor(fake, [], { clock });
    try {
      tracker.track({ route: '/a', status: 200 });
      void tracker.flush();
      await waitFor(() => tracker.stats().retried === 1, 'the first 429');
      assert.equal(fake.requests[0]?.status, 429);
      clock.advance(29_000);
      assert.equal(tracker.stats().inFlight, 0, 'still waiting: Retry-After is 30 s');
      clock.advance(1_000);
      assert.equal(tracker.stats().inFlight, 1, 'retried after 30 s');
      await waitFor(() => fake.requests.length === 2, 'the retry');
      assert.deepEqual(fake.requests.map((r) => r.status), [429, 429]);
      assertAccounting(tracker);
    } finally {
      const closed = tracker.close({ timeoutMs: 0 });
      clock.advance(0);
      await closed;
      await fake.close();
    }
  });

  it('hang with a manual clock: the app is not held, the hit lands once the collector clock moves', async () => {
    const collectorClock = createManualClock(Date.now()); // near the tracker's: the collector refuses hits from the future
    const fake = await startFakeCollector({ hangRate: 1, hangMs: 20_000, clock: collectorClock });
    const clock = createManualClock(Date.now());
    const tracker = trackerFor(fake, [], { clock });
    const app = await APPS[0].start(tracker);
    try {
      assert.equal(await app.call('GET', '/v1/users/1'), 200);
      const delivered = tracker.flush();
      await waitFor(() => collectorClock.pending === 1, 'the collector to hold the request');
      assert.equal(await app.call('GET', '/v1/users/2'), 200, 'the app answers while analytics hangs');
      assert.deepEqual([fake.hits.length, fake.requests.length], [0, 0]);
      collectorClock.advance(20_000);
      await delivered;
      assert.equal(tracker.stats().sent, 1, JSON.stringify([tracker.stats(), fake.requests, fake.stats()]));
      assertTracked(fake, { route: '/v1/users/:id', count: 1 });
      assert.deepEqual(fake.requests.map((r) => r.status), [204]);
    } finally {
      await app.close();
      const closed = tracker.close({ timeoutMs: 0 }); // the second hit hangs too: abandon it
      clock.advance(0);
      await closed;
      await fake.close();
    }
  });

  it('lists refused requests too, and a request the client gave up on with status 0', async () => {
    const clock = createManualClock();
    const fake = await startFakeCollector({ apiSecret: 'right', hangRate: 1, hangMs: 5_000, clock });
    try {
      const answer = request(`${fake.endpoint}?measurement_id=G-TEST000000&api_secret=wrong`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_id":"1.2","events":[{"name":"page_view"}]}' });
      await waitFor(() => clock.pending === 1, 'the hang');
      assert.equal(fake.requests.length, 0, 'held: not over yet');
      clock.advance(5_000);
      const wrong = await answer;
      await wrong.body.text();
      await waitFor(() => fake.requests.length === 1, 'the refusal');
      assert.equal(wrong.statusCode, 403);
      const abort = new AbortController();
      const gaveUp = request(fake.endpoint, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, signal: abort.signal }).catch(() => 'aborted');
      await waitFor(() => clock.pending === 1, 'the second hang');
      abort.abort();
      assert.equal(await gaveUp, 'aborted');
      await waitFor(() => fake.requests.length === 2, 'the abandoned request');
      assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`), ['POST /mp/collect 403', 'POST /mp/collect 0']);
      assert.ok(fake.requests.every((r) => r.receivedMs === clock.now() - 5_000 || r.receivedMs === clock.now()));
    } finally {
      await fake.close();
    }
  });

  it('the same seed gives the same fates', async () => {
    const fates: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const fake = await startFakeCollector({ failRate: 0.5 });
      try {
        for (let i = 0; i < 8; i++) {
          const response = await request(`${fake.endpoint}?measurement_id=G-TEST000000&api_secret=x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: '1.2', events: [{ name: 'page_view', params: { page_location: 'http://a/x' } }] }) });
          await response.body.text();
        }
        await waitFor(() => fake.requests.length === 8, 'eight answers');
        fates.push(fake.requests.map((r) => r.status));
      } finally {
        await fake.close();
      }
    }
    assert.deepEqual(fates[0], fates[1]);
    assert.ok(fates[0]?.includes(500) && fates[0].includes(204), `a mix: ${fates[0]?.join(',')}`);
  });

  it('hangStores: a held request\'s hits are in fake.hits during the hold; the retry of a client that gave up is a duplicate', async () => {
    const clock = createManualClock(Date.now());
    const fake = await startFakeCollector({ hangRate: 1, hangMs: 20_000, hangStores: true, clock });
    try {
      const body = JSON.stringify({ client_id: '1.2', events: [{ name: 'page_view', params: { api_route: '/v1/x', hit_id: 'fakefakefa-0' } }] });
      const send = () => {
        const abort = new AbortController();
        const answer = request(`${fake.endpoint}?measurement_id=G-TEST000000&api_secret=x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: abort.signal }).then((r) => r.statusCode, () => 'aborted');
        return { answer, abort: () => abort.abort() };
      };
      const first = send();
      await waitFor(() => clock.pending === 1, 'the hold');
      assert.deepEqual(fake.hits.map((hit) => [hit.route, hit.hitId]), [['/v1/x', 'fakefakefa-0']]);
      first.abort();
      assert.equal(await first.answer, 'aborted');
      const retry = send();
      await waitFor(() => clock.pending === 1 && fake.stats().duplicateHits === 1, 'the retry to be held');
      clock.advance(20_000);
      assert.equal(await retry.answer, 204);
      await waitFor(() => fake.requests.length === 2, 'both requests');
      assert.deepEqual(fake.requests.map((r) => [r.status, r.duplicates]), [[0, 0], [204, 1]]);
      assert.equal(fake.hits.length, 1);
    } finally {
      await fake.close();
    }
  });

  it('rejects bad fault options before listening', async () => {
    await assert.rejects(startFakeCollector({ failRate: 2 }), /failRate/);
    await assert.rejects(startFakeCollector({ hangStores: 'yes' as unknown as boolean }), /hangStores.*true or false/);
    await assert.rejects(startFakeCollector(null as never), /options/);
  });
});
