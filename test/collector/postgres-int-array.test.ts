// The PostgreSQL store sends its rollup upserts as SQL text (several statements and COMMIT in
// one round trip take no parameters): only safe integers may be written into that text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intArray } from '../../src/collector/store/postgres/pg-fold.js';

describe('intArray: rollup values as SQL array literals', () => {
  it('writes whole numbers, negative and past int4 included', () => {
    assert.equal(intArray([1, -2, 0], 'int'), "'{1,-2,0}'::int[]");
    assert.equal(intArray([2 ** 40, Number.MAX_SAFE_INTEGER], 'bigint'), `'{1099511627776,${Number.MAX_SAFE_INTEGER}}'::bigint[]`);
    assert.equal(intArray([], 'int'), "'{}'::int[]");
  });

  it('refuses anything else, so no other text can reach a statement', () => {
    for (const bad of [1.5, Number.NaN, Infinity, 2 ** 60, '1); DROP TABLE hits; --' as unknown as number]) {
      assert.throws(() => intArray([1, bad], 'bigint'), TypeError, String(bad));
    }
  });
});
