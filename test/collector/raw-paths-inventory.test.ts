// Issue 13: third-party senders (universal-analytics, the seed's `dp=request.path`) send raw
// paths with ids in them. With a route inventory, each is reported under its declared template.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startCollector } from '../../src/collector/server.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { DeclaredRoute, EndpointsReport, IncomingHit } from '../../src/collector/types.js';
import { cli } from '../helpers/cli.js';

/** A GitHub-like inventory as the OpenAPI reader writes it (`{owner}` -> `:owner`). */
const DECLARED: DeclaredRoute[] = [
  { method: 'GET', route: '/repos/:owner/:repo/issues/:issue_number' },
  { method: 'GET', route: '/repos/:owner/:repo/issues/events' },
  { method: 'GET', route: '/repos/:owner/:repo/issues' },
  { method: 'POST', route: '/v2/:name:pause' },
  { method: 'POST', route: '/v2/:name:resume' },
  { method: 'GET', route: '/api/tasks/' },
];

/** What the seed's Django thread sends: the raw path of each request, one client per consumer. */
const SENT: [client: string, method: string, path: string][] = [
  ['111.1', 'GET', '/repos/octo/hello/issues/42'],
  ['222.2', 'GET', '/repos/octo/hello/issues/43'],
  ['111.1', 'GET', '/repos/mona/world/issues/7'],
  ['111.1', 'GET', '/repos/octo/hello/issues/events'],
  ['333.3', 'POST', '/v2/queue-1:pause'],
  ['333.3', 'GET', '/api/tasks'],
  ['111.1', 'GET', '/repos/octo/hello/pulls/9'],
  ['222.2', 'GET', '/repos/octo/hello/pulls/10'],
];

/** Expected rows, worked out by hand: [method, route, hits, clients, declared]. */
const EXPECTED = [
  ['GET', '/repos/:owner/:repo/issues/:issue_number', 3, 2, true],
  ['GET', '/repos/octo/hello/pulls/:id', 2, 2, false],
  ['GET', '/api/tasks/', 1, 1, true],
  ['GET', '/repos/:owner/:repo/issues/events', 1, 1, true],
  ['POST', '/v2/:name:pause', 1, 1, true],
];
const EXPECTED_UNUSED = [{ method: 'GET', route: '/repos/:owner/:repo/issues' }, { method: 'POST', route: '/v2/:name:resume' }];

function rows(report: EndpointsReport) {
  return report.endpoints.map((e) => [e.method, e.route, e.hits, e.clients, e.declared]);
}

describe('raw paths are reported under their declared template', () => {
  it('UA hits to /collect over HTTP with dp=<raw path>, and a GA4 page_location: GET /api/endpoints counts them under the template', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', routes: DECLARED });
    try {
      for (const [cid, method, path] of SENT) {
        const body = new URLSearchParams({ v: '1', tid: 'UA-12345-1', cid, t: 'pageview', dh: 'api.example.com', dp: path, dt: `${method} ${path}` });
        const response = await fetch(`${collector.url}/collect`, { method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        assert.equal(response.status, 200, path);
        await response.arrayBuffer();
      }
      // And a GA4 client with no api_route (as Python ga4mp sends): the page's raw path.
      const ga4 = { client_id: '444.4', events: [{ name: 'page_view', params: { page_location: 'https://api.example.com/repos/octo/hello/issues/44', engagement_time_msec: 1 } }] };
      const sent = await fetch(`${collector.url}/mp/collect?measurement_id=G-TEST123&api_secret=s3cret`, { method: 'POST', body: JSON.stringify(ga4), headers: { 'content-type': 'application/json' } });
      assert.equal(sent.status, 204, await sent.text());
      const response = await fetch(`${collector.url}/api/endpoints`);
      const report = (await response.json()) as EndpointsReport;
      const [, ...others] = EXPECTED;
      assert.deepEqual(rows(report), [['GET', '/repos/:owner/:repo/issues/:issue_number', 4, 3, true], ...others]);
      assert.deepEqual(report.unused, EXPECTED_UNUSED);
      assert.equal(report.hits, SENT.length + 1);
      assert.equal(report.clients, 4);
      // The dashboard's chart of one row reads the same grouping.
      const series = (await (await fetch(`${collector.url}/api/timeseries?route=${encodeURIComponent('/repos/:owner/:repo/issues/:issue_number')}`)).json()) as { series: { method: string; route: string; points: [number, number][] }[] };
      assert.deepEqual(series.series.map((s) => [s.method, s.route, s.points.reduce((sum, [, hits]) => sum + hits, 0)]), [['GET', '/repos/:owner/:repo/issues/:issue_number', 4]]);
      const all = (await (await fetch(`${collector.url}/api/timeseries`)).json()) as { series: { route: string }[] };
      assert.deepEqual(all.series.map((s) => s.route).sort(), EXPECTED.map(([, route]) => String(route)).sort());
    } finally {
      await collector.close();
    }
  });

  it('footfall report --format json --routes <file> against a SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'footfall-raw-'));
    try {
      const db = join(dir, 'hits.db');
      const store = createSqliteStore({ file: db });
      const now = Date.now();
      store.insert(SENT.map(([client, method, route], i): IncomingHit => ({ timeMs: now - 60_000 * (i + 1), protocol: 'ua', method, route, client, eventName: 'pageview', status: 200, durationMs: 10 })), now);
      store.close();
      const routes = join(dir, 'routes.json');
      writeFileSync(routes, JSON.stringify(DECLARED));
      const result = await cli('report', '--db', db, '--routes', routes, '--format', 'json');
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as EndpointsReport;
      assert.deepEqual(rows(report), EXPECTED);
      assert.deepEqual(report.unused, EXPECTED_UNUSED);
      // Every hit took 10 ms: a merged row's percentiles are those of one hit, not missing or summed.
      const p50s = new Set(report.endpoints.map((e) => e.p50Ms));
      assert.equal(p50s.size, 1);
      assert.ok([...p50s][0] !== null && Math.abs(([...p50s][0] ?? 0) - 10) <= 2, `p50 ${String([...p50s][0])}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
