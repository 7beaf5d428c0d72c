import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Hit } from '../../src/core/hit.js';
import { ingestGa4 } from '../../src/collector/ingest-ga4.js';
import { ingestUa } from '../../src/collector/ingest-ua.js';
import { encodeGa4 } from '../../src/protocols/ga4/encode.js';
import { encodeUa } from '../../src/protocols/ua/encode.js';
import { T0 } from '../helpers/context.js';
import { FULL_HIT, MINIMAL_HIT, hitAt } from '../helpers/hits.js';

const IDS = new URLSearchParams({ measurement_id: 'G-TEST123', api_secret: 's3cret' });
const bytes = (text: string): Uint8Array => Buffer.from(text);

describe('GA4 ingestion', () => {
  it('reads back what the encoder wrote: route, method, status, duration, client, user, title, host, time', () => {
    const [request] = encodeGa4([FULL_HIT, hitAt(1500, { route: '/v1/orders', method: 'POST', status: 503, durationMs: 80.5, title: 'POST /v1/orders', hitId: 'k3j9x0a1bq-2' })], { nowMs: T0 + 2000 }).requests;
    assert.ok(request);
    const result = ingestGa4(bytes(request.body), IDS, { nowMs: T0 + 2000 });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.hits, [
      { timeMs: T0, protocol: 'ga4', method: 'GET', route: '/v1/users/:id', client: FULL_HIT.clientId, eventName: 'page_view', status: 200, durationMs: 12.346, userId: FULL_HIT.userId, title: 'GET /v1/users/:id', host: 'api.example.com', hitId: 'k3j9x0a1bq-1z' },
      { timeMs: T0 + 1500, protocol: 'ga4', method: 'POST', route: '/v1/orders', client: FULL_HIT.clientId, eventName: 'page_view', status: 503, durationMs: 80.5, userId: FULL_HIT.userId, title: 'POST /v1/orders', host: 'api.example.com', hitId: 'k3j9x0a1bq-2' },
    ]);
  });

  it('takes hit_id when it is 1 to 100 printable ASCII characters, whoever sent it, and ignores anything else (a longer one is dropped, not cut: a cut id could merge two hits)', () => {
    const ids: [unknown, string | undefined][] = [
      ['k3j9x0a1bq-1z', 'k3j9x0a1bq-1z'],
      ['order-42/retry', 'order-42/retry'],
      ['x'.repeat(100), 'x'.repeat(100)],
      ['', undefined],
      ['has space', undefined],
      ['caf\u00e9', undefined],
      [12345, undefined],
    ];
    const events = ids.map(([hitId]) => ({ name: 'page_view', params: { api_route: '/x', hit_id: hitId } }));
    const result = ingestGa4(bytes(JSON.stringify({ client_id: '1.2', events })), IDS, { nowMs: T0 });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.hits.map((hit) => hit.hitId), ids.map(([, expected]) => expected));
    assert.deepEqual(result.hits.map((hit) => 'hitId' in hit), ids.map(([, expected]) => expected !== undefined));
    const tooLong = JSON.stringify({ client_id: '1.2', events: [{ name: 'page_view', params: { hit_id: 'x'.repeat(101) } }] });
    const kept = ingestGa4(bytes(tooLong), IDS, { nowMs: T0 });
    assert.ok(kept.ok);
    assert.deepEqual([kept.hits.length, kept.hits[0]?.hitId, kept.leniency?.droppedParams], [1, undefined, 1]);
  });

  it('takes a route from page_location when a client other than Footfall sends no api_route', () => {
    const body = JSON.stringify({ client_id: '1.2', events: [{ name: 'page_view', params: { page_location: 'https://shop.example/cart?x=1' } }, { name: 'sign_up' }] });
    const result = ingestGa4(bytes(body), IDS, { nowMs: T0 });
    assert.ok(result.ok);
    assert.deepEqual(result.hits.map((hit) => [hit.method, hit.route, hit.timeMs, hit.status]), [['GET', '/cart', T0, undefined], ['GET', '(sign_up)', T0, undefined]]);
  });

  it('refuses requests without ids, with another secret, too large, not UTF-8, or invalid — and says why', () => {
    const [request] = encodeGa4([MINIMAL_HIT], { nowMs: T0 }).requests;
    assert.ok(request);
    const cases: [Uint8Array, URLSearchParams, string | undefined, number, RegExp][] = [
      [bytes(request.body), new URLSearchParams({ api_secret: 's' }), undefined, 400, /missing measurement_id/],
      [bytes(request.body), new URLSearchParams({ measurement_id: 'G-X' }), undefined, 400, /missing api_secret/],
      [bytes(request.body), IDS, 'another-secret', 403, /does not match/],
      [new Uint8Array(130_001).fill(32), IDS, undefined, 413, /130001 bytes.*130000/],
      [Uint8Array.from([0x7b, 0xff, 0x7d]), IDS, undefined, 400, /not valid UTF-8/],
      [bytes('{"client_id":"1.2","events":[]}'), IDS, undefined, 400, /invalid Measurement Protocol payload \(1 problem/],
      [bytes('{"client_id":'), IDS, undefined, 400, /invalid Measurement Protocol payload/],
    ];
    for (const [body, query, apiSecret, status, message] of cases) {
      const result = ingestGa4(body, query, apiSecret === undefined ? { nowMs: T0 } : { nowMs: T0, apiSecret });
      assert.equal(result.ok, false);
      if (result.ok) continue;
      assert.equal(result.status, status, result.error);
      assert.match(result.error, message);
      assert.doesNotMatch(result.error, /s3cret|another-secret/);
    }
  });

  it('reads each event\'s time as Google does: its own, the request\'s, receipt; RELAXED moves old ones to 72 h back and unreadable or future ones to receipt', () => {
    const HOUR = 3_600_000;
    const at = (ms: number): number => ms * 1000;
    const events = [
      { name: 'page_view', params: { api_route: '/own' }, timestamp_micros: at(T0 - HOUR) },
      { name: 'page_view', params: { api_route: '/request' } },
      { name: 'page_view', params: { api_route: '/old' }, timestamp_micros: at(T0 - 100 * HOUR) },
      { name: 'page_view', params: { api_route: '/future' }, timestamp_micros: at(T0 + HOUR) },
      { name: 'page_view', params: { api_route: '/unreadable' }, timestamp_micros: 'yesterday' },
      { name: '_dropped', timestamp_micros: at(T0 - 100 * HOUR) },
    ];
    const result = ingestGa4(bytes(JSON.stringify({ client_id: '1.2', timestamp_micros: at(T0 - 2 * HOUR), events })), IDS, { nowMs: T0 });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.hits.map((hit) => [hit.route, hit.timeMs]), [
      ['/own', T0 - HOUR], ['/request', T0 - 2 * HOUR], ['/old', T0 - 72 * HOUR], ['/future', T0], ['/unreadable', T0],
    ]);
    // The dropped event's timestamp is not counted as rewritten: it was never read.
    assert.deepEqual(result.leniency, { cutValues: 0, droppedParams: 0, droppedEvents: 1, rewrittenTimestamps: 3 });
  });

  it('accepts the right secret when the collector has one', () => {
    const [request] = encodeGa4([MINIMAL_HIT], { nowMs: T0 }).requests;
    assert.ok(request);
    assert.equal(ingestGa4(bytes(request.body), IDS, { nowMs: T0, apiSecret: 's3cret' }).ok, true);
  });

  it('a malformed request (no client id) carries the validator messages and yields no hits at all', () => {
    const body = JSON.stringify({ client_id: '', events: [{ name: 'page_view', params: { api_route: '/ok' } }] });
    const result = ingestGa4(bytes(body), IDS, { nowMs: T0 });
    assert.equal(result.ok, false);
    if (result.ok) return;
    const details = result.details as { validationMessages: { validationCode: string }[] };
    assert.equal(details.validationMessages[0]?.validationCode, 'VALUE_REQUIRED');
  });
});

