// docs/testing.md, Jest (native ESM): footfall/testing's helpers throw node:assert's
// AssertionError, which Jest reports like its own failures.
/* global fetch */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { assertNotTracked, assertTracked, createTestTracker } from 'footfall/testing';
import { createApp, listen } from '../app.js';

describe('analytics of the users API', () => {
  const tracker = createTestTracker();
  let server;
  beforeAll(async () => {
    server = await listen(createApp(tracker));
  });
  afterAll(() => server.close());
  beforeEach(() => tracker.reset());

  test('tracks POST /v1/orders', async () => {
    const response = await fetch(`${server.url}/v1/orders`, { method: 'POST' });
    expect(response.status).toBe(201);
    await response.text();
    assertTracked(tracker, { method: 'POST', route: '/v1/orders', status: 201 });
    assertNotTracked(tracker, { method: 'GET' });
    expect(tracker.hits).toHaveLength(1);
    expect(tracker.payloads[0].events[0].params.page_title).toBe('POST /v1/orders');
  });

  test('a failed assertion says what was tracked instead', async () => {
    await (await fetch(`${server.url}/v1/users/7`)).text();
    expect(() => assertTracked(tracker, { route: '/v1/orders' })).toThrow(/1 hit\(s\) were tracked:\n {2}GET \/v1\/users\/:id -> 200/);
  });
});
