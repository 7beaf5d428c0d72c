import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createManualClock } from '../../src/delivery/clock.js';
import { createTracker } from '../../src/delivery/tracker.js';
import { collector } from '../../src/index.js';
import { startFakeCollector } from '../../src/testing/fake-collector.js';
import { T0, TEST_KEY } from '../helpers/context.js';
import { settle } from '../helpers/sink.js';
import { drive, requestFor } from '../helpers/tracker.js';

// Warnings are emitted once per process: this file has FFWRN007 to itself.
describe('a destination that refuses every request (4xx) is not silent either', () => {
  it('a collector started with another --api-secret answers 403 to everything: FFWRN007 names it, the secret masked', async () => {
    const fake = await startFakeCollector({ apiSecret: 'the-right-secret' });
    const warnings: (Error & { code?: string })[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const clock = createManualClock(T0);
    // One consumer per request (batch: false), so five consumers make five refused attempts.
    const tracker = createTracker({ destination: collector(fake.url, { apiSecret: 'a-wrong-secret', batch: false }), hashKey: TEST_KEY, clock, flushOnExit: false });
    try {
      for (let i = 0; i < 5; i++) tracker.track(requestFor(`consumer-${i}`, i));
      await drive(clock, () => clock.now() - T0 >= 20_000, { stepMs: 100, idle: () => tracker.stats().inFlight === 0 });
      await settle(5);
      assert.equal(tracker.stats().failedByReason.http_4xx, 5, 'refused, not retried');
      assert.equal(tracker.stats().breaker, 'closed', 'a 4xx says the destination is up: the breaker stays closed');
      const failing = warnings.filter((w) => w.code === 'FFWRN007');
      assert.equal(failing.length, 1, warnings.map((w) => w.message).join('\n'));
      const text = failing[0]?.message ?? '';
      assert.ok(text.includes(`${fake.url}/mp/collect?measurement_id=G-FOOTFALL&api_secret=***`), text);
      assert.ok(!text.includes('a-wrong-secret'));
      assert.match(text, /5 attempts failed \(last: http_4xx, status 403\)/);
      assert.match(text, /5 tracked, 0 sent, 0 waiting, 5 failed, 0 dropped/);
    } finally {
      process.off('warning', onWarning);
      const closing = tracker.close({ timeoutMs: 0 });
      clock.advance(1);
      await closing;
      await fake.close();
    }
  });
});
