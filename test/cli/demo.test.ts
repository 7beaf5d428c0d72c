import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { cli } from '../helpers/cli.js';
import { runFootfall } from '../helpers/cli-process.js';
import { freePort } from '../helpers/ports.js';

describe('footfall demo (what npm start runs)', () => {
  it('runs collector, instrumented API and traffic end to end, then reports used and never-called endpoints', async () => {
    const { code, stdout, stderr } = await cli('demo', '--port', '0', '--requests', '60', '--rate', '500');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /dashboard +http:\/\/127\.0\.0\.1:\d+\//);
    const stored = /60 API requests \((\d+) of them health checks, not recorded by default\); the collector stored (\d+) hits/.exec(stdout);
    assert.ok(stored, stdout);
    // /health is skipped by default; every other request becomes exactly one stored hit.
    assert.equal(Number(stored[1]) + Number(stored[2]), 60, stdout);
    assert.ok(Number(stored[1]) > 0, stdout);
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

/** Whether something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('footfall demo: start-up', () => {
  it('runs without Express installed (the demo API is node:http with footfall/node), a real process', async () => {
    const result = await runFootfall(['demo', '--port', '0', '--requests', '30', '--rate', '500'], { nodeArgs: ['--import', './test/cli/fixtures/no-express.mjs'], timeoutMs: 30_000 });
    assert.equal(result.timedOut, false, `ended by itself; stderr: ${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /30 API requests/);
    assert.doesNotMatch(result.stderr, /Cannot find package/);
  });

  it('an API that cannot start: exit 1 with the reason and the fix, the collector it started closed (runCli)', async () => {
    const port = await freePort();
    let stderr = '';
    const failure = Object.assign(new Error("Cannot find package 'left-pad' imported from /app/demo-api.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const code = await runCli(['demo', '--port', String(port), '--duration', '5m'], {
      stdout: () => undefined,
      stderr: (text) => void (stderr += text),
      env: {},
      untilStopped: () => new Promise(() => undefined),
      loadDemoApi: () => Promise.reject(failure),
    });
    assert.equal(code, 1);
    assert.match(stderr, /the demo API could not start: Cannot find package 'left-pad'/);
    assert.match(stderr, /npm i left-pad/);
    assert.equal(await listening(port), false, 'the collector is closed');
  });

  it('an API that cannot start: the process exits 1 within 20 s, nothing left listening (a real process)', async () => {
    const port = await freePort();
    const result = await runFootfall(['demo', '--port', String(port), '--duration', '5m'], { nodeArgs: ['--import', './test/cli/fixtures/fail-demo-api.mjs'], timeoutMs: 20_000 });
    assert.equal(result.timedOut, false, `ended by itself; stderr: ${result.stderr}`);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /the demo API could not start: Cannot find package 'footfall-test-package-that-is-not-installed'/);
    assert.match(result.stderr, /npm i footfall-test-package-that-is-not-installed/);
    assert.equal(await listening(port), false);
  });

  it('says loudly that 8787 is taken and which port it uses instead', async () => {
    const blocker = createServer();
    const taken = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(8787, '127.0.0.1', () => resolve(true));
    });
    try {
      const { code, stdout, stderr } = await cli('demo', '--requests', '5', '--rate', '500');
      assert.equal(code, 0, stderr);
      const said = /port 8787 is taken; the collector listens on port (\d+) instead/.exec(stdout);
      assert.ok(said, stdout);
      assert.notEqual(said[1], '8787');
      assert.match(stdout, new RegExp(`dashboard +http://127\\.0\\.0\\.1:${said[1]}/`));
    } finally {
      if (taken) await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
