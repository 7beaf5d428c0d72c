import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BreakerState } from '../../src/delivery/breaker.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { FAILING_AFTER_MS, createFailureWatch, type FailingSummary } from '../../src/delivery/failure-watch.js';
import type { SendResult } from '../../src/delivery/transport.js';
import { T0 } from '../helpers/context.js';

const REFUSED: SendResult = { kind: 'retryable', reason: 'network', error: 'Error: ECONNREFUSED' };
const REJECTED: SendResult = { kind: 'failure', reason: 'http_4xx', status: 403 };
const FAILED_500: SendResult = { kind: 'retryable', reason: 'http_5xx', status: 500 };
const HUNG: SendResult = { kind: 'retryable', reason: 'timeout', error: 'Error: timeout' };
const OK: SendResult = { kind: 'success', status: 204 };

/** Feeds `script` to a watch, one attempt every `everyMs` on a manual clock; returns what it reported. */
function run(script: (i: number) => SendResult, { attempts, everyMs = 500, breaker = () => 'closed' as BreakerState }: { attempts: number; everyMs?: number; breaker?: (nowMs: number) => BreakerState }) {
  const clock = createManualClock(T0);
  const reports: FailingSummary[] = [];
  const watch = createFailureWatch({ clock, breakerState: () => breaker(clock.now() - T0), onFailing: (summary) => reports.push(summary) });
  for (let i = 0; i < attempts; i++) {
    watch.attempted(script(i));
    clock.advance(everyMs);
  }
  return { reports, clock, watch };
}

describe('the failing-destination watch (FFWRN007)', () => {
  it('connection refused with the breaker open: reported once, after FAILING_AFTER_MS, with the count and the error code', () => {
    const { reports } = run(() => REFUSED, { attempts: 60, breaker: (ms) => (ms >= 5_000 ? 'open' : 'closed') });
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.sinceMs, T0);
    assert.equal(reports[0]?.attempts, FAILING_AFTER_MS / 500, 'the attempts of the first 10 s');
    assert.equal(reports[0]?.last, 'network, ECONNREFUSED');
  });

  it('the timer reports it even when no attempt comes (the open breaker holds them all)', () => {
    const { reports, clock } = run(() => REFUSED, { attempts: 6, breaker: (ms) => (ms >= 2_500 ? 'open' : 'closed') });
    assert.equal(reports.length, 0);
    clock.advance(FAILING_AFTER_MS);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.attempts, 6);
  });

  it('a 4xx on every attempt is reported although the breaker stays closed', () => {
    const { reports } = run(() => REJECTED, { attempts: 30 });
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.last, 'http_4xx, status 403');
  });

  it('the seed\'s chaos mix (20 % 500, 20 % hangs) is never reported', () => {
    const fates = [OK, FAILED_500, OK, HUNG, OK];
    const { reports } = run((i) => fates[i % fates.length] ?? OK, { attempts: 2_000, everyMs: 100 });
    assert.equal(reports.length, 0);
  });

  it('5xx and timeouts with the breaker closed (the breaker calls it flakiness) are not reported', () => {
    const { reports } = run((i) => (i % 2 === 0 ? FAILED_500 : HUNG), { attempts: 100 });
    assert.equal(reports.length, 0);
  });

  it('a success starts over: failures before it do not count', () => {
    const { reports } = run((i) => (i === 15 ? OK : REFUSED), { attempts: 50, breaker: () => 'open' });
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.sinceMs, T0 + 16 * 500, 'the run that began after the success');
  });

  it('stop() (at close) ends it: nothing is reported later', () => {
    const { reports, clock, watch } = run(() => REFUSED, { attempts: 4, breaker: () => 'open' });
    watch.stop();
    clock.advance(60_000);
    assert.equal(reports.length, 0);
    assert.equal(clock.pending, 0, 'no timer left behind');
  });
});
