import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBreaker, failuresToOpen, PROBE_WAIT_MS, type BreakerChange, type BreakerSettings } from '../../src/delivery/breaker.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { createConcurrencyLimit } from '../../src/delivery/concurrency-limit.js';
import { createTimeoutEstimator } from '../../src/delivery/timeout-estimator.js';
import { createRandom } from '../../src/collector/random.js';
import { createFlushLedger } from '../../src/delivery/flush-ledger.js';

const SETTINGS: BreakerSettings = { failureRatio: 0.9, minAttempts: 20, windowMs: 10_000, noSuccessMs: 5_000, cooldownMs: 1_000, maxCooldownMs: 3_000 };

/** A breaker on a manual clock, with every state change recorded. */
function breakerAt(settings: Partial<BreakerSettings> = {}) {
  const clock = createManualClock(0);
  const changes: BreakerChange[] = [];
  const breaker = createBreaker({ ...SETTINGS, ...settings }, clock, (change) => changes.push(change));
  return { clock, breaker, changes };
}

describe('the breaker opens for outages, not for flakiness', () => {
  it('stays closed while 40% of attempts fail, for as long as it lasts', () => {
    const { clock, breaker, changes } = breakerAt();
    for (let i = 0; i < 5000; i++) {
      assert.equal(breaker.admit().kind, 'go');
      // 2 failures in 5, in the seed's own order: 500, hang, ok, ok, ok ...
      breaker.record(i % 5 < 2 ? 'failure' : 'success', false);
      clock.advance(7);
    }
    assert.deepEqual(changes, []);
    assert.equal(breaker.opened, 0);
  });

  it('opens when at least 90% of at least 20 attempts in the window failed', () => {
    const { breaker, changes } = breakerAt();
    breaker.record('success', false);
    breaker.record('success', false);
    for (let i = 0; i < 17; i++) breaker.record('failure', false);
    assert.equal(breaker.state, 'closed', '17 of 19: too few attempts to judge');
    breaker.record('failure', false);
    assert.equal(breaker.state, 'open', '18 of 20 = 90%');
    assert.match(changes[0]?.reason ?? '', /18 of the last 20 attempts failed/);
  });

  it('forgets attempts older than the window', () => {
    const { clock, breaker } = breakerAt();
    for (let i = 0; i < 19; i++) breaker.record('failure', false);
    breaker.record('success', false);
    clock.advance(10_001);
    for (let i = 0; i < 2; i++) breaker.record('failure', false);
    assert.equal(breaker.state, 'closed', 'the 19 old failures left the window');
  });

  it('opens when nothing succeeded for noSuccessMs, with at least five failures', () => {
    const { clock, breaker, changes } = breakerAt();
    breaker.record('failure', false);
    clock.advance(4_000);
    for (let i = 0; i < 3; i++) breaker.record('failure', false);
    clock.advance(999);
    breaker.record('failure', false);
    assert.equal(breaker.state, 'closed', '4.999 s without a success');
    clock.advance(1);
    breaker.record('failure', false);
    assert.equal(breaker.state, 'open');
    assert.match(changes[0]?.reason ?? '', /no attempt succeeded for 5000 ms \(6 failed in a row\)/);
  });

  it('a destination that often fails needs a longer run of failures: as unlikely as one in a thousand under its usual rate', () => {
    assert.deepEqual([0, 0.1, 0.36, 0.5, 0.7, 0.9, 1].map(failuresToOpen), [5, 5, 7, 10, 20, 20, 20]);
    const { clock, breaker } = breakerAt();
    // Half of the attempts fail, for a while: 0.5^10 < 1/1000 < 0.5^9.
    for (let i = 0; i < 500; i++) breaker.record(i % 2 === 0 ? 'failure' : 'success', false);
    for (let i = 0; i < 9; i++) {
      clock.advance(2_000);
      breaker.record('failure', false);
    }
    assert.equal(breaker.state, 'closed', 'nine failures in a row over 18 s: a fluke at this rate');
    clock.advance(2_000);
    breaker.record('failure', false);
    assert.equal(breaker.state, 'open', 'the tenth: an outage');
  });

  it('four failures over a long time are not enough: a lone request retrying through flakiness', () => {
    const { clock, breaker } = breakerAt();
    for (let i = 0; i < 4; i++) {
      breaker.record('failure', false);
      clock.advance(10_000);
    }
    assert.equal(breaker.state, 'closed');
  });

  it('holds attempts while open, lets one probe through after the cool-down, doubles it on a failed probe, closes on success', () => {
    const { clock, breaker, changes } = breakerAt({ noSuccessMs: 1 });
    for (let i = 0; i < 5; i++) {
      clock.advance(1);
      breaker.record('failure', false);
    }
    assert.equal(breaker.state, 'open');
    assert.deepEqual(breaker.admit(), { kind: 'wait', waitMs: 1000, why: 'open' });
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.admit().kind, 'probe');
    assert.deepEqual(breaker.admit(), { kind: 'wait', waitMs: PROBE_WAIT_MS, why: 'probing' }, 'one probe at a time');
    breaker.record('failure', true);
    assert.deepEqual(breaker.admit(), { kind: 'wait', waitMs: 2000, why: 'open' }, 'cool-down doubled');
    clock.advance(2000);
    assert.equal(breaker.admit().kind, 'probe');
    breaker.record('failure', true);
    assert.deepEqual(breaker.admit(), { kind: 'wait', waitMs: 3000, why: 'open' }, 'capped at maxCooldownMs');
    clock.advance(3000);
    assert.equal(breaker.admit().kind, 'probe');
    breaker.record('success', true);
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.admit().kind, 'go');
    assert.deepEqual(changes.map((c) => `${c.previous}>${c.state}`), ['closed>open', 'open>half-open', 'half-open>open', 'open>half-open', 'half-open>open', 'open>half-open', 'half-open>closed']);
    assert.equal(breaker.opened, 3);
  });

  it('after closing, the cool-down starts from the beginning again', () => {
    const { clock, breaker } = breakerAt({ noSuccessMs: 1 });
    const trip = () => {
      for (let i = 0; i < 5; i++) {
        clock.advance(1);
        breaker.record('failure', false);
      }
    };
    trip();
    clock.advance(1000);
    breaker.admit();
    breaker.record('failure', true);
    clock.advance(2000);
    breaker.admit();
    breaker.record('success', true);
    trip();
    assert.deepEqual(breaker.admit(), { kind: 'wait', waitMs: 1000, why: 'open' });
  });

  it('a probe that says nothing (aborted) lets the next attempt probe', () => {
    const { clock, breaker } = breakerAt({ noSuccessMs: 1 });
    for (let i = 0; i < 5; i++) {
      clock.advance(1);
      breaker.record('failure', false);
    }
    clock.advance(1000);
    assert.equal(breaker.admit().kind, 'probe');
    breaker.record('neutral', true);
    assert.equal(breaker.admit().kind, 'probe');
  });

  it('a Retry-After pauses every attempt without opening it', () => {
    const { clock, breaker, changes } = breakerAt();
    breaker.pause(7000);
    assert.deepEqual(breaker.admit(), { kind: 'wait', waitMs: 7000, why: 'paused' });
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.pausedUntilMs, 7000);
    clock.advance(7000);
    assert.equal(breaker.admit().kind, 'go');
    assert.equal(breaker.pausedUntilMs, 0);
    assert.deepEqual(changes, []);
  });
});

