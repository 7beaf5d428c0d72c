import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES, FootfallError, describeSecret, describeValue, isFootfallError } from '../src/errors.js';
import { WARNINGS } from '../src/warnings.js';

const docs = readFileSync('docs/errors.md', 'utf8');

describe('errors', () => {
  it('documents every error code and warning in docs/errors.md', () => {
    for (const code of [...Object.keys(ERROR_CODES), ...Object.keys(WARNINGS)]) assert.match(docs, new RegExp(`\\b${code}\\b`), code);
  });

  it('uses the FOOTFALL_ERR_ prefix and gives every code a hint', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^FOOTFALL_ERR_[A-Z_]+$/);
      assert.ok(entry.hint.length > 10, code);
    }
  });

  it('fills the template and appends the hint', () => {
    const error = new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'maxSessions', 'a positive integer', describeValue(-1));
    assert.equal(error.message, '`maxSessions` must be a positive integer, got -1 (number). Check the option against docs/options.md.');
    assert.equal(error.code, 'FOOTFALL_ERR_INVALID_OPTION');
    assert.ok(error instanceof Error);
  });

  it('is recognised across copies of the package by its brand', () => {
    assert.ok(isFootfallError(new FootfallError('FOOTFALL_ERR_INVALID_ENDPOINT', 'x')));
    const foreign = Object.assign(new Error('x'), { [Symbol.for('footfall.error')]: true });
    assert.ok(isFootfallError(foreign));
    assert.ok(!isFootfallError(new Error('x')));
    assert.ok(!isFootfallError(null));
  });

  it('describes values with their type, and secrets without their value', () => {
    assert.equal(describeValue('abc'), '"abc" (string)');
    assert.equal(describeValue([1, 2]), 'an array of 2');
    assert.equal(describeValue(null), 'null');
    assert.equal(describeSecret('hunter2 x'), 'a string of 9 characters containing whitespace (value hidden)');
    assert.equal(describeSecret(''), 'an empty string');
  });
});
