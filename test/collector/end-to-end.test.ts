import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { request } from 'undici';
import { trackRequests } from '../../src/adapters/express/index.js';
import { loadRoutesFile } from '../../src/collector/routes-file.js';
import type { Collector } from '../../src/collector/server.js';
import { startCollector } from '../../src/collector/server.js';
import type { EndpointsReport } from '../../src/collector/types.js';
import { createTracker, type Tracker } from '../../src/delivery/tracker.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { ua } from '../../src/protocols/ua/destination.js';
import { cli } from '../helpers/cli.js';
import { TEST_KEY } from '../helpers/context.js';
import { waitFor } from '../helpers/tracker.js';

const OPENAPI = `openapi: 3.0.3
info: { title: shop, version: '1' }
servers: [{ url: 'https://api.example.com/v1' }]
paths:
  /items:
    get: { responses: { '200': { description: ok } } }
    post: { responses: { '201': { description: ok } } }
  /items/{itemId}:
    get: { responses: { '200': { description: ok } } }
    delete: { responses: { '204': { description: ok } } }
  /reports/legacy:
    get: { responses: { '200': { description: ok } } }
`;

/** What the test sends: method, path, consumer (user agent), and the route the app matches. */
const CALLS = [
  ...Array.from({ length: 12 }, (_, i) => ({ method: 'GET', path: `/v1/items/${i}?secret=x`, agent: `consumer-${i % 3}`, route: '/v1/items/:itemId', status: i % 4 === 0 ? 404 : 200 })),
  ...Array.from({ length: 5 }, (_, i) => ({ method: 'GET', path: '/v1/items', agent: `consumer-${i % 2}`, route: '/v1/items', status: 200 })),
  ...Array.from({ length: 3 }, () => ({ method: 'POST', path: '/v1/items', agent: 'consumer-9', route: '/v1/items', status: 500 })),
];

function shopApp(tracker: Tracker) {
  const app = express();
  app.use(trackRequests(tracker));
  const v1 = express.Router();
  v1.get('/items', (_req, res) => void res.json([]));
  v1.post('/items', (_req, res) => void res.status(500).json({ error: 'boom' }));
  v1.get('/items/:itemId', (req, res) => void res.status(Number(req.params.itemId) % 4 === 0 ? 404 : 200).json({}));
  v1.delete('/items/:itemId', (_req, res) => void res.status(204).end());
  v1.get('/reports/legacy', (_req, res) => void res.json({}));
  app.use('/v1', v1);
  return app;
}

