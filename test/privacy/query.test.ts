import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileQueryPolicy, redactQuery } from '../../src/privacy/query.js';
import { isSensitiveName } from '../../src/privacy/sensitive.js';
import { isFootfallError } from '../../src/errors.js';

const redact = (query: string, policy: Parameters<typeof compileQueryPolicy>[0]) => redactQuery(query, compileQueryPolicy(policy));

describe('query policy', () => {
  it('"names" (default) keeps names, drops every value, sorted and de-duplicated', () => {
    assert.equal(redact('sort=asc&page=2&page=3&q=bob', 'names'), 'page&q&sort');
    assert.equal(redactQuery('a=1', compileQueryPolicy()), 'a');
  });

  it('"none" drops the whole query', () => {
    assert.equal(redact('a=1&b=2', 'none'), '');
  });

  it('"all" keeps values, except those of sensitive names', () => {
    assert.equal(redact('q=red%20shoes&api_key=sk_live_1&page=2', 'all'), 'api_key&page=2&q=red%20shoes');
  });

  it('an allow-list keeps only the listed values', () => {
    assert.equal(redact('page=2&q=bob&token=t', ['page', 'token']), 'page=2&q&token');
  });

  it('never keeps a sensitive value, whatever the policy', () => {
    for (const name of ['token', 'access_token', 'API-Key', 'apikey', 'key', 'password', 'client_secret', 'Signature', 'sig', 'auth', 'session', 'code', 'X-Amz-Signature', 'jwt']) {
      assert.ok(isSensitiveName(name), name);
      assert.equal(redact(`${name}=VALUE`, 'all'), encodeURIComponent(name).replace(/%2D/g, '-'), name);
      assert.equal(redact(`${name}=VALUE`, [name]), name, name);
    }
  });

  it('does not treat ordinary names as sensitive', () => {
    for (const name of ['page', 'sort', 'fields', 'keyword', 'monkey', 'limit']) assert.equal(isSensitiveName(name), false, name);
  });

  it('drops names that are not plain identifiers, and bounds their number', () => {
    assert.equal(redact('%zz=1&ok=1&<script>=1&a%20b=1', 'names'), 'ok');
    const many = Array.from({ length: 50 }, (_, i) => `p${i}=1`).join('&');
    assert.equal(redact(many, 'names').split('&').length, 20);
  });

  it('decodes + and escapes in values, and re-encodes them safely', () => {
    assert.equal(redact('q=a+b%26c', 'all'), 'q=a%20b%26c');
    assert.equal(redact('q=%E0%A4%A', 'all'), 'q', 'invalid escape: value dropped, name kept');
  });

  it('cuts kept values to 100 characters', () => {
    assert.equal(redact(`q=${'x'.repeat(500)}`, 'all'), `q=${'x'.repeat(100)}`);
  });

  it('rejects an unknown policy with a FootfallError', () => {
    assert.throws(() => compileQueryPolicy('some'), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_QUERY_POLICY');
    assert.throws(() => compileQueryPolicy([1]), /must be "names", "none", "all" or an array/);
  });
});
