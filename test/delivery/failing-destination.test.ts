import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createManualClock } from '../../src/delivery/clock.js';
import { T0 } from '../helpers/context.js';
import { settle } from '../helpers/sink.js';
import { drive, requestFor, testTracker } from '../helpers/tracker.js';
import { freePort } from '../helpers/ports.js';

// Warnings are emitted once per process: this file is the only one that expects FFWRN007/8.
describe('a destination that never accepts anything is not silent', () => {
  it('connection refused: FFWRN007 once while running (endpoint without the secret, counts), FFWRN008 at close with the lost hits by reason', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const port = await freePort();
    const clock = createManualClock(T0);
    const { tracker } = testTracker(`http://127.0.0.1:${port}`, { clock });
    try {
      for (let i = 0; i < 5; i++) tracker.track(requestFor(`consumer-${i}`, i));
      await drive(clock, () => clock.now() - T0 >= 40_000, { stepMs: 100, idle: () => tracker.stats().inFlight === 0 });
      await settle(5);
      const failing = warnings.filter((w) => (w as { code?: string }).code === 'FFWRN007');
      assert.equal(failing.length, 1, warnings.map((w) => w.message).join('\n'));
      const text = failing[0]?.message ?? '';
      assert.equal(failing[0]?.name, 'FootfallWarning');
      assert.ok(text.includes(`http://127.0.0.1:${port}/mp/collect?measurement_id=G-TEST1234&api_secret=***`), text);
      assert.ok(!text.includes('test-secret'), 'the API secret is never in a warning');
      assert.match(text, /\d+ attempts failed \(last: network, ECONNREFUSED\)/);
      assert.match(text, /5 tracked, 0 sent, 5 waiting/);

      const closing = tracker.close({ timeoutMs: 1_000 });
      let closed = false;
      void closing.then(() => (closed = true));
      await drive(clock, () => closed, { stepMs: 100, idle: () => tracker.stats().inFlight === 0 });
      const result = await closing;
      assert.equal(result.sent, 0);
      await settle(5);
      const lost = warnings.filter((w) => (w as { code?: string }).code === 'FFWRN008');
      assert.equal(lost.length, 1);
      const lostText = lost[0]?.message ?? '';
      assert.match(lostText, /5 of 5 hits were lost \((failed: aborted \d+)?(; )?(dropped: closed \d+)?\); 0 sent/);
      assert.ok(!lostText.includes('test-secret'));
      assert.equal(warnings.filter((w) => (w as { code?: string }).code === 'FFWRN007').length, 1, 'still once');
    } finally {
      process.off('warning', onWarning);
      // When an assertion failed early: close at once (the deadline is on the manual clock).
      const closing = tracker.close({ timeoutMs: 0 });
      clock.advance(1);
      await closing;
    }
  });
});
