// Issue 14: track() queues the adapter's (or the caller's) object itself, no copy, and never
// changes it: the time and the id of a queued hit are kept beside it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestTracker } from '../../src/testing/index.js';
import { createManualClock } from '../../src/delivery/clock.js';

describe('the object given to track()', () => {
  it('is not changed, even frozen, and one object tracked twice makes two hits with their own ids and times', () => {
    const clock = createManualClock(Date.UTC(2026, 11, 6, 12));
    const tracker = createTestTracker({ hashKey: 'boundary-test-key-0123456789', clock });
    const input = Object.freeze({ method: 'GET', url: '/v1/jobs/7', route: '/v1/jobs/:id', status: 200, durationMs: 2, headers: Object.freeze({ userAgent: 'cron' }) });
    const before = JSON.stringify(input);
    tracker.track(input);
    clock.advance(1_000);
    tracker.track(input);
    assert.equal(JSON.stringify(input), before);
    assert.equal(tracker.hits.length, 2);
    const [first, second] = tracker.hits;
    assert.notEqual(first?.hitId, second?.hitId);
    assert.equal((second?.timestampMs ?? 0) - (first?.timestampMs ?? 0), 1_000);
    assert.equal(tracker.stats().dropped, 0);
  });

  it('keeps a hit id and a time the caller gave, and fills in what a hand-written input left out', () => {
    const tracker = createTestTracker({ hashKey: 'boundary-test-key-0123456789' });
    tracker.track({ route: '/v1/reports/:id', hitId: 'req-123', timestampMs: Date.UTC(2026, 11, 6), userAgent: 'worker/1' });
    const [hit] = tracker.hits;
    assert.equal(hit?.hitId, 'req-123');
    assert.equal(hit?.timestampMs, Date.UTC(2026, 11, 6));
    assert.equal(hit?.method, 'GET');
    assert.equal(hit?.userAgent, 'worker/1');
  });
});