describe('the concurrency limit (AIMD)', () => {
  it('grows by one per healthy answer while in use, up to max', () => {
    const limit = createConcurrencyLimit({ initial: 2, max: 5 });
    for (let round = 0; round < 10; round++) {
      let taken = 0;
      while (limit.tryAcquire()) taken++;
      for (; taken > 0; taken--) limit.release('healthy', limit.round);
    }
    assert.equal(limit.limit, 5);
    assert.equal(limit.inFlight, 0);
  });

  it('does not grow while mostly idle', () => {
    const limit = createConcurrencyLimit({ initial: 8, max: 64 });
    for (let i = 0; i < 100; i++) {
      assert.ok(limit.tryAcquire());
      limit.release('healthy', limit.round);
    }
    assert.equal(limit.limit, 8, 'one in flight of eight: the limit is not what holds us back');
  });

  it('takes 10% off per sign of overload among answers, half when nothing was answered meanwhile, never below one, and ignores neutral answers', () => {
    const limit = createConcurrencyLimit({ initial: 20, max: 64 });
    const round = limit.round;
    limit.tryAcquire();
    limit.tryAcquire();
    limit.release('healthy', round);
    limit.release('overloaded', round);
    assert.equal(limit.limit, 18, 'a hang among answers: 10% off');
    limit.tryAcquire();
    limit.release('overloaded', limit.round);
    assert.equal(limit.limit, 9, 'nothing answered while it waited: half off');
    for (let i = 0; i < 100; i++) {
      const started = limit.round;
      limit.tryAcquire();
      limit.release('overloaded', started);
    }
    assert.equal(limit.limit, 1);
    limit.tryAcquire();
    assert.equal(limit.tryAcquire(), false, 'one at a time now');
    limit.release('neutral', limit.round);
    assert.equal(limit.limit, 1);
  });

  it('decreases once per round: attempts that started before the last decrease do not decrease it again', () => {
    const limit = createConcurrencyLimit({ initial: 40, max: 64 });
    const round = limit.round;
    for (let i = 0; i < 40; i++) assert.ok(limit.tryAcquire());
    limit.release('healthy', round);
    // The 39 others, sent together, all hang and time out one after the other: one loss event.
    for (let i = 0; i < 39; i++) limit.release('overloaded', round);
    assert.equal(limit.limit, 36, 'one decrease of 10% (from 41: the answer came first), not 0.9^39');
    // Attempts sent under the new limit that also time out, among answers: the overload persists.
    const next = limit.round;
    limit.tryAcquire();
    limit.tryAcquire();
    limit.release('healthy', next);
    limit.release('overloaded', next);
    assert.equal(limit.limit, 33, '36.9 x 0.9');
  });

  it('grows only on quick answers, and an answer four times slower than the quickest (+ 50 ms) is a sign of overload', () => {
    const limit = createConcurrencyLimit({ initial: 10, max: 64 });
    const answer = (rttMs: number) => {
      while (limit.tryAcquire()) {
        // keep it full: the limit is in use
      }
      limit.release('healthy', limit.round, rttMs);
    };
    answer(5);
    answer(20);
    assert.equal(limit.limit, 12, 'within twice the quickest + 10 ms: quick');
    answer(60);
    assert.equal(limit.limit, 12, 'slower: the destination may queue, no growth');
    answer(71);
    assert.equal(limit.limit, 10, 'queued: 10% off');
  });

  it('under the seed mix (20% of attempts time out), stays near its maximum', () => {
    const limit = createConcurrencyLimit({ initial: 8, max: 64 });
    // Attempts answer in the order they were sent, each remembering the round it started in.
    const sent: number[] = [];
    for (let i = 0; i < 5000; i++) {
      while (limit.tryAcquire()) sent.push(limit.round); // keep it full: the limit is in use
      limit.release(i % 5 === 1 ? 'overloaded' : 'healthy', sent.shift() as number, 3);
    }
    assert.ok(limit.limit >= 56, `limit ${limit.limit}`);
  });
});

