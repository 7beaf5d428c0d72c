// Issue 14: trustProxy is decided in one place, the core. Before, the tracker's
// `createTracker({ trustProxy: true })` was honoured for X-Forwarded-Host/-Proto but the client
// IP followed only the adapter's own flag, so behind a proxy every consumer was the proxy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import * as expressAdapter from '../../src/adapters/express/index.js';
import { createTestTracker } from '../../src/testing/index.js';
import { ADAPTERS, serveHttp } from './apps.js';

const TEST_KEY = 'trust-proxy-test-key-0123456789';
/** Three consumers behind one proxy: the first two share a /24 (the hash keeps only that much). */
const FORWARDED = ['203.0.113.7', '203.0.113.99, 10.0.0.1', '198.51.100.9'];

async function clientIds(tracker: ReturnType<typeof createTestTracker>, url: string): Promise<string[]> {
  for (const forwardedFor of FORWARDED) {
    const res = await fetch(`${url}/v1/users/42`, { headers: { 'x-forwarded-for': forwardedFor, 'x-forwarded-host': 'api.example.com', 'user-agent': 'proxy-test' } });
    await res.arrayBuffer();
  }
  await tracker.waitForHits(FORWARDED.length);
  return tracker.hits.map((hit) => hit.clientId);
}

describe('trustProxy set on the tracker only', () => {
  for (const [name, make] of ADAPTERS) {
    it(`${name}: X-Forwarded-For tells consumers apart, as X-Forwarded-Host names the host`, async () => {
      const tracker = createTestTracker({ hashKey: TEST_KEY, trustProxy: true });
      const app = await make(tracker);
      try {
        const ids = await clientIds(tracker, app.url);
        assert.equal(ids[0], ids[1], 'same /24: one consumer');
        assert.notEqual(ids[0], ids[2], 'another network: another consumer');
        assert.ok(tracker.hits.every((hit) => hit.host === 'api.example.com'));
      } finally {
        await app.close();
        await tracker.close();
      }
    });
  }

  it('without trustProxy every consumer behind the proxy is the proxy (the headers are not believed)', async () => {
    const tracker = createTestTracker({ hashKey: TEST_KEY });
    const [, make] = ADAPTERS[0] as (typeof ADAPTERS)[number];
    const app = await make(tracker);
    try {
      const ids = await clientIds(tracker, app.url);
      assert.equal(new Set(ids).size, 1);
      assert.ok(tracker.hits.every((hit) => hit.host === '127.0.0.1'));
    } finally {
      await app.close();
      await tracker.close();
    }
  });
});

describe('trustProxy on the adapter overrides the tracker, both ways', () => {
  for (const [trackerTrusts, adapterTrusts] of [[false, true], [true, false]] as const) {
    it(`tracker ${trackerTrusts}, adapter ${adapterTrusts}: the adapter's word counts`, async () => {
      const tracker = createTestTracker({ hashKey: TEST_KEY, trustProxy: trackerTrusts });
      const app = express();
      app.use(expressAdapter.trackRequests(tracker, { trustProxy: adapterTrusts }));
      app.get('/v1/users/:id', (_req, res) => void res.json({ id: 1 }));
      const server = await serveHttp(app);
      try {
        const ids = await clientIds(tracker, server.url);
        assert.equal(new Set(ids).size, adapterTrusts ? 2 : 1);
      } finally {
        await server.close();
        await tracker.close();
      }
    });
  }
});
