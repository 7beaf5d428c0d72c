import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDayMemo, createMemo2, createMemo3 } from '../../src/core/memo.js';
import { ga4GroupKey } from '../../src/protocols/ga4/encode.js';
import type { Hit } from '../../src/core/hit.js';

describe('createMemo2', () => {
  it('computes once per pair, and tells apart pairs a joined key would confuse', () => {
    const memo = createMemo2(10);
    let computed = 0;
    const get = (a: string, b: string) => memo(a, b, () => `${++computed}:${a}|${b}`);
    assert.equal(get('a\u0000b', 'c'), '1:a\u0000b|c');
    assert.equal(get('a', 'b\u0000c'), '2:a|b\u0000c');
    assert.equal(get('a\u0000b', 'c'), '1:a\u0000b|c');
    assert.equal(computed, 2);
  });

  it('starts again empty when full: memory stays flat', () => {
    const memo = createMemo2(3);
    let computed = 0;
    for (let i = 0; i < 4; i++) memo('x', String(i), () => String(++computed));
    memo('x', '0', () => String(++computed)); // forgotten when the 4th came
    assert.equal(computed, 5);
  });
});

describe('createDayMemo', () => {
  it('keeps the two latest days apart and forgets older ones', () => {
    const memo = createDayMemo(10);
    let computed = 0;
    const get = (day: string) => memo(day, '203.0.113.7', 'agent', () => `${day}#${++computed}`);
    assert.equal(get('2026-12-05'), '2026-12-05#1');
    assert.equal(get('2026-12-06'), '2026-12-06#2');
    assert.equal(get('2026-12-05'), '2026-12-05#1', 'a late hit of yesterday');
    get('2026-12-07');
    assert.equal(get('2026-12-05'), '2026-12-05#4', 'three days back: computed again');
  });
});

describe('createMemo3', () => {
  it('computes once per triple, tells apart triples a joined key would confuse, and starts again empty when full', () => {
    const memo = createMemo3(4);
    let computed = 0;
    const get = (a: string, b: string, c: string) => memo(a, b, c, () => `${++computed}`);
    assert.equal(get('a\u0000b', 'c', ''), '1');
    assert.equal(get('a', 'b\u0000c', ''), '2');
    assert.equal(get('a', 'b', '\u0000c'), '3');
    assert.equal(get('a\u0000b', 'c', ''), '1');
    assert.equal(get('a', 'b', 'c'), '4');
    assert.equal(get('x', 'y', 'z'), '5', 'the 5th triple empties it');
    assert.equal(get('a', 'b', 'c'), '6', 'forgotten');
  });

  it('gives ga4GroupKey the joined key it always had, for any client, user and user agent', () => {
    const hit = (clientId: string, userId?: string, userAgent?: string) => ({ clientId, userId, userAgent }) as unknown as Hit;
    for (const [clientId, userId, userAgent] of [['1.2', undefined, undefined], ['1.2', 'u', undefined], ['1.2', undefined, 'curl/8'], ['1.2', 'u', 'curl/8'], ['1.2', '', 'curl/8']] as const) {
      assert.equal(ga4GroupKey(hit(clientId, userId, userAgent)), `${clientId}\u0000${userId ?? ''}\u0000${userAgent ?? ''}`);
    }
  });
});
