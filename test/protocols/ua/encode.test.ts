import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Hit } from '../../../src/core/hit.js';
import { encodeUa } from '../../../src/protocols/ua/encode.js';
import { validateUa } from '../../../src/protocols/ua/validate.js';
import { T0 } from '../../helpers/context.js';
import { FULL_HIT, MINIMAL_HIT } from '../../helpers/hits.js';

const NOW = T0 + 1500;
const TID = 'UA-12345-1';
const FIXED = { trackingId: TID, nowMs: NOW };
const FOUR_HOURS = 4 * 60 * 60 * 1000;

const FULL: Hit = FULL_HIT;
const MINIMAL: Hit = { ...MINIMAL_HIT, timestampMs: T0 + 1000 };

const UNICODE: Hit = { ...MINIMAL, timestampMs: T0, title: 'GET /café', userAgent: 'Mozilla/5.0 (X11)' };

const FULL_PAYLOAD =
  'v=1&tid=UA-12345-1&cid=1234567890.1795953600&uid=0f1e2d3c4b5a69788796a5b4c3d2e1f0&t=pageview' +
  '&dl=https%3A%2F%2Fapi.example.com%2Fv1%2Fusers%2F%3Aid%3Ffields&dh=api.example.com' +
  '&dp=%2Fv1%2Fusers%2F%3Aid%3Ffields&dt=GET%20%2Fv1%2Fusers%2F%3Aid&dr=https%3A%2F%2Fapp.example.com' +
  '&ds=api&ua=curl%2F8.5.0&qt=1500&z=k3j9x0a1bq-1z';
const MINIMAL_PAYLOAD =
  'v=1&tid=UA-12345-1&cid=42.1795953600&t=pageview&dl=http%3A%2F%2Funknown.invalid%2F(unmatched)' +
  '&dh=unknown.invalid&dp=%2F(unmatched)&dt=POST%20(unmatched)&ds=api&qt=500&z=k3j9x0a1bq-0';
const UNICODE_PAYLOAD =
  'v=1&tid=UA-12345-1&cid=42.1795953600&t=pageview&dl=http%3A%2F%2Funknown.invalid%2F(unmatched)' +
  '&dh=unknown.invalid&dp=%2F(unmatched)&dt=GET%20%2Fcaf%C3%A9&ds=api&ua=Mozilla%2F5.0%20(X11)&qt=1500&z=k3j9x0a1bq-0';

function at(offsetMs: number, overrides: Partial<Hit> = {}): Hit {
  return { ...FULL, timestampMs: T0 + offsetMs, ...overrides };
}

function assertClean(body: string | undefined): void {
  for (const result of validateUa(body).hitParsingResult) assert.deepEqual(result.parserMessage, [], result.hit);
}

describe('encodeUa: golden payloads', () => {
  it('encodes a full hit as one /collect, parameters in order, z last', () => {
    const { requests, rejected } = encodeUa([FULL], FIXED);
    assert.deepEqual(rejected, []);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.path, '/collect');
    assert.equal(requests[0]?.body, FULL_PAYLOAD);
    assert.deepEqual(requests[0]?.hits, [FULL]);
  });

  it('encodes a minimal hit without uid, dr and ua', () => {
    assert.equal(encodeUa([MINIMAL], FIXED).requests[0]?.body, MINIMAL_PAYLOAD);
  });

  it('encodes non-ASCII titles as UTF-8 and keeps characters encodeURIComponent leaves alone', () => {
    assert.equal(encodeUa([UNICODE], FIXED).requests[0]?.body, UNICODE_PAYLOAD);
  });

  it('joins several hits into one /batch body, in order', () => {
    const { requests } = encodeUa([FULL, MINIMAL, UNICODE], FIXED);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.path, '/batch');
    assert.equal(requests[0]?.body, `${FULL_PAYLOAD}\n${MINIMAL_PAYLOAD}\n${UNICODE_PAYLOAD}`);
    assert.deepEqual(requests[0]?.hits, [FULL, MINIMAL, UNICODE]);
  });

  it('carries the hit id in z, the cache buster Google ignores, so a retry is recognisable', () => {
    const body = encodeUa([{ ...MINIMAL, hitId: 'abcdefghij-7' }], FIXED).requests[0]?.body ?? '';
    assert.match(body, /&z=abcdefghij-7$/);
  });

  it('clamps qt at 0 for hits from the future and makes lone surrogates well-formed', () => {
    const body = encodeUa([at(5000, { title: 'a\uD800b' })], FIXED).requests[0]?.body ?? '';
    assert.match(body, /&dt=a%EF%BF%BDb&/);
    assert.match(body, /&qt=0&z=/);
  });
});

