import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSink, settle, type Behaviour } from '../helpers/sink.js';
import { assertAccounting, drive, requestFor, testTracker, waitFor } from '../helpers/tracker.js';
import { T0 } from '../helpers/context.js';

const error500: Behaviour = { kind: 'status', status: 500 };

describe('faults: what is retried, what fails, what the breaker does', () => {
  it('500s are retried with backoff, then delivered', async () => {
    const sink = await startSink([error500, error500]);
    const { tracker, clock } = testTracker(sink.url, { retryBaseMs: 400 });
    tracker.track(requestFor('a'));
    const flushed = tracker.flush();
    await sink.until(1);
    await waitFor(() => tracker.stats().retried === 1, 'the first retry to be scheduled');
    clock.advance(299); // backoff with random 0.5: 400/2 + 400/2 * 0.5 = 300 ms
    await settle();
    assert.equal(sink.received.length, 1, 'not before the backoff');
    clock.advance(1);
    await sink.until(2);
    await waitFor(() => tracker.stats().retried === 2, 'the second retry');
    clock.advance(600); // doubled
    await flushed;
    assert.equal(sink.received.length, 3);
    assert.deepEqual({ sent: tracker.stats().sent, failed: tracker.stats().failed, retried: tracker.stats().retried, breaker: tracker.stats().breaker }, { sent: 1, failed: 0, retried: 2, breaker: 'closed' });
    assertAccounting(tracker);
    await tracker.close();
    await sink.close();
  });

  it('500s until the retry deadline: the hits fail with retry_deadline', async () => {
    const sink = await startSink([], error500);
    const { tracker, clock } = testTracker(sink.url, { retryBaseMs: 1000, retryMaxDelayMs: 30_000, maxRetryMs: 5000 });
    const failures: string[] = [];
    tracker.on('failed', (report) => failures.push(`${report.reason}/${report.lastError}/${report.attempts}`));
    tracker.track(requestFor('b'));
    const flushed = tracker.flush();
    // Backoff with random 0.5 is 750, 1500, 3000 ms: attempts at 0, 750 and 2250 ms fit in
    // 5 s from the first; a fourth, at 5250 ms, would not.
    for (const [attempt, delay] of [[1, 750], [2, 1500], [3, 0]] as const) {
      await waitFor(() => tracker.stats().inFlight === 0 && sink.received.length === attempt, `attempt ${attempt}`);
      assertAccounting(tracker);
      clock.advance(delay);
    }
    await flushed;
    assert.deepEqual(failures, ['retry_deadline/http_5xx/3']);
    assert.equal(tracker.stats().failedByReason.retry_deadline, 1);
    assertAccounting(tracker);
    await tracker.close();
    await sink.close();
  });

  it('the breaker opens when nothing succeeds for breakerNoSuccessMs, holds attempts for the cool-down, probes once, doubles it on a failed probe, closes on success', async () => {
    const sink = await startSink(Array.from({ length: 7 }, () => error500));
    const { tracker, clock } = testTracker(sink.url, { breakerNoSuccessMs: 2000, breakerCooldownMs: 10_000, retryBaseMs: 100, maxRetryMs: 600_000, maxInFlight: 1 });
    const changes: string[] = [];
    tracker.on('breaker', (change) => changes.push(`${change.previous}>${change.state}@${change.atMs - T0}`));
    const arrivals: number[] = [];
    tracker.track(requestFor('c'));
    const flushed = tracker.flush();
    await sink.until(1);
    await drive(clock, () => tracker.stats().sent === 1, {
      idle: () => tracker.stats().inFlight === 0,
      onStep: () => {
        while (arrivals.length < sink.received.length) arrivals.push(clock.now() - T0);
      },
    });
    await flushed;
    // Backoff with random 0.5 from 100 ms: 75, 150, 300, 600, 1200 ms. The sixth failure, at
    // 2325 ms, is more than 2 s after the first: open until 12 325; that probe fails: open
    // 20 s more; the next probe succeeds.
    assert.deepEqual(arrivals, [0, 75, 225, 525, 1125, 2325, 12325, 32325]);
    assert.deepEqual(changes, ['closed>open@2325', 'open>half-open@12325', 'half-open>open@12325', 'open>half-open@32325', 'half-open>closed@32325']);
    assert.deepEqual({ sent: tracker.stats().sent, breaker: tracker.stats().breaker, opens: tracker.stats().breakerOpens }, { sent: 1, breaker: 'closed', opens: 2 });
    await tracker.close();
    await sink.close();
  });

  it('while the breaker is open, hits wait in the bounded queue and overflow is dropped with a reason', async () => {
    const sink = await startSink([], error500);
    const { tracker } = testTracker(sink.url, { breakerMinAttempts: 1, breakerCooldownMs: 60_000, maxQueueSize: 30 });
    tracker.track(requestFor('d'));
    void tracker.flush();
    await waitFor(() => tracker.stats().breaker === 'open', 'the breaker to open');
    for (let i = 0; i < 40; i++) tracker.track(requestFor('d', i));
    const stats = tracker.stats();
    assert.equal(stats.pending, 30);
    assert.equal(stats.droppedByReason.queue_full, 11);
    assert.equal(sink.received.length, 1);
    assertAccounting(tracker);
    await sink.close();
  });

  it('a hanging server: the attempt times out on the clock, is retried, and close() keeps its deadline', async () => {
    const sink = await startSink([{ kind: 'hang' }, { kind: 'hang' }]);
    const { tracker, clock } = testTracker(sink.url, { timeoutMs: 1000, retryBaseMs: 100 });
    tracker.track(requestFor('e'));
    void tracker.flush();
    await sink.until(1);
    clock.advance(1000);
    await waitFor(() => tracker.stats().retried === 1 && tracker.stats().inFlight === 0, 'the timeout to be retried');
    clock.advance(100);
    await sink.until(2);
    assert.equal(tracker.stats().inFlight, 1);
    const closed = tracker.close({ timeoutMs: 500 });
    clock.advance(500);
    const result = await closed;
    assert.deepEqual(result, { sent: 0, failed: 1, dropped: 0, pending: 0 });
    assert.equal(tracker.stats().failedByReason.aborted, 1);
    assertAccounting(tracker);
    await sink.close();
  });

  it('a slow answer inside the timeout is a success, not a retry', async () => {
    const sink = await startSink([{ kind: 'hang' }]);
    const { tracker, clock } = testTracker(sink.url, { timeoutMs: 1000 });
    tracker.track(requestFor('f'));
    const flushed = tracker.flush();
    await sink.until(1);
    clock.advance(999);
    sink.release(204);
    await flushed;
    assert.deepEqual({ sent: tracker.stats().sent, retried: tracker.stats().retried }, { sent: 1, retried: 0 });
    await tracker.close();
    await sink.close();
  });

  it('close() spends its deadline retrying: a request waiting out a long backoff is tried again within it', async () => {
    const sink = await startSink([error500]);
    const { tracker, clock } = testTracker(sink.url, { retryBaseMs: 20_000, retryMaxDelayMs: 60_000 });
    tracker.track(requestFor('k'));
    void tracker.flush();
    await waitFor(() => tracker.stats().retrying === 1, 'the 500 to be retried (in 15 s)');
    const closed = tracker.close({ timeoutMs: 4000 });
    clock.advance(999);
    await settle();
    assert.equal(sink.received.length, 1, 'a quarter of the 4 s left: not before 1 s');
    clock.advance(1);
    assert.deepEqual(await closed, { sent: 1, failed: 0, dropped: 0, pending: 0 });
    assert.equal(sink.received.length, 2);
    await sink.close();
  });

  it('close() does not shorten a wait the destination asked for (Retry-After)', async () => {
    const sink = await startSink([{ kind: 'status', status: 503, headers: { 'retry-after': '10' } }]);
    const { tracker, clock } = testTracker(sink.url);
    tracker.track(requestFor('l'));
    void tracker.flush();
    await waitFor(() => tracker.stats().retrying === 1, 'the 503 to be retried');
    const closed = tracker.close({ timeoutMs: 4000 });
    clock.advance(4000);
    assert.deepEqual(await closed, { sent: 0, failed: 1, dropped: 0, pending: 0 });
    assert.equal(tracker.stats().failedByReason.aborted, 1);
    assert.equal(sink.received.length, 1);
    await sink.close();
  });

  it('a connection reset is retried', async () => {
    const sink = await startSink([{ kind: 'reset' }]);
    const { tracker, clock } = testTracker(sink.url);
    tracker.track(requestFor('g'));
    const flushed = tracker.flush();
    await waitFor(() => tracker.stats().retried === 1 && tracker.stats().inFlight === 0, 'the reset to be retried');
    clock.advance(1000);
    await flushed;
    assert.deepEqual({ sent: tracker.stats().sent, requests: sink.received.length }, { sent: 1, requests: 2 });
    await tracker.close();
    await sink.close();
  });

  it('connection refused: retried until the deadline, then failed with lastError network', async () => {
    const sink = await startSink();
    const url = sink.url;
    await sink.close();
    const { tracker, clock } = testTracker(url, { maxRetryMs: 3000, retryBaseMs: 1000, retryMaxDelayMs: 30_000 });
    const reports: string[] = [];
    tracker.on('failed', (report) => reports.push(`${report.reason}/${report.lastError}`));
    tracker.track(requestFor('h'));
    const flushed = tracker.flush();
    await drive(clock, () => tracker.stats().failed === 1, { idle: () => tracker.stats().inFlight === 0 });
    await flushed;
    assert.deepEqual(reports, ['retry_deadline/network']);
    assertAccounting(tracker);
    await tracker.close();
  });

  it('429 with Retry-After waits exactly as long as asked', async () => {
    const sink = await startSink([{ kind: 'status', status: 429, headers: { 'retry-after': '7' } }]);
    const { tracker, clock } = testTracker(sink.url);
    tracker.track(requestFor('i'));
    const flushed = tracker.flush();
    await waitFor(() => tracker.stats().retried === 1 && tracker.stats().inFlight === 0, 'the 429');
    clock.advance(6999);
    await settle();
    assert.equal(sink.received.length, 1);
    clock.advance(1);
    await flushed;
    assert.equal(sink.received.length, 2);
    assert.equal(tracker.stats().sent, 1);
    await tracker.close();
    await sink.close();
  });

  it('a 400 fails at once, is not retried, and leaves the breaker closed', async () => {
    const sink = await startSink([{ kind: 'status', status: 400 }]);
    const { tracker } = testTracker(sink.url);
    tracker.track(requestFor('j'));
    await tracker.flush();
    assert.deepEqual(
      { requests: sink.received.length, failed: tracker.stats().failedByReason.http_4xx, retried: tracker.stats().retried, breaker: tracker.stats().breaker },
      { requests: 1, failed: 1, retried: 0, breaker: 'closed' },
    );
    assertAccounting(tracker);
    await tracker.close();
    await sink.close();
  });

  it('an outage does not multiply requests: never more than maxInFlight at once, at most 2 x maxInFlight encoded, the rest waits unbuilt', async () => {
    const sink = await startSink([], { kind: 'hang' });
    const { tracker, clock } = testTracker(sink.url, { maxInFlight: 2 });
    for (let i = 0; i < 200; i++) tracker.track(requestFor(`user-${i}`, i));
    void tracker.flush();
    await sink.until(2);
    await settle(50);
    assert.equal(sink.received.length, 2);
    assert.equal(tracker.stats().inFlight, 2);
    assert.equal(tracker.stats().queued, 200 - 4, 'four requests of one hit encoded: two in flight, two waiting for a slot');
    assertAccounting(tracker);
    const closed = tracker.close({ timeoutMs: 0 });
    clock.advance(0);
    const result = await closed;
    assert.deepEqual(result, { sent: 0, failed: 2, dropped: 198, pending: 0 });
    await sink.close();
  });
});

describe('faults: close() keeps its deadline and the books balance, whatever the collector does', () => {
  const faults: [string, Behaviour][] = [
    ['500s', error500],
    ['a hang', { kind: 'hang' }],
    ['resets', { kind: 'reset' }],
    ['429s with Retry-After', { kind: 'status', status: 429, headers: { 'retry-after': '120' } }],
    ['400s', { kind: 'status', status: 400 }],
  ];
  for (const [name, behaviour] of faults) {
    it(name, async () => {
      const sink = await startSink([], behaviour);
      const { tracker, clock } = testTracker(sink.url);
      for (let i = 0; i < 30; i++) tracker.track(requestFor(`user-${i % 3}`, i));
      void tracker.flush();
      await sink.until(1);
      assertAccounting(tracker);
      const closed = tracker.close({ timeoutMs: 2000 });
      clock.advance(2000);
      const result = await closed;
      assert.equal(result.pending, 0);
      assert.equal(result.sent + result.failed + result.dropped, 30);
      assertAccounting(tracker);
      await sink.close();
    });
  }
});
