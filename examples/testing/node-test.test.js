// docs/testing.md, node:test: `node --test examples/testing/node-test.test.js`
/* global fetch */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createTracker, ga4 } from 'footfall';
import { assertTracked, assertValidPayloads, createTestTracker, startFakeCollector } from 'footfall/testing';
import { createApp, listen } from './app.js';

describe('analytics of the users API', () => {
  const tracker = createTestTracker();
  let server;
  before(async () => {
    server = await listen(createApp(tracker));
  });
  after(() => server.close());
  beforeEach(() => tracker.reset());

  it('tracks GET /v1/users/:id with its status', async () => {
    const response = await fetch(`${server.url}/v1/users/42`);
    await response.json(); // read the body: the response is then over, and its hit is there
    assertTracked(tracker, { method: 'GET', route: '/v1/users/:id', status: 200 });
    assert.equal(tracker.payloads[0].events[0].name, 'page_view');
    assertValidPayloads(tracker);
  });

  it('tracks a 404 under the route template, never the raw id', async () => {
    await (await fetch(`${server.url}/v1/users/0`)).text();
    assertTracked(tracker, { route: '/v1/users/:id', status: 404, count: 1 });
    assert.ok(tracker.hits.every((hit) => !hit.path.includes('/0')));
  });
});

describe('when analytics is down', () => {
  it('the API still answers, and onFailure fires', async () => {
    const collector = await startFakeCollector({ failRate: 1, status: 503 });
    const failures = [];
    const tracker = createTracker({
      destination: ga4({ measurementId: 'G-TEST000000', apiSecret: 'test', endpoint: collector.endpoint }),
      hashKey: 'a-test-key-of-16-chars',
      maxRetryMs: 0, // fail at the first 503 instead of retrying for a minute
      flushOnExit: false,
      onFailure: (report) => failures.push(report),
    });
    const server = await listen(createApp(tracker));
    try {
      const response = await fetch(`${server.url}/v1/users/1`);
      assert.equal(response.status, 200);
      await response.text();
      await tracker.flush();
      assert.equal(failures.length, 1);
      assert.equal(failures[0].status, 503);
      assert.deepEqual(collector.requests.map((request) => request.status), [503]);
    } finally {
      await server.close();
      await tracker.close();
      await collector.close();
    }
  });
});
