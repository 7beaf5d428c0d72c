import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTracker } from '../../src/delivery/tracker.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { isFootfallError } from '../../src/errors.js';
import { startSink } from '../helpers/sink.js';
import { assertAccounting, requestFor, testTracker, waitFor } from '../helpers/tracker.js';
import type { TrackInput } from '../../src/delivery/track-input.js';

describe('track()', () => {
  it('never throws and never returns a promise, whatever it is given', async () => {
    const sink = await startSink();
    const { tracker } = testTracker(sink.url);
    const hostile = [undefined, null, 42, 'GET /', [], {}, { url: 5 }, { route: {} }, { get url() { throw new Error('boom'); } }];
    for (const input of hostile) assert.equal(tracker.track(input as unknown as TrackInput), undefined);
    assert.equal(tracker.stats().droppedByReason.invalid, hostile.length);
    assertAccounting(tracker);
    await tracker.close();
    await sink.close();
  });

  it('takes hand-written hits for work that is not HTTP', async () => {
    const sink = await startSink();
    const { tracker } = testTracker(sink.url);
    tracker.track({ route: '/jobs/nightly-export', title: 'Nightly export', durationMs: 1234, userAgent: 'cron' });
    await tracker.flush();
    const body = JSON.parse(sink.received[0]?.body ?? '{}') as { user_agent: string; events: { params: Record<string, unknown> }[] };
    assert.equal(body.user_agent, 'cron');
    assert.deepEqual(
      { route: body.events[0]?.params.api_route, title: body.events[0]?.params.page_title, method: body.events[0]?.params.api_method },
      { route: '/jobs/nightly-export', title: 'Nightly export', method: 'GET' },
    );
    await tracker.close();
    await sink.close();
  });

  it('drops with queue_bytes_full past maxQueueBytes, exactly', async () => {
    const sink = await startSink([], { kind: 'hang' });
    const { tracker } = testTracker(sink.url, { maxQueueBytes: 4096, flushIntervalMs: 600_000 });
    for (let i = 0; i < 20; i++) tracker.track({ ...requestFor('x', i), title: 'x'.repeat(300) });
    const stats = tracker.stats();
    assert.ok(stats.droppedByReason.queue_bytes_full > 0);
    assert.equal(stats.pending + stats.droppedByReason.queue_bytes_full, 20);
    assertAccounting(tracker);
    await sink.close();
  });
});

describe('hit ids', () => {
  it('stamps each hit with its own id, sent as hit_id, the same on every retry; a given id is kept, a user parameter cannot replace it', async () => {
    const sink = await startSink([{ kind: 'status', status: 500 }]);
    const { tracker, clock } = testTracker(sink.url, { retryBaseMs: 1 });
    tracker.track(requestFor('ann', 1));
    tracker.track({ ...requestFor('ann', 2), hitId: 'req-7f3a' });
    tracker.track({ ...requestFor('ann', 3), params: { hit_id: 'forged' } });
    tracker.track({ ...requestFor('ann', 4), hitId: 'x'.repeat(101) });
    const flushed = tracker.flush();
    await waitFor(() => tracker.stats().retrying === 1, 'the 500 to be retried');
    clock.advance(1);
    await flushed;
    const ids = sink.received.map((request) => (JSON.parse(request.body) as { events: { params: { hit_id: string } }[] }).events.map((event) => event.params.hit_id));
    assert.equal(ids.length, 2);
    assert.deepEqual(ids[0], ids[1], 'the retry carries the same ids');
    const [first, given, forged, tooLong] = ids[0] ?? [];
    assert.match(first ?? '', /^[0-9a-z]{10}-[0-9a-z]+$/);
    assert.equal(given, 'req-7f3a');
    assert.match(forged ?? '', /^[0-9a-z]{10}-[0-9a-z]+$/);
    assert.notEqual(forged, 'forged');
    assert.match(tooLong ?? '', /^[0-9a-z]{10}-[0-9a-z]+$/, 'an id over 100 characters is replaced');
    assert.equal(new Set(ids[0]).size, 4);
    assert.equal((first ?? '').slice(0, 10), (forged ?? '').slice(0, 10), 'one prefix per tracker, then a sequence');
    await tracker.close();
    await sink.close();
  });
});

