import assert from 'node:assert/strict';
import { AssertionError } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { createManualClock } from '../../src/delivery/clock.js';
import { collector } from '../../src/protocols/ga4/collector-destination.js';
import { ua } from '../../src/protocols/ua/destination.js';
import { validateGa4 } from '../../src/protocols/ga4/validate.js';
import { assertNotTracked, assertTracked, assertValidPayloads, createTestTracker, TEST_MEASUREMENT_ID, type TestTracker } from '../../src/testing/index.js';
import { APPS, BIG_BODY, type App } from './apps.js';

/** The AssertionError `fn` throws (fails when it throws nothing else). */
function thrown(fn: () => unknown): AssertionError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AssertionError, `expected an AssertionError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an AssertionError, nothing was thrown');
}

function balanced(tracker: TestTracker): void {
  const s = tracker.stats();
  assert.equal(s.tracked, s.sent + s.failed + s.dropped + s.pending, JSON.stringify(s));
}

for (const { name, start } of APPS) {
  describe(`footfall/testing with a real ${name} app`, () => {
    let tracker: TestTracker;
    let app: App;
    before(async () => {
      tracker = createTestTracker();
      app = await start(tracker);
    });
    after(() => app.close());

    it('shows each hit as soon as the client has read the response, without waiting', async () => {
      tracker.reset();
      for (let i = 1; i <= 20; i++) {
        assert.equal(await app.call('GET', `/v1/users/${i}`), 200);
        assert.equal(tracker.hits.length, i, `after response ${i}`);
      }
      assert.equal(await app.call('GET', '/v1/big'), 200);
      assert.equal(tracker.hits.length, 21, 'after a 1 MiB response');
      assert.ok(tracker.hits.every((hit) => hit.route === '/v1/users/:id' || hit.route === '/v1/big'));
    });

    it('sees concurrent requests once all their responses are read', async () => {
      tracker.reset();
      const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => app.call('GET', `/v1/users/${i}`)));
      assert.deepEqual(statuses, [404, ...Array<number>(9).fill(200)]);
      assert.equal(tracker.hits.length, 10);
      assertTracked(tracker, { route: '/v1/users/:id', status: 200, count: 9 });
    });

    it('assertTracked finds a hit by route, method and status, and returns the matches', async () => {
      tracker.reset();
      await app.call('POST', '/v1/orders');
      await app.call('GET', '/v1/users/0');
      const [order] = assertTracked(tracker, { method: 'post', route: '/v1/orders', status: 201 });
      assert.equal(order?.title, 'POST /v1/orders');
      assertTracked(tracker, { route: /users/, status: 404, path: '/v1/users/:id', host: /^127\.0\.0\.1$/ });
      assertTracked(tracker, { method: 'GET', count: 1 });
    });

    it('assertTracked fails with what was tracked instead', async () => {
      tracker.reset();
      await app.call('GET', '/v1/users/7');
      await app.call('POST', '/v1/orders');
      const error = thrown(() => assertTracked(tracker, { method: 'DELETE', route: '/v1/orders' }));
      assert.match(error.message, /expected a tracked hit matching \{ method: "DELETE", route: "\/v1\/orders" \}, found 0; 2 hit\(s\) were tracked:/);
      assert.match(error.message, /\n {2}GET \/v1\/users\/:id -> 200 {2}\(\/v1\/users\/:id, host 127\.0\.0\.1, client \d+\.\d+\)/);
      assert.match(error.message, /\n {2}POST \/v1\/orders -> 201 /);
      assert.equal(error.operator, 'assertTracked');
      assert.throws(() => assertTracked(tracker, { route: '/v1/users/:id', count: 2 }), /expected 2 tracked hit\(s\) matching \{ route: "\/v1\/users\/:id" \}, found 1/);
      tracker.reset();
      assert.throws(() => assertTracked(tracker, { route: '/v1/orders' }), /found 0; no hits were tracked \(is trackRequests\(tracker\) registered/);
    });

    it('assertNotTracked passes when nothing matches and lists the hits that do', async () => {
      tracker.reset();
      await app.call('GET', '/v1/users/0');
      assertNotTracked(tracker, { status: 500 });
      assertNotTracked(tracker, { route: '/v1/users/0' }); // ids never reach analytics: the template does
      assert.throws(() => assertNotTracked(tracker, { status: 404 }), (error: unknown) => {
        assert.ok(error instanceof AssertionError);
        assert.match(error.message, /expected no tracked hit matching \{ status: 404 \}, found 1; the matching hits:\n {2}GET \/v1\/users\/:id -> 404/);
        return true;
      });
    });

    it('payloads are the real GA4 bodies, and assertValidPayloads checks them with validateGa4', async () => {
      tracker.reset();
      await app.call('GET', '/v1/users/3?fields=name&token=secret');
      assert.equal(tracker.payloads.length, 1);
      const [payload] = tracker.payloads;
      assert.equal(payload?.events[0]?.name, 'page_view');
      assert.match(String(payload?.events[0]?.params.page_location), /^http:\/\/127\.0\.0\.1\/v1\/users\/:id\?fields&token$/);
      assert.equal(payload?.user_agent, 'footfall-test/1.0');
      const [sent] = tracker.requests;
      assert.equal(sent?.contentType, 'application/json');
      assert.match(sent?.url ?? '', new RegExp(`measurement_id=${TEST_MEASUREMENT_ID}`));
      assert.deepEqual(validateGa4(sent?.body, { nowMs: Date.now() }).validationMessages, []);
      assertValidPayloads(tracker);
    });

    it('delivers into memory with balanced accounting', async () => {
      const before = tracker.stats();
      await app.call('GET', '/v1/users/1');
      balanced(tracker);
      await tracker.flush();
      const now = tracker.stats();
      assert.equal(now.tracked - before.tracked, 1);
      assert.equal(now.sent - before.sent, 1);
      assert.equal(now.pending, 0);
      balanced(tracker);
    });

    it('waitForHits resolves once a response the client is still reading has ended', async () => {
      tracker.reset();
      const response = await request(`${app.url}/v1/big`);
      const [hits] = await Promise.all([tracker.waitForHits(1), response.body.text().then((text) => assert.equal(text.length, BIG_BODY.length))]);
      assert.equal(hits[0]?.route, '/v1/big');
    });
  });
}

describe('footfall/testing with Fastify inject()', () => {
  it('shows the hit when inject() resolves', async () => {
    const tracker = createTestTracker();
    const fastify = APPS[1];
    const app = await fastify.start(tracker);
    try {
      assert.equal(await app.inject?.('GET', '/v1/users/0'), 404);
      assertTracked(tracker, { method: 'GET', route: '/v1/users/:id', status: 404, count: 1 });
    } finally {
      await app.close();
    }
  });
});

describe('createTestTracker', () => {
  it('builds and "sends" each hit before track() returns, even several in one tick', () => {
    const tracker = createTestTracker();
    tracker.track({ method: 'GET', url: '/v1/items/1', route: '/v1/items/:id', status: 200, headers: { host: 'api.example.com' } });
    tracker.track({ method: 'DELETE', url: '/v1/items/2', route: '/v1/items/:id', status: 204, headers: { host: 'api.example.com' } });
    tracker.track({ url: '/health', status: 200 });
    assert.deepEqual(tracker.hits.map((hit) => `${hit.method} ${hit.route} ${hit.status}`), ['GET /v1/items/:id 200', 'DELETE /v1/items/:id 204', 'GET /health 200']);
    assert.equal(tracker.payloads.length, 3);
    assert.equal(tracker.requests.length, 3);
    balanced(tracker);
  });

  it('drops what is not a hit, as production does, and keeps the books balanced', async () => {
    const tracker = createTestTracker();
    tracker.track({} as never);
    tracker.track({ route: '/ok' });
    assert.equal(tracker.hits.length, 1);
    await tracker.flush();
    const s = tracker.stats();
    assert.deepEqual([s.tracked, s.sent, s.dropped, s.pending], [2, 1, 1, 0]);
    assert.equal(s.droppedByReason.invalid, 1);
  });

  it('gives the same ids on every run (fixed hash key), and takes tracker options', () => {
    const input = { url: '/a', route: '/a', clientIp: '203.0.113.9', userId: 'user-1', headers: { userAgent: 'x' } };
    const one = createTestTracker();
    const two = createTestTracker();
    one.track(input);
    two.track(input);
    assert.equal(one.hits[0]?.clientId, two.hits[0]?.clientId);
    assert.equal(one.hits[0]?.userId, two.hits[0]?.userId);
    const keyed = createTestTracker({ hashKey: 'another-key-of-16+-chars', canonicalHost: 'https://api.example.com' });
    keyed.track(input);
    assert.notEqual(keyed.hits[0]?.clientId, one.hits[0]?.clientId);
    assert.equal(keyed.hits[0]?.location, 'https://api.example.com/a');
  });

  it('stamps hits with an injected manual clock, and hooks nothing to the process', () => {
    const listeners = ['beforeExit', 'SIGTERM', 'SIGINT'].map((event) => process.listenerCount(event));
    const clock = createManualClock(Date.UTC(2026, 4, 1));
    const tracker = createTestTracker({ clock });
    tracker.track({ route: '/a' });
    clock.advance(1_500);
    tracker.track({ route: '/b' });
    assert.deepEqual(tracker.hits.map((hit) => hit.timestampMs), [Date.UTC(2026, 4, 1), Date.UTC(2026, 4, 1) + 1_500]);
    assert.equal(clock.pending, 0, 'no timer is left armed');
    assert.deepEqual(['beforeExit', 'SIGTERM', 'SIGINT'].map((event) => process.listenerCount(event)), listeners);
  });

  it('reset() forgets hits, payloads and requests, not stats()', () => {
    const tracker = createTestTracker();
    tracker.track({ route: '/a' });
    tracker.reset();
    assert.deepEqual([tracker.hits.length, tracker.payloads.length, tracker.requests.length], [0, 0, 0]);
    assert.equal(tracker.stats().tracked, 1);
    tracker.track({ route: '/b' });
    assert.deepEqual(tracker.hits.map((hit) => hit.route), ['/b']);
  });

  it('encodes UA v1 bodies for a ua() destination, and validates them with validateUa', () => {
    const tracker = createTestTracker({ destination: ua({ trackingId: 'UA-12345-1' }) });
    tracker.track({ method: 'GET', url: '/v1/users/1', route: '/v1/users/:id', status: 200, headers: { host: 'api.example.com' } });
    const [body] = tracker.payloads;
    assert.equal(typeof body, 'string');
    const fields = new URLSearchParams(body);
    assert.equal(fields.get('tid'), 'UA-12345-1');
    assert.equal(fields.get('t'), 'pageview');
    assert.equal(tracker.requests[0]?.contentType, 'text/plain');
    assertValidPayloads(tracker);
  });

  it('with a collector(url) destination (/mp/batch), `payloads` holds each consumer\'s GA4 payload, not the batch\'s array', () => {
    const tracker = createTestTracker({ destination: collector('http://127.0.0.1:8787') });
    for (const user of ['a', 'b']) tracker.track({ method: 'GET', url: '/v1/users/1', route: '/v1/users/:id', status: 200, userId: user, headers: { host: 'api.example.com' } });
    assert.match(tracker.requests[0]?.url ?? '', /\/mp\/batch\?/);
    assert.equal(tracker.payloads.length, 2);
    assert.ok(tracker.payloads.every((payload) => !Array.isArray(payload) && typeof payload === 'object' && payload.events[0]?.name === 'page_view'));
    assertValidPayloads(tracker);
  });

  it('answers with the status `respond` gives: a 5xx is retried on the clock, then onFailure fires; the hit counts once', async () => {
    const clock = createManualClock();
    const failures: string[] = [];
    const tracker = createTestTracker({ clock, respond: () => 503, retryBaseMs: 100, maxRetryMs: 1_000, onFailure: (report) => failures.push(`${report.reason} ${report.lastError} ${report.hits.length}`) });
    tracker.track({ route: '/a' });
    for (let i = 0; i < 40 && failures.length === 0; i++) {
      await tracker.waitForHits(1);
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(200);
    }
    assert.deepEqual(failures, ['retry_deadline http_5xx 1']);
    assert.ok(tracker.requests.length > 1, `retried: ${tracker.requests.length} attempts`);
    assert.equal(tracker.hits.length, 1);
    assert.equal(tracker.payloads.length, 1);
    const s = tracker.stats();
    assert.deepEqual([s.tracked, s.failed, s.pending], [1, 1, 0]);
    balanced(tracker);
  });

  it('a 4xx answer fails at once, with the seed failure_cb check', async () => {
    const failures: unknown[] = [];
    const tracker = createTestTracker({ respond: () => 400, onFailure: (report) => failures.push(report.status) });
    tracker.track({ route: '/a' });
    await tracker.flush();
    assert.deepEqual(failures, [400]);
    balanced(tracker);
  });

  it('waitForHits rejects after its deadline, listing what was tracked', async () => {
    const tracker = createTestTracker();
    tracker.track({ method: 'GET', route: '/only', status: 200 });
    await assert.rejects(tracker.waitForHits(2, { timeoutMs: 10 }), /waited 10 ms for 2 hit\(s\); 1 hit\(s\) were tracked:\n {2}GET \/only -> 200/);
  });

  it('assertValidPayloads reports each invalid body', () => {
    const source = { requests: [{ url: 'x', contentType: 'application/json', body: '{"events":[]}', hits: [] }] };
    assert.throws(() => assertValidPayloads(source), (error: unknown) => {
      assert.ok(error instanceof AssertionError);
      assert.match(error.message, /^1 of 1 payload\(s\) are invalid:\n {2}request 1 \(application\/json\):\n/);
      assert.match(error.message, /client_id/);
      return true;
    });
  });

  it('rejects options that are not an object or a bad respond', () => {
    assert.throws(() => createTestTracker(null as never), /options/);
    assert.throws(() => createTestTracker({ respond: 500 as never }), /respond/);
  });
});
