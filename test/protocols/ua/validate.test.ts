import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateUa, type UaHitParsingResult } from '../../../src/protocols/ua/validate.js';

const VALID =
  'v=1&tid=UA-12345-1&cid=42.1795953600&t=pageview&dl=https%3A%2F%2Fapi.example.com%2Fv1%2Fusers' +
  '&dh=api.example.com&dp=%2Fv1%2Fusers&dt=GET%20%2Fv1%2Fusers&ds=api&qt=1500&z=123';

/** VALID with one parameter replaced (or removed, when `value` is undefined). */
function tweak(name: string, value?: string): string {
  const pairs = VALID.split('&').filter((pair) => !pair.startsWith(`${name}=`));
  if (value !== undefined) pairs.splice(pairs.length - 1, 0, `${name}=${value}`);
  return pairs.join('&');
}

function only(body: unknown): UaHitParsingResult {
  const results = validateUa(body).hitParsingResult;
  assert.equal(results.length, 1);
  return results[0] as UaHitParsingResult;
}

/** Asserts the hit is invalid with exactly one message: an ERROR naming `parameter`. */
function assertError(body: string, parameter: string): void {
  const result = only(body);
  assert.equal(result.valid, false);
  assert.equal(result.parserMessage.length, 1, JSON.stringify(result.parserMessage));
  assert.equal(result.parserMessage[0]?.messageType, 'ERROR');
  assert.equal(result.parserMessage[0]?.parameter, parameter);
  assert.ok(result.parserMessage[0]?.description.includes(`'${parameter}'`));
}

describe('validateUa: a valid pageview', () => {
  it('passes with zero messages, in the /debug/collect shape', () => {
    assert.deepEqual(validateUa(VALID), { hitParsingResult: [{ valid: true, hit: `/debug/collect?${VALID}`, parserMessage: [] }] });
  });

  it('accepts bytes, uid instead of cid, dh and dp instead of dl, and CRLF lines', () => {
    assert.deepEqual(only(new TextEncoder().encode(VALID)).parserMessage, []);
    assert.deepEqual(only(tweak('cid').replace('&t=', '&uid=u1&t=')).parserMessage, []);
    assert.deepEqual(only(tweak('dl')).parserMessage, []);
    assert.deepEqual(validateUa(`${VALID}\r\n${VALID}\r\n`).hitParsingResult.map((r) => r.parserMessage), [[], []]);
  });

  it('cuts the shown hit to 2 000 characters', () => {
    assert.equal(only(tweak('cd1', 'x'.repeat(3000))).hit.length, 2000);
  });
});

describe('validateUa: parameter rules', () => {
  it('requires v and v=1', () => {
    assertError(tweak('v'), 'v');
    assertError(tweak('v', '2'), 'v');
  });

  it('requires tid of the form UA-n-n', () => {
    assertError(tweak('tid'), 'tid');
    assertError(tweak('tid', 'G-ABC123'), 'tid');
    assertError(tweak('tid', 'UA-12345'), 'tid');
  });

  it('requires cid or uid', () => {
    assertError(tweak('cid'), 'cid');
    assertError(tweak('cid', ''), 'cid');
  });

  it('requires t among the hit types', () => {
    assertError(tweak('t'), 't');
    assertError(tweak('t', 'page_view'), 't');
    assert.deepEqual(only(tweak('t', 'event')).parserMessage, []);
  });

  it('requires dl, or dh and dp, for a pageview', () => {
    assertError(tweak('dl').replace(/&dh=[^&]*/, ''), 'dl');
    assertError(tweak('dl').replace(/&dp=[^&]*/, ''), 'dl');
  });

  it('requires dp to start with /', () => {
    assertError(tweak('dp', 'v1%2Fusers'), 'dp');
  });

  for (const [name, max] of [['dl', 2048], ['dh', 100], ['dp', 2048], ['dt', 1500], ['dr', 2048]] as const) {
    it(`limits ${name} to ${max} UTF-8 bytes`, () => {
      const fits = name === 'dp' ? `%2F${'a'.repeat(max - 1)}` : 'a'.repeat(max);
      assert.deepEqual(only(tweak(name, fits)).parserMessage, []);
      assertError(tweak(name, `${fits}a`), name);
      const wide = name === 'dp' ? `%2F${'%C3%A9'.repeat(max / 2)}` : '%C3%A9'.repeat(max / 2 + 1);
      assertError(tweak(name, wide), name);
    });
  }

  it('requires qt to be a non-negative integer', () => {
    assertError(tweak('qt', '-1'), 'qt');
    assertError(tweak('qt', '1.5'), 'qt');
    assertError(tweak('qt', 'soon'), 'qt');
  });

  it('warns, and stays valid, when qt is over 4 hours', () => {
    assert.deepEqual(only(tweak('qt', '14400000')).parserMessage, []);
    const result = only(tweak('qt', '14400001'));
    assert.equal(result.valid, true);
    assert.equal(result.parserMessage.length, 1);
    assert.equal(result.parserMessage[0]?.messageType, 'WARN');
    assert.equal(result.parserMessage[0]?.parameter, 'qt');
  });

  it('limits a payload to 8 192 bytes', () => {
    const big = tweak('cd1', 'a'.repeat(8192));
    const result = only(big);
    assert.equal(result.valid, false);
    assert.match(result.parserMessage[0]?.description ?? '', /8192 bytes/);
  });

  it('reports invalid percent-encoding, naming the parameter', () => {
    assertError(tweak('dt', '100%'), 'dt');
    assertError(tweak('dt', '%E0%A4%A'), 'dt');
    assertError(tweak('dt', '%C3'), 'dt');
  });
});