describe('callbacks and listeners that throw', () => {
  it('do not break delivery, and are reported once', async () => {
    const sink = await startSink([{ kind: 'status', status: 400 }]);
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => warnings.push(warning.code ?? '');
    process.on('warning', onWarning);
    const { tracker } = testTracker(sink.url, {
      maxInFlight: 1,
      onSuccess: () => { throw new Error('success callback'); },
      onFailure: () => { throw new Error('failure callback'); },
    });
    tracker.on('sent', () => { throw new Error('listener'); });
    tracker.on('failed', async () => { throw new Error('async listener'); });
    tracker.track(requestFor('first'));
    await tracker.flush();
    for (let i = 0; i < 3; i++) tracker.track(requestFor(`next-${i}`));
    await tracker.flush();
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    assert.deepEqual({ sent: tracker.stats().sent, failed: tracker.stats().failed }, { sent: 3, failed: 1 });
    assert.deepEqual(warnings.filter((code) => code === 'FFWRN003'), ['FFWRN003']);
    await tracker.close();
    await sink.close();
  });
});

describe('createTracker options', () => {
  const destination = ga4({ measurementId: 'G-TEST1234', apiSecret: 's' });
  const rejects = (options: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => createTracker({ destination, hashKey: 'k'.repeat(16), flushOnExit: false, ...options }), (error) => isFootfallError(error) && pattern.test(error.message));

  it('validates every option once, naming it', () => {
    rejects({ destination: { kind: 'x' } }, /`destination` must be ga4/);
    rejects({ timeoutMs: 0 }, /`timeoutMs` must be an integer >= 1, got 0 \(number\)/);
    rejects({ maxQueueSize: 1.5 }, /`maxQueueSize`/);
    rejects({ maxQueueBytes: 10 }, /`maxQueueBytes` must be an integer >= 1024/);
    rejects({ maxInFlight: '4' }, /`maxInFlight`/);
    rejects({ closeOnSignals: 1 }, /`closeOnSignals` must be true or false/);
    rejects({ onSuccess: 'yes' }, /`onSuccess` must be a function/);
    rejects({ query: 'values' }, /`query` must be/);
  });

  it('refuses keys that are not options, naming what replaced a retired one or the one meant', () => {
    const unknown = (options: Record<string, unknown>, pattern: RegExp) =>
      assert.throws(() => createTracker({ destination, hashKey: 'k'.repeat(16), flushOnExit: false, ...options }), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_UNKNOWN_OPTION' && pattern.test(error.message));
    unknown({ breakerThreshold: 5 }, /`breakerThreshold` is not an option of createTracker \(it was replaced by `breakerFailureRatio` and `breakerMinAttempts`/);
    unknown({ timeoutms: 5 }, /`timeoutms` is not an option of createTracker \(did you mean `timeoutMs`\?\)/);
    unknown({ flushInterval: 5 }, /`flushInterval` is not an option of createTracker \(did you mean `flushIntervalMs`\?\)/);
    unknown({ colour: 5 }, /`colour` is not an option of createTracker\./);
  });

  it('checks options that bound each other', () => {
    const conflicting = (options: Record<string, unknown>, pattern: RegExp) =>
      assert.throws(() => createTracker({ destination, hashKey: 'k'.repeat(16), flushOnExit: false, ...options }), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_CONFLICTING_OPTIONS' && pattern.test(error.message));
    conflicting({ minTimeoutMs: 2000, timeoutMs: 1000 }, /`minTimeoutMs` \(2000\) must not be greater than `timeoutMs` \(1000\)/);
    conflicting({ retryBaseMs: 2000, retryMaxDelayMs: 1000 }, /`retryBaseMs` \(2000\)/);
    conflicting({ breakerCooldownMs: 9000, breakerMaxCooldownMs: 1000 }, /`breakerCooldownMs` \(9000\)/);
    rejects({ breakerFailureRatio: 0 }, /`breakerFailureRatio` must be a share above 0/);
    rejects({ breakerFailureRatio: 1.5 }, /`breakerFailureRatio` must be a number from 0 to 1/);
    // A lone timeoutMs below the default floor lowers the floor, rather than failing.
    const tracker = createTracker({ destination, hashKey: 'k'.repeat(16), flushOnExit: false, timeoutMs: 100 });
    assert.equal(tracker.stats().attemptTimeoutMs, 100);
  });

  it('rejects a bad close() deadline', async () => {
    const tracker = createTracker({ destination, hashKey: 'k'.repeat(16), flushOnExit: false });
    await assert.rejects(tracker.close({ timeoutMs: -1 }), /`timeoutMs` must be a number of milliseconds >= 0/);
  });
});

