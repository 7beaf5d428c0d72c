// docs/testing.md, Vitest: the same helpers; a manual clock drives a hanging collector
// without sleeping.
/* global fetch */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracker, ga4 } from 'footfall';
import { assertTracked, createManualClock, createTestTracker, startFakeCollector } from 'footfall/testing';
import { createApp, listen } from '../app.js';

describe('analytics of the users API', () => {
  const tracker = createTestTracker();
  let server;
  beforeAll(async () => {
    server = await listen(createApp(tracker));
  });
  afterAll(() => server.close());

  it('tracks GET /v1/users/:id', async () => {
    await (await fetch(`${server.url}/v1/users/5`)).text();
    const [hit] = assertTracked(tracker, { method: 'GET', route: '/v1/users/:id', status: 200 });
    expect(hit.title).toBe('GET /v1/users/:id');
  });
});

describe('when analytics hangs', () => {
  it('the API answers at once, and the hit lands when the collector lets go', async () => {
    const clock = createManualClock(Date.now());
    const collector = await startFakeCollector({ hangRate: 1, hangMs: 20_000, clock });
    const tracker = createTracker({
      destination: ga4({ measurementId: 'G-TEST000000', apiSecret: 'test', endpoint: collector.endpoint }),
      hashKey: 'a-test-key-of-16-chars',
      timeoutMs: 60_000,
      flushOnExit: false,
    });
    const server = await listen(createApp(tracker));
    try {
      const response = await fetch(`${server.url}/v1/users/1`);
      expect(response.status).toBe(200);
      await response.text();
      const delivered = tracker.flush();
      await expect.poll(() => clock.pending).toBe(1); // the collector holds the request
      clock.advance(20_000);
      await delivered;
      expect(tracker.stats().sent).toBe(1);
      assertTracked(collector, { route: '/v1/users/:id', status: 200 });
    } finally {
      await server.close();
      await tracker.close();
      await collector.close();
    }
  });
});
