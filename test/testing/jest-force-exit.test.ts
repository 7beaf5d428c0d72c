// Issue 11: Jest with --forceExit ended the process before `beforeExit`, so no hit arrived,
// and a tracker's flush timer fired after Jest had torn its test file down ("You are trying
// to `require` a file after the Jest environment has been torn down"). Replayed here with
// Jest 30 (CommonJS, the built package, Express 4 + supertest) in a child process, against a
// real collector: trackers closed in afterAll deliver everything; a forgotten one runs nothing
// after its file is gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { startFakeCollector } from '../../src/testing/fake-collector.js';

const CHILD_TIMEOUT_MS = 60_000;

function runJest(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const dropped = new Set(['NODE_TEST_CONTEXT', 'FOOTFALL_DISABLED', 'FOOTFALL_ENDPOINT', 'FOOTFALL_HASH_KEY', 'NODE_OPTIONS']);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !dropped.has(name)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/jest/bin/jest.js', ...args], { env: { ...inherited, ...env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('Jest --forceExit (issue 11)', () => {
  it('delivers every hit of trackers closed in afterAll, and runs nothing after a test file is torn down', { timeout: CHILD_TIMEOUT_MS + 10_000 }, async () => {
    assert.ok(existsSync('dist/index.cjs'), 'dist/index.cjs is missing: run npm run build first');
    const collector = await startFakeCollector();
    try {
      const { code, output } = await runJest(['--config', 'test/fixtures/jest-force-exit/jest.config.cjs', '--ci', '--forceExit', '--runInBand'], { FOOTFALL_ENDPOINT: collector.url });
      assert.equal(code, 0, output);
      assert.match(output, /Tests:\s+8 passed, 8 total/, output);
      assert.doesNotMatch(output, /torn down|ReferenceError|FFWRN001/, output);
      assert.equal(output.match(/FFWRN006/g)?.length, 1, `FFWRN006 once per process, not once per test file:\n${output}`);
      // 3 files x (5 GETs + 1 POST), each tracker closed in afterAll; the forgotten tracker's hit never went.
      const routes = collector.hits.map((hit) => `${hit.method} ${hit.route}`).sort();
      assert.equal(routes.length, 18, routes.join('\n'));
      assert.deepEqual([...new Set(routes)], ['GET /v1/users/:id', 'POST /v1/orders']);
    } finally {
      await collector.close();
    }
  });
});
