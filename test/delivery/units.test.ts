import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs } from '../../src/delivery/backoff.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { createRingBuffer } from '../../src/delivery/ring-buffer.js';
import { createMinHeap } from '../../src/delivery/min-heap.js';
import { classifyStatus, parseRetryAfter } from '../../src/delivery/transport.js';

describe('classifyStatus', () => {
  it('2xx succeed; 408, 429, 5xx retry; other statuses fail for good', () => {
    assert.equal(classifyStatus(204, undefined, 0).kind, 'success');
    for (const status of [408, 429, 500, 502, 503, 599]) assert.equal(classifyStatus(status, undefined, 0).kind, 'retryable', String(status));
    for (const status of [301, 400, 401, 403, 404, 413]) assert.equal(classifyStatus(status, undefined, 0).kind, 'failure', String(status));
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 29, 12);
  it('reads seconds and HTTP dates, capped at an hour', () => {
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Sun, 29 Nov 2026 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('999999', now), 3_600_000);
  });
  it('ignores what it cannot read', () => {
    for (const value of [undefined, '', '-1', '1.5', 'soon', '12:00']) assert.equal(parseRetryAfter(value, now), undefined, String(value));
  });
});

describe('backoffMs', () => {
  it('doubles from the base, jitters in the upper half, caps, and yields to Retry-After', () => {
    const at = (attempt: number, random: number, retryAfterMs?: number) => backoffMs(attempt, { baseMs: 500, maxMs: 4000, random: () => random, retryAfterMs });
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => at(n, 1)), [500, 1000, 2000, 4000, 4000]);
    assert.deepEqual([1, 2, 3].map((n) => at(n, 0)), [250, 500, 1000]);
    assert.equal(at(1, 0.5, 7000), 7000);
  });
});

describe('createRingBuffer', () => {
  it('is first in, first out across growth and wrap-around', () => {
    const queue = createRingBuffer<number>(2);
    const out: number[] = [];
    for (let i = 0; i < 10; i++) {
      queue.push(i);
      if (i % 3 === 0) out.push(queue.shift() ?? -1);
    }
    while (queue.length > 0) out.push(queue.shift() ?? -1);
    assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(queue.shift(), undefined);
  });
});

describe('createMinHeap', () => {
  it('pops in key order across random pushes and pops, equal keys included', () => {
    const heap = createMinHeap<number>();
    const model: number[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      if (next() % 3 !== 0 || model.length === 0) {
        const key = next() % 50;
        heap.push(key, key);
        model.push(key);
      } else {
        model.sort((a, b) => a - b);
        assert.equal(heap.peekKey(), model[0]);
        assert.equal(heap.pop(), model.shift());
      }
      assert.equal(heap.size, model.length);
    }
    assert.equal(heap.drain().length, model.length);
    assert.equal(heap.pop(), undefined);
    assert.equal(heap.peekKey(), undefined);
  });
});

describe('createManualClock', () => {
  it('runs due timers in time order, including ones set by timers', () => {
    const clock = createManualClock(0);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      log.push(`a@${clock.now()}`);
      clock.setTimeout(() => log.push(`c@${clock.now()}`), 5);
    }, 10);
    const cancelled = clock.setTimeout(() => log.push('never'), 1);
    clock.clearTimeout(cancelled);
    clock.advance(30);
    assert.deepEqual(log, ['a@10', 'c@15', 'b@20']);
    assert.equal(clock.now(), 30);
    assert.equal(clock.pending, 0);
  });
});
