import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { EndpointsReport, IncomingHit } from '../../src/collector/types.js';
import { cli } from '../helpers/cli.js';

const run = promisify(execFile);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let dir: string;
let db: string;
let bareDb: string;
let openapi: string;

function hit(method: string, route: string, agoMs: number, client: string, status = 200): IncomingHit {
  return { timeMs: Date.now() - agoMs, protocol: 'ga4', method, route, status, durationMs: 12, client, eventName: 'page_view' };
}

/** Hits in the last 30 days, one 40 days old, and a stored inventory with two unused routes. */
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'footfall-report-'));
  db = join(dir, 'hits.db');
  const store = createSqliteStore({ file: db });
  store.insert([
    ...Array.from({ length: 5 }, (_, i) => hit('GET', '/v1/items/:id', HOUR * (i + 1), `c${i % 2}`)),
    hit('POST', '/v1/items', 2 * DAY, 'c9', 500),
    hit('GET', '/v1/old', 40 * DAY, 'c1'),
    hit('GET', '/debug,"=x"', HOUR, 'c1'),
  ], Date.now());
  store.setRoutes([
    { method: 'GET', route: '/v1/items/:id' },
    { method: 'POST', route: '/v1/items' },
    { method: 'GET', route: '/v1/old' },
    { method: 'DELETE', route: '/v1/items/:id' },
  ]);
  store.close();
  bareDb = join(dir, 'bare.db');
  const bare = createSqliteStore({ file: bareDb });
  bare.insert([hit('GET', '/v1/items/:id', HOUR, 'c1')], Date.now());
  bare.close();
  openapi = join(dir, 'openapi.yaml');
  writeFileSync(openapi, 'openapi: 3.0.3\ninfo: { title: t, version: "1" }\nservers: [{ url: /v1 }]\npaths:\n  /items/{id}:\n    get: {}\n  /items:\n    post: {}\n  /reports:\n    get: {}\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function json(...args: string[]): Promise<EndpointsReport> {
  const result = await cli('report', '--db', db, '--format', 'json', ...args);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as EndpointsReport;
}

