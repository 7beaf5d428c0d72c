import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import type { IngestRequest } from '../../src/collector/options.js';
import type { Collector } from '../../src/collector/server.js';
import { startCollector } from '../../src/collector/server.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { MP_BATCH_LIMITS } from '../../src/protocols/ga4/mp-batch-limits.js';
import { T0 } from '../helpers/context.js';
import { waitFor } from '../helpers/tracker.js';

// Footfall's own POST /mp/batch over real HTTP: a JSON array of /mp/collect payloads, stored
// whole or refused whole, each payload judged as /mp/collect judges it.
const IDS = 'measurement_id=G-TEST123&api_secret=s3cret';
const JSON_TYPE = { 'content-type': 'application/json' };

interface Event {
  route: string;
  hitId?: string;
}

/** One consumer's /mp/collect payload, written by hand. */
function payload(client: string, events: readonly Event[], nowMs = T0): Record<string, unknown> {
  return {
    client_id: client,
    timestamp_micros: nowMs * 1000,
    events: events.map((event) => ({ name: 'page_view', params: { api_route: event.route, api_method: 'GET', http_status: 200, duration_ms: 5, ...(event.hitId === undefined ? {} : { hit_id: event.hitId }) } })),
  };
}

/** `consumers` payloads of `perConsumer` events each, every event with its own hit id. */
function batch(consumers: number, perConsumer: number, prefix = 'k3j9x0a1bq'): Record<string, unknown>[] {
  return Array.from({ length: consumers }, (_, c) => payload(`${c}.1795953600`, Array.from({ length: perConsumer }, (_, e) => ({ route: `/v1/r${e % 3}`, hitId: `${prefix}-${c * perConsumer + e}` }))));
}

