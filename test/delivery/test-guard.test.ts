// Issue 11: a test run's tracker sent to Google's real endpoint (turbo's strict env mode had
// dropped FOOTFALL_ENDPOINT). Under a test runner, hits bound for Google over the network stay home.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTracker } from '../../src/delivery/tracker.js';
import { heldBackInTests, isGoogleEndpoint } from '../../src/delivery/test-guard.js';
import { readFootfallEnv } from '../../src/internal/footfall-env.js';
import { isFootfallError } from '../../src/errors.js';
import { detectTestRunner } from '../../src/internal/test-runner.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { ua } from '../../src/protocols/ua/destination.js';
import { createMemoryTransport } from '../../src/testing/memory-transport.js';
import { TEST_KEY } from '../helpers/context.js';
import { startSink } from '../helpers/sink.js';
import { assertAccounting, requestFor } from '../helpers/tracker.js';

const google = ga4({ measurementId: 'G-TEST1234', apiSecret: 'test-secret' });
const base = { hashKey: TEST_KEY, flushOnExit: false };

describe('detectTestRunner', () => {
  it('knows Jest, Vitest, node:test and NODE_ENV=test, and nothing else', () => {
    assert.equal(detectTestRunner({ JEST_WORKER_ID: '1' }), 'jest');
    assert.equal(detectTestRunner({ VITEST: 'true' }), 'vitest');
    assert.equal(detectTestRunner({ NODE_TEST_CONTEXT: 'child-v8' }), 'node:test');
    assert.equal(detectTestRunner({ NODE_ENV: 'test' }), 'NODE_ENV=test');
    assert.equal(detectTestRunner({ NODE_ENV: 'production', JEST_WORKER_ID: '' }), undefined);
    assert.equal(detectTestRunner({}), undefined);
  });
});

describe('heldBackInTests', () => {
  const runner = readFootfallEnv({ VITEST: 'true' }).testRunner;
  it('holds back Google, over the default transport, under a runner', () => {
    assert.ok(isGoogleEndpoint('https://www.google-analytics.com/mp/collect'));
    assert.ok(isGoogleEndpoint('https://region1.google-analytics.com/debug/mp/collect'));
    assert.ok(!isGoogleEndpoint('http://127.0.0.1:8787/mp/collect'));
    assert.ok(!isGoogleEndpoint('https://google-analytics.com.example.org/mp/collect'));
    assert.equal(heldBackInTests({ destination: google, injectedTransport: false, sendInTests: false, runner }), 'vitest');
    assert.equal(heldBackInTests({ destination: ua({ trackingId: 'UA-1234-1' }), injectedTransport: false, sendInTests: false, runner }), 'vitest');
  });

  it('lets through a local endpoint, an injected transport, sendInTests, and anything outside tests', () => {
    const local = ga4({ measurementId: 'G-TEST1234', apiSecret: 's', endpoint: 'http://127.0.0.1:9/mp/collect' });
    assert.equal(heldBackInTests({ destination: local, injectedTransport: false, sendInTests: false, runner }), undefined);
    assert.equal(heldBackInTests({ destination: google, injectedTransport: true, sendInTests: false, runner }), undefined);
    assert.equal(heldBackInTests({ destination: google, injectedTransport: false, sendInTests: true, runner }), undefined);
    assert.equal(heldBackInTests({ destination: google, injectedTransport: false, sendInTests: false, runner: readFootfallEnv({}).testRunner }), undefined);
  });
});

describe('a tracker under a test runner', () => {
  const saved = { NODE_ENV: process.env.NODE_ENV, FOOTFALL_ENDPOINT: process.env.FOOTFALL_ENDPOINT };
  before(() => {
    process.env.NODE_ENV = 'test'; // a runner, however this file is run
    delete process.env.FOOTFALL_ENDPOINT;
  });
  after(() => {
    if (saved.NODE_ENV === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved.NODE_ENV;
    if (saved.FOOTFALL_ENDPOINT !== undefined) process.env.FOOTFALL_ENDPOINT = saved.FOOTFALL_ENDPOINT;
  });

  it('drops hits bound for Google as test_environment, keeps the books, and warns FFWRN006 once', async () => {
    const warnings: (Error & { code?: string })[] = [];
    const onWarning = (warning: Error & { code?: string }) => warnings.push(warning);
    process.on('warning', onWarning);
    const dropped: string[] = [];
    const tracker = createTracker({ ...base, destination: google });
    tracker.on('dropped', (report) => dropped.push(report.reason));
    const second = createTracker({ ...base, destination: google });
    for (let i = 0; i < 3; i++) tracker.track(requestFor('u', i));
    await tracker.flush();
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    const stats = tracker.stats();
    assert.deepEqual({ tracked: stats.tracked, sent: stats.sent, failed: stats.failed, dropped: stats.dropped, pending: stats.pending }, { tracked: 3, sent: 0, failed: 0, dropped: 3, pending: 0 });
    assert.equal(stats.droppedByReason.test_environment, 3);
    assert.deepEqual(dropped, ['test_environment', 'test_environment', 'test_environment']);
    assertAccounting(tracker);
    const ours = warnings.filter((warning) => warning.code === 'FFWRN006');
    assert.equal(ours.length, 1);
    assert.match(ours[0]?.message ?? '', /(node:test|NODE_ENV=test) detected; endpoint https:\/\/www\.google-analytics\.com\/mp\/collect/);
    await Promise.all([tracker.close(), second.close()]);
  });

  it('sends to a local collector as usual, FOOTFALL_ENDPOINT included', async () => {
    const sink = await startSink();
    process.env.FOOTFALL_ENDPOINT = sink.url;
    try {
      const tracker = createTracker({ ...base, destination: google });
      tracker.track(requestFor('u'));
      await tracker.flush();
      assert.deepEqual({ sent: tracker.stats().sent, dropped: tracker.stats().dropped }, { sent: 1, dropped: 0 });
      assert.equal(sink.received.length, 1);
      await tracker.close();
    } finally {
      delete process.env.FOOTFALL_ENDPOINT;
      await sink.close();
    }
  });

  it('sends through an injected transport, whatever the destination', async () => {
    const transport = createMemoryTransport(() => 204, () => undefined);
    const tracker = createTracker({ ...base, destination: google, transport });
    tracker.track(requestFor('u'));
    await tracker.flush();
    assert.equal(tracker.stats().sent, 1);
    assert.equal(transport.requests.length, 1);
    await tracker.close();
  });

  it('takes sendInTests as a boolean and refuses misspellings', () => {
    const refused = (options: Record<string, unknown>, pattern: RegExp) => assert.throws(() => createTracker({ ...base, destination: google, ...options }), (error) => isFootfallError(error) && pattern.test(error.message));
    refused({ sendInTest: true }, /`sendInTest` is not an option of createTracker/);
    refused({ sendInTests: 'yes' }, /`sendInTests` must be/);
  });
});