describe('footfall report (in-process)', () => {
  it('prints the table for the last 30 days with the stored inventory\'s unused routes', async () => {
    const { code, stdout, stderr } = await cli('report', '--db', db);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^GET +\/v1\/items\/:id +5 +2 +0\.0% +12 +12 +1h ago$/m);
    assert.match(stdout, /^POST +\/v1\/items +1 +1 +100\.0% +12 +12 +2d ago$/m);
    assert.match(stdout, /\/debug,"=x" \*/);
    assert.doesNotMatch(stdout, /^GET +\/v1\/old +1/m);
    assert.match(stdout, /7 hits from 3 consumers on 3 endpoints \(1 not in the route inventory\)\./);
    assert.match(stdout, /Unused endpoints \(2 of 4 declared\):\n {2}DELETE {2}\/v1\/items\/:id\n {2}GET {5}\/v1\/old\n$/);
  });

  it('--format json is the store\'s report; --since and --until move the range; --limit keeps the top rows', async () => {
    const report = await json();
    assert.deepEqual(report.endpoints.map((e) => [e.method, e.route, e.hits, e.clients, e.serverErrors, e.declared]), [
      ['GET', '/v1/items/:id', 5, 2, 0, true],
      ['GET', '/debug,"=x"', 1, 1, 0, false],
      ['POST', '/v1/items', 1, 1, 1, true],
    ]);
    assert.deepEqual([report.hits, report.clients, report.declared], [7, 3, 4]);
    const sinceMs = report.range.sinceMs ?? 0;
    assert.ok(Math.abs(Date.now() - 30 * DAY - sinceMs) < 60_000, `sinceMs ${sinceMs}`);
    assert.equal((await json('--since', '60d')).hits, 8);
    assert.deepEqual((await json('--since', '60d', '--until', '30d')).endpoints.map((e) => e.route), ['/v1/old']);
    const iso = new Date(Date.now() - 3 * DAY).toISOString();
    assert.deepEqual((await json('--since', iso)).endpoints.map((e) => e.hits), [5, 1, 1]);
    assert.deepEqual((await json('--limit', '1')).endpoints.map((e) => e.route), ['/v1/items/:id']);
  });

  it('--format csv and markdown', async () => {
    const csv = await cli('report', '--db', db, '--format', 'csv');
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.split('\r\n');
    assert.equal(lines[0], 'status,method,route,hits,consumers,server_errors,client_errors,error_rate,p50_ms,p95_ms,first_seen,last_seen');
    assert.match(csv.stdout, /\r\nundeclared,GET,"\/debug,""=x""",1,1,0,0,0,/);
    assert.match(csv.stdout, /\r\nunused,DELETE,\/v1\/items\/:id,0,0,0,0,,,,,\r\nunused,GET,\/v1\/old,0,0,0,0,,,,,\r\n$/);
    const md = await cli('report', '--db', db, '--format', 'markdown');
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^### Footfall: API endpoint usage\n/);
    assert.match(md.stdout, /\n\| GET \| `\/v1\/items\/:id` \| 5 \| 2 \| 0\.0% \|/);
    assert.match(md.stdout, /\*\*Unused endpoints \(2 of 4 declared\):\*\*\n\n- `DELETE \/v1\/items\/:id`\n- `GET \/v1\/old`\n$/);
  });

  it('--fail-on-unused exits 1 after printing when a declared route is unused, 0 when none is', async () => {
    const failing = await cli('report', '--db', db, '--fail-on-unused');
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /Unused endpoints \(2 of 4 declared\)/);
    assert.match(failing.stderr, /2 of 4 declared routes had no hit in the range \(--fail-on-unused\)/);
    const used = join(dir, 'used.json');
    writeFileSync(used, JSON.stringify(['GET /v1/items/:id', { method: 'POST', path: '/v1/items' }]));
    const passing = await cli('report', '--db', db, '--routes', used, '--fail-on-unused');
    assert.equal(passing.code, 0, passing.stderr);
    assert.match(passing.stdout, /Unused endpoints \(0 of 2 declared\)\./);
  });

  it('--fail-on-unused fails when there is no inventory to check against', async () => {
    const result = await cli('report', '--db', bareDb, '--fail-on-unused');
    assert.equal(result.code, 1);
    assert.match(result.stdout, /No route inventory/);
    assert.match(result.stderr, /--fail-on-unused needs a route inventory, and ".*bare\.db" holds none \(health checks are left out unless --keep-health-routes\); pass --routes <file>/);
    assert.equal((await cli('report', '--db', bareDb)).code, 0);
  });

  it('--routes with an OpenAPI file replaces the stored inventory for this report only', async () => {
    const report = await json('--routes', openapi);
    assert.equal(report.declared, 3);
    assert.deepEqual(report.unused, [{ method: 'GET', route: '/v1/reports' }]);
    assert.deepEqual(report.endpoints.map((e) => [e.route, e.declared]), [['/v1/items/:id', true], ['/debug,"=x"', false], ['/v1/items', true]]);
    const store = createSqliteStore({ file: db });
    try {
      assert.deepEqual(store.routes().map((r) => `${r.method} ${r.route}`), ['POST /v1/items', 'DELETE /v1/items/:id', 'GET /v1/items/:id', 'GET /v1/old']);
    } finally {
      store.close();
    }
  });

  it('a routes file it cannot use is exit 1, naming the file and what it expected', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '["GET /a", 4]');
    const result = await cli('report', '--db', db, '--routes', bad);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad\.json.*item 2 of 2 is a number \(4\), expected a string like "GET \/users\/:id"/);
    assert.equal(result.stdout, '');
  });

  it('a missing --db is exit 1 with a clear message, and no file is created', async () => {
    const missing = join(dir, 'nope.db');
    const result = await cli('report', '--db', missing);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no hit store at --db ".*nope\.db": expected the SQLite file a collector writes/);
    assert.equal(existsSync(missing), false);
    const notDb = join(dir, 'not-a-db.txt');
    writeFileSync(notDb, 'hello, I am not SQLite '.repeat(100));
    const wrong = await cli('report', '--db', notDb);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /not-a-db\.txt" is not a Footfall hit store: it is not SQLite \(a text file\)/);
    assert.equal(readFileSync(notDb, 'utf8').startsWith('hello'), true);
  });

  for (const [flags, pattern] of [
    [['--format', 'xml'], /option '--format <format>' argument 'xml' is invalid\. Allowed choices are table, json, csv, markdown/],
    [['--since', 'yesterday'], /option '--since <when>' argument 'yesterday' is invalid\. expected a duration like 30d/],
    [['--until', '5 minutes'], /option '--until <when>' argument '5 minutes' is invalid/],
    [['--limit', '0'], /option '--limit <n>' argument '0' is invalid\. expected a whole number from 1 to 100000, got "0"/],
    [['--since', '1d', '--until', '2d'], /--until \(.*\) must be after --since \(.*\)/],
    [['--bogus'], /unknown option '--bogus'/],
  ] as const) {
    it(`a bad flag (${flags.join(' ')}) is a usage error naming it, exit 2`, async () => {
      const result = await cli('report', '--db', db, ...flags);
      assert.equal(result.code, 2, result.stdout);
      assert.match(result.stderr, pattern);
      assert.equal(result.stdout, '');
    });
  }
});

describe('footfall report (a real process)', () => {
  const main = join('src', 'cli', 'main.ts');

  it('prints CSV to stdout and exits 0', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', main, 'report', '--db', db, '--format', 'csv']);
    assert.match(stdout, /^status,method,route,/);
    assert.match(stdout, /\r\nused,GET,\/v1\/items\/:id,5,2,/);
  });

  it('exits 1 with --fail-on-unused and 2 on a usage error', async () => {
    await assert.rejects(run(process.execPath, ['--import', 'tsx', main, 'report', '--db', db, '--fail-on-unused', '--format', 'markdown']), (error: { code?: number; stdout?: string; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stdout ?? '', /- `GET \/v1\/old`/);
      assert.match(error.stderr ?? '', /had no hit in the range/);
      return true;
    });
    await assert.rejects(run(process.execPath, ['--import', 'tsx', main, 'report', '--db', db, '--limit', 'many']), (error: { code?: number; stderr?: string }) => error.code === 2 && /--limit <n>/.test(error.stderr ?? ''));
  });
});
