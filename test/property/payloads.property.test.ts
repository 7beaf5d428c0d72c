import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { resolveHitOptions } from '../../src/hit-options.js';
import { toHit } from '../../src/core/to-hit.js';
import type { RequestInfo } from '../../src/core/request-info.js';
import { encodeGa4, eventText, toEvent, written } from '../../src/protocols/ga4/encode.js';
import { utf8Length } from '../../src/internal/text.js';
import { validateGa4 } from '../../src/protocols/ga4/validate.js';
import { encodeUa } from '../../src/protocols/ua/encode.js';
import { validateUa } from '../../src/protocols/ua/validate.js';
import type { QueryPolicy } from '../../src/privacy/query.js';
import { TEST_KEY, T0 } from '../helpers/context.js';

const SENSITIVE = ['token', 'access_token', 'api_key', 'apikey', 'key', 'password', 'secret', 'signature', 'sig', 'auth', 'session', 'code', 'client_secret', 'X-Amz-Signature'];
const RUNS = { numRuns: 300 };

const text = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const hostile = fc.oneof(
  text(40),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%ff%fe', '\u0000\u001f\u007f', '\uD800', '\uDC00x', '..', '//', '?#', ' '),
  fc.string({ unit: 'binary', minLength: 19_000, maxLength: 20_500 }),
);
const path = fc.array(fc.oneof(text(12), fc.constantFrom('users', 'v1', '42', '%2F', ':id')), { maxLength: 8 }).map((parts) => `/${parts.join('/')}`);
const url = fc.oneof(
  path,
  fc.tuple(fc.constantFrom('http', 'https', 'HTTPS', 'ftp'), text(20), path).map(([scheme, host, p]) => `${scheme}://${host}${p}`),
  hostile,
);
const header = fc.option(fc.oneof(text(60), hostile), { nil: undefined });

const requestInfo: fc.Arbitrary<RequestInfo> = fc.record(
  {
    method: fc.oneof(fc.constantFrom('GET', 'post', 'DELETE', 'OPTIONS'), text(10)),
    url,
    route: fc.option(fc.oneof(text(30), path, fc.constant(null)), { nil: undefined }),
    status: fc.option(fc.oneof(fc.integer({ min: 100, max: 599 }), fc.integer(), fc.double()), { nil: undefined }),
    durationMs: fc.option(fc.oneof(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double()), { nil: undefined }),
    timestampMs: fc.option(fc.integer({ min: T0 - 3_600_000, max: T0 }), { nil: undefined }),
    clientIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), text(20)), { nil: undefined }),
    userId: fc.option(fc.oneof(text(30), fc.integer()), { nil: undefined }),
    clientId: fc.option(fc.oneof(text(20), fc.constant('123.456')), { nil: undefined }),
    title: fc.option(fc.oneof(text(40), hostile), { nil: undefined }),
    params: fc.option(fc.dictionary(text(45), fc.oneof(text(120), fc.double(), fc.boolean()), { maxKeys: 30 }), { nil: undefined }),
    headers: fc.option(
      fc.record({ userAgent: header, referrer: fc.option(fc.oneof(url, fc.webUrl()), { nil: undefined }), host: header, forwardedHost: header, forwardedProto: header }, { requiredKeys: [] }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['method', 'url'] },
);
const policy: fc.Arbitrary<QueryPolicy> = fc.oneof(fc.constantFrom<QueryPolicy>('names', 'none', 'all'), fc.constant(SENSITIVE), fc.array(fc.constantFrom(...SENSITIVE, 'page', 'q')));
const contextOptions = fc.record({ query: policy, trustProxy: fc.boolean(), referrer: fc.constantFrom('origin' as const, 'full' as const, 'none' as const) });

