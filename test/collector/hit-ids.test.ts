import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import type { IngestRequest } from '../../src/collector/options.js';
import type { Collector } from '../../src/collector/server.js';
import { startCollector } from '../../src/collector/server.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { isFootfallError } from '../../src/errors.js';
import { T0 } from '../helpers/context.js';
import { settle } from '../helpers/sink.js';
import { waitFor } from '../helpers/tracker.js';

/** Nothing cut or dropped: the bodies here are the encoder's, valid under the strict rules. */
const NO_LENIENCY = { cutValues: 0, droppedParams: 0, droppedEvents: 0, rewrittenTimestamps: 0 };

// Hit ids over real HTTP: a body delivered twice (a client that timed out and retried) is
// stored once; hits are counted as duplicates, reports do not change.
const IDS = 'measurement_id=G-TEST123&api_secret=s3cret';
const JSON_TYPE = { 'content-type': 'application/json' };
const TEXT_TYPE = { 'content-type': 'text/plain' };

/** A GA4 body written by hand: one page_view per route, with the given hit ids (none when undefined). */
function ga4Body(nowMs: number, events: readonly [route: string, hitId: string | undefined][], client = '1234567890.1795953600'): string {
  return JSON.stringify({
    client_id: client,
    timestamp_micros: nowMs * 1000,
    events: events.map(([route, hitId]) => ({ name: 'page_view', params: { api_route: route, api_method: 'GET', http_status: 200, duration_ms: 5, ...(hitId === undefined ? {} : { hit_id: hitId }) } })),
  });
}

/** A UA v1 batch line written by hand, with `z` as given. */
function uaLine(route: string, z: string, client = '42.1795953600'): string {
  return new URLSearchParams({ v: '1', tid: 'UA-1-1', cid: client, t: 'pageview', dl: `https://api.example.com${route}`, dt: `GET ${route}`, z }).toString();
}

async function post(url: string, body: string, headers: Record<string, string> = JSON_TYPE) {
  const response = await request(url, { method: 'POST', headers, body });
  await response.body.dump();
  return response.statusCode;
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await request(url);
  return (await response.body.json()) as Record<string, unknown>;
}

