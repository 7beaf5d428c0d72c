// Issue 12: health checks declared in an OpenAPI file were listed unused forever (the adapters
// do not record them by default), so `--fail-on-unused` could never pass.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { startCollector } from '../../src/collector/server.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { EndpointsReport } from '../../src/collector/types.js';
import { cli } from '../helpers/cli.js';
import { runFootfall } from '../helpers/cli-process.js';

let dir: string;
let db: string;
let openapi: string;

/** Every operation but the health checks is called; `/items/{id}` is hit as Express names it, `/items/:itemId`. */
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'footfall-health-'));
  db = join(dir, 'hits.db');
  const store = createSqliteStore({ file: db });
  const hit = (method: string, route: string) => ({ timeMs: Date.now() - 60_000, protocol: 'ga4' as const, method, route, status: 200, durationMs: 4, client: 'c1', eventName: 'page_view' });
  store.insert([hit('GET', '/v1/items/:itemId'), hit('GET', '/v1/items'), hit('GET', '/v1/clusters/:id/health')], Date.now());
  store.close();
  openapi = join(dir, 'openapi.yaml');
  writeFileSync(openapi, [
    'openapi: 3.0.3',
    'info: { title: t, version: "1" }',
    'servers: [{ url: https://api.example.com/v1 }]',
    'paths:',
    '  /items: { get: {} }',
    '  /items/{id}: { get: {} }',
    '  /clusters/{id}/health: { get: {} }',
    '  /health: { get: {} }',
    '  /healthz: { get: {} }',
    '  /status/ping: { get: {} }',
    '',
  ].join('\n'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('health checks in a route inventory', () => {
  it('are not expected by default: --fail-on-unused passes when only health checks had no hit (runCli)', async () => {
    const { code, stdout, stderr } = await cli('report', '--db', db, '--routes', openapi, '--fail-on-unused', '--format', 'json');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as EndpointsReport;
    assert.deepEqual(report.unused, []);
    assert.equal(report.declared, 3, 'the three API operations; /v1/clusters/:id/health is one of them');
    assert.ok(report.endpoints.every((endpoint) => endpoint.declared), 'matched by shape: /items/{id} is /items/:itemId');
  });

  it('--keep-health-routes keeps them, and then they are unused (runCli)', async () => {
    const { code, stdout, stderr } = await cli('report', '--db', db, '--routes', openapi, '--fail-on-unused', '--keep-health-routes', '--format', 'json');
    assert.equal(code, 1);
    assert.match(stderr, /3 of 6 declared routes had no hit/);
    assert.deepEqual((JSON.parse(stdout) as EndpointsReport).unused.map((route) => route.route), ['/v1/health', '/v1/healthz', '/v1/status/ping']);
  });

  it('the same as a real process', async () => {
    const passes = await runFootfall(['report', '--db', db, '--routes', openapi, '--fail-on-unused'], { timeoutMs: 30_000 });
    assert.equal(passes.code, 0, passes.stderr);
    const kept = await runFootfall(['report', '--db', db, '--routes', openapi, '--fail-on-unused', '--keep-health-routes'], { timeoutMs: 30_000 });
    assert.equal(kept.code, 1, kept.stderr);
    assert.match(kept.stdout, /GET\s+\/v1\/healthz/);
  });

  it('the collector\'s /api/endpoints (and so the dashboard) leaves them out unless keepHealthRoutes', async () => {
    const routes = [{ method: 'GET', route: '/v1/items' }, { method: 'GET', route: '/health' }, { method: 'ALL', route: '/api/readyz' }];
    for (const [keepHealthRoutes, expected] of [[false, ['/v1/items']], [true, ['/api/readyz', '/health', '/v1/items']]] as const) {
      const collector = await startCollector({ port: 0, memory: true, output: 'none', routes, keepHealthRoutes });
      try {
        const response = await request(`${collector.url}/api/endpoints`);
        const report = (await response.body.json()) as EndpointsReport;
        assert.deepEqual(report.unused.map((route) => route.route), expected);
        assert.equal(report.declared, expected.length);
      } finally {
        await collector.close();
      }
    }
  });
});
