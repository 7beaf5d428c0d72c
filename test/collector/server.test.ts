import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { createFaults, resolveFaults } from '../../src/collector/faults.js';
import type { Collector } from '../../src/collector/server.js';
import { startCollector } from '../../src/collector/server.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { isFootfallError } from '../../src/errors.js';
import { encodeGa4 } from '../../src/protocols/ga4/encode.js';
import { validateGa4 } from '../../src/protocols/ga4/validate.js';
import { encodeUa } from '../../src/protocols/ua/encode.js';
import { validateUa } from '../../src/protocols/ua/validate.js';
import { T0 } from '../helpers/context.js';
import { FULL_HIT, hitAt } from '../helpers/hits.js';
import { waitFor } from '../helpers/tracker.js';

const IDS = 'measurement_id=G-TEST123&api_secret=s3cret';
const JSON_TYPE = { 'content-type': 'application/json' };

let lastHitId = 0;
/** A hit id in Footfall's form not used before in this file (a collector stores each hit id once). */
function freshHitId(): string {
  return `servertest-${(lastHitId++).toString(36)}`;
}

/** A GA4 body of `count` hits made at `nowMs` (hits older than 72 h are stale to the encoder and to a collector on the real clock). */
function ga4Body(count = 2, nowMs = T0): string {
  const hits = Array.from({ length: count }, (_, i) => hitAt(nowMs - T0 + i * 10, { route: `/v1/r${i % 3}`, hitId: freshHitId() }));
  const [first] = encodeGa4(hits, { nowMs }).requests;
  assert.ok(first);
  return first.body;
}

