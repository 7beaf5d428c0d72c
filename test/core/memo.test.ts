import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDayMemo, createMemo2 } from '../../src/core/memo.js';

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
