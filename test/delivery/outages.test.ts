import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCollector } from '../../src/collector/server.js';
import type { BreakerChange } from '../../src/delivery/breaker.js';
import type { Transport } from '../../src/delivery/transport.js';
import { createUndiciTransport } from '../../src/delivery/undici-transport.js';
import { startFakeCollector } from '../../src/testing/fake-collector.js';
import { T0 } from '../helpers/context.js';
import { assertAccounting, drive, requestFor, testTracker } from '../helpers/tracker.js';
import { createManualClock, type ManualClock } from '../../src/delivery/clock.js';
import { freePort } from '../helpers/ports.js';

/** The real undici transport, with the clock time of every attempt written down. */
function recordingTransport(clock: ManualClock, attempts: number[]): Transport {
  const real = createUndiciTransport({ connections: 64, clock });
  return {
    send(request, options) {
      attempts.push(clock.now() - T0);
      return real.send(request, options);
    },
    close: (force) => real.close(force),
  };
}

describe('outages: the breaker opens for them, probes at its pace, and everything that fitted is delivered', () => {
  it('destination refusing connections for 30 s, then back', async () => {
    const port = await freePort();
    const attempts: number[] = [];
    const changes: BreakerChange[] = [];
    const clock = createManualClock(T0);
    const { tracker } = testTracker(`http://127.0.0.1:${port}`, { clock, transport: recordingTransport(clock, attempts) });
    // In the first turns of the drain, 20 attempts fail at once: the window is full and opens it.
    tracker.on('breaker', (change) => changes.push(change));
    for (let i = 0; i < 500; i++) tracker.track(requestFor(`consumer-${i % 50}`, i));
    const flushed = tracker.flush();
    await drive(clock, () => clock.now() - T0 >= 30_000, { stepMs: 50, idle: () => tracker.stats().inFlight === 0 });
    // The collector shares the tracker's clock: on the real one, hits dated T0 would be stale.
    const collector = await startCollector({ port, host: '127.0.0.1', memory: true, output: 'none', clock });
    try {
      await drive(clock, () => tracker.stats().sent === 500, { stepMs: 50, idle: () => tracker.stats().inFlight === 0 });
      await flushed;
      const opened = changes.find((change) => change.state === 'open');
      assert.ok(opened !== undefined && opened.atMs - T0 <= 3_000, `the breaker opened within seconds: ${JSON.stringify(changes[0])}`);
      const closedAt = changes.findLast((change) => change.state === 'closed')?.atMs ?? Infinity;
      assert.ok(closedAt - T0 >= 30_000, 'it closed only once the destination was back');
      // While open, only probes: one attempt per half-open, each at least a cool-down apart,
      // the cool-down doubling from 5 s.
      const probes = attempts.filter((at) => at > (opened?.atMs ?? 0) - T0 && at <= closedAt - T0);
      const halfOpens = changes.filter((change) => change.state === 'half-open').map((change) => change.atMs - T0);
      assert.deepEqual(probes, halfOpens);
      assert.ok(probes.length >= 2 && probes.length <= 4, `probes at ${probes.join(', ')} ms`);
      for (let i = 1; i < probes.length; i++) assert.ok((probes[i] ?? 0) - (probes[i - 1] ?? 0) >= 5_000 * 2 ** i, `probe ${i} came a cool-down after the last`);
      assert.equal(tracker.stats().breaker, 'closed');
      assert.deepEqual({ sent: tracker.stats().sent, failed: tracker.stats().failed, dropped: tracker.stats().dropped }, { sent: 500, failed: 0, dropped: 0 });
      assert.equal(await collector.store.count(), 500);
      assertAccounting(tracker);
      await tracker.close();
    } finally {
      await collector.close();
    }
  });

  it('a 429 storm with Retry-After: concurrency shrinks, the pause is honoured, nothing that fitted is dropped', async () => {
    const clock = createManualClock(T0);
    const collector = await startFakeCollector({ failRate: 0.8, status: 429, retryAfterS: 2, seed: 3, clock });
    try {
      const { tracker } = testTracker(collector.url, { clock });
      for (let i = 0; i < 200; i++) tracker.track(requestFor(`consumer-${i % 20}`, i));
      const flushed = tracker.flush();
      let lowest = tracker.stats().concurrency;
      await drive(clock, () => tracker.stats().sent === 200, {
        stepMs: 100,
        idle: () => tracker.stats().inFlight === 0,
        onStep: () => (lowest = Math.min(lowest, tracker.stats().concurrency)),
      });
      await flushed;
      const requests = collector.requests;
      const throttled = requests.filter((request) => request.status === 429).map((request) => request.receivedMs);
      assert.ok(throttled.length >= 20, `${throttled.length} answered 429`);
      for (const at of throttled) {
        const early = requests.filter((request) => request.receivedMs > at && request.receivedMs < at + 2000);
        assert.deepEqual(early, [], `nothing was sent within Retry-After: 2 of the 429 at ${at - T0} ms`);
      }
      assert.ok(lowest < 8, `the concurrency limit shrank from 8 to ${lowest}`);
      assert.deepEqual({ sent: tracker.stats().sent, failed: tracker.stats().failed, dropped: tracker.stats().dropped }, { sent: 200, failed: 0, dropped: 0 });
      assert.equal(collector.hits.length, 200);
      assertAccounting(tracker);
      await tracker.close();
    } finally {
      await collector.close();
    }
  });
});