async function send(url: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(url, options);
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('collector over real HTTP', () => {
  let collector: Collector;
  const lines: string[] = [];
  const clock = createManualClock(T0 + 1000);
  before(async () => {
    collector = await startCollector({ port: 0, memory: true, log: (line) => lines.push(line), clock });
  });
  after(() => collector.close());

  it('POST /mp/collect stores a GA4 request and answers 204 like Google; each hit is printed on one line', async () => {
    const before = await collector.store.count();
    const response = await send(`${collector.url}/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body: ga4Body(3) });
    assert.equal(response.status, 204);
    assert.equal(await collector.store.count(), before + 3);
    const printed = lines.slice(-3);
    assert.match(printed[0] ?? '', /ga4 {2}1234567890\.1795953600 +GET \/v1\/r0 +200 +12\.3 ms {2}"GET \/v1\/users\/:id"/);
    const hits = (await send(`${collector.url}/api/hits?limit=3`)).json().hits as { route: string }[];
    assert.deepEqual(hits.map((hit) => hit.route).sort(), ['/v1/r0', '/v1/r1', '/v1/r2']);
  });

  it('takes /mp/collect under any host (the regional form), so FOOTFALL_ENDPOINT alone is enough', async () => {
    const response = await send(`${collector.url}/mp/collect?${IDS}`, { method: 'POST', headers: { ...JSON_TYPE, host: 'region1.google-analytics.com' }, body: ga4Body(1) });
    assert.equal(response.status, 204);
  });

  it('/debug/mp/collect answers exactly what validateGa4 says, and stores nothing', async () => {
    const count = await collector.store.count();
    for (const body of [ga4Body(2), '{"client_id":"1.2","events":[{"name":"_x","params":{"a b":1}}]}', '{nope', '[]']) {
      const response = await send(`${collector.url}/debug/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body });
      assert.equal(response.status, 200);
      assert.deepEqual(response.json(), validateGa4(body, { nowMs: clock.now() }));
    }
    assert.equal(await collector.store.count(), count);
  });

  it('UA v1: GET /collect, POST /batch store; /debug/collect answers exactly what validateUa says', async () => {
    const { requests } = encodeUa([{ ...FULL_HIT, hitId: freshHitId() }, hitAt(5, { hitId: freshHitId() })], { trackingId: 'UA-1-1', nowMs: T0 + 1000 });
    const batch = requests[0];
    assert.ok(batch);
    const count = await collector.store.count();
    const single = batch.body.split('\n')[0] ?? '';
    const got = await send(`${collector.url}/collect?${single}`);
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'image/gif');
    const duplicates = collector.stats().duplicateHits;
    const posted = await send(`${collector.url}/batch`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: batch.body });
    assert.equal(posted.status, 200);
    // The batch's first line is the hit /collect stored already (same cid and z): only the second is new.
    assert.equal(await collector.store.count(), count + 2);
    assert.equal(collector.stats().duplicateHits, duplicates + 1);
    for (const payload of [single, 'v=1&t=pageview', 'tid=UA-1-1&v=2']) {
      const debug = await send(`${collector.url}/debug/collect?${payload}`);
      // The payload is validated as sent, not re-encoded (POST and GET read it alike).
      assert.deepEqual(debug.json(), validateUa(payload, { single: true }));
    }
    assert.equal(await collector.store.count(), count + 2);
  });

  it('refuses bad requests with a 4xx that says why, and stores none of them', async () => {
    const count = await collector.store.count();
    const cases: [string, Parameters<typeof request>[1], number, RegExp][] = [
      [`/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body: '{"client_id": "1.2", "events": [' }, 400, /invalid Measurement Protocol payload/],
      [`/mp/collect?${IDS}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: ga4Body() }, 415, /content-type "application\/x-www-form-urlencoded" is not accepted/],
      [`/mp/collect?${IDS}`, { method: 'GET' }, 405, /takes POST, got GET/],
      [`/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body: 'x'.repeat(200_000) }, 413, /130000 bytes/],
      ['/mp/collect?api_secret=x', { method: 'POST', headers: JSON_TYPE, body: ga4Body() }, 400, /missing measurement_id/],
      [`/mp/collect?${IDS}&sleep=abc`, { method: 'POST', headers: JSON_TYPE, body: ga4Body() }, 400, /\?sleep= must be a number of seconds/],
      ['/batch', { method: 'POST', body: 'v=1&t=pageview' }, 400, /hits are invalid/],
      ['/nowhere', { method: 'GET' }, 404, /nothing at \/nowhere/],
    ];
    for (const [path, options, status, message] of cases) {
      const response = await send(`${collector.url}${path}`, options);
      assert.equal(response.status, status, `${path}: ${response.text}`);
      assert.match(String(response.json().error), message);
    }
    assert.equal(await collector.store.count(), count);
  });

  it('answers 413 to a chunked body that grows past the limit without reading it all', async () => {
    const port = new URL(collector.url).port;
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.write(`POST /mp/collect?${IDS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = 'a'.repeat(65_536);
    for (let i = 0; i < 3; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    await waitFor(() => answer.includes('\r\n\r\n'), 'the 413 answer');
    socket.destroy();
    assert.match(answer, /^HTTP\/1\.1 413/);
  });

  it('the query API checks its parameters', async () => {
    for (const [path, message] of [
      ['/api/endpoints?since=yesterday', /\?since= expected a duration like 30d/],
      ['/api/endpoints?since=1h&until=2h', /\?until= must be later than \?since=/],
      ['/api/hits?limit=0', /\?limit= must be a whole number from 1 to 1000/],
      ['/api/timeseries?bucket=1x', /\?bucket= must be a width like 1m/],
      ['/api/nothing', /no such API: \/api\/nothing/],
    ] as const) {
      const response = await send(`${collector.url}${path}`);
      assert.equal(response.status, 400 + (path === '/api/nothing' ? 4 : 0), response.text);
      assert.match(String(response.json().error), message);
    }
    const wrongType = await send(`${collector.url}/api/routes`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '[]' });
    assert.equal(wrongType.status, 415);
  });

  it('/api/timeseries counts per bucket, and an open ?since= means the last 30 days', async () => {
    const old = { timeMs: T0 - 40 * 86_400_000, protocol: 'ga4' as const, method: 'GET', route: '/v1/ancient', client: '9.9', eventName: 'page_view' };
    await collector.store.insert([old, { ...old, timeMs: T0 - 3_600_000, route: '/v1/recent' }, { ...old, timeMs: T0 - 3_500_000, route: '/v1/recent' }], T0);
    const body = (await send(`${collector.url}/api/timeseries?bucket=1h&route=/v1/recent`)).json() as { bucketMs: number; series: { route: string; points: [number, number][] }[] };
    assert.equal(body.bucketMs, 3_600_000);
    assert.deepEqual(body.series.map((series) => [series.route, series.points.reduce((sum, [, hits]) => sum + hits, 0)]), [['/v1/recent', 2]]);
    const all = (await send(`${collector.url}/api/timeseries?bucket=1d`)).json() as { series: { route: string }[] };
    assert.equal(all.series.some((series) => series.route === '/v1/ancient'), false);
    const longAgo = (await send(`${collector.url}/api/timeseries?bucket=1d&since=60d`)).json() as { series: { route: string }[] };
    assert.equal(longAgo.series.some((series) => series.route === '/v1/ancient'), true);
  });

  it('POST /api/routes takes what listRoutes(app) returns; declared routes without hits are listed as unused', async () => {
    const routes = [{ method: 'GET', path: '/v1/r0' }, { method: 'DELETE', path: '/v1/never' }];
    const posted = await send(`${collector.url}/api/routes`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(routes) });
    assert.equal(posted.status, 200, posted.text);
    const report = (await send(`${collector.url}/api/endpoints`)).json() as { unused: { method: string; route: string }[]; declared: number };
    assert.deepEqual(report.unused, [{ method: 'DELETE', route: '/v1/never' }]);
    assert.equal(report.declared, 2);
    const bad = await send(`${collector.url}/api/routes`, { method: 'POST', headers: JSON_TYPE, body: '[42]' });
    assert.equal(bad.status, 400);
  });
});

