import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDuplicateKeys } from '../../../src/protocols/ga4/duplicate-keys.js';

describe('findDuplicateKeys', () => {
  it('finds keys given twice, with their paths', () => {
    assert.deepEqual(findDuplicateKeys('{"a":1,"a":2}'), ['a']);
    assert.deepEqual(findDuplicateKeys('{"e":[{"p":{"x":1}},{"p":{"x":1,"y":2,"x":3}}]}'), ['e[1].p.x']);
  });

  it('is not fooled by keys inside strings or escaped quotes', () => {
    assert.deepEqual(findDuplicateKeys('{"a":"\\"a\\":1,","b":"{\\"a\\":2}"}'), []);
    assert.deepEqual(findDuplicateKeys('{"a\\u0062":1,"ab":2}'), ['ab']);
  });

  it('treats the same key in sibling objects as distinct', () => {
    assert.deepEqual(findDuplicateKeys('[{"a":1},{"a":1}]'), []);
  });

  it('walks deep nesting without recursion', () => {
    let text = '{"a":1,"a":2}';
    for (let i = 0; i < 50_000; i++) text = `[${text}]`;
    assert.equal(findDuplicateKeys(text).length, 1);
  });

  it('stops at the limit', () => {
    assert.equal(findDuplicateKeys(`{${Array.from({ length: 100 }, () => '"k":1').join(',')}}`, 5).length, 5);
  });
});
