import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { TestContext } from 'node:test';
import { createTracker } from '../../src/delivery/tracker.js';
import type { TrackerOptions } from '../../src/delivery/options.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { startFakeCollector, type FakeCollector } from '../../src/testing/fake-collector.js';
import { TEST_KEY } from './context.js';
import { assertAccounting, requestFor } from './tracker.js';

export const HITS = 2000;
const CONSUMERS = 200;

/**
 * The seed's own chaos server at small scale: per request, 500 with a 20% chance, else held
 * with a 20% chance (stored first, then answered after the hold, as the seed's Flask server
 * printed the hit and then slept), else 200. Real sockets and the real clock: what is
 * measured is how long close() took, against its deadline.
 */
export async function throughChaos(t: TestContext, holdMs: number, options: Partial<TrackerOptions>, closeTimeoutMs: number) {
  // Seed 2: its draws have no run of more than two bad fates in a row past the 250th request,
  // where the last requests of the run are retrying alone; with seed 10 (six in a row at the
  // 300th) one request takes ten attempts and close() ~27 s: still delivered, but the time
  // then measures the draw, not the engine.
  const collector = await startFakeCollector({ failRate: 0.2, hangRate: 0.2, hangMs: holdMs, hangStores: true, seed: 2 });
  // Ordinary flakiness is no "failing destination" (FFWRN007) and loses nothing (FFWRN008).
  const loud: string[] = [];
  const onWarning = (warning: Error & { code?: string }) => {
    if (warning.code === 'FFWRN007' || warning.code === 'FFWRN008') loud.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    const tracker = createTracker({ destination: ga4({ measurementId: 'G-CHAOS1234', apiSecret: 's', endpoint: collector.endpoint }), hashKey: TEST_KEY, flushOnExit: false, ...options });
    const sentIds: string[] = [];
    const changes: string[] = [];
    tracker.on('breaker', (change) => changes.push(`${change.state} (${change.reason})`));
    const attempts: number[] = [];
    tracker.on('sent', (report) => {
      sentIds.push(...report.hits.map((hit) => hit.hitId));
      attempts.push(report.attempts);
    });
    for (let i = 0; i < HITS; i++) tracker.track(requestFor(`consumer-${i % CONSUMERS}`, i));
    const started = performance.now();
    const result = await tracker.close({ timeoutMs: closeTimeoutMs });
    const elapsedMs = Math.round(performance.now() - started);
    const stats = tracker.stats();
    t.diagnostic(`close() took ${elapsedMs} ms of its ${closeTimeoutMs} ms; ${collector.requests.length} requests reached the collector; ${stats.retried} hits retried; most attempts of a request ${Math.max(...attempts)}; ${stats.timedOut} attempts timed out; breaker opened ${stats.breakerOpens} times; ${collector.stats().duplicateHits} duplicate hits removed; attempt deadline now ${stats.attemptTimeoutMs} ms${changes.length > 0 ? `; breaker: ${changes.join(', ')}` : ''}`);
    assert.deepEqual(result, { sent: HITS, failed: 0, dropped: 0, pending: 0 }, JSON.stringify(stats));
    assertAccounting(tracker);
    assertStoredOnce(collector, sentIds);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(loud, [], 'no failing-destination or lost-hits warning through the chaos mix');
    return { stats, collector: collector.stats() };
  } finally {
    process.off('warning', onWarning);
    await collector.close();
  }
}

/** Every hit the tracker delivered is in the collector exactly once, and nothing else is. */
function assertStoredOnce(collector: FakeCollector, sentIds: readonly string[]) {
  const stored = collector.hits.map((hit) => hit.hitId);
  assert.equal(new Set(sentIds).size, HITS, 'each delivered hit has its own id');
  assert.equal(stored.length, HITS, `stored ${stored.length}, expected ${HITS}`);
  assert.deepEqual(new Set(stored), new Set(sentIds));
  assert.equal(collector.stats().storedHits, HITS);
}

