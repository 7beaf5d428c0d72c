import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
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

/** The plain way: a recursive walk over a tokenised text, building every path as it goes (the old implementation's rule). */
function reference(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        const key = str();
        const here = path === '' ? key : `${path}.${key}`;
        if (keys.has(key)) found.push(here);
        keys.add(key);
        ws();
        i++; // :
        value(here);
        ws();
        if (text[i++] === '}') return;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let index = 0; ; index++) {
        value(`${path}[${index}]`);
        ws();
        if (text[i++] === ']') return;
      }
    } else if (c === '"') str();
    else while (i < text.length && !/[,\]}\s]/.test(text[i] ?? '')) i++;
  };
  value('');
  return found;
}

describe('findDuplicateKeys against the plain recursive walk', () => {
  it('finds the same duplicates at the same paths in random JSON with repeated keys', () => {
    const key = fc.constantFrom('a', 'b', 'x', 'e\\u0062', 'eb', 'k"q', 'p');
    const json = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, fc.constant('1'), fc.constant('"s,\\"}"'), tie('object'), tie('array')),
      object: fc.array(fc.tuple(key, tie('tree')), { maxLength: 5 }).map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k).replace('\\\\u0062', '\\u0062')}:${v as string}`).join(',')}}`),
      array: fc.array(tie('tree'), { maxLength: 4 }).map((items) => `[${(items as string[]).join(' , ')}]`),
    })).tree as fc.Arbitrary<string>;
    fc.assert(fc.property(json, (text) => {
      JSON.parse(text);
      assert.deepEqual(findDuplicateKeys(text, 1_000), reference(text));
    }), { numRuns: 2_000 });
  });
});
