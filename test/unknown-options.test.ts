import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { trackRequests as expressTracking } from '../src/adapters/express/index.js';
import { trackRequests as fastifyTracking } from '../src/adapters/fastify/index.js';
import { trackRequests as honoTracking } from '../src/adapters/hono/index.js';
import { trackRequests as koaTracking } from '../src/adapters/koa/index.js';
import { trackRequests as nodeTracking } from '../src/adapters/node/index.js';
import { startCollector } from '../src/collector/server.js';
import { createTracker } from '../src/delivery/tracker.js';
import { isFootfallError } from '../src/errors.js';
import { closestName } from '../src/internal/closest-name.js';
import { collector, ga4, resolveHitOptions, toHit, ua } from '../src/index.js';
import { startFakeCollector } from '../src/testing/fake-collector.js';

/** Throws FOOTFALL_ERR_UNKNOWN_OPTION naming `key` and suggesting `meant` (or nothing). */
function unknownOption(key: string, meant: string | undefined) {
  return (error: unknown) => {
    assert.ok(isFootfallError(error), String(error));
    assert.equal(error.code, 'FOOTFALL_ERR_UNKNOWN_OPTION');
    assert.ok(error.message.includes(`\`${key}\` is not an option`), error.message);
    if (meant === undefined) assert.ok(!error.message.includes('did you mean'), error.message);
    else assert.ok(error.message.includes(`did you mean \`${meant}\`?`), error.message);
    return true;
  };
}

const destination = ga4({ measurementId: 'G-TEST1234', apiSecret: 's' });
const tracker = createTracker({ destination, hashKey: 'k'.repeat(16), flushOnExit: false });

describe('misspelled options are refused everywhere, with the closest known one', () => {
  it('closestName: case-insensitive edit distance, nothing when nothing is close', () => {
    const known = ['flushIntervalMs', 'measurementId', 'apiSecret', 'timeoutMs'];
    assert.equal(closestName('flushIntervalMS', known), 'flushIntervalMs');
    assert.equal(closestName('measurmentId', known), 'measurementId');
    assert.equal(closestName('apisecret', known), 'apiSecret');
    assert.equal(closestName('timoeutMs', known), 'timeoutMs', 'a swap of two neighbours is one edit');
    assert.equal(closestName('colour', known), undefined);
    assert.equal(closestName('x', ['y']), undefined);
  });

  it('createTracker', () => {
    const create = (extra: Record<string, unknown>) => () => createTracker({ destination, hashKey: 'k'.repeat(16), flushOnExit: false, ...extra });
    assert.throws(create({ flushIntervalMS: 1000 }), unknownOption('flushIntervalMS', 'flushIntervalMs'));
    assert.throws(create({ measurmentId: 'G-X' }), unknownOption('measurmentId', undefined));
    assert.throws(create({ maxRetrysMs: 10 }), unknownOption('maxRetrysMs', 'maxRetryMs'));
  });

  it('ga4(), ua() and collector()', () => {
    assert.throws(() => ga4({ measurmentId: 'G-TEST1234', apiSecret: 's' } as never), unknownOption('measurmentId', 'measurementId'));
    assert.throws(() => ga4({ measurementId: 'G-TEST1234', apiSecret: 's', endPoint: 'http://x' } as never), unknownOption('endPoint', 'endpoint'));
    assert.throws(() => ga4({ measurementId: 'G-TEST1234', apiSecret: 's', regoin: 'eu' } as never), unknownOption('regoin', 'region'));
    assert.throws(() => ua({ trackingID: 'UA-1-1' } as never), unknownOption('trackingID', 'trackingId'));
    assert.throws(() => collector('http://127.0.0.1:8787', { api_secret: 'x' } as never), unknownOption('api_secret', 'apiSecret'));
  });

  it('every adapter\'s options', async () => {
    assert.throws(() => expressTracking(tracker, { sampelRate: 0.5 } as never), unknownOption('sampelRate', 'sampleRate'));
    assert.throws(() => koaTracking(tracker, { userID: () => 'x' } as never), unknownOption('userID', 'userId'));
    assert.throws(() => honoTracking(tracker, { skipp: () => false } as never), unknownOption('skipp', 'skip'));
    assert.throws(() => nodeTracking(tracker, { route: () => null, routs: [] } as never), unknownOption('routs', 'routes'));
    assert.doesNotThrow(() => nodeTracking(tracker, { routes: ['GET /a'] }), 'routes is node:http\'s own option');
    const app = Fastify();
    void app.register(fastifyTracking, { tracker, canonicalhost: 'api.example.com' } as never);
    await assert.rejects(async () => {
      await app.ready();
    }, unknownOption('canonicalhost', 'canonicalHost'));
    const fine = Fastify();
    void fine.register(fastifyTracking, { tracker, prefix: '/v1' });
    await fine.ready();
    await fine.close();
  });

  it('resolveHitOptions and toHit with plain options', () => {
    assert.throws(() => resolveHitOptions({ hashKey: 'k'.repeat(16), sessionTimeoutMS: 1000 } as never, {}), unknownOption('sessionTimeoutMS', 'sessionTimeoutMs'));
    assert.throws(() => toHit({ method: 'GET', url: '/a' }, { hashKey: 'k'.repeat(16), canonicalHots: 'api.example.com' } as never), unknownOption('canonicalHots', 'canonicalHost'));
  });

  it('close({...})', async () => {
    const closing = createTracker({ destination, hashKey: 'k'.repeat(16), flushOnExit: false });
    await assert.rejects(closing.close({ timeout: 100 } as never), unknownOption('timeout', 'timeoutMs'));
    assert.deepEqual(await closing.close({ timeoutMs: 100 }), { sent: 0, failed: 0, dropped: 0, pending: 0 }, 'a refused close() did not close it');
  });

  it('startCollector and startFakeCollector', async () => {
    await assert.rejects(startCollector({ port: 0, memory: true, output: 'none', failrate: 0.5 } as never), unknownOption('failrate', 'failRate'));
    await assert.rejects(startCollector({ port: 0, memory: true, output: 'none', dbfile: 'x.db' } as never), unknownOption('dbfile', 'dbFile'));
    await assert.rejects(startFakeCollector({ hangrate: 0.2 } as never), unknownOption('hangrate', 'hangRate'));
  });
});

describe('tracker.on() with an event that does not exist', () => {
  it('throws a FootfallError naming the events and the one meant', () => {
    assert.throws(() => tracker.on('failure' as never, () => undefined), (error) => {
      assert.ok(isFootfallError(error), String(error));
      assert.equal(error.code, 'FOOTFALL_ERR_UNKNOWN_EVENT');
      for (const event of ['sent', 'failed', 'dropped', 'breaker']) assert.ok(error.message.includes(`"${event}"`), error.message);
      assert.ok(error.message.includes('did you mean "failed"?'), error.message);
      return true;
    });
    assert.throws(() => tracker.on('constructor' as never, () => undefined), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_UNKNOWN_EVENT');
    assert.throws(() => tracker.on('sent', 'not a function' as never), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_OPTION' && /`listener` must be a function/.test(error.message));
  });
});