describe('encodeUa: batching', () => {
  it('puts at most 20 hits in a batch; a lone remainder goes to /collect', () => {
    const hits = Array.from({ length: 41 }, (_, i) => at(i));
    const { requests } = encodeUa(hits, FIXED);
    assert.deepEqual(requests.map((r) => [r.path, r.hits.length]), [['/batch', 20], ['/batch', 20], ['/collect', 1]]);
    assert.deepEqual(requests.flatMap((r) => r.hits), hits);
    assert.equal(requests[0]?.body.split('\n').length, 20);
  });

  it('starts a new batch when the next payload would pass 16 384 bytes', () => {
    const hits = Array.from({ length: 30 }, (_, i) => at(i, { title: `${i} ${'x'.repeat(1500)}` }));
    const { requests } = encodeUa(hits, FIXED);
    assert.ok(requests.length > 2);
    assert.deepEqual(requests.flatMap((r) => r.hits), hits);
    requests.forEach((request, i) => {
      assert.ok(Buffer.byteLength(request.body) <= 16_384);
      assert.ok(request.hits.length < 20);
      const next = requests[i + 1]?.body.split('\n')[0];
      if (next !== undefined) assert.ok(request.body.length + 1 + next.length > 16_384);
    });
  });

  it('keeps every payload within 8 192 bytes, even with 10 000-character fields', () => {
    const long = [
      at(0, { title: 'T'.repeat(10_000), userAgent: 'U'.repeat(10_000) }),
      at(1, { title: 'é'.repeat(10_000), userAgent: '😀'.repeat(10_000), referrer: `https://r.example/${'é'.repeat(3000)}` }),
      at(2, { location: `https://api.example.com/${'€'.repeat(5000)}`, title: '/'.repeat(10_000), userAgent: ' '.repeat(10_000) }),
    ];
    for (const hit of long) {
      const body = encodeUa([hit], FIXED).requests[0]?.body ?? '';
      assert.ok(body.length <= 8192, `${body.length} bytes`);
      assert.ok(/&ds=api(&ua=[^&]+)?&qt=\d+&z=[0-9a-z]{10}-[0-9a-z]+$/.test(body), 'ua, qt and z end the payload');
      assertClean(body);
    }
  });

  it('shortens ua first, then dr, then dt, then dl', () => {
    const params = (hit: Hit) => new URLSearchParams(encodeUa([hit], FIXED).requests[0]?.body ?? '');
    const first = params(at(0, { title: 'T'.repeat(10_000), userAgent: 'U'.repeat(10_000) }));
    assert.equal(first.get('dt'), 'T'.repeat(1500));
    assert.ok((first.get('ua')?.length ?? 0) > 1000 && (first.get('ua')?.length ?? 0) < 10_000);
    const second = params(at(0, { title: 'é'.repeat(2000), userAgent: '😀'.repeat(5000), referrer: `https://r.example/${'é'.repeat(3000)}` }));
    assert.equal(second.get('ua'), null);
    assert.equal(second.get('dt'), 'é'.repeat(750));
    assert.ok((second.get('dr')?.length ?? 0) > 100 && (second.get('dr')?.length ?? 0) < 1000);
    const third = params(at(0, { location: `https://a.example/${'€'.repeat(5000)}`, title: '/'.repeat(10_000), userAgent: ' '.repeat(9000) }));
    assert.deepEqual([third.get('ua'), third.get('dr')], [null, null]);
    assert.equal(third.get('dl'), `https://a.example/${'€'.repeat(676)}`);
    assert.ok((third.get('dt')?.length ?? 0) < 1500);
  });

  it('cuts values to their byte limits without splitting a character', () => {
    const body = encodeUa([{ ...MINIMAL, title: 'é'.repeat(2000) }], FIXED).requests[0]?.body ?? '';
    const dt = /&dt=([^&]*)/.exec(body)?.[1] ?? '';
    assert.equal(decodeURIComponent(dt), 'é'.repeat(750));
  });
});

describe('encodeUa: stale hits', () => {
  it('sends hits queued exactly 4 hours and rejects older ones as stale', () => {
    const ok = at(1500 - FOUR_HOURS);
    const stale = at(1500 - FOUR_HOURS - 1);
    const broken = at(0, { timestampMs: Number.NaN });
    const { requests, rejected } = encodeUa([ok, stale, broken], FIXED);
    assert.deepEqual(rejected, [{ hit: stale, reason: 'stale' }, { hit: broken, reason: 'stale' }]);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.path, '/collect');
    assert.match(requests[0]?.body ?? '', /&qt=14400000&/);
  });
});

describe('encodeUa output passes validateUa', () => {
  it('validates every body produced for the fixtures clean', () => {
    const hits = [FULL, MINIMAL, UNICODE, ...Array.from({ length: 25 }, (_, i) => at(i, { title: `t ${'y'.repeat(i * 60)}` }))];
    const { requests } = encodeUa(hits, FIXED);
    for (const request of requests) assertClean(request.body);
  });
});
