import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import type { Collector } from '../../src/collector/server.js';
import { startCollector } from '../../src/collector/server.js';
import { encodeGa4 } from '../../src/protocols/ga4/encode.js';
import { encodeUa } from '../../src/protocols/ua/encode.js';
import { hitAt } from '../helpers/hits.js';

// Hostile bodies against a real collector: it never crashes, answers only 2xx or 4xx, and
// stores a request whole (every event of it, each new or a duplicate of a stored hit id) or
// not at all.
const NOW = Date.now();
const hits = Array.from({ length: 5 }, (_, i) => hitAt(NOW - hitAt(0).timestampMs - 1000 + i, { route: `/r/${i}` }));
const [GA4] = encodeGa4(hits, { nowMs: NOW }).requests;
const [UA] = encodeUa(hits, { trackingId: 'UA-1-1', nowMs: NOW }).requests;
// /mp/batch takes an array of /mp/collect payloads (Footfall's own endpoint).
const validBodies = [GA4?.body ?? '', UA?.body ?? '', `[${GA4?.body ?? ''},${GA4?.body ?? ''}]`];

/** A valid body with a random slice replaced, or random text, or raw random bytes. */
const body = fc.oneof(
  fc.tuple(fc.constantFrom(...validBodies), fc.nat(), fc.nat({ max: 40 }), fc.string({ unit: 'binary', maxLength: 30 })).map(([text, at, cut, insert]) => {
    const start = at % Math.max(1, text.length);
    return Buffer.from(text.slice(0, start) + insert + text.slice(start + cut));
  }),
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(...validBodies).map((text) => Buffer.from(text)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
);
const target = fc.constantFrom('/mp/collect?measurement_id=G-X&api_secret=s', '/mp/collect', '/mp/batch?measurement_id=G-X&api_secret=s', '/debug/mp/collect?measurement_id=G-X&api_secret=s', '/batch', '/collect', '/debug/collect', '/debug/batch', '/api/routes');
const contentType = fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json; charset=latin1', '');

/** FOOTFALL_FUZZ_SEED (and FOOTFALL_FUZZ_PATH) replay a failure fast-check printed. */
function replay(): { seed?: number; path?: string } {
  const { FOOTFALL_FUZZ_SEED: seed, FOOTFALL_FUZZ_PATH: path } = process.env;
  if (seed === undefined) return {};
  return path === undefined ? { seed: Number(seed) } : { seed: Number(seed), path };
}

/** How many hits a stored body carries: GA4 events, or v1 lines. */
function carried(path: string, bytes: Buffer): number {
  const text = bytes.toString('utf8');
  if (path.startsWith('/mp/collect')) return (JSON.parse(text) as { events: unknown[] }).events.length;
  if (path.startsWith('/mp/batch')) return (JSON.parse(text) as { events: unknown[] }[]).reduce((sum, payload) => sum + payload.events.length, 0);
  return text.split('\n').filter((line) => line.trim() !== '').length;
}

describe('collector under fuzzed requests', () => {
  let collector: Collector;
  const dispatcher = new Agent({ connections: 4 });
  before(async () => {
    collector = await startCollector({ port: 0, memory: true, output: 'none' });
  });
  after(async () => {
    await dispatcher.close();
    await collector.close();
  });

  it('answers 2xx or 4xx, never crashes, and stores each request whole or not at all', async () => {
    await fc.assert(
      fc.asyncProperty(target, body, contentType, async (path, bytes, type) => {
        const before = await collector.store.count();
        const duplicatesBefore = collector.stats().duplicateHits;
        const droppedBefore = collector.stats().leniency.droppedEvents;
        const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
        const response = await request(`${collector.url}${path}`, { method: 'POST', headers, body: bytes, dispatcher });
        await response.body.dump();
        const stored = await collector.store.count() - before;
        // A body sent again carries hit ids already stored: those are counted, not stored twice.
        const duplicates = collector.stats().duplicateHits - duplicatesBefore;
        // Events Google's RELAXED collect would leave out (a bad name, say) are dropped and counted, not stored.
        const dropped = collector.stats().leniency.droppedEvents - droppedBefore;
        assert.ok(response.statusCode >= 200 && response.statusCode < 500, `${path} answered ${response.statusCode}`);
        const ingests = path.startsWith('/mp/collect') || path.startsWith('/mp/batch') || path === '/batch' || path === '/collect';
        if (response.statusCode >= 300 || !ingests) assert.equal(stored + duplicates + dropped, 0, `${path} ${response.statusCode} stored ${stored}`);
        else assert.equal(stored + duplicates + dropped, carried(path, bytes), `${path} stored part of a request`);
      }),
      { numRuns: Number(process.env.FOOTFALL_FUZZ_RUNS ?? 400), ...replay() },
    );
    const alive = await request(`${collector.url}/api/status`, { dispatcher });
    assert.equal(alive.statusCode, 200);
    await alive.body.dump();
  });
});