describe('validateUa: batches', () => {
  it('validates each line as its own hit', () => {
    const results = validateUa(`${VALID}\n${tweak('tid')}\n\n${VALID}`).hitParsingResult;
    assert.deepEqual(results.map((r) => r.valid), [true, false, true]);
  });

  it('marks every hit from the 21st on invalid', () => {
    const results = validateUa(Array.from({ length: 23 }, () => VALID).join('\n')).hitParsingResult;
    assert.equal(results.length, 23);
    assert.ok(results.slice(0, 20).every((r) => r.valid && r.parserMessage.length === 0));
    for (const result of results.slice(20)) {
      assert.equal(result.valid, false);
      assert.match(result.parserMessage[0]?.description ?? '', /at most 20/);
    }
  });

  it('gives every hit an ERROR when the body is over 16 384 bytes', () => {
    const line = tweak('dt', 'x'.repeat(1500));
    const count = Math.ceil(16_385 / (line.length + 1));
    const results = validateUa(Array.from({ length: count }, () => line).join('\n')).hitParsingResult;
    assert.equal(results.length, count);
    for (const result of results) {
      assert.equal(result.valid, false);
      assert.match(result.parserMessage[0]?.description ?? '', /16384 bytes/);
    }
    assert.ok(validateUa(Array.from({ length: count - 1 }, () => line).join('\n')).hitParsingResult.every((r) => r.valid));
  });
});

describe('validateUa never throws', () => {
  const inputs: [string, unknown][] = [
    ['null', null], ['42', 42], ['{}', {}], ['[]', []], ["''", ''], ['undefined', undefined],
    ['a 1 MB string', 'v=1&dt='.padEnd(1 << 20, 'a')], ['1 MB of lines', 'v=1&t=pageview\n'.repeat(70_000)],
    ["'%'", '%'], ["'%E0%A4%A'", '%E0%A4%A'], ['a lone surrogate', `${VALID}&dt=\uD800x&\uDC00=1`],
    ['a percent-encoded lone surrogate', tweak('dt', '%ED%A0%80')], ['bytes that are not UTF-8', new Uint8Array([0xff, 0x25, 0x3d])],
  ];
  for (const [label, input] of inputs) {
    it(`answers for ${label}`, () => {
      const results = validateUa(input).hitParsingResult;
      assert.ok(results.length >= 1);
      for (const result of results) assert.equal(typeof result.valid, 'boolean');
    });
  }

  it('answers with one invalid entry for a body that is not text', () => {
    for (const input of [null, 42, {}, [], '']) {
      const result = only(input);
      assert.equal(result.valid, false);
      assert.equal(result.parserMessage[0]?.messageType, 'ERROR');
    }
  });
});

describe('validateUa single (the /collect and /debug/collect rule)', () => {
  it('calls every line of a several-line body invalid with single, and each on its own merit without', () => {
    const body = `${VALID}\n${VALID}`;
    const single = validateUa(body, { single: true }).hitParsingResult;
    assert.deepEqual(single.map((hit) => [hit.valid, hit.parserMessage[0]?.description]), [
      [false, '/collect takes one hit, got 2 lines: send several to /batch.'],
      [false, '/collect takes one hit, got 2 lines: send several to /batch.'],
    ]);
    assert.deepEqual(validateUa(body).hitParsingResult.map((hit) => hit.valid), [true, true]);
    assert.deepEqual(validateUa(VALID, { single: true }).hitParsingResult.map((hit) => hit.valid), [true]);
  });
});
