import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createBoundedMap } from '../../src/core/bounded-map.js';

describe('createBoundedMap', () => {
  it('holds at most maxEntries and, once filled, at least half of them, whatever the sequence of reads and writes', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 60 })), { maxLength: 400 }), (max, ops) => {
      const map = createBoundedMap<number>(max);
      let filled = false;
      for (const [write, key] of ops) {
        if (write) map.set(`k${key}`, key);
        else {
          const found = map.get(`k${key}`);
          if (found !== undefined) assert.equal(found, key, 'a value is the one set for its key');
        }
        assert.ok(map.size <= max, `${map.size} > ${max}`);
        if (filled) assert.ok(map.size >= 1, 'never empties once it held something');
        if (map.size >= 1) filled = true;
      }
    }), { numRuns: 300 });
  });

  it('keeps what was read recently and forgets what was not touched for a generation', () => {
    const map = createBoundedMap<string>(4);
    map.set('a', 'A');
    map.set('b', 'B');
    map.set('c', 'C'); // young was full (2): a, b become old
    assert.equal(map.get('a'), 'A'); // a moves back to young
    map.set('d', 'D'); // young (c, a) full: it becomes old, b is dropped
    assert.equal(map.get('b'), undefined);
    assert.equal(map.get('a'), 'A');
    assert.equal(map.get('c'), 'C');
  });

  it('takes the latest value of a key that is set again, young or old', () => {
    const map = createBoundedMap<number>(4);
    map.set('x', 1);
    map.set('y', 2);
    map.set('z', 3); // x, y old
    map.set('x', 10);
    assert.equal(map.get('x'), 10);
    assert.ok(map.size <= 4);
  });
});