describe('UA v1 ingestion', () => {
  it('reads back what the encoder wrote, method and route from the title and path, time from qt', () => {
    const anonymous: { -readonly [K in keyof Hit]?: Hit[K] } = { ...hitAt(2000, { route: '/v1/orders', method: 'DELETE', path: '/v1/orders', title: 'DELETE /v1/orders' }) };
    delete anonymous.userId;
    const { requests } = encodeUa([FULL_HIT, anonymous as Hit], { trackingId: 'UA-1-1', nowMs: T0 + 5000 });
    const [request] = requests;
    assert.ok(request);
    assert.equal(request.path, '/batch');
    const result = ingestUa(bytes(request.body), true, T0 + 5000);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.hits.map((hit) => [hit.timeMs, hit.method, hit.route, hit.client, hit.userId, hit.title, hit.host]), [
      [T0, 'GET', '/v1/users/:id', FULL_HIT.clientId, FULL_HIT.userId, 'GET /v1/users/:id', 'api.example.com'],
      [T0 + 2000, 'DELETE', '/v1/orders', FULL_HIT.clientId, undefined, 'DELETE /v1/orders', 'api.example.com'],
    ]);
  });

  it('takes z as the hit id only in Footfall\'s form: the random numbers of other v1 clients collide', () => {
    const line = (z: string | undefined) => `v=1&tid=UA-1-1&cid=1.2&t=pageview&dl=https%3A%2F%2Fapi.example.com%2Fx${z === undefined ? '' : `&z=${encodeURIComponent(z)}`}`;
    const zs: [string | undefined, string | undefined][] = [
      ['k3j9x0a1bq-1z', 'k3j9x0a1bq-1z'],
      ['0000000000-0', '0000000000-0'],
      ['1073741824', undefined],
      ['289372387623', undefined],
      ['K3J9X0A1BQ-1Z', undefined],
      ['k3j9x0a1bq-', undefined],
      ['k3j9x0a1bq-123456789abc', undefined],
      [undefined, undefined],
    ];
    const result = ingestUa(bytes(zs.map(([z]) => line(z)).join('\n')), true, T0);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.hits.map((hit) => hit.hitId), zs.map(([, expected]) => expected));
  });

  it('refuses invalid hits (with /debug/collect\'s answer), several lines on /collect, too many or too large', () => {
    const good = 'v=1&tid=UA-1-1&cid=1.2&t=pageview&dp=%2Fx';
    const cases: [string, boolean, number, RegExp][] = [
      ['v=1&t=pageview&dp=%2Fx', false, 400, /1 of 1 hits are invalid/],
      [`${good}\n${good}`, false, 400, /one hit, got 2 lines/],
      [Array.from({ length: 21 }, () => good).join('\n'), true, 413, /batch has 21 hits/],
      [`${good}&dt=${'a'.repeat(8200)}`, false, 413, /8192 bytes/],
      ['', true, 400, /empty payload/],
    ];
    for (const [body, batch, status, message] of cases) {
      const result = ingestUa(bytes(body), batch, T0);
      assert.equal(result.ok, false, body.slice(0, 40));
      if (result.ok) continue;
      assert.equal(result.status, status, result.error);
      assert.match(result.error, message);
    }
  });
});
