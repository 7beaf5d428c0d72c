import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { daysFromCivil, parseIsoTime, parseTimeLocal, secondsAtToMs, unescapeField } from '../../src/collector/import/formats/line-fields.js';
import { timeLocal } from './log-lines.js';

describe('line fields', () => {
  it('reads $time_local as Date does, for any time and offset (property)', () => {
    fc.assert(fc.property(fc.integer({ min: -2_208_988_800, max: 7_258_118_400 }), fc.integer({ min: -12 * 60, max: 14 * 60 }), (seconds, offsetMinutes) => {
      assert.equal(parseTimeLocal(`[${timeLocal(seconds * 1000, offsetMinutes)}]`, 1), seconds * 1000);
    }), { numRuns: 3000 });
    assert.equal(daysFromCivil(1970, 1, 1), 0);
    assert.equal(daysFromCivil(2000, 2, 29), Date.UTC(2000, 1, 29) / 86_400_000);
    for (const bad of ['31/Feb/2024:00:00:00 +0000', '10/Oct/2000:24:00:00 +0000', '10/oct/2000:13:55:36 -0700', '10/Oct/2000:13:55:36 0700', '10/Oct/2000 13:55:36 -0700', '1/Oct/2000:13:55:36 -0700']) {
      assert.ok(Number.isNaN(parseTimeLocal(bad, 0)), bad);
    }
  });

  it('reads ISO times as nginx and AWS write them, and others through Date.parse', () => {
    const ms = Date.UTC(2018, 6, 2, 22, 23, 0, 186);
    assert.equal(parseIsoTime('2018-07-02T22:23:00.186641Z'), ms);
    assert.equal(parseIsoTime('2018-07-02T15:23:00.186-07:00'), ms);
    assert.equal(parseIsoTime('2018-07-03T00:23:00+02:00'), ms - 186);
    assert.equal(parseIsoTime('2018-07-02T22:23:00.1866Z'), ms);
    assert.equal(parseIsoTime('2018-07-02T22:23Z'), Date.parse('2018-07-02T22:23Z'));
    for (const bad of ['yesterday', '2018-07-02', '2018-13-02T22:23:00Z', '2018-07-02T22:23:00+0200x']) assert.ok(Number.isNaN(parseIsoTime(bad)), bad);
  });

  it('reads decimal seconds in place', () => {
    const cases: [string, number][] = [['0.005', 5], ['12', 12_000], ['1.5', 1500], ['0.000', 0], ['2.', 2000]];
    for (const [text, ms] of cases) assert.equal(secondsAtToMs(`x${text}x`, 1, text.length + 1), ms, text);
    for (const bad of ['', '-', '-1', '.5', '1.2.3', '1e3', 'abc']) assert.ok(Number.isNaN(secondsAtToMs(bad, 0, bad.length)), bad);
  });

  it('undoes escapes, and leaves what is not one', () => {
    assert.equal(unescapeField('no escapes'), 'no escapes');
    assert.equal(unescapeField('a\\"b\\\\c\\x22d'), 'a"b\\c"d');
    assert.equal(unescapeField('caf\\xC3\\xA9 \\xE6\\x97\\xA5\\xE6\\x9C\\xAC'), 'café 日本');
    assert.equal(unescapeField('tab\\there\\nnewline'), 'tab\there\nnewline');
    assert.equal(unescapeField('\\xZZ and \\x4'), 'xZZ and x4');
    assert.equal(unescapeField('trailing\\'), 'trailing\\');
    assert.equal(unescapeField('bad byte \\xFF end'), 'bad byte \uFFFD end');
  });
});
