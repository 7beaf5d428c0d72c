import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Hit } from '../../src/core/hit.js';
import { createWireFormat } from '../../src/delivery/wire-format.js';
import { collector } from '../../src/index.js';
import { encodeGa4, GA4_ENCODE_MAX_AGE_MS } from '../../src/protocols/ga4/encode.js';
import { GA4_LIMITS } from '../../src/protocols/ga4/limits.js';
import { MP_BATCH_LIMITS } from '../../src/protocols/ga4/mp-batch-limits.js';
import { packMpBatches } from '../../src/protocols/ga4/pack-mp-batch.js';
import { T0 } from '../helpers/context.js';
import { FULL_HIT } from '../helpers/hits.js';

/** `count` hits of `consumers` consumers, round robin, each its own hit id. */
function hits(count: number, consumers: number, extra: Partial<Hit> = {}): Hit[] {
  return Array.from({ length: count }, (_, i) => ({ ...FULL_HIT, hitId: `k3j9x0a1bq-${i}`, userId: `user-${i % consumers}`, ...extra }));
}

describe('packMpBatches: per-consumer GA4 bodies into /mp/batch bodies', () => {
  it('joins the bodies as they are into one JSON array, keeping every hit once and in order of the bodies', () => {
    const { requests } = encodeGa4(hits(60, 20), { nowMs: T0 });
    assert.equal(requests.length, 20);
    const batches = packMpBatches(requests);
    assert.equal(batches.length, 1);
    const batch = batches[0];
    assert.equal(batch?.body, `[${requests.map((r) => r.body).join(',')}]`);
    assert.deepEqual(JSON.parse(batch?.body ?? ''), requests.map((r) => r.payload));
    assert.deepEqual(batch?.hits, requests.flatMap((r) => r.hits));
  });

  it('starts a new batch at the payload, event or byte limit, never past one', () => {
    const { requests } = encodeGa4(hits(300, 100), { nowMs: T0 });
    const byPayloads = packMpBatches(requests, { maxBodyBytes: 10_000_000, maxPayloads: 30, maxEvents: 10_000 });
    assert.deepEqual(byPayloads.map((b) => (JSON.parse(b.body) as unknown[]).length), [30, 30, 30, 10]);
    const byEvents = packMpBatches(requests, { maxBodyBytes: 10_000_000, maxPayloads: 1_000, maxEvents: 40 });
    assert.ok(byEvents.every((b) => b.hits.length <= 40));
    assert.equal(byEvents.length, 8, 'three events per consumer, 13 consumers (39 events) per batch');
    const maxBodyBytes = 5_000;
    const byBytes = packMpBatches(requests, { maxBodyBytes, maxPayloads: 1_000, maxEvents: 10_000 });
    assert.ok(byBytes.length > 1);
    assert.ok(byBytes.every((b) => Buffer.byteLength(b.body) <= maxBodyBytes), 'each under the byte limit');
    for (const packed of [byPayloads, byEvents, byBytes]) assert.deepEqual(packed.flatMap((b) => b.hits), requests.flatMap((r) => r.hits));
  });

  it('keeps heavy hits under the collector\'s 1 MiB: 500 hits at 4 kB each go in several batches', () => {
    const heavy = hits(500, 250, { title: 'é'.repeat(300), location: `https://api.example.com/${'a'.repeat(990)}`, params: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`p${i}`, 'x'.repeat(100)])) });
    const { requests } = encodeGa4(heavy, { nowMs: T0 });
    const batches = packMpBatches(requests);
    assert.ok(batches.length >= 2, `${batches.length} batches`);
    assert.ok(batches.every((b) => Buffer.byteLength(b.body) <= MP_BATCH_LIMITS.maxBodyBytes));
    assert.equal(batches.reduce((sum, b) => sum + b.hits.length, 0), 500);
  });
});

describe('the wire format of collector(url)', () => {
  it('one group for every consumer, 500 hits a batch, to /mp/batch with the ids in the query; stale hits (72 h) are set aside', () => {
    const format = createWireFormat(collector('http://127.0.0.1:8787', { apiSecret: 'local-secret' }));
    assert.equal(format.batchSize, 500);
    const group = hits(10, 5);
    assert.deepEqual(new Set(group.map((hit) => format.groupKey(hit))).size, 1);
    const stale = { ...FULL_HIT, hitId: 'k3j9x0a1bq-old', timestampMs: T0 - GA4_ENCODE_MAX_AGE_MS - 1 };
    const { requests, stale: rejected } = format.encodeGroup([...group, stale], T0);
    assert.deepEqual(rejected, [stale]);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.url, 'http://127.0.0.1:8787/mp/batch?measurement_id=G-FOOTFALL&api_secret=local-secret');
    assert.equal((JSON.parse(requests[0]?.body ?? '') as unknown[]).length, 5, 'one payload per consumer');
    assert.equal(requests[0]?.hits.length, 10);
  });

  it('with { batch: false }, GA4\'s own format: one group per consumer, 25 events, /mp/collect', () => {
    const format = createWireFormat(collector('http://127.0.0.1:8787', { batch: false }));
    assert.equal(format.batchSize, GA4_LIMITS.maxEventsPerRequest);
    assert.equal(new Set(hits(10, 5).map((hit) => format.groupKey(hit))).size, 5);
    assert.match(format.encodeGroup(hits(2, 1), T0).requests[0]?.url ?? '', /\/mp\/collect\?/);
  });
});
