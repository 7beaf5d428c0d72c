import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { request } from 'undici';
import type { IngestRequest } from '../../src/collector/options.js';
import { startCollector } from '../../src/collector/server.js';
import { createTracker } from '../../src/delivery/tracker.js';
import { collector } from '../../src/index.js';
import { TEST_KEY } from '../helpers/context.js';
import { settle } from '../helpers/sink.js';

// Issue 14: with Footfall's own collector as the destination, one HTTP request carries many
// consumers (/mp/batch), where GA4's /mp/collect takes one client per request. Real collector,
// real HTTP, SQLite in memory; tracker and collector both on the system clock (hits dated now).
const CONSUMERS = 256;
const ROUTES = ['/v1/items/:id', '/v1/orders/:id', '/v1/users/:id'] as const;

function requestAt(i: number) {
  const route = ROUTES[i % ROUTES.length] ?? '/';
  return { method: 'GET', url: route.replace(':id', String(i)), route, status: 200, durationMs: 5, userId: `consumer-${i % CONSUMERS}`, headers: { host: 'api.example.com' } };
}

/** Tracks `hits` hits spread over 256 consumers to a fresh collector; what it stored and the requests it received. */
async function run(hits: number, batch: boolean) {
  const received: IngestRequest[] = [];
  const server = await startCollector({ port: 0, memory: true, output: 'none', onRequest: (r) => received.push(r) });
  try {
    const tracker = createTracker({ destination: collector(server.url, { batch }), hashKey: TEST_KEY, flushOnExit: false });
    for (let i = 0; i < hits; i++) tracker.track(requestAt(i));
    const closed = await tracker.close({ timeoutMs: 30_000 });
    const timedOut = tracker.stats().timedOut;
    await settle(5);
    const endpoints = ((await (await request(`${server.url}/api/endpoints`)).body.json()) as { endpoints: { route: string; hits: number }[] }).endpoints;
    return { closed, timedOut, received, stored: await server.store.count(), stats: server.stats(), endpoints };
  } finally {
    await server.close();
  }
}

describe('collector(url) with 256 consumers', () => {
  it('sends 5 000 hits in a handful of /mp/batch requests: each stored exactly once, /api/endpoints counts them all', async () => {
    const hits = 5_000;
    const { closed, timedOut, received, stored, stats, endpoints } = await run(hits, true);
    assert.deepEqual(closed, { sent: hits, failed: 0, dropped: 0, pending: 0 });
    assert.equal(stored, hits);
    assert.equal(stats.storedHits, hits);
    // A busy machine may time out an attempt the collector then stores: sent again, de-duplicated,
    // counted. Duplicates come from timed-out attempts only, at most a batch's worth each.
    assert.ok(stats.duplicateHits <= timedOut * 500, `${stats.duplicateHits} duplicates from ${timedOut} timed-out attempts`);
    const perRoute = Math.floor(hits / ROUTES.length);
    assert.deepEqual(endpoints.map((e) => [e.route, e.hits]).sort(), ROUTES.map((route, r) => [route, perRoute + (r < hits % ROUTES.length ? 1 : 0)]).sort());
    assert.ok(received.every((r) => r.path === '/mp/batch' && r.status === 204), JSON.stringify(received.slice(0, 3)));
    // One request per consumer (or more) would be >= 256; a batch carries 500 hits of many consumers.
    assert.ok(received.length <= hits / 400 + timedOut, `${received.length} requests for ${hits} hits of ${CONSUMERS} consumers (${timedOut} attempts timed out and were sent again)`);
  });

  it('with { batch: false } the same consumers cost at least one /mp/collect request each (the old way)', async () => {
    const hits = 1_000;
    const { closed, received, stored } = await run(hits, false);
    assert.deepEqual(closed, { sent: hits, failed: 0, dropped: 0, pending: 0 });
    assert.equal(stored, hits);
    assert.ok(received.every((r) => r.path === '/mp/collect'));
    assert.ok(received.length >= CONSUMERS, `${received.length} requests`);
  });

  it('a collector without /mp/batch (older than it) answers 404: the hits fail as http_4xx, and FFWRN009 says to upgrade it or use { batch: false }', async () => {
    const paths: string[] = [];
    const old = createServer((req, res) => {
      paths.push((req.url ?? '').split('?')[0] ?? '');
      req.resume();
      req.on('end', () => {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"nothing here"}');
      });
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(old.address() as AddressInfo).port}`;
    const warnings: (Error & { code?: string })[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const tracker = createTracker({ destination: collector(url, { apiSecret: 'a-secret' }), hashKey: TEST_KEY, flushOnExit: false });
      for (let i = 0; i < 10; i++) tracker.track(requestAt(i));
      assert.deepEqual(await tracker.close(), { sent: 0, failed: 10, dropped: 0, pending: 0 });
      assert.equal(tracker.stats().failedByReason.http_4xx, 10);
      await settle(5);
      assert.deepEqual(paths, ['/mp/batch']);
      const hint = warnings.filter((w) => w.code === 'FFWRN009');
      assert.equal(hint.length, 1, warnings.map((w) => w.message).join('\n'));
      const text = hint[0]?.message ?? '';
      assert.match(text, /this collector has no \/mp\/batch; upgrade it or use collector\(url, \{ batch: false \}\)/);
      assert.ok(text.includes(`${url}/mp/batch?measurement_id=G-FOOTFALL&api_secret=***`), text);
      assert.ok(!text.includes('a-secret'));
    } finally {
      process.off('warning', onWarning);
      await new Promise((resolve) => old.close(resolve));
    }
  });
});
