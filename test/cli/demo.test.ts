import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';

describe('footfall demo (what npm start runs)', () => {
  it('runs collector, instrumented API and traffic end to end, then reports used and never-called endpoints', async () => {
    const { code, stdout, stderr } = await cli('demo', '--port', '0', '--requests', '60', '--rate', '500');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /dashboard +http:\/\/127\.0\.0\.1:\d+\//);
    const stored = /60 API requests; the collector stored (\d+) hits/.exec(stdout);
    assert.ok(stored, stdout);
    // /health is skipped by default; every other request becomes exactly one stored hit.
    assert.ok(Number(stored[1]) > 40 && Number(stored[1]) <= 60, stdout);
    for (const unused of ['PATCH /v1/users/:id', 'DELETE /v1/orders/:orderId', 'GET /v1/reports/legacy', 'GET /v1/export.csv']) {
      const [method, route] = unused.split(' ');
      assert.match(stdout, new RegExp(`${method}\\s+${(route ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), `${unused} listed as unused`);
    }
    assert.match(stdout, /GET\s+\/v1\/users\/:id/);
    assert.doesNotMatch(stdout, /sk_live|key_acme/);
  });

  it('a bad flag is a usage error naming it', async () => {
    const { code, stderr } = await cli('demo', '--rate', '0');
    assert.equal(code, 2);
    assert.match(stderr, /--rate <per-second>.*expected a whole number of requests per second from 1 to 1000, got "0"/);
  });
});