describe('the attempt deadline follows the destination', () => {
  it('starts at min(1 s, max), then follows smoothed RTT + 4 x variation, within the floor and ceiling', () => {
    const estimator = createTimeoutEstimator({ minMs: 250, maxMs: 5000 });
    assert.equal(estimator.timeoutMs, 1000);
    for (let i = 0; i < 50; i++) estimator.answered(5);
    assert.equal(estimator.timeoutMs, 250, 'a server answering in 5 ms gets the floor');
    for (let i = 0; i < 50; i++) estimator.answered(i % 2 === 0 ? 300 : 900);
    assert.ok(estimator.timeoutMs > 900 && estimator.timeoutMs < 2500, String(estimator.timeoutMs));
    for (let i = 0; i < 100; i++) estimator.answered(20_000);
    assert.equal(estimator.timeoutMs, 5000, 'never above timeoutMs');
  });

  it('follows RFC 6298 exactly for the first samples', () => {
    const estimator = createTimeoutEstimator({ minMs: 1, maxMs: 60_000 });
    estimator.answered(400);
    assert.equal(estimator.timeoutMs, 400 + 4 * 200);
    estimator.answered(200);
    // RTTVAR = 3/4 * 200 + 1/4 * |400 - 200| = 200; SRTT = 7/8 * 400 + 1/8 * 200 = 375
    assert.equal(estimator.timeoutMs, 375 + 4 * 200);
  });

  it('doubles once per round on timeouts, and an answer brings it back', () => {
    const estimator = createTimeoutEstimator({ minMs: 1, maxMs: 5000 });
    for (let i = 0; i < 20; i++) estimator.answered(10);
    const base = estimator.timeoutMs;
    const round = estimator.round;
    for (let i = 0; i < 13; i++) estimator.timedOut(round);
    assert.equal(estimator.timeoutMs, 2 * base, 'thirteen attempts of one round time out: doubled once');
    estimator.timedOut(estimator.round);
    assert.equal(estimator.timeoutMs, 4 * base);
    estimator.answered(10);
    assert.equal(estimator.timeoutMs, base);
  });

  it('hung attempts among quick answers do not move it (the seed mix)', () => {
    const estimator = createTimeoutEstimator({ minMs: 250, maxMs: 5000 });
    for (let i = 0; i < 1000; i++) {
      const round = estimator.round;
      estimator.answered(3);
      if (i % 5 === 1) estimator.timedOut(round);
    }
    assert.equal(estimator.timeoutMs, 250);
  });

  it('covers a long tail of answer times: an answer that would come is rarely given up on (each such timeout is a possible duplicate at Google)', () => {
    const estimator = createTimeoutEstimator({ minMs: 250, maxMs: 5000 });
    const random = createRandom(11);
    let late = 0;
    const answers = 20_000;
    for (let i = 0; i < answers; i++) {
      // 40 ms plus an exponential tail of mean 80 ms (p99 ~410 ms).
      const rtt = 40 - 80 * Math.log(1 - random());
      if (rtt > estimator.timeoutMs) late++;
      estimator.answered(rtt);
    }
    // SRTT + 4 x RTTVAR alone: 2.72 % of these answers came after their deadline; covering the tail, 0.74 %.
    assert.ok(late / answers < 0.01, `${late} of ${answers} answers after their deadline (${((late / answers) * 100).toFixed(2)} %)`);
    assert.ok(estimator.timeoutMs < 1500, `and the deadline stays near the tail: ${estimator.timeoutMs} ms`);
  });

  it('against a destination that never answers, climbs to the ceiling', () => {
    const estimator = createTimeoutEstimator({ minMs: 250, maxMs: 5000 });
    for (let i = 0; i < 10; i++) estimator.timedOut(estimator.round);
    assert.equal(estimator.timeoutMs, 5000);
  });
});

describe('the flush ledger', () => {
  it('resolves a flush when its epoch and every earlier one are settled, not later ones', async () => {
    const ledger = createFlushLedger();
    ledger.add(ledger.epoch, 2);
    const first = ledger.cut();
    ledger.add(ledger.epoch, 1);
    const second = ledger.cut();
    const done: string[] = [];
    void ledger.settled(first).then(() => done.push('first'));
    void ledger.settled(second).then(() => done.push('second'));
    ledger.remove(second, 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(done, [], 'the older epoch is still busy');
    ledger.remove(first, 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(done, ['first', 'second']);
  });
});
