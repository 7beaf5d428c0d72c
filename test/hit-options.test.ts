import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveHitOptions, toHit } from '../src/hit-options.js';
import { isFootfallError } from '../src/errors.js';
import { TEST_KEY } from './helpers/context.js';

const code = (expected: string) => (error: unknown) => isFootfallError(error) && error.code === expected;

describe('resolveHitOptions', () => {
  it('freezes the resolved context', () => {
    const context = resolveHitOptions({ hashKey: TEST_KEY }, {});
    assert.ok(Object.isFrozen(context));
  });

  it('rejects each bad option with a code and a message naming what was expected and got', () => {
    assert.throws(() => resolveHitOptions({ hashKey: TEST_KEY, trustProxy: 'yes' as never }, {}), code('FOOTFALL_ERR_INVALID_OPTION'));
    assert.throws(() => resolveHitOptions({ hashKey: TEST_KEY, clientId: 'hash' as never }, {}), /`clientId` must be one of "auto", "random", got "hash" \(string\)/);
    assert.throws(() => resolveHitOptions({ hashKey: TEST_KEY, maxSessions: 0 }, {}), /`maxSessions` must be a positive integer, got 0 \(number\)/);
    assert.throws(() => resolveHitOptions({ hashKey: TEST_KEY, sessionTimeoutMs: 1.5 }, {}), code('FOOTFALL_ERR_INVALID_OPTION'));
    assert.throws(() => resolveHitOptions({ hashKey: TEST_KEY, title: 'x' as never }, {}), /`title` must be a function/);
    assert.throws(() => resolveHitOptions({ hashKey: TEST_KEY, canonicalHost: 'ftp://x' }, {}), /`canonicalHost` must be a host/);
    assert.throws(() => resolveHitOptions({ hashKey: TEST_KEY, referrer: 'path' as never }, {}), code('FOOTFALL_ERR_INVALID_OPTION'));
    assert.throws(() => resolveHitOptions(null as never, {}), code('FOOTFALL_ERR_INVALID_OPTION'));
  });

  it('rejects a short hash key without printing it', () => {
    assert.throws(
      () => resolveHitOptions({ hashKey: 'short-secret' }, {}),
      (error) => code('FOOTFALL_ERR_INVALID_HASH_KEY')(error) && !String((error as Error).message).includes('short-secret'),
    );
  });

  it('takes the key from FOOTFALL_HASH_KEY so processes agree on ids', () => {
    const env = { FOOTFALL_HASH_KEY: 'shared-key-between-processes' };
    const a = resolveHitOptions({}, env);
    const b = resolveHitOptions({}, env);
    const info = { method: 'GET', url: '/x', userId: 'u1' };
    assert.equal(toHit(info, a).clientId, toHit(info, b).clientId);
  });

  it('without a key, uses a random one per process and warns once (FFWRN001)', async () => {
    const warnings: string[] = [];
    const listener = (warning: Error & { code?: string }) => warnings.push(warning.code ?? '');
    process.on('warning', listener);
    const a = resolveHitOptions({}, {});
    const b = resolveHitOptions({}, {});
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', listener);
    const info = { method: 'GET', url: '/x', userId: 'u1' };
    assert.notEqual(toHit(info, a).userId, toHit(info, b).userId);
    assert.deepEqual(warnings.filter((c) => c === 'FFWRN001'), ['FFWRN001']);
  });
});

describe('toHit (public)', () => {
  it('accepts plain options and resolves them once per object', () => {
    const options = { hashKey: TEST_KEY };
    const info = { method: 'GET', url: '/x', userId: 'u1' };
    assert.equal(toHit(info, options).userId, toHit(info, options).userId);
  });
});