describe('property: any request encodes to payloads that validate clean', () => {
  it('GA4', () => {
    fc.assert(
      fc.property(fc.array(requestInfo, { minLength: 1, maxLength: 30 }), contextOptions, (infos, options) => {
        const context = resolveHitOptions({ hashKey: TEST_KEY, now: () => T0, ...options }, {});
        const { requests, rejected } = encodeGa4(infos.map((info) => toHit(info, context)), { nowMs: T0 });
        assert.equal(rejected.length, 0);
        for (const request of requests) assert.deepEqual(validateGa4(request.body, { nowMs: T0 }).validationMessages, []);
      }),
      RUNS,
    );
  });

  it('UA', () => {
    fc.assert(
      fc.property(fc.array(requestInfo, { minLength: 1, maxLength: 30 }), contextOptions, (infos, options) => {
        const context = resolveHitOptions({ hashKey: TEST_KEY, now: () => T0, ...options }, {});
        const { requests } = encodeUa(infos.map((info) => toHit(info, context)), { trackingId: 'UA-1234-1', nowMs: T0 });
        for (const request of requests) {
          for (const result of validateUa(request.body, { nowMs: T0 }).hitParsingResult) {
            assert.ok(result.valid, JSON.stringify(result.parserMessage));
          }
        }
      }),
      RUNS,
    );
  });
});

describe('property: the GA4 event written from cached pieces is the one JSON.stringify writes (issue 14)', () => {
  it('byte for byte, for any request, with and without a referrer, extra parameters or debug mode', () => {
    fc.assert(
      fc.property(fc.array(requestInfo, { minLength: 1, maxLength: 10 }), contextOptions, fc.boolean(), (infos, options, debugMode) => {
        const context = resolveHitOptions({ hashKey: TEST_KEY, now: () => T0, ...options }, {});
        for (const info of infos) {
          const hit = toHit(info, context);
          const micros = Math.min(Math.floor(hit.timestampMs * 1000), T0 * 1000);
          // Twice: the second time from the remembered pieces.
          const expected = JSON.stringify(toEvent(hit, T0, debugMode));
          for (let round = 0; round < 2; round++) {
            const text = eventText(hit, micros, T0, debugMode);
            assert.equal(text, expected);
            assert.equal(text.length + written.extraBytes, utf8Length(expected), 'its UTF-8 size, counted without flattening');
          }
        }
      }),
      RUNS,
    );
  });
});

describe('property: secrets never leave', () => {
  const secretValue = fc.stringMatching(/^[A-Za-z0-9]{10,16}$/).map((core) => `zQ${core}Qz`);
  it('no value of a sensitive query parameter, no client IP, no raw user id, under any policy', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SENSITIVE), secretValue, policy, fc.ipV4(), secretValue, path, (name, value, query, ip, userId, p) => {
        const context = resolveHitOptions({ hashKey: TEST_KEY, now: () => T0, query, referrer: 'full' }, {});
        const info: RequestInfo = {
          method: 'GET',
          url: `${p}?${encodeURIComponent(name)}=${encodeURIComponent(value)}&page=2`,
          clientIp: ip,
          userId,
          headers: { host: 'api.example.com', referrer: `https://app.example.com/x?${name}=${value}` },
        };
        const hit = toHit(info, context);
        const bodies = [
          ...encodeGa4([hit], { nowMs: T0 }).requests.map((r) => r.body),
          ...encodeUa([hit], { trackingId: 'UA-1234-1', nowMs: T0 }).requests.map((r) => r.body),
        ];
        for (const body of bodies) {
          const decoded = decodeLoosely(body);
          assert.ok(!body.includes(value) && !decoded.includes(value), `value of ${name} leaked`);
          assert.ok(!body.includes(ip) && !decoded.includes(ip), 'client IP leaked');
          assert.ok(!decoded.includes(userId), 'raw user id leaked');
        }
      }),
      RUNS,
    );
  });
});

/** Decodes every valid escape and leaves the rest, so a leak hidden behind encoding shows. */
function decodeLoosely(body: string): string {
  return body.replace(/\+/g, ' ').replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
