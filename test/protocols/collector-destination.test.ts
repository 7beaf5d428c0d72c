import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { createTracker } from '../../src/delivery/tracker.js';
import { isFootfallError } from '../../src/errors.js';
import { collector } from '../../src/index.js';
import { startFakeCollector } from '../../src/testing/fake-collector.js';
import { TEST_KEY } from '../helpers/context.js';
import { requestFor } from '../helpers/tracker.js';

/** Runs a fixture with `env` added; a safety net kills it after 20 s. */
function runChild(fixture: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('collector(url): a local Footfall collector without Google ids', () => {
  it('sends GA4 payloads to the collector\'s /mp/batch, many consumers per request, with placeholders it accepts: every hit stored', async () => {
    const fake = await startFakeCollector();
    try {
      const tracker = createTracker({ destination: collector(fake.url), hashKey: TEST_KEY, flushOnExit: false });
      for (let i = 0; i < 3; i++) tracker.track(requestFor(`consumer-${i}`, i));
      assert.deepEqual(await tracker.close(), { sent: 3, failed: 0, dropped: 0, pending: 0 });
      assert.equal(fake.hits.length, 3);
      assert.deepEqual(fake.hits.map((hit) => hit.route), ['/v1/items/:id', '/v1/items/:id', '/v1/items/:id']);
      assert.deepEqual(fake.requests.map((request) => [request.path, request.status]), [['/mp/batch', 204]], 'three consumers, one request');
    } finally {
      await fake.close();
    }
  });

  it('with { batch: false }, one consumer per request to /mp/collect, as collectors older than /mp/batch take it', async () => {
    const fake = await startFakeCollector();
    try {
      const tracker = createTracker({ destination: collector(fake.url, { batch: false }), hashKey: TEST_KEY, flushOnExit: false });
      for (let i = 0; i < 3; i++) tracker.track(requestFor(`consumer-${i}`, i));
      assert.deepEqual(await tracker.close(), { sent: 3, failed: 0, dropped: 0, pending: 0 });
      assert.equal(fake.hits.length, 3);
      assert.deepEqual(fake.requests.map((request) => [request.path, request.status]), [['/mp/collect', 204], ['/mp/collect', 204], ['/mp/collect', 204]]);
    } finally {
      await fake.close();
    }
  });

  it('takes the collector\'s --api-secret; without it a collector that has one refuses (403)', async () => {
    const fake = await startFakeCollector({ apiSecret: 'local-secret' });
    try {
      const withSecret = createTracker({ destination: collector(`${fake.url}/mp/collect`, { apiSecret: 'local-secret' }), hashKey: TEST_KEY, flushOnExit: false });
      withSecret.track(requestFor('a'));
      assert.equal((await withSecret.close()).sent, 1);
      const without = createTracker({ destination: collector(fake.url), hashKey: TEST_KEY, flushOnExit: false });
      without.track(requestFor('b'));
      assert.equal((await without.close()).failed, 1);
      assert.equal(fake.hits.length, 1);
    } finally {
      await fake.close();
    }
  });

  it('is not overridden by FOOTFALL_ENDPOINT, and refuses a bad URL or an unknown option', () => {
    assert.equal(collector('http://127.0.0.1:8787').customEndpoint, true);
    assert.equal(collector('http://127.0.0.1:8787').endpoint, 'http://127.0.0.1:8787/mp/collect');
    assert.equal(collector('http://127.0.0.1:8787').batchEndpoint, 'http://127.0.0.1:8787/mp/batch');
    assert.equal(collector('http://127.0.0.1:8787/footfall/mp/collect').batchEndpoint, 'http://127.0.0.1:8787/footfall/mp/batch', 'beside the collect path, behind a proxy too');
    assert.equal(collector('http://127.0.0.1:8787', { batch: false }).batchEndpoint, undefined);
    assert.ok(!JSON.stringify(collector('http://127.0.0.1:8787', { apiSecret: 'local-secret' })).includes('local-secret'), 'the secret stays hidden');
    assert.equal(collector('http://127.0.0.1:8787', { apiSecret: 'local-secret' }).apiSecret, 'local-secret');
    assert.equal(collector('http://127.0.0.1:8787/ingest').batchEndpoint, undefined, 'another path names no /mp/batch: one consumer per request, as before');
    assert.equal(collector('http://127.0.0.1:8787/ingest').endpoint, 'http://127.0.0.1:8787/ingest');
    assert.throws(() => collector('http://127.0.0.1:8787/ingest', { batch: true }), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_OPTION' && /`batch` must be false \(or left out\)/.test(error.message));
    assert.throws(() => collector('http://127.0.0.1:8787', { batch: 'yes' } as never), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_OPTION' && /`batch` must be true or false/.test(error.message));
    assert.throws(() => collector('127.0.0.1:8787'), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_ENDPOINT');
    assert.throws(() => collector('http://127.0.0.1:8787', { apiSecrets: 'x' } as never), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_UNKNOWN_OPTION' && /`apiSecrets`.*did you mean `apiSecret`/.test(error.message));
  });

  it('the zero-code path: an app with `trackRequests()` and FOOTFALL_ENDPOINT alone (no Google ids) starts, and its hits are stored', async () => {
    const fake = await startFakeCollector();
    try {
      const { code, stdout, stderr } = await runChild('test/fixtures/env-app-child.ts', { FOOTFALL_ENDPOINT: fake.url, FOOTFALL_HASH_KEY: TEST_KEY, FOOTFALL_GA4_MEASUREMENT_ID: '', FOOTFALL_GA4_API_SECRET: '' });
      assert.equal(code, 0, stderr);
      assert.equal(stdout, 'served\n');
      assert.deepEqual(fake.hits.map((hit) => `${hit.method} ${hit.route}`), ['GET /v1/users/:id', 'GET /v1/users/:id']);
    } finally {
      await fake.close();
    }
  });
});
