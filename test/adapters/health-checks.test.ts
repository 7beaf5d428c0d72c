// Issue 11: health checks under a prefix (/api/health-check, /v1/healthz) were recorded and
// listed; endpoints of the API whose last segment merely looks like one must stay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import * as expressAdapter from '../../src/adapters/express/index.js';
import * as nodeAdapter from '../../src/adapters/node/index.js';
import { isHealthCheck } from '../../src/adapters/shared/options.js';
import { HEALTH_CHECK } from '../../src/adapters/shared/recorder.js';
import { createTestTracker } from '../../src/testing/index.js';
import { serveHttp } from './apps.js';

const HEALTH = ['/health', '/healthz', '/ready', '/ping', '/api/health-check', '/v1/healthz', '/api/v2/healthcheck', '/health/', '/HEALTH', '/actuator/health/liveness', '/internal/readyz', '/api/ping', '/health_check'];
const NOT_HEALTH = ['/v1/users/:id/status', '/status', '/clusters/:id/health', '/v1/devices/:id/ping', '/v1/health-reports', '/healthy', '/v1/health/:check', '/'];

describe('health checks', () => {
  it('are a health name as the last segment, under any prefix without parameters', () => {
    assert.deepEqual(HEALTH.filter((path) => !isHealthCheck(path, false)), [], 'all skipped');
    assert.deepEqual(NOT_HEALTH.filter((path) => isHealthCheck(path, false)), [], 'none skipped');
    assert.equal(isHealthCheck('/v1/users/:id', true), true, 'marked by the app');
  });

  it('express: skipped when recording and left out of listRoutes by the same rule; the marker works when set by the handler', async () => {
    const tracker = createTestTracker();
    const app = express();
    app.use(expressAdapter.trackRequests(tracker));
    const ok = (_req: express.Request, res: express.Response) => void res.send('ok');
    app.get('/api/health-check', ok);
    app.get('/v1/healthz', ok);
    app.get('/clusters/:id/health', ok);
    app.get('/v1/users/:id/status', ok);
    app.get('/v1/probe', (req, res) => {
      (req as unknown as Record<symbol, boolean>)[HEALTH_CHECK] = true;
      res.send('ok');
    });
    const server = await serveHttp(app);
    try {
      for (const path of ['/api/health-check', '/v1/healthz', '/v1/probe', '/clusters/prod/health', '/v1/users/7/status']) await (await fetch(`${server.url}${path}`)).text();
      const hits = await tracker.waitForHits(2);
      assert.deepEqual(hits.map((hit) => hit.route).sort(), ['/clusters/:id/health', '/v1/users/:id/status']);
      assert.equal(tracker.stats().tracked, 2);
      assert.deepEqual(expressAdapter.listRoutes(app).map((r) => r.path), ['/clusters/:id/health', '/v1/probe', '/v1/users/:id/status']);
    } finally {
      await server.close();
      await tracker.close();
    }
  });

  it('node without routes: judged on the page the path becomes, ids turned into :id', async () => {
    const tracker = createTestTracker();
    const listener = nodeAdapter.trackRequests(tracker);
    const server = await serveHttp((req, res) => {
      listener(req, res);
      res.end('ok');
    });
    try {
      for (const path of ['/v1/ping', '/v1/devices/42/ping']) await (await fetch(`${server.url}${path}`)).text();
      const hits = await tracker.waitForHits(1);
      assert.deepEqual(hits.map((hit) => hit.route), ['/v1/devices/:id/ping']);
      assert.equal(tracker.stats().tracked, 1);
    } finally {
      await server.close();
      await tracker.close();
    }
  });
});
