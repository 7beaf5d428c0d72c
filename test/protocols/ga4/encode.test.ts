import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeGa4 } from '../../../src/protocols/ga4/encode.js';
import { validateGa4 } from '../../../src/protocols/ga4/validate.js';
import { utf8Length } from '../../../src/internal/text.js';
import { FULL_HIT, MINIMAL_HIT, hitAt } from '../../helpers/hits.js';
import { T0 } from '../../helpers/context.js';

const NOW = T0 + 1000;

describe('encodeGa4: golden payloads', () => {
  it('encodes a full hit exactly', () => {
    const { requests } = encodeGa4([FULL_HIT], { nowMs: NOW });
    assert.equal(
      requests[0]?.body,
      '{"client_id":"1234567890.1795953600","user_id":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","timestamp_micros":1795953600000000,"user_agent":"curl/8.5.0","events":[{"name":"page_view","timestamp_micros":1795953600000000,"params":{"page_location":"https://api.example.com/v1/users/:id?fields","page_title":"GET /v1/users/:id","page_referrer":"https://app.example.com","session_id":1795953600,"engagement_time_msec":12,"api_route":"/v1/users/:id","api_method":"GET","http_status":200,"duration_ms":12.346,"data_source":"api","hit_id":"k3j9x0a1bq-1z"}}]}',
    );
  });

  it('encodes a minimal hit exactly (engagement_time_msec is at least 1)', () => {
    const { requests } = encodeGa4([MINIMAL_HIT], { nowMs: NOW });
    assert.equal(
      requests[0]?.body,
      '{"client_id":"42.1795953600","timestamp_micros":1795953600000000,"events":[{"name":"page_view","timestamp_micros":1795953600000000,"params":{"page_location":"http://unknown.invalid/(unmatched)","page_title":"POST (unmatched)","session_id":1795953600,"engagement_time_msec":1,"api_route":"(unmatched)","api_method":"POST","http_status":0,"duration_ms":0,"data_source":"api","hit_id":"k3j9x0a1bq-0"}}]}',
    );
  });

  it('adds debug_mode when asked', () => {
    const { requests } = encodeGa4([MINIMAL_HIT], { nowMs: NOW, debugMode: true });
    assert.equal(requests[0]?.payload.events[0]?.params.debug_mode, true);
    assert.deepEqual(validateGa4(requests[0]?.body, { nowMs: NOW }).validationMessages, []);
  });
});

describe('encodeGa4: batching', () => {
  it('groups by client id, user id and user agent, keeping order within a group', () => {
    const hits = [hitAt(1), hitAt(2, { clientId: '9.9' }), hitAt(3), hitAt(4, { userAgent: 'other' }), hitAt(5, { clientId: '9.9' })];
    const { requests } = encodeGa4(hits, { nowMs: NOW });
    assert.deepEqual(
      requests.map((request) => request.hits.map((hit) => hit.timestampMs - T0)),
      [[1, 3], [2, 5], [4]],
    );
    assert.equal(requests[1]?.payload.client_id, '9.9');
    assert.equal(requests[2]?.payload.user_agent, 'other');
  });

  it('splits at 25 events per request', () => {
    const hits = Array.from({ length: 60 }, (_, i) => hitAt(i));
    const { requests } = encodeGa4(hits, { nowMs: NOW });
    assert.deepEqual(requests.map((request) => request.payload.events.length), [25, 25, 10]);
    assert.equal(requests.flatMap((request) => request.hits).length, 60);
  });

  it('splits before 130 000 bytes, counting UTF-8 bytes', () => {
    // 100 control characters take 600 bytes as JSON escapes: 14 of them make ~8.4 kB an event.
    const wide = '\u0001'.repeat(100);
    const params = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`extra_${i}`, wide]));
    const hits = Array.from({ length: 25 }, (_, i) => hitAt(i, { params }));
    const { requests } = encodeGa4(hits, { nowMs: NOW });
    assert.ok(requests.length >= 2, `expected a split, got ${requests.length} request(s)`);
    for (const request of requests) {
      assert.ok(utf8Length(request.body) < 130_000, `body of ${utf8Length(request.body)} bytes`);
      assert.deepEqual(validateGa4(request.body, { nowMs: NOW }).validationMessages, []);
    }
    assert.equal(requests.reduce((sum, request) => sum + request.hits.length, 0), 25);
  });

  it('honours a lower byte limit', () => {
    const { requests } = encodeGa4(Array.from({ length: 10 }, (_, i) => hitAt(i)), { nowMs: NOW, maxBodyBytes: 2000 });
    assert.ok(requests.length > 1);
    for (const request of requests) assert.ok(utf8Length(request.body) < 2000);
  });
});

describe('encodeGa4: time', () => {
  it('rejects hits older than 72 h (less a 10 min margin) as stale', () => {
    const hour = 3_600_000;
    const old = hitAt(-72 * hour);
    const recent = hitAt(-71 * hour);
    const { requests, rejected } = encodeGa4([old, recent], { nowMs: T0 });
    assert.deepEqual(rejected, [{ hit: old, reason: 'stale' }]);
    assert.equal(requests[0]?.hits[0], recent);
  });

  it('never stamps a hit in the future of the send time', () => {
    const { requests } = encodeGa4([hitAt(60_000)], { nowMs: T0 });
    assert.equal(requests[0]?.payload.timestamp_micros, T0 * 1000);
  });
});

describe('encodeGa4: limits', () => {
  it('cuts values to their limits without splitting escapes or characters', () => {
    const hit = hitAt(0, {
      location: `https://api.example.com/${'%C3%A9'.repeat(400)}`,
      title: '\u{1F600}'.repeat(400),
      referrer: `https://r.example.com/${'a'.repeat(1000)}`,
      route: `/${'r'.repeat(300)}`,
    });
    const params = encodeGa4([hit], { nowMs: NOW }).requests[0]?.payload.events[0]?.params ?? {};
    assert.ok(String(params.page_location).length <= 1000);
    assert.match(String(params.page_location), /(%C3%A9)$/);
    assert.ok(String(params.page_title).length <= 300);
    assert.doesNotThrow(() => encodeURIComponent(String(params.page_title)), 'no lone surrogate');
    assert.ok(String(params.page_referrer).length <= 420);
    assert.equal(String(params.api_route).length, 100);
  });

  it('sanitises extra parameter names, never overwrites built-ins, and stops at 25 params', () => {
    const params = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`custom ${i}`, i]));
    const hit = hitAt(0, { params: { page_title: 'override', _private: 'x', 'ga_thing': 'y', flag: true, ...params } });
    const out = encodeGa4([hit], { nowMs: NOW }).requests[0]?.payload.events[0]?.params ?? {};
    assert.equal(Object.keys(out).length, 25);
    assert.equal(out.page_title, 'GET /v1/users/:id');
    assert.equal(out.private, 'x');
    assert.equal(out.thing, 'y');
    assert.equal(out.flag, 'true');
    assert.equal(out.custom_0, 0);
  });
});
