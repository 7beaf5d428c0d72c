import assert from 'node:assert/strict';
import { createTracker, type Tracker } from '../../src/delivery/tracker.js';
import type { TrackerOptions } from '../../src/delivery/options.js';
import { createManualClock, type ManualClock } from '../../src/delivery/clock.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { T0, TEST_KEY } from './context.js';
import { settle } from './sink.js';

/** A tracker on a manual clock, sending GA4 to `sinkUrl`, with nothing hooked to the process. */
export function testTracker(sinkUrl: string, options: Partial<Omit<TrackerOptions, 'clock'>> & { clock?: ManualClock } = {}): { tracker: Tracker; clock: ManualClock } {
  const clock = options.clock ?? createManualClock(T0);
  const tracker = createTracker({
    destination: ga4({ measurementId: 'G-TEST1234', apiSecret: 'test-secret', endpoint: `${sinkUrl}/mp/collect` }),
    hashKey: TEST_KEY,
    clock,
    random: () => 0.5,
    flushOnExit: false,
    ...options,
  });
  return { tracker, clock };
}

/** tracked = sent + failed + dropped + pending, checked now. */
export function assertAccounting(tracker: Tracker): void {
  const s = tracker.stats();
  assert.equal(s.tracked, s.sent + s.failed + s.dropped + s.pending, JSON.stringify(s));
}

/** Lets I/O run until `condition` holds; fails after `rounds` turns of the event loop. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (await condition()) return;
    await settle(1);
  }
  assert.fail(`gave up waiting for ${what}`);
}

export function requestFor(user: string, i = 0) {
  return { method: 'GET', url: `/v1/items/${i}?page=2`, route: '/v1/items/:id', status: 200, durationMs: 5, userId: user, headers: { host: 'api.example.com' } };
}

/**
 * Moves a manual clock forward in small steps until `done()`, letting real I/O finish between
 * steps (`idle()`, e.g. no attempt in flight), so an attempt's deadline only passes when the
 * test means it to. Fails past `maxMs` of clock time.
 */
export async function drive(clock: ManualClock, done: () => boolean, { stepMs = 25, maxMs = 600_000, idle = () => true, onStep = () => undefined }: { stepMs?: number; maxMs?: number; idle?: () => boolean; onStep?: () => void } = {}): Promise<void> {
  const start = clock.now();
  while (!done()) {
    if (clock.now() - start > maxMs) assert.fail(`still not done after ${maxMs} ms of clock time`);
    await waitFor(idle, 'in-flight attempts to settle');
    onStep();
    clock.advance(stepMs);
    await settle(2);
  }
}