describe('collector: hit ids over HTTP', () => {
  let collector: Collector;
  const lines: string[] = [];
  const requests: IngestRequest[] = [];
  const clock = createManualClock(T0);
  before(async () => {
    collector = await startCollector({ port: 0, memory: true, clock, log: (line) => lines.push(line), onRequest: (r) => requests.push(r) });
  });
  after(() => collector.close());

  it('GA4: the same body POSTed twice is stored once; the second counts its hits as duplicates and prints one line for them; an event without an id is stored again', async () => {
    const body = ga4Body(T0, [['/v1/a', 'k3j9x0a1bq-0'], ['/v1/b', 'k3j9x0a1bq-1'], ['/v1/a', undefined]]);
    assert.equal(await post(`${collector.url}/mp/collect?${IDS}`, body), 204);
    assert.equal(await collector.store.count(), 3);
    const report = await getJson(`${collector.url}/api/endpoints`);
    assert.deepEqual((report.endpoints as { route: string; hits: number }[]).map((e) => [e.route, e.hits]), [['/v1/a', 2], ['/v1/b', 1]]);
    const printed = lines.length;
    assert.equal(await post(`${collector.url}/mp/collect?${IDS}`, body), 204, 'a duplicate is answered like any stored request');
    await waitFor(() => requests.length === 2, 'both requests to be over');
    // The event without a hit id cannot be recognised: it is stored again.
    assert.equal(await collector.store.count(), 4);
    assert.deepEqual(collector.stats(), { storedRequests: 2, storedHits: 4, duplicateHits: 2, faults: 0, refused: {}, leniency: NO_LENIENCY });
    // One line for the new hit, one for the two duplicates: a duplicate is never printed as a hit.
    const [newHit, duplicateLine, ...more] = lines.slice(printed);
    assert.match(newHit ?? '', /^\d\d:\d\d:\d\d\.\d{3} {2}ga4 {2}1234567890\.1795953600 +GET \/v1\/a +200/);
    assert.match(duplicateLine ?? '', /^\d\d:\d\d:\d\d\.\d{3} {2}= {2}2 duplicate hits ignored \(hit id already stored\)$/);
    assert.deepEqual(more, []);
    assert.deepEqual(requests.map((r) => [r.status, r.duplicates]), [[204, 0], [204, 2]]);
    const after = await getJson(`${collector.url}/api/endpoints`);
    assert.deepEqual((after.endpoints as { route: string; hits: number }[]).map((e) => [e.route, e.hits]), [['/v1/a', 3], ['/v1/b', 1]]);
    const status = await getJson(`${collector.url}/api/status`);
    assert.deepEqual([status.hits, status.duplicateHits], [4, 2]);
    const hits = (await getJson(`${collector.url}/api/hits?limit=10`)).hits as { hitId?: string }[];
    assert.deepEqual(hits.map((hit) => hit.hitId), [undefined, undefined, 'k3j9x0a1bq-1', 'k3j9x0a1bq-0']);
  });

  it('GA4: a body whose hits are all stored already leaves /api/endpoints and /api/timeseries exactly as they were', async () => {
    const body = ga4Body(T0 - 90 * 60_000, [['/v1/c', 'k3j9x0a1bq-5'], ['/v1/d', 'k3j9x0a1bq-6'], ['/v1/c', 'k3j9x0a1bq-7']]);
    assert.equal(await post(`${collector.url}/mp/collect?${IDS}`, body), 204);
    const read = () => Promise.all([getJson(`${collector.url}/api/endpoints`), getJson(`${collector.url}/api/timeseries?bucket=1h`), getJson(`${collector.url}/api/endpoints?since=${T0 - 2 * 3_600_000}&until=${T0 - 80 * 60_000}`)]);
    const before = await read();
    const printed = lines.length;
    for (let i = 0; i < 3; i++) assert.equal(await post(`${collector.url}/mp/collect?${IDS}`, body), 204);
    assert.deepEqual(await read(), before);
    assert.equal((before[2].endpoints as unknown[]).length, 2, 'the range holds the hits');
    assert.equal(lines.slice(printed).filter((line) => / {2}= {2}3 duplicate hits ignored/.test(line)).length, 3);
    assert.equal(lines.length - printed, 3, 'no hit line for a duplicate');
  });

  it('GA4: the same hit ids from another client are other hits', async () => {
    const before = await collector.store.count();
    assert.equal(await post(`${collector.url}/mp/collect?${IDS}`, ga4Body(T0, [['/v1/a', 'k3j9x0a1bq-0']], '555.666')), 204);
    assert.equal(await collector.store.count(), before + 1);
  });

  it('UA: z in Footfall\'s form is a hit id, stored once across /collect and /batch; random numeric z are never merged', async () => {
    const before = await collector.store.count();
    const duplicates = collector.stats().duplicateHits;
    const footfall = [uaLine('/ua/a', 'uaclient00-0'), uaLine('/ua/b', 'uaclient00-1')];
    assert.equal(await post(`${collector.url}/batch`, footfall.join('\n'), TEXT_TYPE), 200);
    assert.equal((await request(`${collector.url}/collect?${footfall[0] ?? ''}`)).statusCode, 200);
    assert.equal(await post(`${collector.url}/batch`, footfall.join('\n'), TEXT_TYPE), 200);
    assert.equal(await collector.store.count(), before + 2);
    assert.equal(collector.stats().duplicateHits, duplicates + 3);
    // Two v1 clients that happen to draw the same cache buster: both hits are kept.
    const numeric = [uaLine('/ua/c', '1073741824'), uaLine('/ua/c', '1073741824')];
    assert.equal(await post(`${collector.url}/batch`, numeric.join('\n'), TEXT_TYPE), 200);
    assert.equal(await post(`${collector.url}/batch`, numeric.join('\n'), TEXT_TYPE), 200);
    assert.equal(await collector.store.count(), before + 6);
    assert.equal(collector.stats().duplicateHits, duplicates + 3);
  });

  it('--json prints a JSON line for a request\'s duplicates, with their hit ids', async () => {
    const json: string[] = [];
    const other = await startCollector({ port: 0, memory: true, output: 'json', clock, log: (line) => json.push(line) });
    try {
      const body = ga4Body(T0, [['/j', 'jsonjsonjs-0'], ['/j', 'jsonjsonjs-1']]);
      await post(`${other.url}/mp/collect?${IDS}`, body);
      await post(`${other.url}/mp/collect?${IDS}`, ga4Body(T0, [['/j', 'jsonjsonjs-1'], ['/j', 'jsonjsonjs-2']]));
      const parsed = json.map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(parsed.map((line) => line.hitId ?? line.hitIds), ['jsonjsonjs-0', 'jsonjsonjs-1', 'jsonjsonjs-2', ['jsonjsonjs-1']]);
      assert.deepEqual(parsed[3], { receivedMs: T0, duplicateHits: 1, hitIds: ['jsonjsonjs-1'] });
    } finally {
      await other.close();
    }
  });
});

