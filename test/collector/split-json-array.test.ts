import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitJsonArray } from '../../src/collector/split-json-array.js';

describe('splitJsonArray: each element\'s text as written', () => {
  it('splits at top-level commas only, whatever the strings and nesting hold', () => {
    const elements = ['{"a":"x,y]}","b":[1,{"c":"\\"],"}]}', '{ "d" : { "e" : [ [] , {} ] } }', '"s\\\\"', '12', 'null', '[1,[2,3]]'];
    const text = ` [ ${elements.join(' ,\n\t')} ] `;
    assert.deepEqual(splitJsonArray(text), elements);
    assert.deepEqual(splitJsonArray(text).map((part) => JSON.parse(part) as unknown), JSON.parse(text));
  });

  it('keeps duplicate keys as written (JSON.parse would drop them), and finds no element in []', () => {
    assert.deepEqual(splitJsonArray('[{"k":1,"k":2}]'), ['{"k":1,"k":2}']);
    assert.deepEqual(splitJsonArray('[]'), []);
    assert.deepEqual(splitJsonArray(' [ \n ] '), []);
  });
});
