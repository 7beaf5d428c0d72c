import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { startSink } from '../helpers/sink.js';
import { assertAccounting, testTracker, waitFor } from '../helpers/tracker.js';
import { validateGa4 } from '../../src/protocols/ga4/validate.js';
import type { Tracker } from '../../src/delivery/tracker.js';
import type { ManualClock } from '../../src/delivery/clock.js';
import { ADAPTERS, type App } from './apps.js';

interface Event {
  params: { api_route: string; api_method: string; http_status: number; page_title: string; page_location: string; duration_ms: number };
}

const EXPECTED = [
  'GET (unmatched) 404 GET (unmatched)',
  'GET /v1/orders/:orderId/items 200 GET /v1/orders/:orderId/items',
  'GET /v1/users/:id 200 GET /v1/users/:id',
  'POST /v1/users 201 POST /v1/users',
];

// Health checks are skipped by default, so listRoutes leaves them out of the inventory.
const DECLARED = ['GET /v1/orders/:orderId/items', 'GET /v1/slow', 'GET /v1/users/:id', 'POST /v1/users'];

for (const [name, makeApp] of ADAPTERS) {
  describe(`adapter contract: ${name}`, () => {
    let sink: Awaited<ReturnType<typeof startSink>>;
    let app: App;
    let tracker: Tracker;
    let clock: ManualClock;
    before(async () => {
      sink = await startSink();
      ({ tracker, clock } = testTracker(sink.url, { flushIntervalMs: 600_000 }));
      app = await makeApp(tracker);
    });
    after(async () => {
      await app.close();
      await tracker.close();
      await sink.close();
    });

    const events = () => sink.events() as Event[];

    it('turns the same requests into the same hits: template, method, status, title, duration, no query values, no IP', async () => {
      const before = tracker.stats().tracked;
      const calls: [string, string][] = [
        ['GET', '/v1/users/42?fields=name&token=s3cr3t'],
        ['POST', '/v1/users'],
        ['GET', '/v1/orders/7/items'],
        ['GET', '/no/such/path/123'],
        ['GET', '/health'],
        ['OPTIONS', '/v1/users'],
      ];
      for (const [method, path] of calls) await (await request(`${app.url}${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}), headers: { 'content-type': 'application/json', 'user-agent': 'contract/1.0', host: 'api.example.com' } })).body.dump();
      await waitFor(() => tracker.stats().tracked >= before + 4, 'four requests to be tracked');
      await tracker.flush();
      const got = events().map((e) => `${e.params.api_method} ${e.params.api_route} ${e.params.http_status} ${e.params.page_title}`).sort();
      assert.deepEqual(got, EXPECTED);
      assert.equal(tracker.stats().tracked, before + 4, 'health checks and OPTIONS are skipped');
      for (const event of events()) {
        assert.ok(event.params.duration_ms > 0, 'duration measured');
        assert.ok(!event.params.page_location.includes('42') && !event.params.page_location.includes('s3cr3t'));
      }
      for (const body of sink.received.map((r) => r.body)) {
        assert.ok(!body.includes('127.0.0.1'), 'no client IP');
        assert.deepEqual(validateGa4(body, { nowMs: clock.now() }).validationMessages, []);
      }
      assertAccounting(tracker);
    });

    it('records a request the client abandoned, as 499', async () => {
      sink.received.length = 0;
      const before = tracker.stats().tracked;
      const abort = new AbortController();
      const pending = request(`${app.url}/v1/slow`, { signal: abort.signal }).catch(() => undefined);
      await app.slowStarted;
      abort.abort();
      await pending;
      await waitFor(() => tracker.stats().tracked === before + 1, 'the abandoned request to be tracked');
      await tracker.flush();
      assert.deepEqual(events().map((e) => `${e.params.api_route} ${e.params.http_status}`), ['/v1/slow 499']);
    });

    it('lists the declared routes', () => {
      assert.deepEqual(app.routes.map((r) => `${r.method} ${r.path}`).sort(), DECLARED);
    });
  });
}