describe('collector: --hang-stores', () => {
  const abandon = (url: string, body: string) => {
    const controller = new AbortController();
    const answer = request(`${url}/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body, signal: controller.signal }).then((r) => r.statusCode, () => 'aborted' as const);
    return { answer, abort: () => controller.abort() };
  };

  it('stores a held request before the hold, answers after it; a client that gives up leaves its hits stored, and its retry is a duplicate', async () => {
    const clock = createManualClock(T0);
    const requests: IngestRequest[] = [];
    const collector = await startCollector({ port: 0, memory: true, output: 'none', hangRate: 1, hangMs: 20_000, hangStores: true, delayMs: 500, seed: 1, clock, onRequest: (r) => requests.push(r) });
    try {
      const body = ga4Body(T0, [['/held', 'hanghangha-0'], ['/held', 'hanghangha-1']]);
      let status: number | string = 'pending';
      const answered = request(`${collector.url}/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body }).then(async (r) => {
        await r.body.dump();
        status = r.statusCode;
      });
      await waitFor(() => clock.pending === 1, 'the delay');
      clock.advance(499);
      assert.equal(await collector.store.count(), 0, 'the delay comes first');
      clock.advance(1);
      await waitFor(async () => await collector.store.count() === 2 && clock.pending === 1, 'the hits to be stored and the hold to start');
      clock.advance(19_999);
      await settle(5);
      assert.equal(status, 'pending', 'still held');
      clock.advance(1);
      await answered;
      assert.equal(status, 204);

      const gaveUp = abandon(collector.url, ga4Body(T0, [['/held', 'hanghangha-2']]));
      await waitFor(() => clock.pending === 1, 'the second request to be delayed');
      clock.advance(500);
      await waitFor(async () => await collector.store.count() === 3 && clock.pending === 1, 'the second request to be stored and held');
      gaveUp.abort();
      assert.equal(await gaveUp.answer, 'aborted');
      await waitFor(() => clock.pending === 0 && requests.length === 2, 'the hold to be dropped');
      assert.equal(await collector.store.count(), 3, 'a client gone during the hold leaves its hits stored');
      assert.deepEqual(requests.map((r) => [r.status, r.duplicates]), [[204, 0], [0, 0]]);

      // The retry of the same body: held again, answered, and nothing new stored.
      const retry = abandon(collector.url, ga4Body(T0, [['/held', 'hanghangha-2']]));
      await waitFor(() => clock.pending === 1, 'the retry to be delayed');
      clock.advance(500);
      await waitFor(() => clock.pending === 1 && collector.stats().duplicateHits === 1, 'the retry to be held');
      clock.advance(20_000);
      assert.equal(await retry.answer, 204);
      assert.equal(await collector.store.count(), 3);
      assert.deepEqual(collector.stats(), { storedRequests: 3, storedHits: 3, duplicateHits: 1, faults: 0, refused: {}, leniency: NO_LENIENCY });
      await waitFor(() => requests.length === 3, 'the retry to be over');
      assert.deepEqual(requests[2]?.duplicates, 1);
      const report = await collector.store.endpoints({});
      assert.deepEqual(report.endpoints.map((e) => [e.route, e.hits]), [['/held', 3]]);
    } finally {
      await collector.close();
    }
  });

  it('with hangStores, an invalid held request is refused after the hold, and stores nothing', async () => {
    const clock = createManualClock(T0);
    const collector = await startCollector({ port: 0, memory: true, output: 'none', hangRate: 1, hangMs: 5_000, hangStores: true, seed: 1, clock });
    try {
      let status: number | string = 'pending';
      const answered = request(`${collector.url}/mp/collect?${IDS}`, { method: 'POST', headers: JSON_TYPE, body: '{"client_id":"1.2","events":[]}' }).then(async (r) => {
        await r.body.dump();
        status = r.statusCode;
      });
      await waitFor(() => clock.pending === 1, 'the hold');
      assert.deepEqual([status, collector.stats().refused], ['pending', { 400: 1 }]);
      clock.advance(5_000);
      await answered;
      assert.equal(status, 400);
      assert.equal(await collector.store.count(), 0);
    } finally {
      await collector.close();
    }
  });

  it('without hangStores, a held request is stored after the hold: a client gone first leaves nothing stored', async () => {
    const clock = createManualClock(T0);
    const collector = await startCollector({ port: 0, memory: true, output: 'none', hangRate: 1, hangMs: 20_000, seed: 1, clock });
    try {
      const gaveUp = abandon(collector.url, ga4Body(T0, [['/held', 'nohangstor-0']]));
      await waitFor(() => clock.pending === 1, 'the hold');
      assert.equal(await collector.store.count(), 0, 'nothing is stored during the hold');
      gaveUp.abort();
      assert.equal(await gaveUp.answer, 'aborted');
      await waitFor(() => clock.pending === 0, 'the hold to be dropped');
      clock.advance(20_000);
      assert.equal(await collector.store.count(), 0);
      assert.deepEqual(collector.stats(), { storedRequests: 0, storedHits: 0, duplicateHits: 0, faults: 0, refused: {}, leniency: NO_LENIENCY });
    } finally {
      await collector.close();
    }
  });

  it('close() during a hold after storing keeps the hits and answers nothing', async () => {
    const clock = createManualClock(T0);
    const collector = await startCollector({ port: 0, memory: true, output: 'none', hangRate: 1, hangStores: true, seed: 1, clock });
    const held = abandon(collector.url, ga4Body(T0, [['/held', 'closeclose-0']]));
    await waitFor(() => collector.stats().storedHits === 1 && clock.pending === 1, 'the request to be stored and held');
    const store = collector.store;
    const hits = (await store.recentHits(5)).map((hit) => hit.hitId);
    await collector.close();
    assert.equal(await held.answer, 'aborted');
    assert.deepEqual(hits, ['closeclose-0']);
    assert.equal(clock.pending, 0);
  });

  it('refuses a hangStores that is not true or false, naming the option', async () => {
    for (const value of ['yes', 1, null]) {
      await assert.rejects(startCollector({ port: 0, memory: true, hangStores: value as unknown as boolean }), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_OPTION' && /hangStores/.test(error.message) && /true or false/.test(error.message));
    }
  });
});