async function post(url: string, body: string): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
  const response = await request(url, { method: 'POST', headers: JSON_TYPE, body });
  const text = await response.body.text();
  return { status: response.statusCode, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

describe('collector: POST /mp/batch', () => {
  let collector: Collector;
  const requests: IngestRequest[] = [];
  const clock = createManualClock(T0);
  before(async () => {
    collector = await startCollector({ port: 0, memory: true, clock, output: 'none', onRequest: (r) => requests.push(r) });
  });
  after(() => collector.close());

  it('stores every consumer\'s hits of one batch in one request, answered 204; a retried batch is counted as duplicates and stored once', async () => {
    const before = collector.stats();
    const body = JSON.stringify(batch(40, 3, 'k3j9x0a1bq'));
    const first = await post(`${collector.url}/mp/batch?${IDS}`, body);
    assert.equal(first.status, 204);
    assert.equal(await collector.store.count(), 120);
    const endpoints = (await (await request(`${collector.url}/api/endpoints`)).body.json()) as { endpoints: { route: string; hits: number }[] };
    assert.deepEqual(endpoints.endpoints.map((e) => [e.route, e.hits]).sort(), [['/v1/r0', 40], ['/v1/r1', 40], ['/v1/r2', 40]]);
    const retried = await post(`${collector.url}/mp/batch?${IDS}`, body);
    assert.equal(retried.status, 204, 'a duplicate batch is answered like any stored one');
    await waitFor(() => requests.length >= 2, 'both requests to be over');
    assert.equal(await collector.store.count(), 120, 'nothing stored twice');
    const stats = collector.stats();
    assert.equal(stats.storedRequests - before.storedRequests, 2, 'a batch is one request');
    assert.equal(stats.storedHits - before.storedHits, 120);
    assert.equal(stats.duplicateHits - before.duplicateHits, 120);
    assert.deepEqual(requests.slice(-2).map((r) => [r.path, r.status, r.duplicates]), [['/mp/batch', 204, 0], ['/mp/batch', 204, 120]]);
  });

  it('refuses the whole batch (400) when one payload is invalid, naming its index and why: nothing stored', async () => {
    const count = await collector.store.count();
    const payloads = batch(3, 2, 'zz0invalid');
    delete payloads[2]?.client_id;
    const answer = await post(`${collector.url}/mp/batch?${IDS}`, JSON.stringify(payloads));
    assert.equal(answer.status, 400);
    assert.equal(answer.json?.payload, 2);
    assert.match(String(answer.json?.error), /^payload 2 \(of 3\): invalid Measurement Protocol payload .*nothing in the batch was stored$/);
    const messages = answer.json?.validationMessages as { fieldPath: string }[];
    assert.ok(messages.some((m) => m.fieldPath === 'client_id'), JSON.stringify(messages));
    assert.equal(await collector.store.count(), count);
  });

  it('reads each payload as /mp/collect does: over-long values are cut and counted, not refused; duplicate keys in a payload\'s own text are read', async () => {
    const before = collector.stats();
    const long = payload('77.1795953600', [{ route: '/v1/long', hitId: 'lenient001-0' }]);
    ((long.events as { params: Record<string, unknown> }[])[0] as { params: Record<string, unknown> }).params.page_title = 'x'.repeat(301);
    // The same key twice inside payload 1 (last one wins, as on /mp/collect): only its raw text shows it.
    const text = `[${JSON.stringify(long)}, ${JSON.stringify(payload('78.1795953600', [{ route: '/v1/dup', hitId: 'lenient001-1' }])).replace('"client_id":"78.1795953600"', '"client_id":"x","client_id":"78.1795953600"')}]`;
    const answer = await post(`${collector.url}/mp/batch?${IDS}`, text);
    assert.equal(answer.status, 204, JSON.stringify(answer.json));
    assert.equal(collector.stats().leniency.cutValues - before.leniency.cutValues, 1);
    const hits = await collector.store.recentHits(2);
    assert.deepEqual(hits.map((hit) => [hit.route, hit.client]).sort(), [['/v1/dup', '78.1795953600'], ['/v1/long', '77.1795953600']]);
  });

  it('refuses what is not a batch (400): not JSON, not an array, an empty array', async () => {
    const count = await collector.store.count();
    for (const [body, pattern] of [['{"client_id":"1.2","events":[]', /not JSON/], [JSON.stringify(payload('1.2', [{ route: '/a' }])), /not a JSON array/], ['[]', /empty/]] as const) {
      const answer = await post(`${collector.url}/mp/batch?${IDS}`, body);
      assert.equal(answer.status, 400, body);
      assert.match(String(answer.json?.error), pattern);
    }
    assert.equal(await collector.store.count(), count);
  });

  it('refuses over its limits with 413 and says which: payloads, events, one payload\'s bytes, the body\'s bytes; nothing stored', async () => {
    const count = await collector.store.count();
    const tooMany = await post(`${collector.url}/mp/batch?${IDS}`, JSON.stringify(batch(MP_BATCH_LIMITS.maxPayloads + 1, 1, 'toomany001')));
    assert.equal(tooMany.status, 413);
    assert.match(String(tooMany.json?.error), /1001 payloads; \/mp\/batch takes at most 1000/);
    const events = Math.ceil((MP_BATCH_LIMITS.maxEvents + 1) / 25);
    const tooManyEvents = await post(`${collector.url}/mp/batch?${IDS}`, JSON.stringify(batch(events, 25, 'toomany002')));
    assert.equal(tooManyEvents.status, 413);
    assert.match(String(tooManyEvents.json?.error), /events; \/mp\/batch takes at most 5000/);
    const fat = payload('9.1795953600', [{ route: '/v1/fat', hitId: 'toomany003-0' }]);
    ((fat.events as { params: Record<string, unknown> }[])[0] as { params: Record<string, unknown> }).params.note = 'x'.repeat(131_000);
    const fatPayload = await post(`${collector.url}/mp/batch?${IDS}`, JSON.stringify([payload('8.1795953600', [{ route: '/v1/ok' }]), fat]));
    assert.equal(fatPayload.status, 413);
    assert.equal(fatPayload.json?.payload, 1);
    assert.match(String(fatPayload.json?.error), /^payload 1 is \d+ bytes; each payload takes at most 130000 bytes/);
    const huge = JSON.stringify(Array.from({ length: 9 }, () => fat));
    assert.ok(huge.length > MP_BATCH_LIMITS.maxBodyBytes);
    const hugeAnswer = await post(`${collector.url}/mp/batch?${IDS}`, huge);
    assert.equal(hugeAnswer.status, 413);
    assert.match(String(hugeAnswer.json?.error), /at most 1048576 bytes/);
    assert.equal(await collector.store.count(), count);
  });

  it('takes up to the limits: 1 000 payloads and 5 000 events in one batch are stored', async () => {
    const count = await collector.store.count();
    const answer = await post(`${collector.url}/mp/batch?${IDS}`, JSON.stringify(batch(MP_BATCH_LIMITS.maxPayloads, 5, 'atlimit001')));
    assert.equal(answer.status, 204, JSON.stringify(answer.json));
    assert.equal(await collector.store.count(), count + 5_000);
  });

  it('/debug/mp/batch answers each payload\'s validation messages under its index and stores nothing', async () => {
    const count = await collector.store.count();
    const payloads = batch(2, 1, 'debug00001');
    delete payloads[1]?.client_id;
    const answer = await post(`${collector.url}/debug/mp/batch?${IDS}`, JSON.stringify(payloads));
    assert.equal(answer.status, 200);
    const messages = answer.json?.validationMessages as { fieldPath: string; validationCode: string }[];
    assert.ok(messages.length > 0 && messages.every((m) => m.fieldPath.startsWith('[1]')), JSON.stringify(messages));
    assert.ok(messages.some((m) => m.fieldPath === '[1].client_id'), JSON.stringify(messages));
    assert.equal(await collector.store.count(), count);
  });
});

describe('collector: /mp/batch checks the query as /mp/collect does, and misbehaves per request', () => {
  it('a wrong api_secret is refused 403, a missing measurement_id 400; nothing stored', async () => {
    const collector = await startCollector({ port: 0, memory: true, clock: createManualClock(T0), output: 'none', apiSecret: 'the-right-secret' });
    try {
      const body = JSON.stringify(batch(2, 1, 'secret0001'));
      const wrong = await post(`${collector.url}/mp/batch?measurement_id=G-TEST123&api_secret=another`, body);
      assert.equal(wrong.status, 403);
      assert.match(String(wrong.json?.error), /api_secret does not match/);
      assert.equal((await post(`${collector.url}/mp/batch?api_secret=the-right-secret`, body)).status, 400);
      assert.equal(await collector.store.count(), 0);
      assert.equal((await post(`${collector.url}/mp/batch?measurement_id=G-TEST123&api_secret=the-right-secret`, body)).status, 204);
      assert.equal(await collector.store.count(), 2);
    } finally {
      await collector.close();
    }
  });

  it('--fail-rate 1 answers every batch 500 and stores nothing', async () => {
    const collector = await startCollector({ port: 0, memory: true, clock: createManualClock(T0), output: 'none', failRate: 1 });
    try {
      const answer = await post(`${collector.url}/mp/batch?${IDS}`, JSON.stringify(batch(3, 1, 'faults0001')));
      assert.equal(answer.status, 500);
      assert.equal(await collector.store.count(), 0);
      assert.equal(collector.stats().faults, 1);
    } finally {
      await collector.close();
    }
  });
});
