import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { ua } from '../../src/protocols/ua/destination.js';
import { isFootfallError } from '../../src/errors.js';

const SECRET = 'Zx9secretVALUE42';
const fails = (code: string, hidden?: string) => (error: unknown) =>
  isFootfallError(error) && error.code === code && (hidden === undefined || !error.message.includes(hidden));

describe('ga4()', () => {
  it('describes Google by default, EU on request, or any collector', () => {
    assert.equal(ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET }).endpoint, 'https://www.google-analytics.com/mp/collect');
    assert.equal(ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET, region: 'eu' }).endpoint, 'https://region1.google-analytics.com/mp/collect');
    assert.equal(ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET, endpoint: 'http://127.0.0.1:5000' }).endpoint, 'http://127.0.0.1:5000/mp/collect');
    assert.equal(ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET, endpoint: 'http://127.0.0.1:5000/mp/collect', validate: true }).endpoint, 'http://127.0.0.1:5000/debug/mp/collect');
  });

  it('builds the request URL with both ids', () => {
    const destination = ga4({ measurementId: 'G-ABC123XYZ', apiSecret: 'a+b' });
    assert.equal(destination.requestUrl(), 'https://www.google-analytics.com/mp/collect?measurement_id=G-ABC123XYZ&api_secret=a%2Bb');
  });

  it('hides the secret from JSON, inspect and keys', () => {
    const destination = ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET });
    assert.equal(destination.apiSecret, SECRET);
    assert.ok(!JSON.stringify(destination).includes(SECRET));
    assert.ok(!inspect(destination, { depth: 5 }).includes(SECRET));
    assert.ok(!Object.keys(destination).includes('apiSecret'));
    assert.ok(Object.isFrozen(destination));
  });

  it('rejects a measurement id that is not G-..., naming what was expected and got', () => {
    assert.throws(() => ga4({ measurementId: 'UA-1234-1', apiSecret: SECRET }), fails('FOOTFALL_ERR_INVALID_MEASUREMENT_ID'));
    assert.throws(() => ga4({ measurementId: 'UA-1234-1', apiSecret: SECRET }), /got "UA-1234-1" \(string\).*use ua\(\{ trackingId \}\)/);
    assert.throws(() => ga4({ measurementId: undefined as never, apiSecret: SECRET }), /got undefined/);
  });

  it('rejects an empty or spaced secret without ever printing it', () => {
    assert.throws(() => ga4({ measurementId: 'G-ABC123XYZ', apiSecret: '' }), fails('FOOTFALL_ERR_INVALID_API_SECRET'));
    assert.throws(() => ga4({ measurementId: 'G-ABC123XYZ', apiSecret: `${SECRET} x` }), fails('FOOTFALL_ERR_INVALID_API_SECRET', SECRET));
    assert.throws(() => ga4({ measurementId: 'G-ABC123XYZ', apiSecret: 42 as never }), /a value of type number/);
  });

  it('rejects an endpoint that is not http(s), without echoing credentials or query', () => {
    assert.throws(() => ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET, endpoint: 'ftp://x/mp/collect' }), fails('FOOTFALL_ERR_INVALID_ENDPOINT'));
    assert.throws(() => ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET, endpoint: 'not a url' }), fails('FOOTFALL_ERR_INVALID_ENDPOINT'));
    assert.throws(() => ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET, endpoint: `gopher://user:${SECRET}@h/?api_secret=${SECRET}` }), fails('FOOTFALL_ERR_INVALID_ENDPOINT', SECRET));
  });

  it('rejects an unknown region and a non-boolean validate', () => {
    assert.throws(() => ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET, region: 'us' as never }), fails('FOOTFALL_ERR_INVALID_OPTION'));
    assert.throws(() => ga4({ measurementId: 'G-ABC123XYZ', apiSecret: SECRET, validate: 'yes' as never }), fails('FOOTFALL_ERR_INVALID_OPTION'));
  });
});

describe('ua()', () => {
  it('describes Google by default or any collector, with its batch URL', () => {
    assert.deepEqual({ ...ua({ trackingId: 'UA-1234-1' }) }, { kind: 'ua', trackingId: 'UA-1234-1', endpoint: 'https://www.google-analytics.com/collect', batchEndpoint: 'https://www.google-analytics.com/batch', customEndpoint: false });
    assert.equal(ua({ trackingId: 'UA-1234-1', endpoint: 'http://localhost:5000/' }).batchEndpoint, 'http://localhost:5000/batch');
  });

  it('rejects a tracking id that is not UA-n-n', () => {
    assert.throws(() => ua({ trackingId: 'G-ABC123' }), fails('FOOTFALL_ERR_INVALID_TRACKING_ID'));
    assert.throws(() => ua({ trackingId: 'G-ABC123' }), /use ga4\(/);
    assert.throws(() => ua({ trackingId: 'UA-1234-1', endpoint: 'mailto:x' }), fails('FOOTFALL_ERR_INVALID_ENDPOINT'));
  });
});