async function serve(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The expected per-endpoint usage, computed from the calls themselves. */
function expected() {
  const rows = new Map<string, { hits: number; clients: Set<string>; serverErrors: number; clientErrors: number }>();
  for (const call of CALLS) {
    const key = `${call.method} ${call.route}`;
    const row = rows.get(key) ?? { hits: 0, clients: new Set<string>(), serverErrors: 0, clientErrors: 0 };
    row.hits++;
    row.clients.add(call.agent);
    if (call.status >= 500) row.serverErrors++;
    else if (call.status >= 400) row.clientErrors++;
    rows.set(key, row);
  }
  return [...rows].map(([key, row]) => ({ key, hits: row.hits, clients: row.clients.size, serverErrors: row.serverErrors, clientErrors: row.clientErrors })).sort((a, b) => a.key.localeCompare(b.key));
}

function summarise(report: EndpointsReport) {
  return report.endpoints.map((row) => ({ key: `${row.method} ${row.route}`, hits: row.hits, clients: row.clients, serverErrors: row.serverErrors, clientErrors: row.clientErrors })).sort((a, b) => a.key.localeCompare(b.key));
}

async function drive(protocol: 'ga4' | 'ua', collector: Collector, dir: string): Promise<EndpointsReport> {
  const destination = protocol === 'ga4' ? ga4({ measurementId: 'G-TEST123', apiSecret: 'e2e-secret', endpoint: `${collector.url}/mp/collect` }) : ua({ trackingId: 'UA-1-1' });
  const previous = process.env.FOOTFALL_ENDPOINT;
  process.env.FOOTFALL_ENDPOINT = collector.url; // UA reaches the collector through FOOTFALL_ENDPOINT alone.
  const tracker = createTracker({ destination, hashKey: TEST_KEY, flushOnExit: false });
  if (previous === undefined) delete process.env.FOOTFALL_ENDPOINT;
  else process.env.FOOTFALL_ENDPOINT = previous;
  const { server, url } = await serve(shopApp(tracker));
  try {
    for (const call of CALLS) {
      const response = await request(`${url}${call.path}`, { method: call.method, headers: { 'user-agent': call.agent } });
      await response.body.dump();
      assert.equal(response.statusCode, call.status);
    }
    await waitFor(() => tracker.stats().tracked === CALLS.length, 'every request to be tracked');
    await tracker.flush();
    await waitFor(async () => await collector.store.count() === CALLS.length, 'every hit to be stored');
    assert.deepEqual({ ...tracker.stats() }, { ...tracker.stats(), sent: CALLS.length, failed: 0, dropped: 0 });
  } finally {
    await tracker.close();
    await new Promise((resolve) => server.close(resolve));
  }
  void dir;
  const response = await request(`${collector.url}/api/endpoints`);
  return (await response.body.json()) as EndpointsReport;
}

for (const protocol of ['ga4', 'ua'] as const) {
  describe(`end to end over ${protocol}: app -> tracker -> collector -> report`, () => {
    let dir: string;
    let collector: Collector;
    let routesFile: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'footfall-e2e-'));
      routesFile = join(dir, 'openapi.yaml');
      writeFileSync(routesFile, OPENAPI);
      collector = await startCollector({ port: 0, dbFile: join(dir, 'hits.db'), output: 'none', routes: loadRoutesFile(routesFile) });
    });
    after(async () => {
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the query API counts what was sent, per endpoint and consumer, and lists the unused endpoints of the OpenAPI file', async () => {
      const report = await drive(protocol, collector, dir);
      const want = expected();
      if (protocol === 'ua') {
        // v1 hits carry no status: the counts and consumers must still agree.
        assert.deepEqual(summarise(report).map(({ key, hits, clients }) => ({ key, hits, clients })), want.map(({ key, hits, clients }) => ({ key, hits, clients })));
      } else {
        assert.deepEqual(summarise(report), want);
        const get = report.endpoints.find((row) => row.method === 'GET' && row.route === '/v1/items/:itemId');
        assert.ok(get !== undefined && get.p50Ms !== null && get.p50Ms >= 0);
      }
      assert.deepEqual(report.unused, [{ method: 'DELETE', route: '/v1/items/:itemId' }, { method: 'GET', route: '/v1/reports/legacy' }]);
      assert.equal(report.hits, CALLS.length);
      assert.equal(report.clients, new Set(CALLS.map((call) => call.agent)).size);
    });

    it('`footfall report` on the same file gives the same answer, and --fail-on-unused fails the build', async () => {
      await collector.close();
      const json = await cli('report', '--db', join(dir, 'hits.db'), '--routes', routesFile, '--format', 'json');
      assert.equal(json.code, 0, json.stderr);
      const fromCli = JSON.parse(json.stdout) as EndpointsReport;
      const reopened = await startCollector({ port: 0, dbFile: join(dir, 'hits.db'), output: 'none', routes: loadRoutesFile(routesFile) });
      try {
        const fromApi = (await (await request(`${reopened.url}/api/endpoints?since=30d`)).body.json()) as EndpointsReport;
        assert.deepEqual(fromCli.endpoints, fromApi.endpoints);
        assert.deepEqual(fromCli.unused, fromApi.unused);
      } finally {
        await reopened.close();
      }
      const failing = await cli('report', '--db', join(dir, 'hits.db'), '--routes', routesFile, '--fail-on-unused');
      assert.equal(failing.code, 1);
      assert.match(failing.stdout, /\/v1\/reports\/legacy/);
    });
  });
}