describe('collector fault injection over HTTP', () => {
  it('fails exactly the requests the seeded draws say, with the status and Retry-After asked for', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', failRate: 0.3, status: 429, retryAfterS: 9, seed: 1234 });
    try {
      const expected = createFaults(resolveFaults({ failRate: 0.3, status: 429, retryAfterS: 9, seed: 1234 }));
      let failures = 0;
      for (let i = 0; i < 200; i++) {
        const fate = expected.decide(0);
        const response = await send(`${collector.url}/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body: ga4Body(1, Date.now()) });
        assert.equal(response.status, fate.failStatus ?? 204, `request ${i}`);
        if (fate.failStatus !== undefined) {
          failures++;
          assert.equal(response.headers['retry-after'], '9');
        }
      }
      assert.ok(failures > 40 && failures < 80, `${failures} of 200 failed`);
      assert.equal(collector.stats().faults, failures);
      assert.equal(await collector.store.count(), 200 - failures);
    } finally {
      await collector.close();
    }
  });

  it('holds a hanging request until its time passes on the clock, and ?sleep= delays one request', async () => {
    const clock = createManualClock(T0);
    const collector = await startCollector({ port: 0, memory: true, output: 'none', hangRate: 1, hangMs: 20_000, seed: 1, clock });
    try {
      let status = 0;
      const pending = send(`${collector.url}/mp/collect?${IDS}&sleep=2`, { method: 'POST', headers: JSON_TYPE, body: ga4Body(1) }).then((r) => (status = r.status));
      await waitFor(() => clock.pending === 1, 'the request to be held');
      clock.advance(21_999);
      assert.equal(status, 0);
      assert.equal(await collector.store.count(), 0);
      clock.advance(1);
      await pending;
      assert.equal(status, 204);
      assert.equal(await collector.store.count(), 1);
    } finally {
      await collector.close();
    }
  });

  it('close() answers nothing more and cancels held requests; a client gone while held leaves nothing stored', async () => {
    const clock = createManualClock(T0);
    const collector = await startCollector({ port: 0, memory: true, output: 'none', hangRate: 1, seed: 1, clock });
    const controller = new AbortController();
    const abandoned = request(`${collector.url}/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body: ga4Body(1), signal: controller.signal }).catch(() => 'aborted');
    await waitFor(() => clock.pending === 1, 'the request to be held');
    controller.abort();
    assert.equal(await abandoned, 'aborted');
    await waitFor(() => clock.pending === 0, 'the held request to be dropped');
    const held = request(`${collector.url}/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body: ga4Body(1) }).catch(() => 'closed');
    await waitFor(() => clock.pending === 1, 'the second request to be held');
    await collector.close();
    assert.equal(await held, 'closed');
    assert.equal(clock.pending, 0);
  });
});

describe('collector access', () => {
  it('refuses to listen beyond loopback without a token or --insecure', async () => {
    await assert.rejects(startCollector({ host: '0.0.0.0', port: 0, memory: true }), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_UNSAFE_LISTEN');
  });

  it('with a token, /api/* needs it as a bearer token; ingestion and the page itself do not', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', token: 'tok-123' });
    try {
      const denied = await send(`${collector.url}/api/endpoints`);
      assert.equal(denied.status, 401);
      assert.match(String(denied.json().error), /#token=/);
      assert.doesNotMatch(denied.text, /tok-123/);
      assert.equal((await send(`${collector.url}/api/endpoints`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
      assert.equal((await send(`${collector.url}/api/endpoints`, { headers: { authorization: 'Bearer tok-123' } })).status, 200);
      assert.equal((await send(`${collector.url}/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body: ga4Body(1, Date.now()) })).status, 204);
      assert.equal((await send(`${collector.url}/`)).status, 200);
    } finally {
      await collector.close();
    }
  });

  it('with --api-secret, GA4 hits carrying another secret get 403 and are not stored', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', apiSecret: 'right' });
    try {
      const wrong = await send(`${collector.url}/mp/collect?measurement_id=G-X&api_secret=wrong`, { method: 'POST', headers: JSON_TYPE, body: ga4Body(1, Date.now()) });
      assert.equal(wrong.status, 403);
      assert.equal(await collector.store.count(), 0);
      const right = await send(`${collector.url}/mp/collect?measurement_id=G-X&api_secret=right`, { method: 'POST', headers: JSON_TYPE, body: ga4Body(1, Date.now()) });
      assert.equal(right.status, 204);
    } finally {
      await collector.close();
    }
  });
});
