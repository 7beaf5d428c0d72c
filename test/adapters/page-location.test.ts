// Issue 11: supertest listens on a random port per test, and the port made one page_location
// per test run (82 locations for 22 endpoints). Loopback hosts are counted without their port.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import * as expressAdapter from '../../src/adapters/express/index.js';
import { createTestTracker } from '../../src/testing/index.js';
import { serveHttp } from './apps.js';

describe('page_location of a server on a loopback address', () => {
  it('has no port, whichever port the test server got', async () => {
    const tracker = createTestTracker();
    const app = express();
    app.use(expressAdapter.trackRequests(tracker));
    app.get('/x/:id', (_req, res) => void res.send('ok'));
    const servers = [await serveHttp(app), await serveHttp(app)];
    try {
      for (const server of servers) await (await fetch(`${server.url}/x/1`)).text();
      await tracker.waitForHits(2);
      const locations = tracker.payloads.flatMap((payload) => payload.events.map((event) => event.params.page_location));
      assert.deepEqual(locations, ['http://127.0.0.1/x/:id', 'http://127.0.0.1/x/:id']);
    } finally {
      for (const server of servers) await server.close();
      await tracker.close();
    }
  });
});
