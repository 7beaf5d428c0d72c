import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTracker } from '../../src/delivery/tracker.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { isFootfallError } from '../../src/errors.js';
import { startSink } from '../helpers/sink.js';
import { assertAccounting, requestFor, testTracker } from '../helpers/tracker.js';
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

  it('rejects a bad close() deadline', async () => {
    const tracker = createTracker({ destination, hashKey: 'k'.repeat(16), flushOnExit: false });
    await assert.rejects(tracker.close({ timeoutMs: -1 }), /`timeoutMs` must be a number of milliseconds >= 0/);
  });
});
